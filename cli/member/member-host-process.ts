// The member host as `up` runs it: one child process serving every demo member, started
// after the member set is prepared, ready once each member's /readyz answers 200 over TLS
// checked against the control plane's CA, stopped with SIGTERM (or by its stdin closing,
// should `up` die without stopping it).

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitForReady } from '../launcher/readiness.js';
import type { SimulatorSettings } from '../../shared/simulator/settings.js';
import type { MemberRecord } from './member-set.js';

export const HOST_ENTRY = fileURLToPath(new URL('./host-entry.mjs', import.meta.url));

export interface MemberHostOptions {
  dataDir: string;
  members: readonly MemberRecord[];
  caCertPem: string;
  delays: Partial<Pick<SimulatorSettings, 'podStartDelayMs' | 'jobDurationMs' | 'loadBalancerDelayMs' | 'volumeBindDelayMs'>>;
  readyTimeoutMs: number;
  signal?: AbortSignal;
  /** The host's log lines (its stderr), as they come. */
  onOutput: (line: string) => void;
}

export interface MemberHost {
  pid: number;
  stop(): Promise<void>;
}

function hostArgs(opts: MemberHostOptions): string[] {
  const args = [HOST_ENTRY, '--data-dir', opts.dataDir];
  const flags: Array<[string, number | undefined]> = [
    ['--pod-start-delay-ms', opts.delays.podStartDelayMs],
    ['--job-duration-ms', opts.delays.jobDurationMs],
    ['--load-balancer-delay-ms', opts.delays.loadBalancerDelayMs],
    ['--volume-bind-delay-ms', opts.delays.volumeBindDelayMs],
  ];
  for (const [flag, value] of flags) if (value !== undefined) args.push(flag, String(value));
  return args;
}

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffer = '';
  stream.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let i: number;
    while ((i = buffer.indexOf('\n')) >= 0) {
      onLine(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
    }
  });
}

export async function startMemberHost(opts: MemberHostOptions): Promise<MemberHost> {
  const child: ChildProcess = spawn(process.execPath, hostArgs(opts), { stdio: ['pipe', 'pipe', 'pipe'] });
  const recent: string[] = [];
  const remember = (line: string): void => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
  };
  lines(child.stderr!, (line) => {
    remember(line);
    opts.onOutput(line);
  });
  lines(child.stdout!, () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  // An EPIPE on a host that died first is reported through its exit, not here.
  child.stdin!.on('error', () => undefined);

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };

  const ready = Promise.all(
    opts.members.map((m) =>
      waitForReady({
        url: `https://127.0.0.1:${m.port}/readyz`,
        ca: opts.caCertPem,
        timeoutMs: opts.readyTimeoutMs,
        ...(opts.signal ? { signal: opts.signal } : {}),
      }),
    ),
  );
  const died = exited.then(({ code, signal }) => {
    const why = recent.filter((l) => l.startsWith('error ')).map((l) => l.slice('error '.length));
    throw new Error(`the member host exited (${code ?? signal}) before its members were ready${why.length ? `: ${why.join('; ')}` : recent.length ? `:\n${recent.join('\n')}` : ''}`);
  });
  try {
    await Promise.race([ready, died]);
  } catch (err) {
    await stop();
    throw err;
  }
  died.catch(() => undefined);
  return { pid: child.pid ?? -1, stop };
}
