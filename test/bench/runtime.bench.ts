/**
 * The controller runtime's figures: durable no-op reconciles per second at concurrency 1, 8
 * and 64, and with a reconciler that waits 50 ms as a member call does; change-to-reconcile-
 * start latency p50/p99 idle, with a hung key, and under a backlog; and how throughput and
 * latency grow from 1,000 to 100,000 queued keys. The database is reached through the local
 * libSQL server (Hrana over HTTP), exactly as the worker reaches it; each commit nudges an
 * in-process queue that delivers batches one at a time, as Miniflare does.
 *
 * Run: npx tsx test/bench/runtime.bench.ts. BENCH_SIZES (e.g. "1000,10000") changes the growth
 * series; BENCH_VIA=file uses an in-process file instead of the server. Figures are for
 * comparison, never assertions.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { InProcessQueue } from '../../cli/member/in-process-queue.js';
import { ControllerManager } from '../../cron/manager.js';
import type { Reconciler } from '../../cron/reconciler.js';
import { Store } from '../../db/store.js';
import { addKeys, queueEntries, type QueueAdd } from '../../db/work-queue.js';
import { createBuiltinRegistry } from '../../shared/registry/index.js';
import { freshStore, type TestDb } from '../helpers/db.js';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const VIA = process.env.BENCH_VIA === 'file' ? 'file' : 'server';
const registry = createBuiltinRegistry();

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length - 1) * p))] ?? NaN;
}

async function bulkAdd(db: TestDb, reconciler: string, n: number, prefix = 'k'): Promise<void> {
  const now = Date.now();
  for (let i = 0; i < n; i += 5000) {
    const part: QueueAdd[] = [];
    for (let j = i; j < Math.min(n, i + 5000); j++) part.push({ reconciler, key: `${prefix}${j}`, readyAt: now });
    await addKeys(db.client, part);
  }
}

function noop(name: string, concurrency: number, waitMs = 0): Reconciler & { count: number } {
  const r = {
    name,
    concurrency,
    count: 0,
    keysFor: () => [],
    async reconcile() {
      r.count++;
      if (waitMs) await new Promise((res) => setTimeout(res, waitMs));
    },
  };
  return r;
}

/** Reconciles per second draining `n` queued keys of one reconciler. */
async function throughput(concurrency: number, n: number, waitMs = 0): Promise<number> {
  const db = await freshStore({}, VIA);
  try {
    const rec = noop('bench', concurrency, waitMs);
    const manager = new ControllerManager({ store: db.store, registry, reconcilers: [rec] });
    await bulkAdd(db, 'bench', n);
    const t0 = performance.now();
    await manager.dispatch();
    const s = (performance.now() - t0) / 1000;
    if (rec.count < n) throw new Error(`only ${rec.count} of ${n} reconciled`);
    return n / s;
  } finally {
    await db.close();
  }
}

/**
 * Change-to-reconcile-start latency: a write commits, its nudge wakes the in-process queue,
 * the fan-out queues the key, a worker starts it. `backlog` keys of another reconciler are
 * queued first; `hung` adds a key of the probed reconciler that never finishes.
 */
async function latency(samples: number, opts: { backlog?: number; hung?: boolean } = {}): Promise<{ p50: number; p99: number; backlogLeft: number }> {
  const db = await freshStore({}, VIA);
  const created = new Map<string, number>();
  const lat: number[] = [];
  let release!: () => void;
  const hang = new Promise<void>((r) => (release = r));
  const probe: Reconciler = {
    name: 'probe',
    keysFor: (c) => (c.key.resource === 'configmaps' ? [c.key.name] : []),
    async reconcile(_ctx, key) {
      const at = created.get(key);
      if (at !== undefined) {
        lat.push(performance.now() - at);
        created.delete(key);
      }
      if (key === 'hung') await hang;
    },
  };
  const backlog = noop('backlog', 5);
  let q!: InProcessQueue;
  const store = new Store(db.client, { fieldsOf: registry.fieldsOf, onCommit: () => q.nudge() });
  const manager = new ControllerManager({ store, registry, reconcilers: [probe, backlog], runtime: { reconcileTimeoutMs: 600_000 } });
  q = new InProcessQueue({ client: db.client, deliver: (m) => manager.onQueue(m), onError: (e) => console.error(e) });
  const k = (name: string) => ({ group: '', resource: 'configmaps', namespace: 'default', name });
  try {
    if (opts.hung) {
      await store.create(k('hung'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hung', namespace: 'default', uid: 'hung' } });
      while ((await queueEntries(db.client, 'probe')).length === 0) await new Promise((r) => setTimeout(r, 5));
    }
    if (opts.backlog) {
      await bulkAdd(db, 'backlog', opts.backlog, 'b');
      q.nudge();
    }
    for (let i = 0; i < samples; i++) {
      const name = `p${i}`;
      created.set(name, performance.now());
      await store.create(k(name), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', uid: name } });
      const until = Date.now() + 10_000;
      while (created.has(name) && Date.now() < until) await new Promise((r) => setTimeout(r, 1));
      // Spaced changes, as users make them: each sample sees the queue as it is, not its predecessor.
      await new Promise((r) => setTimeout(r, 5));
    }
    const backlogLeft = opts.backlog ? opts.backlog - backlog.count : 0;
    return { p50: pct(lat, 0.5), p99: pct(lat, 0.99), backlogLeft };
  } finally {
    release();
    await q.stop();
    await db.close();
  }
}

async function main(): Promise<void> {
  const cpu = cpus();
  console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(VIA === 'server' ? 'database: the local libSQL server (Hrana over HTTP, as the worker reaches it)\n' : 'database: a local file, in-process\n');

  console.log('no-op reconciles per second (durable: claimed, run, acknowledged in batches)');
  for (const c of [1, 8, 64]) console.log(`  concurrency ${String(c).padStart(2)}: ${Math.round(await throughput(c, c === 1 ? 2000 : 5000))}/s`);
  console.log('reconciles per second, each waiting 50 ms as a member call does');
  for (const c of [8, 64]) console.log(`  concurrency ${String(c).padStart(2)}: ${Math.round(await throughput(c, c * 20, 50))}/s (ideal ${Math.round((c * 1000) / 50)}/s)`);

  console.log('\nchange-to-reconcile-start latency (commit → nudge → fan-out → claim → start)');
  const idle = await latency(200);
  console.log(`  idle:                          p50 ${idle.p50.toFixed(1)} ms, p99 ${idle.p99.toFixed(1)} ms`);
  const hung = await latency(200, { hung: true });
  console.log(`  a key of the same reconciler hung: p50 ${hung.p50.toFixed(1)} ms, p99 ${hung.p99.toFixed(1)} ms`);
  const b10 = await latency(200, { backlog: 10_000 });
  console.log(`  10,000-key backlog (another reconciler): p50 ${b10.p50.toFixed(1)} ms, p99 ${b10.p99.toFixed(1)} ms (${b10.backlogLeft} of the backlog left at the end)`);

  console.log('\ngrowth with the number of queued keys');
  for (const n of SIZES) {
    const rate = await throughput(64, n);
    const l = await latency(100, { backlog: n });
    console.log(`  ${String(n).padStart(7)} keys: drain ${Math.round(rate)}/s at concurrency 64; probe latency p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms`);
  }
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    console.error(e);
    process.exit(1);
  },
);
