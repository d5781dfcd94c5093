// Brings a local control plane up, step by step, and takes it down again: the libSQL server on
// DIR/state.db, the schema migration, the worker bundle under Miniflare over HTTPS, the
// kubeconfig, readiness, the cron ticker. `flotilla up` drives it; tests may too.

import { randomBytes } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import { migrateDatabase } from '../migrate.js';
import { startLibsqlServer, type LibsqlServer } from '../libsql-server/server.js';
import { auditBindingHandler, RotatingLog } from './audit-sink.js';
import { createMemberGateway } from '../member-gateway/gateway.js';
import { workerEventsSink } from '../member-gateway/member-events-sink.js';
import { ensureCertificates } from './certificates.js';
import { ensureOpenApiCode, ensureProtobufCode, OPENAPI_GENERATOR, OPENAPI_OUTPUT, PROTOBUF_GENERATOR, PROTOBUF_OUTPUT } from './codegen.js';
import { startCronTicker } from './cron-ticker.js';
import { prepareDataDir } from './data-dir.js';
import { writeKubeconfig, readKubeconfigToken } from './kubeconfig.js';
import { acquireLock } from './lock.js';
import { childPids } from './processes.js';
import { startWorker, type RunningWorker, type WorkerEnv } from './miniflare.js';
import { assertPortFree, LOOPBACK } from './ports.js';
import { waitForReady } from './readiness.js';
import type { StatusReporter } from './status.js';
import { ensureAdminToken, ensureTokenSigningKey } from './tokens.js';
import { bundleWorker } from './worker-bundle.js';
import { readWranglerConfig } from './wrangler-config.js';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface LaunchOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  cronIntervalMs: number;
  readyTimeoutMs: number;
  verbose: boolean;
  /** Bundle this instead of wrangler.toml's `main` (relative to the project root). */
  workerEntry?: string;
  reporter: StatusReporter;
  /** Aborting stops the start between steps; what was started is then stopped again. */
  signal: AbortSignal;
  /** The worker's console and error lines. */
  onWorkerOutput: (line: string) => void;
  /** Failover switches for the worker (`up --no-failover`, `--default-not-ready-toleration-seconds`). */
  failover?: { enabled: boolean; defaultNotReadyTolerationSeconds: number };
}

export interface ControlPlane {
  url: string;
  port: number;
  dataDir: string;
  kubeconfig: string;
  caFingerprint: string;
  /** Stops the ticker, the worker and the database server, then releases the lock. */
  stop(): Promise<void>;
}

/** Closers of what has started, run newest first; each runs once even if stop is re-entered. */
class Teardown {
  private readonly closers: { name: string; close: () => Promise<void> | void }[] = [];
  add(name: string, close: () => Promise<void> | void): void {
    this.closers.push({ name, close });
  }
  async run(onError: (name: string, err: unknown) => void, onDone?: (name: string, ms: number) => void): Promise<void> {
    for (let c = this.closers.pop(); c; c = this.closers.pop()) {
      const started = performance.now();
      try {
        await c.close();
        onDone?.(c.name, Math.round(performance.now() - started));
      } catch (err) {
        onError(c.name, err);
      }
    }
  }
}

export async function launchControlPlane(opts: LaunchOptions): Promise<ControlPlane> {
  const { reporter: r, signal } = opts;
  const teardown = new Teardown();
  const stop = (): Promise<void> =>
    teardown.run(
      (name, err) => r.warn(`stopping ${name}: ${(err as Error).message}`),
      opts.verbose ? (name, ms) => r.info(`  stopped ${name} (${ms} ms)`) : undefined,
    );
  const checkpoint = (): void => signal.throwIfAborted();
  try {
    const files = prepareDataDir(opts.dataDir);
    const lock = acquireLock(files.lock, files.root);
    teardown.add('lock', () => lock.release());
    if (lock.tookOverFrom) {
      const { pid, killedWorkerd } = lock.tookOverFrom;
      r.info(`· took over the lock of pid ${pid}, which is gone${killedWorkerd ? ` (ended ${killedWorkerd} workerd it left running)` : ''}`);
    }
    const config = readWranglerConfig(join(PROJECT_ROOT, 'wrangler.toml'));
    const entry = resolveEntry(opts.workerEntry ?? config.main);

    const certs = await r.step('certificates', () => ensureCertificates(files), (c) =>
      [c.caCreated ? 'new CA' : 'CA reused', c.servingIssued ? 'serving cert issued' : 'serving cert reused'].join(', '),
    );
    const admin = ensureAdminToken(files.adminTokenHash, readKubeconfigToken(files.kubeconfig));
    const signing = ensureTokenSigningKey(files.tokenSigningKey);
    if (admin.origin === 'rotated') {
      r.warn(`the admin token in ${files.kubeconfig} was missing or did not match; a new one was issued`);
    }
    r.info(`✓ admin token — ${admin.origin}${signing.created ? ', token signing key created' : ''}`);
    await assertPortFree(LOOPBACK, opts.port);
    checkpoint();

    // The generator prints progress lines; a first run downloads Kubernetes' protos.
    const codegenLog = opts.verbose ? (line: string) => r.info(`  ${line}`) : undefined;
    await r.step('build-time code', () => ensureProtobufCode(PROJECT_ROOT, codegenLog), (o) =>
      o === 'present' ? `${PROTOBUF_OUTPUT} current` : o === 'generated' ? `ran ${PROTOBUF_GENERATOR}` : 'no generator',
    );
    await r.step('OpenAPI schemas', () => ensureOpenApiCode(PROJECT_ROOT, codegenLog), (o) =>
      o === 'present' ? `${OPENAPI_OUTPUT} current` : o === 'generated' ? `ran ${OPENAPI_GENERATOR}` : 'no generator',
    );
    checkpoint();

    // Independent, so concurrent: bundling is CPU in esbuild's process, the rest is I/O.
    const dbAuthToken = randomBytes(24).toString('base64url');
    const [bundle, db] = await settleAll([
      r.step('worker bundled', () => bundleWorker(entry, files.cacheDir, PROJECT_ROOT), (b) =>
        `${Math.round(b.bytes / 1024)} KiB${b.reused ? ', sources unchanged since the last start' : ''}`,
      ),
      r.step('libSQL server', async () => {
        const server: LibsqlServer = await startLibsqlServer({ file: files.database, host: LOOPBACK, port: 0, authToken: dbAuthToken });
        teardown.add('libSQL server', () => server.close());
        return server;
      }, (s) => `${s.url} on ${files.database}`),
    ]);
    checkpoint();
    await r.step('database migrated', async () => {
      const client = createClient({ url: db.url, authToken: dbAuthToken });
      try {
        await migrateDatabase(client);
      } finally {
        client.close();
      }
    });
    checkpoint();

    const env: WorkerEnv = {
      DB_URL: db.url,
      DB_AUTH_TOKEN: dbAuthToken,
      ADMIN_TOKEN_SHA256: admin.sha256,
      TOKEN_SIGNING_KEY: signing.key,
      FLOTILLA_MODE: 'control-plane',
      CLUSTER_CA_CERT: certs.caCertPem,
      ...(opts.failover
        ? {
            ALLOW_NO_EXECUTE_TAINT_POLICY: String(opts.failover.enabled),
            FAILOVER_SETTINGS: JSON.stringify({ enableNoExecuteTaintEviction: opts.failover.enabled, defaultNotReadyTolerationSeconds: opts.failover.defaultNotReadyTolerationSeconds }),
          }
        : {}),
    };
    const auditLog = new RotatingLog(files.auditLog);
    const gateway = createMemberGateway();
    teardown.add('member gateway', () => gateway.close());
    const worker: RunningWorker = await r.step('API serving', async () => {
      const w = await startWorker({
        scriptPath: bundle.scriptPath,
        config,
        env,
        host: LOOPBACK,
        port: opts.port,
        httpsKey: certs.servingKeyPem,
        httpsCert: certs.servingCertPem,
        verbose: opts.verbose,
        tmpDir: join(files.cacheDir, 'miniflare'),
        onWorkerOutput: opts.onWorkerOutput,
        serviceBindings: {
          AUDIT: auditBindingHandler(auditLog, (err) => r.warn(`audit log: ${err.message}`)),
          // Members behind a private CA or a proxy: workerd's fetch cannot reach them, Node can.
          MEMBER_GATEWAY: (req, res) => gateway.handle(req, res),
        },
      });
      teardown.add('worker', () => w.close());
      lock.recordWorkerd(childPids(process.pid, 'workerd'));
      return w;
    }, (w) => `https://${LOOPBACK}:${w.port} (workerd via Miniflare)`);
    const url = `https://${LOOPBACK}:${worker.port}`;
    checkpoint();

    const written = writeKubeconfig(files.kubeconfig, { server: url, caCertPem: certs.caCertPem, token: admin.token });
    admin.persist();
    r.info(`✓ kubeconfig — ${written.changed ? 'written' : 'unchanged'}: ${files.kubeconfig}`);

    await r.step('ready', () => waitForReady({ url: `${url}/readyz`, ca: certs.caCertPem, timeoutMs: opts.readyTimeoutMs, signal }), (x) =>
      `/readyz answered 200 after ${x.attempts} ${x.attempts === 1 ? 'try' : 'tries'}`,
    );

    // Member watches report to the worker's member-events route, now that it answers.
    const events = workerEventsSink({ url, caCertPem: certs.caCertPem, token: admin.token });
    teardown.add('member watches', () => {
      gateway.stopWatching();
      events.close();
    });
    gateway.watchMembers(events.sink, (m) => r.warn(m));

    const cron = config.crons[0] ?? '* * * * *';
    let warnedAt = 0;
    const ticker = startCronTicker({
      intervalMs: opts.cronIntervalMs,
      tick: () => worker.scheduled(cron),
      onError(err, failures) {
        // A failing tick repeats every few seconds: say it once, then every 10th time.
        if (failures === 1 || failures - warnedAt >= 10 || opts.verbose) {
          warnedAt = failures;
          r.warn(`cron tick failed (${failures}×): ${(err as Error).message}`);
        }
      },
    });
    teardown.add('cron ticker', () => ticker.stop());
    r.info(`✓ cron ticker — scheduled('${cron}') every ${opts.cronIntervalMs / 1000} s`);

    return { url, port: worker.port, dataDir: files.root, kubeconfig: files.kubeconfig, caFingerprint: certs.caFingerprint, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function resolveEntry(entry: string): string {
  return isAbsolute(entry) ? entry : resolve(PROJECT_ROOT, entry);
}

/**
 * Like Promise.all, but waits for every step to settle before throwing, so a step that
 * succeeds after its sibling failed has registered its closer before teardown runs.
 */
async function settleAll<A, B>(steps: [Promise<A>, Promise<B>]): Promise<[A, B]> {
  const [a, b] = await Promise.allSettled(steps);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return [a.value, b.value];
}
