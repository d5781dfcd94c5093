import { describe, it, expect, afterEach } from 'vitest';
import { freshStore, type TestDb } from '../helpers/db.js';
import { MemoryQueue } from '../helpers/memory-queue.js';
import { ControllerManager } from '../../cron/manager.js';
import { readCursor } from '../../cron/dispatcher.js';
import { garbageCollector } from '../../cron/garbage-collector.js';
import { namespaceFinalizer } from '../../cron/namespace-finalizer.js';
import type { Reconciler } from '../../cron/reconciler.js';
import { createBuiltinRegistry } from '../../shared/registry/index.js';
import type { KubeObject, ObjectKey } from '../../shared/object.js';

const dbs: TestDb[] = [];
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((d) => d.close()));
});

async function setup(reconcilers: Reconciler[], now?: () => number) {
  const db = await freshStore();
  dbs.push(db);
  const queue = new MemoryQueue();
  const manager = new ControllerManager({ store: db.store, registry: createBuiltinRegistry(), reconcilers, queue, now });
  return { db, store: db.store, queue, manager };
}

function recorder(): Reconciler & { seen: string[] } {
  const seen: string[] = [];
  return {
    name: 'recorder',
    seen,
    keysFor: (c) => [c.key.name],
    async reconcile(_ctx, key) {
      seen.push(key);
    },
  };
}

const obj = (kind: string, name: string, ns: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, namespace: ns || undefined, uid: `uid-${kind}-${ns}-${name}`, ...extra },
});
const k = (resource: string, ns: string, name: string, group = ''): ObjectKey => ({ group, resource, namespace: ns, name });

describe('outbox dispatcher', () => {
  it('drives reconcilers from the change log, so a lost queue message loses nothing', async () => {
    const rec = recorder();
    const { store, manager, queue } = await setup([rec]);
    for (const n of ['a', 'b', 'a', 'c']) {
      const existing = await store.get(k('configmaps', 'default', n));
      if (existing) await store.update(k('configmaps', 'default', n), existing);
      else await store.create(k('configmaps', 'default', n), obj('ConfigMap', n, 'default'));
    }
    // The process "crashed" before sending any nudge: the queue is empty, and the tick catches up.
    expect(queue.sent).toHaveLength(0);
    await manager.onTick();
    expect(rec.seen.sort()).toEqual(['a', 'b', 'c']); // deduplicated within the page
    expect(await readCursor(store.client)).toBe(await store.currentRevision());
    // Nothing new: a nudge reconciles nothing again.
    await manager.onQueue([{ kind: 'nudge' }, { kind: 'nudge' }]);
    expect(rec.seen).toHaveLength(3);
  });

  it('a failing reconcile is retried with backoff through a delayed wake; a lost wake is covered by the sweep', async () => {
    let now = 1_000_000;
    let failures = 1;
    const seen: string[] = [];
    const flaky: Reconciler = {
      name: 'flaky',
      keysFor: (c) => [c.key.name],
      async reconcile(_ctx, key) {
        if (failures-- > 0) throw new Error('member unreachable');
        seen.push(key);
      },
    };
    const { store, manager, queue } = await setup([flaky], () => now);
    await store.create(k('configmaps', 'default', 'x'), obj('ConfigMap', 'x', 'default'));
    await manager.onQueue([{ kind: 'nudge' }]);
    expect(seen).toEqual([]);
    const timers = queue.take();
    expect(timers).toEqual([{ kind: 'wake', reconciler: 'flaky' }]);
    // The message is lost; once overdue, the cron tick fires it.
    now += 60_000;
    await manager.onTick();
    expect(seen).toEqual(['x']);
    // A duplicate delivery of the old message does nothing.
    await manager.onQueue(timers);
    expect(seen).toEqual(['x']);
  });
});

describe('garbage collector', () => {
  async function tree() {
    const s = await setup([garbageCollector]);
    const owner = await s.store.create(k('deployments', 'default', 'web', 'apps'), obj('Deployment', 'web', 'default'));
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
    const rs = await s.store.create(k('replicasets', 'default', 'web-1', 'apps'), obj('ReplicaSet', 'web-1', 'default', { ownerReferences: [ref] }));
    const rsRef = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: rs.metadata.uid!, controller: true, blockOwnerDeletion: true };
    await s.store.create(k('pods', 'default', 'web-1-a'), obj('Pod', 'web-1-a', 'default', { ownerReferences: [rsRef] }));
    await s.store.create(k('pods', 'default', 'web-1-b'), obj('Pod', 'web-1-b', 'default', { ownerReferences: [rsRef] }));
    await s.manager.dispatch();
    return { ...s, owner };
  }
  const count = async (store: TestDb['store'], resource: string, group = '') => (await store.list({ group, resource })).items.length;

  it('background: deleting the owner removes its dependents, recursively', async () => {
    const { store, manager } = await tree();
    await store.delete(k('deployments', 'default', 'web', 'apps'));
    await manager.dispatch();
    expect(await count(store, 'replicasets', 'apps')).toBe(0);
    expect(await count(store, 'pods')).toBe(0);
  });

  it('foreground: dependents go first, then the owner', async () => {
    const { store, manager, owner } = await tree();
    const marked = { ...owner, metadata: { ...owner.metadata, deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['foregroundDeletion'] } };
    await store.update(k('deployments', 'default', 'web', 'apps'), marked);
    const start = await store.currentRevision();
    await manager.dispatch();
    expect(await store.get(k('deployments', 'default', 'web', 'apps'))).toBeUndefined();
    const log = await store.changeLog(start);
    const deletions = log.filter((c) => c.type === 'DELETED').map((c) => c.key.resource);
    expect(deletions).toEqual(['pods', 'pods', 'replicasets', 'deployments']);
  });

  it('orphan: dependents stay and lose the owner reference', async () => {
    const { store, manager, owner } = await tree();
    const marked = { ...owner, metadata: { ...owner.metadata, deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['orphan'] } };
    await store.update(k('deployments', 'default', 'web', 'apps'), marked);
    await manager.dispatch();
    expect(await store.get(k('deployments', 'default', 'web', 'apps'))).toBeUndefined();
    const rs = await store.get(k('replicasets', 'default', 'web-1', 'apps'));
    expect(rs?.metadata.ownerReferences).toBeUndefined();
    expect(await count(store, 'pods')).toBe(2);
  });

  it('a dependent whose owner never existed is collected; one with a live co-owner only loses the dangling reference', async () => {
    const { store, manager, owner } = await tree();
    const live = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: owner.metadata.uid! };
    const ghost = { apiVersion: 'v1', kind: 'ConfigMap', name: 'gone', uid: 'no-such-uid' };
    await store.create(k('configmaps', 'default', 'orphaned'), obj('ConfigMap', 'orphaned', 'default', { ownerReferences: [ghost] }));
    await store.create(k('configmaps', 'default', 'shared'), obj('ConfigMap', 'shared', 'default', { ownerReferences: [live, ghost] }));
    await manager.dispatch();
    expect(await store.get(k('configmaps', 'default', 'orphaned'))).toBeUndefined();
    expect((await store.get(k('configmaps', 'default', 'shared')))?.metadata.ownerReferences).toEqual([live]);
  });
});

describe('namespace finalizer', () => {
  it('deletes a terminating namespace\'s contents first, waits for their finalizers, then the namespace', async () => {
    const { store, manager } = await setup([namespaceFinalizer, garbageCollector]);
    const ns = await store.create(k('namespaces', '', 'team'), { ...obj('Namespace', 'team', ''), spec: { finalizers: ['kubernetes'] } });
    await store.create(k('configmaps', 'team', 'a'), obj('ConfigMap', 'a', 'team'));
    await store.create(k('secrets', 'team', 'b'), obj('Secret', 'b', 'team', { finalizers: ['example.com/hold'] }));
    await store.create(k('configmaps', 'other', 'keep'), obj('ConfigMap', 'keep', 'other'));
    await store.update(k('namespaces', '', 'team'), { ...ns, metadata: { ...ns.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Terminating' } });
    await manager.dispatch();
    expect(await store.get(k('configmaps', 'team', 'a'))).toBeUndefined();
    const held = await store.get(k('secrets', 'team', 'b'));
    expect(held?.metadata.deletionTimestamp).toBeTruthy();
    expect(await store.get(k('namespaces', '', 'team'))).toBeDefined();
    // The other controller releases its finalizer; the namespace then goes.
    await store.delete(k('secrets', 'team', 'b'));
    await manager.dispatch();
    expect(await store.get(k('namespaces', '', 'team'))).toBeUndefined();
    expect(await store.get(k('configmaps', 'other', 'keep'))).toBeDefined();
  });
});

describe('quiescence', () => {
  it('once converged, ticks and nudges write nothing: the global revision stops rising', async () => {
    const { store, manager } = await setup([garbageCollector, namespaceFinalizer]);
    const ns = await store.create(k('namespaces', '', 'q'), { ...obj('Namespace', 'q', ''), spec: { finalizers: ['kubernetes'] } });
    const owner = await store.create(k('configmaps', 'q', 'owner'), obj('ConfigMap', 'owner', 'q'));
    await store.create(k('configmaps', 'q', 'dep'), obj('ConfigMap', 'dep', 'q', { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid! }] }));
    expect(ns.metadata.name).toBe('q');
    await manager.onTick();
    const settled = await store.currentRevision();
    for (let i = 0; i < 5; i++) {
      await manager.onTick();
      await manager.onQueue([{ kind: 'nudge' }]);
    }
    expect(await store.currentRevision()).toBe(settled);
  });
});
