import { afterEach, describe, expect, it } from 'vitest';
import { freshStore, type TestDb } from '../helpers/db.js';
import { MemoryQueue } from '../helpers/memory-queue.js';
import { ControllerManager, type ManagerOptions } from '../../cron/manager.js';
import { readCursor } from '../../cron/dispatcher.js';
import { fanOut } from '../../cron/runtime/fan-out.js';
import { garbageCollector } from '../../cron/garbage-collector.js';
import { namespaceFinalizer } from '../../cron/namespace-finalizer.js';
import type { Reconciler } from '../../cron/reconciler.js';
import { claimKeys, queueEntries } from '../../db/work-queue.js';
import { MemberError, type MemberClients } from '../../shared/member/member-client.js';
import { MemberBreaker } from '../../cron/runtime/member-guard.js';
import { createBuiltinRegistry } from '../../shared/registry/index.js';
import type { KubeObject, ObjectKey } from '../../shared/object.js';

const dbs: TestDb[] = [];
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((d) => d.close()));
});

async function setup(reconcilers: Reconciler[], extra: Partial<ManagerOptions> = {}) {
  const db = await freshStore();
  dbs.push(db);
  const queue = new MemoryQueue();
  const manager = new ControllerManager({ store: db.store, registry: createBuiltinRegistry(), reconcilers, queue, ...extra });
  return { db, store: db.store, queue, manager };
}

const cm = (name: string, ns = 'default', extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, uid: `uid-${ns}-${name}`, ...extra },
});
const key = (name: string, ns = 'default', resource = 'configmaps'): ObjectKey => ({ group: '', resource, namespace: ns, name });

/** A reconciler that records its runs and checks that no key ever runs twice at once. */
function tracked(name: string, opts: { filter?: (k: string) => boolean; run?: (key: string) => Promise<unknown>; concurrency?: number } = {}) {
  const active = new Set<string>();
  const started = new Map<string, number[]>();
  let overlaps = 0;
  let most = 0;
  const r: Reconciler = {
    name,
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    keysFor: (c) => (c.key.resource === 'configmaps' && (opts.filter?.(c.key.name) ?? true) ? [c.key.name] : []),
    async reconcile(_ctx, k) {
      if (active.has(k)) overlaps++;
      active.add(k);
      most = Math.max(most, active.size);
      started.set(k, [...(started.get(k) ?? []), Date.now()]);
      try {
        await opts.run?.(k);
      } finally {
        active.delete(k);
      }
    },
  };
  return { r, started, overlaps: () => overlaps, most: () => most };
}

describe('queue runtime', () => {
  it('a key hanging on one reconciler delays no other key, of that reconciler or any other', async () => {
    let release!: () => void;
    const hang = new Promise<void>((r) => (release = r));
    const a = tracked('a', { run: (k) => (k === 'hung' ? hang : Promise.resolve()) });
    const b = tracked('b');
    const c = tracked('c');
    const { store, manager } = await setup([a.r, b.r, c.r], { runtime: { pollMs: 10, reconcileTimeoutMs: 120_000 } });
    await store.create(key('hung'), cm('hung'));
    const running = manager.dispatch();
    while (!a.started.has('hung')) await new Promise((r) => setTimeout(r, 5));
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const name = `k${i}`;
      const at = Date.now();
      await store.create(key(name), cm(name));
      for (const t of [a, b, c]) {
        while (!t.started.has(name)) await new Promise((r) => setTimeout(r, 2));
        latencies.push(t.started.get(name)![0]! - at);
      }
    }
    release();
    const result = await running;
    expect(result.failures).toBe(0);
    latencies.sort((x, y) => x - y);
    // Each change reaches every reconciler while the hung key is still hanging; p90 well under a poll or two.
    expect(latencies[Math.floor(latencies.length * 0.9)]!).toBeLessThan(250);
    for (const t of [a, b, c]) expect(t.overlaps()).toBe(0);
    expect(await queueEntries(store.client)).toEqual([]);
  }, 30_000);

  it('with one worker, keys fetched behind a hung key go back to the queue for another consumer', async () => {
    let release!: () => void;
    const hang = new Promise<void>((r) => (release = r));
    const runs: Array<{ key: string; by: string }> = [];
    const make = (by: string): Reconciler => ({
      name: 'single',
      concurrency: 1,
      keysFor: (c) => (c.key.resource === 'configmaps' ? [c.key.name] : []),
      async reconcile(_ctx, k) {
        runs.push({ key: k, by });
        if (k === 'hung') await hang;
      },
    });
    const { store, db } = await setup([]);
    const first = new ControllerManager({ store, registry: createBuiltinRegistry(), reconcilers: [make('first')], runtime: { pollMs: 10, reconcileTimeoutMs: 60_000 } });
    const second = new ControllerManager({ store: db.store, registry: createBuiltinRegistry(), reconcilers: [make('second')], runtime: { pollMs: 10 } });
    await store.create(key('hung'), cm('hung'));
    const running = first.dispatch();
    while (!runs.some((r) => r.key === 'hung')) await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 5; i++) await store.create(key(`n${i}`), cm(`n${i}`));
    // The first consumer fans them out and fetches them ahead, finds no free worker, and gives them back.
    const deadline = Date.now() + 10_000;
    while (runs.filter((r) => r.by === 'second').length < 5 && Date.now() < deadline) {
      await second.dispatch();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(runs.filter((r) => r.by === 'second').map((r) => r.key).sort()).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    release();
    await running;
    expect(await queueEntries(db.client)).toEqual([]);
  }, 30_000);

  it('two fan-outs racing on one page add it once and move the cursor once', async () => {
    const t = tracked('raced');
    const { store, db } = await setup([t.r]);
    for (let i = 0; i < 50; i++) await store.create(key(`r${i}`), cm(`r${i}`));
    const [x, y] = await Promise.all([fanOut(store, db.client, [t.r], { now: Date.now }), fanOut(store, db.client, [t.r], { now: Date.now })]);
    expect(x.adds + y.adds).toBe(50);
    expect(await readCursor(db.client)).toBe(await store.currentRevision());
    expect(await queueEntries(db.client, 'raced')).toHaveLength(50);
  });

  it('a key waiting on an unreachable member gives its worker to the next key, and its call ends at the deadline', async () => {
    const never: MemberClients = { forEndpoint: (e) => ({ cluster: e.cluster, request: () => new Promise(() => undefined) }) };
    const order: string[] = [];
    const rec: Reconciler = {
      name: 'member-caller',
      concurrency: 1,
      keysFor: (c) => (c.key.resource === 'configmaps' ? [c.key.name] : []),
      async reconcile(ctx, k) {
        order.push(`start ${k}`);
        if (k === 'dead') await ctx.members!.forEndpoint({ cluster: 'dead', apiEndpoint: 'https://dead' }).request({ method: 'GET', path: '/readyz' });
        order.push(`end ${k}`);
      },
    };
    const breaker = new MemberBreaker(60_000);
    const db = await freshStore();
    dbs.push(db);
    const manager = new ControllerManager({
      store: db.store,
      registry: createBuiltinRegistry(),
      reconcilers: [rec],
      members: never,
      settings: { enableSchedulerEstimator: true, schedulingOvercommitProtection: false, clusterStatusUpdateFrequencyMs: 10_000, clusterLeaseDurationMs: 40_000, clusterMonitorGracePeriodMs: 40_000, memberTimeoutMs: 300 },
      runtime: { pollMs: 10, breaker, inProcessRetryMs: 0 },
    });
    await db.store.create(key('dead'), cm('dead'));
    await db.store.create(key('alive'), cm('alive'));
    const t0 = Date.now();
    const res = await manager.dispatch();
    // With one worker, 'alive' ran to its end while 'dead' was parked on its member call.
    expect(order.slice(0, 3)).toEqual(['start dead', 'start alive', 'end alive']);
    expect(order).not.toContain('end dead');
    expect(res.failures).toBeGreaterThanOrEqual(1);
    expect(Date.now() - t0).toBeLessThan(5_000);
    // It failed at the deadline and backs off; the breaker fails further calls to that member at once.
    const [entry] = await queueEntries(db.client, 'member-caller');
    expect(entry).toMatchObject({ key: 'dead', claimed: false });
    expect(entry!.failures).toBeGreaterThanOrEqual(1);
    expect(() => breaker.check('dead')).toThrow(MemberError);
  }, 30_000);

  it('a reconcile stopped at its deadline cannot write afterwards: its store is fenced', async () => {
    let release!: () => void;
    const late = new Promise<void>((r) => (release = r));
    let refused: unknown;
    const slow: Reconciler = {
      name: 'slow',
      keysFor: (c) => (c.key.resource === 'configmaps' && c.type === 'ADDED' ? [c.key.name] : []),
      async reconcile(ctx, k) {
        const obj = (await ctx.store.get(key(k)))!;
        if (obj.metadata.labels?.done) return;
        await late;
        try {
          await ctx.store.update(key(k), { ...obj, metadata: { ...obj.metadata, labels: { done: 'late' } } });
        } catch (e) {
          refused = e;
        }
      },
    };
    const { store, manager } = await setup([slow], { runtime: { reconcileTimeoutMs: 200, inProcessRetryMs: 0, pollMs: 10 } });
    await store.create(key('s'), cm('s'));
    const res = await manager.dispatch();
    expect(res.failures).toBeGreaterThanOrEqual(1);
    release();
    await new Promise((r) => setTimeout(r, 20));
    expect((refused as Error).name).toBe('ClaimLostError');
    expect((await store.get(key('s')))!.metadata.labels).toBeUndefined();
  });

  it('a restart in the middle of a backlog loses no key: lapsed claims are retaken, the cursor holds', async () => {
    let now = 5_000_000;
    const seen = tracked('backlog', { concurrency: 8 });
    const { store, db, manager } = await setup([seen.r], { now: () => now });
    for (let i = 0; i < 300; i++) await store.create(key(`b${i}`), cm(`b${i}`));
    // The first process fanned out part of the log and claimed keys, then died holding them.
    const part = await fanOut(store, db.client, [seen.r], { now: () => now, pageSize: 100, maxChanges: 200 });
    expect(part.changes).toBe(200);
    const orphaned = await claimKeys(db.client, [{ reconciler: 'backlog', limit: 120 }], now, 30_000);
    expect(orphaned).toHaveLength(120);
    // A fresh process before the lease lapses runs everything else, never the orphaned keys.
    await manager.dispatch();
    expect(seen.started.size).toBe(180);
    expect(orphaned.some((k) => seen.started.has(k.key))).toBe(false);
    now += 30_001;
    await manager.onTick();
    expect(seen.started.size).toBe(300);
    expect(seen.overlaps()).toBe(0);
    expect(await queueEntries(db.client)).toEqual([]);
    expect(await readCursor(db.client)).toBe(await store.currentRevision());
  }, 30_000);

  it('keeps each reconciler within its concurrency and reads a batch\'s shared lists once', async () => {
    let lists = 0;
    const rec: Reconciler = {
      name: 'lister',
      concurrency: 4,
      keysFor: (c) => (c.key.resource === 'configmaps' ? [c.key.name] : []),
      async reconcile(ctx, k) {
        const { items, revision } = await ctx.cache!.list({ group: '', resource: 'namespaces' });
        expect(revision).toBeGreaterThan(0);
        expect(items.length).toBeGreaterThanOrEqual(0);
        void k;
      },
    };
    const t = tracked('limited', { concurrency: 3, run: () => new Promise((r) => setTimeout(r, 5)) });
    const { store, manager } = await setup([rec, t.r]);
    const list = store.list.bind(store);
    store.list = async (...args) => {
      if (args[0].resource === 'namespaces') lists++;
      return list(...args);
    };
    for (let i = 0; i < 40; i++) await store.create(key(`c${i}`), cm(`c${i}`));
    const res = await manager.dispatch();
    expect(res.reconciles).toBe(80);
    expect(t.most()).toBeLessThanOrEqual(3);
    expect(t.most()).toBeGreaterThan(1);
    // 40 keys claimed in rounds of up to 8 (4 running, 4 fetched ahead): a handful of lists, not 40.
    expect(lists).toBeGreaterThan(0);
    expect(lists).toBeLessThanOrEqual(8);
  });

  it('backs a failing key off exponentially per key, and forgets the count on success', async () => {
    let now = 1_000_000;
    let failing = true;
    const rec: Reconciler = {
      name: 'flaky',
      keysFor: (c) => (c.key.resource === 'configmaps' ? [c.key.name] : []),
      async reconcile() {
        if (failing) throw new Error('not yet');
        return { requeueAfterMs: 60_000 };
      },
    };
    const { store, db, manager } = await setup([rec], { now: () => now, runtime: { inProcessRetryMs: 0 } });
    await store.create(key('x'), cm('x'));
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      await manager.dispatch();
      const [e] = await queueEntries(db.client, 'flaky');
      delays.push(e!.readyAt - now);
      now = e!.readyAt;
    }
    expect(delays).toEqual([5, 10, 20, 40]);
    failing = false;
    await manager.dispatch();
    const [after] = await queueEntries(db.client, 'flaky');
    expect(after).toMatchObject({ failures: 0, readyAt: now + 60_000 });
  });
});

describe('quiescence of the runtime', () => {
  it('an idle control plane writes nothing: revision, work queues and cursor stop changing, with 1,000 keys resynced', async () => {
    const checked = { n: 0 };
    const healthy: Reconciler = {
      name: 'health-probe',
      resyncPeriodMs: 0,
      keysFor: () => [],
      async reconcile(ctx, k) {
        checked.n++;
        // A check that finds nothing changed reads and returns.
        await ctx.store.get(key(k, 'probes'));
      },
      async resync() {
        return Array.from({ length: 1000 }, (_, i) => `m${i}`);
      },
    };
    const { store, db, manager } = await setup([garbageCollector, namespaceFinalizer, healthy]);
    await store.create(key('q', '', 'namespaces'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'q', uid: 'uid-q' }, spec: { finalizers: ['kubernetes'] } });
    const owner = await store.create(key('owner', 'q'), cm('owner', 'q'));
    await store.create(key('dep', 'q'), cm('dep', 'q', { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid! }] }));
    await manager.onTick();
    const snapshot = async () => ({
      revision: await store.currentRevision(),
      queue: (await db.client.execute('SELECT * FROM work_queue ORDER BY reconciler, key')).rows.map((r) => ({ ...r })),
      meta: (await db.client.execute('SELECT key, value, updated_at FROM meta ORDER BY key')).rows.map((r) => ({ ...r })),
    });
    const settled = await snapshot();
    const before = checked.n;
    for (let i = 0; i < 3; i++) {
      await manager.onTick();
      await manager.onQueue([{ kind: 'nudge' }, { kind: 'wake', reconciler: 'garbage-collector' }]);
    }
    expect(checked.n - before).toBe(3000);
    expect(await snapshot()).toEqual(settled);
  }, 60_000);

  it('a resync check that wants to write puts its key on the queue and runs it under a claim', async () => {
    const writes: string[] = [];
    const fixer: Reconciler = {
      name: 'fixer',
      resyncPeriodMs: 0,
      keysFor: () => [],
      async reconcile(ctx, k) {
        const obj = await ctx.store.get(key(k));
        if (obj && !obj.metadata.labels?.fixed) {
          await ctx.store.update(key(k), { ...obj, metadata: { ...obj.metadata, labels: { fixed: 'yes' } } });
          writes.push(k);
        }
      },
      async resync() {
        return ['one', 'two'];
      },
    };
    const { store, manager } = await setup([fixer]);
    await store.create(key('one'), cm('one'));
    await store.create(key('two'), cm('two', 'default', { labels: { fixed: 'yes' } }));
    await manager.onTick();
    expect(writes).toEqual(['one']);
    const rev = await store.currentRevision();
    await manager.onTick();
    expect(await store.currentRevision()).toBe(rev);
  });
});
