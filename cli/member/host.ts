// The member host: one Node process serving many simulated member clusters (a hundred idle
// ones fit in a few hundred MiB on a small machine, where as many workerd processes would
// not). `flotilla up` starts it through host-entry.mjs with the data dir; it serves the
// members recorded in DIR/members/members.json, prints `ready NAME URL` for each, and stops
// on SIGTERM, SIGINT, or when its parent goes away (stdin closes).

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { simulatorReconcilers } from '../../cron/simulator/registry.js';
import { createBuiltinRegistry } from '../../shared/registry/index.js';
import { simulatorSettings } from '../../shared/simulator/settings.js';
import { layout } from '../launcher/data-dir.js';
import { LOOPBACK } from '../launcher/ports.js';
import { memberFiles } from './member-files.js';
import { memberIndex } from './member-set.js';
import { readMemberSet } from './prepare-members.js';
import { startMemberServer, type RunningMember } from './member-server.js';

const HOST_FLAGS = {
  'data-dir': { type: 'string' },
  'pod-start-delay-ms': { type: 'string' },
  'job-duration-ms': { type: 'string' },
  'load-balancer-delay-ms': { type: 'string' },
  'volume-bind-delay-ms': { type: 'string' },
  /** Every member's slow tick (lost timers, resync, compaction) comes round once per period. */
  'tick-ms': { type: 'string' },
  /** Members started at once: each migrates and registers nodes, mostly CPU. */
  'start-concurrency': { type: 'string' },
} as const;

function ms(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${flag} must be a whole number of milliseconds, got '${value}'`);
  return Number(value);
}

export async function runMemberHost(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: HOST_FLAGS, strict: true });
  const dataDir = values['data-dir'];
  if (!dataDir) {
    process.stderr.write('member host: --data-dir is required\n');
    return 2;
  }
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const delays = {
    podStartDelayMs: ms(values['pod-start-delay-ms'], 'pod-start-delay-ms'),
    jobDurationMs: ms(values['job-duration-ms'], 'job-duration-ms'),
    loadBalancerDelayMs: ms(values['load-balancer-delay-ms'], 'load-balancer-delay-ms'),
    volumeBindDelayMs: ms(values['volume-bind-delay-ms'], 'volume-bind-delay-ms'),
  };
  const tickMs = ms(values['tick-ms'], 'tick-ms') ?? 60_000;
  const concurrency = Math.max(1, ms(values['start-concurrency'], 'start-concurrency') ?? 4);
  const records = readMemberSet(dataDir);
  const registry = createBuiltinRegistry();
  const caCertPem = readFileSync(layout(dataDir).caCert, 'utf8');
  const running: RunningMember[] = [];

  let stopping = false;
  let resolveStop: (reason: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => (resolveStop = resolve));
  const stop = (reason: string): void => {
    stopping = true;
    resolveStop(reason);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // The pipe from `up` closes when `up` exits, however it exits: members never outlive it.
  process.stdin.on('end', () => stop('parent gone'));
  process.stdin.on('error', () => stop('parent gone'));
  process.stdin.resume();

  let failed: Error | undefined;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, records.length) }, async () => {
      while (!failed && !stopping && next < records.length) {
        const i = next++;
        const record = records[i]!;
        try {
          const settings = simulatorSettings({
            ...Object.fromEntries(Object.entries(delays).filter(([, v]) => v !== undefined)),
            memberIndex: memberIndex(record, i + 1),
          });
          const member = await startMemberServer({
            record,
            files: memberFiles(dataDir, record.name),
            settings,
            registry,
            reconcilers: simulatorReconcilers(settings),
            caCertPem,
            host: LOOPBACK,
            log: (line) => log(`${record.name}: ${line}`),
          });
          running.push(member);
          process.stdout.write(`ready ${member.name} ${member.url}\n`);
        } catch (err) {
          failed ??= new Error(`${record.name}: ${(err as Error).message}`);
        }
      }
    }),
  );

  let ticker: ReturnType<typeof setInterval> | undefined;
  if (!failed && !stopping && running.length > 0) {
    // One timer for the whole host, visiting one member per step, so ticks are spread out.
    let turn = 0;
    let busy = false;
    ticker = setInterval(
      () => {
        if (busy || running.length === 0) return;
        const member = running[turn++ % running.length]!;
        busy = true;
        member
          .tick()
          .catch((err: Error) => log(`${member.name}: tick failed: ${err.message}`))
          .finally(() => (busy = false));
      },
      Math.max(10, Math.floor(tickMs / running.length)),
    );
    ticker.unref();
  }

  const reason = failed ? 'failed' : await stopped;
  if (failed) log(`error ${failed.message}`);
  if (ticker) clearInterval(ticker);
  await Promise.all(running.map((m) => m.close().catch((err: Error) => log(`${m.name}: stopping: ${err.message}`))));
  if (!failed) log(`stopped ${running.length} member(s) (${reason})`);
  return failed ? 1 : 0;
}
