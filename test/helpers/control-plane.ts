// End-to-end harness: runs the real `flotilla up` as a child process, the way a user does,
// and the real kubectl against it.

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { accessSync, constants, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FLOTILLA_BIN = join(PROJECT_ROOT, 'cli/bin/flotilla.mjs');

const RUNNING = /^Flotilla is running at https:\/\/127\.0\.0\.1:(\d+)\s*$/m;
const EXPORT = /^export KUBECONFIG=(.+)$/m;

export interface StartOptions {
  /** Reused as is (and kept); a fresh temporary one otherwise (removed by stop()). */
  dataDir?: string;
  /** 0 (default) lets `up` pick a free port. */
  port?: number;
  /** Extra environment for `up` (e.g. FLOTILLA_CRON_INTERVAL). */
  env?: Record<string, string>;
  /** How long `up` may take to print its running line. */
  startTimeoutMs?: number;
  /** Simulated member clusters (`--members`); 0 (default) runs the control plane alone. */
  members?: number;
  /** Real member clusters (`--real-members`) instead of simulated ones. */
  realMembers?: number;
}

export interface KubectlOptions {
  /** Written to kubectl's stdin (for `-f -`). */
  input?: string;
  /** Resolve with a non-zero exit code instead of rejecting. */
  allowFail?: boolean;
  timeoutMs?: number;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ControlPlane {
  /** The API port (changes only if a restart could not get it back). */
  readonly port: number;
  readonly url: string;
  /** Absolute path of the admin kubeconfig `up` printed. */
  readonly kubeconfig: string;
  readonly dataDir: string;
  /** The CA certificate (PEM) the API's serving certificate chains to. */
  readonly ca: string;
  /** The kubectl binary `kubectl()` runs, for tests that spawn it themselves (watches). */
  readonly kubectlPath: string;
  /** Pid of the running `flotilla up`. */
  readonly pid: number;
  /** Everything `up` printed so far (stdout and stderr interleaved), for failure messages. */
  output(): string;
  kubectl(args: string[], opts?: KubectlOptions): Promise<KubectlResult>;
  /** SIGTERM, wait for exit (SIGKILL after 30 s); resolves to `up`'s exit code. */
  stop(): Promise<number | null>;
  /** Stops and starts `up` again on the same data dir and port (with another member count if given). */
  restart(opts?: { members?: number }): Promise<void>;
}

export interface UpProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves once `up` printed its export line; rejects if it exits or times out first. */
  running(timeoutMs: number): Promise<{ port: number; kubeconfig: string }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `node cli/bin/flotilla.mjs up ARGS`; the building block of startControlPlane. */
export function spawnUp(args: string[], env: Record<string, string> = {}): UpProcess {
  const child = spawn(process.execPath, [FLOTILLA_BIN, 'up', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer): void => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
      for (const l of listeners) l();
    }),
  );
  return {
    child,
    output: () => out,
    exited,
    running(timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`flotilla up did not report running within ${timeoutMs} ms:\n${out}`));
        }, timeoutMs);
        const check = (): void => {
          const port = RUNNING.exec(out)?.[1];
          const kubeconfig = EXPORT.exec(out)?.[1];
          if (port && kubeconfig) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve({ port: Number(port), kubeconfig: kubeconfig.trim() });
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            listeners.delete(check);
            reject(new Error(`flotilla up exited (${child.exitCode ?? child.signalCode}) before running:\n${out}`));
          }
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/**
 * The kubectl to run: `kubectl.1.33` beside the real binary behind the `kubectl` on PATH
 * (Google Cloud SDK's dispatcher would otherwise pick a version per server), else `kubectl`.
 */
export function kubectlBinary(): string {
  const onPath = findOnPath('kubectl');
  if (onPath) {
    const pinned = join(dirname(realpathSync(onPath)), 'kubectl.1.33');
    if (isExecutable(pinned)) return pinned;
  }
  return 'kubectl';
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
/** A test run that dies must not leave control planes behind. */
function track(child: ChildProcess): void {
  liveChildren.add(child);
  child.on('exit', () => liveChildren.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of liveChildren) c.kill('SIGTERM');
  });
}

/** Whether nothing listens on `port` of the loopback address right now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * The first of `size` free ports in a row, below the OS's ephemeral range (32768 and up on
 * Linux). Members listen on the ports after the API's; when the OS picked the API's port from
 * the ephemeral range, any outgoing connection could take a neighbour between `up` checking
 * it and a member binding it (seen: a real member's kube-apiserver failing to bind).
 * 0 (let `up` pick) if no such block turns up.
 */
async function freePortBlock(size: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 15_000 + Math.floor(Math.random() * (32_000 - 15_000 - size));
    let free = true;
    for (let p = base; p < base + size && free; p++) free = await portFree(p);
    if (free) return base;
  }
  return 0;
}

export async function startControlPlane(options: StartOptions = {}): Promise<ControlPlane> {
  const scratch = mkdtempSync(join(tmpdir(), 'flotilla-e2e-'));
  const dataDir = options.dataDir ?? join(scratch, 'data');
  const kubeCache = join(scratch, 'kube-cache');
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  const kubectlPath = kubectlBinary();

  let up: UpProcess;
  // Room for the members asked for, and for a restart with a few more.
  const memberCount = (options.members ?? 0) + (options.realMembers ?? 0);
  let port = options.port ?? (await freePortBlock(Math.max(memberCount, 6) + 1));
  let kubeconfig = '';
  let members = options.members ?? 0;

  const launch = async (): Promise<void> => {
    up = spawnUp(['--data-dir', dataDir, '--port', String(port), '--members', String(members), ...(options.realMembers ? ['--real-members', String(options.realMembers)] : [])], options.env);
    track(up.child);
    try {
      ({ port, kubeconfig } = await up.running(startTimeoutMs));
    } catch (err) {
      up.child.kill('SIGKILL');
      throw err;
    }
  };

  const terminate = async (): Promise<number | null> => {
    if (up.child.exitCode !== null || up.child.signalCode !== null) return up.child.exitCode;
    up.child.kill('SIGTERM');
    const killer = setTimeout(() => up.child.kill('SIGKILL'), 30_000);
    const { code } = await up.exited;
    clearTimeout(killer);
    return code;
  };

  await launch();

  return {
    get port() {
      return port;
    },
    get url() {
      return `https://127.0.0.1:${port}`;
    },
    get kubeconfig() {
      return kubeconfig;
    },
    dataDir,
    get ca() {
      return readFileSync(join(dataDir, 'pki/ca.crt'), 'utf8');
    },
    kubectlPath,
    get pid() {
      return up.child.pid ?? -1;
    },
    output: () => up.output(),
    kubectl(args, opts = {}) {
      return runKubectl(kubectlPath, ['--kubeconfig', kubeconfig, '--cache-dir', kubeCache, ...args], opts);
    },
    async stop() {
      const code = await terminate();
      // The scratch dir holds kubectl's cache and, unless the caller gave one, the data dir.
      rmSync(scratch, { recursive: true, force: true });
      return code;
    },
    async restart(opts = {}) {
      members = opts.members ?? members;
      const code = await terminate();
      if (code !== 0) throw new Error(`flotilla up exited with ${code} when stopped:\n${up.output()}`);
      await launch();
    },
  };
}

function runKubectl(bin: string, args: string[], opts: KubectlOptions): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: PROJECT_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code: code ?? (signal ? 128 : 1), stdout, stderr };
      if (result.code !== 0 && !opts.allowFail) {
        reject(new Error(`kubectl ${args.slice(4).join(' ')} exited ${result.code}${signal ? ` (${signal}, after ${timeoutMs} ms?)` : ''}:\n${stderr || stdout}`));
      } else {
        resolve(result);
      }
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs kubectl and returns its stdout, throwing with its stderr when it fails. */
export async function kubectlOk(cp: Pick<ControlPlane, 'kubectl'>, args: string[], opts?: KubectlOptions): Promise<string> {
  const r = await cp.kubectl(args, opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}
