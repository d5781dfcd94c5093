// One simulated member cluster inside the member host: Flotilla's own API server in member
// mode (built-in kinds only, its own libSQL file, certificate and admin token) served by
// @hono/node-server over HTTPS, with the simulator's reconcilers driven in-process.

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createClient, type Client } from '@libsql/client';
import { getRequestListener } from '@hono/node-server';
import { ControllerManager } from '../../cron/manager.js';
import type { Reconciler } from '../../cron/reconciler.js';
import { registerNodes } from '../../cron/simulator/node-registration.js';
import { Store } from '../../db/store.js';
import { createApp, ensureBootstrap } from '../../functions/app.js';
import type { Registry } from '../../shared/registry/index.js';
import { desiredNodes } from '../../shared/simulator/nodes.js';
import type { SimulatorSettings } from '../../shared/simulator/settings.js';
import { migrateDatabase } from '../migrate.js';
import { InProcessQueue } from './in-process-queue.js';
import type { MemberFiles } from './member-files.js';
import type { MemberRecord } from './member-set.js';

export interface MemberServerOptions {
  record: MemberRecord;
  files: MemberFiles;
  settings: SimulatorSettings;
  /** Shared by every member of the host: pure data. */
  registry: Registry;
  reconcilers: readonly Reconciler[];
  /** The control plane's CA, which signed the member's certificate: ca.crt of its token Secrets. */
  caCertPem: string;
  host: string;
  log: (line: string) => void;
}

export interface RunningMember {
  name: string;
  url: string;
  port: number;
  /** The slow periodic pass: lost timers, resync, compaction. */
  tick(): Promise<void>;
  /** Waits until the reconcile queue is empty (tests). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** The dispatcher's lease row of a member that died holding it; the member host is its only dispatcher. */
const LEASE = 'dispatcher_lease';

async function openDatabase(file: string): Promise<Client> {
  // One connection: in-process SQLite runs each statement synchronously, so a second one adds
  // no throughput, and the pragmas below are per connection (a pool would open some without).
  const client = createClient({ url: `file:${file}`, concurrency: 1 });
  await client.execute('PRAGMA journal_mode = WAL');
  await client.execute('PRAGMA busy_timeout = 5000');
  // A simulated cluster's state may lose its last writes to a power cut, not to a crash (WAL);
  // skipping the fsync per commit is what lets a hundred members start in seconds.
  await client.execute('PRAGMA synchronous = NORMAL');
  // A small page cache: a hundred idle members must not each hold SQLite's default 2 MiB.
  await client.execute('PRAGMA cache_size = -256');
  return client;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${port} on ${host} is already in use`) : err);
    };
    server.once('error', onError);
    server.listen({ port, host, exclusive: true }, () => {
      server.removeListener('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startMemberServer(opts: MemberServerOptions): Promise<RunningMember> {
  const { record, files, settings, registry } = opts;
  const client = await openDatabase(files.database);
  let server: Server | undefined;
  let queue: InProcessQueue | undefined;
  try {
    await migrateDatabase(client);
    await client.execute({ sql: 'DELETE FROM meta WHERE key = :k', args: { k: LEASE } });
    const q: InProcessQueue = new InProcessQueue({
      client,
      deliver: (messages): Promise<void> => manager.onQueue(messages),
      onError: (err) => opts.log(`reconcile failed: ${(err as Error).message}`),
    });
    queue = q;
    const store = new Store(client, { fieldsOf: registry.fieldsOf, onCommit: () => q.nudge() });
    const tokenSigningKey = readFileSync(files.tokenSigningKey, 'utf8').trim();
    const manager: ControllerManager = new ControllerManager({
      store,
      registry,
      reconcilers: opts.reconcilers,
      queue: q,
      serviceAccountTokens: { signingKey: tokenSigningKey, caCertPem: opts.caCertPem },
    });
    await ensureBootstrap(store, { registry });
    await registerNodes(
      manager.ctx,
      desiredNodes(record.nodes, {
        member: record.name,
        memberIndex: settings.memberIndex,
        ...(record.region ? { region: record.region } : {}),
        ...(record.zone ? { zone: record.zone } : {}),
        now: Date.now(),
      }),
    );
    await q.rearm();
    q.nudge();

    const app = createApp({
      store,
      registry,
      config: {
        adminTokenSha256: readFileSync(files.adminTokenHash, 'utf8').trim(),
        tokenSigningKey,
      },
    });
    const s = createServer(
      { key: readFileSync(files.servingKey), cert: readFileSync(files.servingCert) },
      getRequestListener((request) => app.fetch(request)),
    );
    server = s;
    const port = await listen(s, record.port, opts.host);
    return {
      name: record.name,
      port,
      url: `https://${opts.host}:${port}`,
      tick: () => manager.onTick(),
      idle: () => q.idle(),
      async close() {
        s.close();
        // Watches hold their connections open; a stopping member ends them.
        s.closeAllConnections();
        await q.stop();
        client.close();
      },
    };
  } catch (err) {
    server?.close();
    await queue?.stop();
    client.close();
    throw err;
  }
}
