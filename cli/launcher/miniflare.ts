// Runs the bundled worker in workerd through Miniflare, serving HTTPS on loopback.

import { createRequire } from 'node:module';
import type * as MiniflareModule from 'miniflare';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createInterface } from 'node:readline';
import type { WranglerConfig } from './wrangler-config.js';

/** The worker's env: the contract functions/worker.ts is written to. */
export interface WorkerEnv {
  /** http URL of the libSQL (Hrana over HTTP) server. */
  DB_URL: string;
  DB_AUTH_TOKEN?: string;
  /** Hex SHA-256 of the admin bearer token. */
  ADMIN_TOKEN_SHA256: string;
  /** Base64 secret for signing ServiceAccount tokens. */
  TOKEN_SIGNING_KEY: string;
  FLOTILLA_MODE: 'control-plane';
  /** PEM of the local CA, for the ca.crt of ServiceAccount token Secrets. */
  CLUSTER_CA_CERT?: string;
  /** "true": ClusterTaintPolicies may add NoExecute taints (failover on). */
  ALLOW_NO_EXECUTE_TAINT_POLICY?: string;
  /** JSON of failover settings (shared/failover/settings.ts). */
  FAILOVER_SETTINGS?: string;
}

export interface StartWorkerOptions {
  scriptPath: string;
  config: WranglerConfig;
  env: WorkerEnv;
  host: string;
  port: number;
  httpsKey: string;
  httpsCert: string;
  verbose: boolean;
  /** Miniflare's scratch folder (emptied at start and after stop); ours, not the system's. */
  tmpDir: string;
  /** Where the worker's console lines go (stderr of `up`). */
  onWorkerOutput: (line: string) => void;
  /** Node-side handlers the worker reaches as `env.NAME.fetch(...)` (e.g. AUDIT, which writes files). */
  serviceBindings?: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>;
}

export interface ScheduledResult {
  outcome: string;
}

interface ScheduledFetcher {
  scheduled(options: { cron: string; scheduledTime?: Date }): Promise<{ outcome?: unknown }>;
}

export interface RunningWorker {
  url: URL;
  port: number;
  /** Runs the worker's `scheduled` handler once, as a Cron Trigger would. */
  scheduled(cron: string): Promise<ScheduledResult>;
  close(): Promise<void>;
}

// Loaded with require: through tsx's ESM hooks, this large CommonJS package and its
// dependencies took about a second longer to load, on every start.
const { Log, LogLevel, Miniflare } = createRequire(import.meta.url)('miniflare') as typeof MiniflareModule;

const TAKEN_OVER_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** The caller must handle SIGINT and SIGTERM and call `close()` (see below why). */
export async function startWorker(opts: StartWorkerOptions): Promise<RunningWorker> {
  const { config } = opts;
  const bindings: Record<string, string> = { ...config.vars };
  for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) bindings[k] = v;
  const options: MiniflareModule.MiniflareOptions = {
    modules: true,
    scriptPath: opts.scriptPath,
    // Module names are paths relative to this root; the default (cwd) would make them
    // '../..' paths when the data dir lies elsewhere, which workerd refuses.
    modulesRoot: dirname(opts.scriptPath),
    compatibilityDate: config.compatibilityDate,
    compatibilityFlags: config.compatibilityFlags,
    bindings,
    // Each binding names a class of the worker itself; Miniflare runs them in the same workerd.
    durableObjects: Object.fromEntries((config.durableObjects ?? []).map((d) => [d.binding, d.className])),
    serviceBindings: Object.fromEntries(Object.entries(opts.serviceBindings ?? {}).map(([name, node]) => [name, { node }])),
    queueProducers: Object.fromEntries(config.queueProducers.map((p) => [p.binding, { queueName: p.queue }])),
    queueConsumers: Object.fromEntries(
      config.queueConsumers.map(({ queue, ...settings }) => [
        queue,
        Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)),
      ]),
    ),
    host: opts.host,
    port: opts.port,
    https: true,
    httpsKey: opts.httpsKey,
    httpsCert: opts.httpsCert,
    // Offline machines: no fetch of Cloudflare's request.cf data, no telemetry.
    cf: false,
    telemetry: { enabled: false },
    log: new Log(opts.verbose ? LogLevel.INFO : LogLevel.WARN, { prefix: 'miniflare' }),
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      // console.log of the worker is debug output: only with --verbose. Errors always.
      if (opts.verbose) forwardLines(stdout, opts.onWorkerOutput);
      else stdout.resume();
      forwardLines(stderr, opts.onWorkerOutput);
    },
  };
  const signalListenersBefore = new Map(TAKEN_OVER_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const mf = constructWithTmpDir(opts.tmpDir, () => new Miniflare(options));
  const removeTmp = (): void => rmSync(opts.tmpDir, { recursive: true, force: true });
  // Miniflare's exit hook answers SIGINT/SIGTERM with process.exit(130/143) right away, which
  // would cut our orderly stop short (database server, lock, exit status 0). The launcher
  // handles those signals and disposes Miniflare itself; Miniflare's 'exit' hook stays as the
  // safety net that kills workerd if the process dies some other way.
  for (const s of TAKEN_OVER_SIGNALS) {
    for (const listener of process.listeners(s)) {
      if (!signalListenersBefore.get(s)?.has(listener)) process.removeListener(s, listener);
    }
  }
  let url: URL;
  try {
    url = await mf.ready;
  } catch (err) {
    await mf.dispose().catch(() => undefined);
    removeTmp();
    const message = (err as Error).message;
    const hint = /address already in use|EADDRINUSE|bind/i.test(message)
      ? ` (is port ${opts.port} taken? --port 0 picks a free one)`
      : '';
    throw new Error(`the worker runtime failed to start: ${message}${hint}`);
  }
  let disposed = false;
  return {
    url,
    port: Number(url.port),
    async scheduled(cron) {
      // Typed by @cloudflare/workers-types, which this Node-side code does not install.
      const worker = (await mf.getWorker()) as unknown as ScheduledFetcher;
      const result = await worker.scheduled({ cron });
      return { outcome: String(result.outcome ?? 'unknown') };
    },
    async close() {
      if (disposed) return;
      disposed = true;
      try {
        await mf.dispose();
      } finally {
        removeTmp();
      }
    },
  };
}

/**
 * Miniflare makes a scratch folder under os.tmpdir() in its constructor and deletes it
 * fire-and-forget on dispose, which an exiting process never finishes: every stop would leave
 * one in /tmp. So the constructor sees a folder of ours as TMPDIR, and we empty that one.
 */
function constructWithTmpDir<T>(tmpDir: string, construct: () => T): T {
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = tmpDir;
  try {
    return construct();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

function forwardLines(stream: Readable, sink: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
    if (line.trim()) sink(line);
  });
}
