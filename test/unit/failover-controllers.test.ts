// The failover controllers against a real store: the taint manager (at once, after the
// toleration, the brake), the graceful eviction controller, the ClusterTaintPolicy controller,
// application failover, and the binding controller keeping or dropping the old Work.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshStore, type TestDb } from '../helpers/db.js';
import { createBuiltinRegistry } from '../../shared/registry/index.js';
import type { ReconcileContext } from '../../cron/reconciler.js';
import type { KubeObject, ObjectKey } from '../../shared/object.js';
import type { ResourceBinding } from '../../shared/karmada/resource-binding.js';
import type { Cluster } from '../../shared/karmada/cluster.js';
import { taintManager, TAINT_MANAGER } from '../../cron/karmada/taint-manager.js';
import { gracefulEvictionController } from '../../cron/karmada/graceful-eviction.js';
import { clusterTaintPolicyController } from '../../cron/karmada/cluster-taint-policy.js';
import { applicationFailoverController } from '../../cron/karmada/application-failover.js';
import { bindingController } from '../../cron/karmada/binding.js';
import { defaultControllerSettings } from '../../shared/controller-settings.js';
import type { FailoverSettings } from '../../shared/failover/settings.js';
import { APPLIED_PLACEMENT_ANNOTATION } from '../../shared/binding/scheduling-triggers.js';

const registry = createBuiltinRegistry();
const T0 = Date.parse('2025-01-01T00:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

let db: TestDb;
let now = T0;
let queued: Array<{ reconciler: string; key: string; delayMs: number }> = [];

beforeEach(async () => {
  db = await freshStore({ fieldsOf: registry.fieldsOf });
  now = T0;
  queued = [];
});
afterEach(async () => {
  await db.close();
});

function ctx(failover: Partial<FailoverSettings> = {}): ReconcileContext {
  const enqueue = async (reconciler: string, key: string, delayMs = 0): Promise<void> => {
    queued.push({ reconciler, key, delayMs });
  };
  return { store: db.store, registry, now: () => now, enqueue, arm: enqueue, settings: { ...defaultControllerSettings, failover } };
}

const CLUSTER = (name: string): ObjectKey => ({ group: 'cluster.karmada.io', resource: 'clusters', namespace: '', name });
const RB = (name: string): ObjectKey => ({ group: 'work.karmada.io', resource: 'resourcebindings', namespace: 'default', name });

async function addCluster(name: string, ready: 'True' | 'False' | 'Unknown', taints: Array<Record<string, string>> = []): Promise<void> {
  await db.store.create(CLUSTER(name), {
    apiVersion: 'cluster.karmada.io/v1alpha1',
    kind: 'Cluster',
    metadata: { name, uid: `c-${name}`, generation: 1, creationTimestamp: iso(T0 - 3_600_000) },
    spec: { syncMode: 'Push', ...(taints.length ? { taints } : {}) },
    status: { conditions: [{ type: 'Ready', status: ready, reason: 'r', message: 'm', lastTransitionTime: iso(T0) }] },
  } as KubeObject);
}

async function setTaints(name: string, taints: Array<Record<string, string>>): Promise<void> {
  const c = (await db.store.get(CLUSTER(name)))!;
  await db.store.update(CLUSTER(name), { ...c, spec: { ...(c.spec as object), taints } } as KubeObject);
}

async function addBinding(name: string, clusters: string[], extra: Partial<ResourceBinding['spec']> = {}, status: ResourceBinding['status'] = {}): Promise<void> {
  const placement = extra.placement ?? { clusterAffinity: { clusterNames: clusters } };
  await db.store.create(RB(name), {
    apiVersion: 'work.karmada.io/v1alpha2',
    kind: 'ResourceBinding',
    metadata: {
      name,
      namespace: 'default',
      uid: `rb-${name}`,
      generation: 1,
      labels: { 'resourcebinding.karmada.io/permanent-id': `id-${name}` },
      annotations: { [APPLIED_PLACEMENT_ANNOTATION]: JSON.stringify(placement) },
    },
    spec: {
      resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' },
      replicas: 2,
      conflictResolution: 'Abort',
      clusters: clusters.map((c) => ({ name: c, replicas: 2 })),
      placement,
      ...extra,
    },
    status: { schedulerObservedGeneration: 1, ...status },
  } as unknown as KubeObject);
}

const binding = async (name = 'web-deployment'): Promise<ResourceBinding> => (await db.store.get(RB(name))) as unknown as ResourceBinding;
const events = async (): Promise<Array<{ reason: string; message: string; type: string }>> =>
  (await db.store.list({ group: '', resource: 'events' })).items as unknown as Array<{ reason: string; message: string; type: string }>;
const notReadyNoExecute = (at = T0) => ({ key: 'cluster.karmada.io/not-ready', effect: 'NoExecute', timeAdded: iso(at) });

describe('taint manager', () => {
  it('an untolerated NoExecute taint evicts at once: task added, cluster out of spec.clusters, Event recorded', async () => {
    await addCluster('m1', 'True', [{ key: 'maintenance', effect: 'NoExecute', timeAdded: iso(T0) }]);
    await addCluster('m2', 'True');
    await addCluster('m3', 'True');
    await addBinding('web-deployment', ['m1', 'm2']);
    await taintManager.reconcile(ctx(), 'rb/default/web-deployment');
    const b = await binding();
    expect(b.spec.clusters?.map((c) => c.name)).toEqual(['m2']);
    expect(b.spec.gracefulEvictionTasks).toEqual([
      expect.objectContaining({ fromCluster: 'm1', purgeMode: 'Gracefully', reason: 'TaintUntolerated', producer: 'TaintManager', replicas: 2 }),
    ]);
    expect(b.metadata.generation).toBe(2);
    const ev = await events();
    expect(ev.map((e) => e.reason)).toEqual(['EvictWorkloadFromClusterSucceed']);
    expect(ev[0]!.message).toContain('from cluster m1');
    expect(ev[0]!.message).toContain('maintenance:NoExecute');
  });

  it('the policy purge mode wins; evicting is idempotent', async () => {
    await addCluster('m1', 'True', [{ key: 'maintenance', effect: 'NoExecute', timeAdded: iso(T0) }]);
    await addCluster('m2', 'True');
    await addBinding('web-deployment', ['m1', 'm2'], { failover: { cluster: { purgeMode: 'Directly' } } });
    await taintManager.reconcile(ctx(), 'rb/default/web-deployment');
    const rv = (await binding()).metadata.resourceVersion;
    now += 10_000;
    await taintManager.reconcile(ctx(), 'rb/default/web-deployment');
    const b = await binding();
    expect(b.spec.gracefulEvictionTasks?.[0]?.purgeMode).toBe('Directly');
    expect(b.metadata.resourceVersion).toBe(rv);
  });

  it('the not-ready taint is tolerated 300 s by default: a delayed key, then the eviction', async () => {
    await addCluster('m1', 'False', [notReadyNoExecute(T0)]);
    await addCluster('m2', 'True');
    await addCluster('m3', 'True');
    await addBinding('web-deployment', ['m1']);
    now = T0 + 20_000;
    await taintManager.reconcile(ctx(), 'rb/default/web-deployment');
    expect((await binding()).spec.gracefulEvictionTasks).toBeUndefined();
    expect(queued).toEqual([{ reconciler: TAINT_MANAGER, key: 'rb/default/web-deployment', delayMs: 281_000 }]);
    now = T0 + 300_000;
    await taintManager.reconcile(ctx(), 'rb/default/web-deployment');
    expect((await binding()).spec.gracefulEvictionTasks?.[0]?.fromCluster).toBe('m1');
    expect((await binding()).spec.clusters).toBeUndefined();
  });

  it("a policy's own toleration (and a disabled default) decide instead", async () => {
    await addCluster('m1', 'False', [notReadyNoExecute(T0)]);
    await addCluster('m2', 'True');
    await addCluster('m3', 'True');
    const placement = { clusterAffinity: { clusterNames: ['m1'] }, clusterTolerations: [{ key: 'cluster.karmada.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }] };
    await addBinding('a', ['m1'], { placement });
    await addBinding('b', ['m1']);
    await taintManager.reconcile(ctx(), 'rb/default/a');
    expect(queued.at(-1)?.delayMs).toBe(31_000);
    await taintManager.reconcile(ctx({ defaultNotReadyTolerationSeconds: -1 }), 'rb/default/b');
    expect((await binding('b')).spec.gracefulEvictionTasks?.[0]?.fromCluster).toBe('m1');
  });

  it('eviction off: nothing moves', async () => {
    await addCluster('m1', 'True', [{ key: 'maintenance', effect: 'NoExecute', timeAdded: iso(T0) }]);
    await addBinding('web-deployment', ['m1']);
    await taintManager.reconcile(ctx({ enableNoExecuteTaintEviction: false }), 'rb/default/web-deployment');
    expect((await binding()).spec.gracefulEvictionTasks).toBeUndefined();
  });

  it('the brake spaces evictions by the rate: the second waits for its slot', async () => {
    await addCluster('m1', 'True', [{ key: 'maintenance', effect: 'NoExecute', timeAdded: iso(T0) }]);
    await addCluster('m2', 'True');
    await addBinding('a', ['m1']);
    await addBinding('b', ['m1']);
    await taintManager.reconcile(ctx(), 'rb/default/a');
    await taintManager.reconcile(ctx(), 'rb/default/b');
    expect((await binding('a')).spec.gracefulEvictionTasks).toHaveLength(1);
    expect((await binding('b')).spec.gracefulEvictionTasks).toBeUndefined();
    const wait = queued.find((q) => q.key === 'rb/default/b')!;
    expect(wait.delayMs).toBeGreaterThanOrEqual(2000);
    expect(wait.delayMs).toBeLessThan(2250);
    now += 2000;
    await taintManager.reconcile(ctx(), 'rb/default/b');
    expect((await binding('b')).spec.gracefulEvictionTasks).toHaveLength(1);
  });

  it('the brake halts while more than 55% of clusters are not ready, records why, and wakes the bindings when released', async () => {
    await addCluster('m1', 'False', [notReadyNoExecute(T0 - 600_000)]);
    await addCluster('m2', 'False', [notReadyNoExecute(T0 - 600_000)]);
    await addCluster('m3', 'True');
    await addBinding('web-deployment', ['m1', 'm2']);
    await taintManager.reconcile(ctx(), 'cluster/m1');
    expect(queued.map((q) => q.key)).toEqual(['rb/default/web-deployment']);
    queued = [];
    await taintManager.reconcile(ctx(), 'rb/default/web-deployment');
    expect((await binding()).spec.gracefulEvictionTasks).toBeUndefined();
    expect(queued).toEqual([]);
    const brake = (await db.store.get({ group: '', resource: 'configmaps', namespace: 'karmada-cluster', name: 'eviction-brake' })) as KubeObject & { data: Record<string, string> };
    expect(brake.data.state).toBe('Halted');
    expect(brake.data.message).toContain('2 of 3 clusters are not ready');
    expect((await events()).map((e) => e.reason)).toEqual(['EvictionHalted']);
    // m2 comes back (its taint goes): the brake is released and the waiting binding is woken.
    const m2 = (await db.store.get(CLUSTER('m2')))!;
    await db.store.update(CLUSTER('m2'), { ...m2, spec: { syncMode: 'Push' }, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'r', message: 'm', lastTransitionTime: iso(T0) }] } } as KubeObject);
    await taintManager.reconcile(ctx(), 'cluster/m2');
    expect(queued.map((q) => q.key)).toEqual(['rb/default/web-deployment']);
    expect((await events()).map((e) => e.reason).sort()).toEqual(['EvictionHalted', 'EvictionResumed']);
    await taintManager.reconcile(ctx(), 'rb/default/web-deployment');
    expect((await binding()).spec.gracefulEvictionTasks?.map((t) => t.fromCluster)).toEqual(['m1']);
    expect((await binding()).spec.clusters?.map((c) => c.name)).toEqual(['m2']);
  });

  it('keys: clusters and bindings wake it; deletions do not', () => {
    const change = (resource: string, group: string, type: 'ADDED' | 'DELETED', namespace = '') =>
      ({ type, key: { group, resource, namespace, name: 'x' }, object: { metadata: {} } }) as never;
    expect(taintManager.keysFor(change('clusters', 'cluster.karmada.io', 'ADDED'))).toEqual(['cluster/x']);
    expect(taintManager.keysFor(change('resourcebindings', 'work.karmada.io', 'ADDED', 'ns'))).toEqual(['rb/ns/x']);
    expect(taintManager.keysFor(change('clusterresourcebindings', 'work.karmada.io', 'ADDED'))).toEqual(['crb//x']);
    expect(taintManager.keysFor(change('clusters', 'cluster.karmada.io', 'DELETED'))).toEqual([]);
  });
});

describe('graceful eviction controller', () => {
  const task = { fromCluster: 'm1', reason: 'TaintUntolerated', producer: 'TaintManager', purgeMode: 'Gracefully' as const };

  it('stamps a new task, keeps it while the new cluster is not healthy, removes it once healthy, with an Event', async () => {
    await addBinding('web-deployment', ['m2'], { gracefulEvictionTasks: [task] }, { aggregatedStatus: [{ clusterName: 'm2', health: 'Unhealthy', applied: true }] });
    await gracefulEvictionController.reconcile(ctx(), 'rb/default/web-deployment');
    let b = await binding();
    expect(b.spec.gracefulEvictionTasks?.[0]?.creationTimestamp).toBe(iso(T0));
    expect(queued.at(-1)).toEqual({ reconciler: 'graceful-eviction', key: 'rb/default/web-deployment', delayMs: 601_000 });
    // The scheduler has not seen the new generation yet: hands off.
    now += 1000;
    await db.store.update(RB('web-deployment'), { ...(b as unknown as KubeObject), status: { ...b.status, aggregatedStatus: [{ clusterName: 'm2', health: 'Healthy', applied: true }] } } as KubeObject);
    await gracefulEvictionController.reconcile(ctx(), 'rb/default/web-deployment');
    expect((await binding()).spec.gracefulEvictionTasks).toHaveLength(1);
    b = await binding();
    await db.store.update(RB('web-deployment'), { ...(b as unknown as KubeObject), status: { ...b.status, schedulerObservedGeneration: b.metadata.generation } } as KubeObject);
    await gracefulEvictionController.reconcile(ctx(), 'rb/default/web-deployment');
    expect((await binding()).spec.gracefulEvictionTasks).toBeUndefined();
    const ev = (await events()).find((e) => e.reason === 'GracefulEvictionTaskDone')!;
    expect(ev.message).toContain('from cluster m1');
    expect(ev.message).toContain('healthy on its new clusters');
    expect(ev.message).toContain('now on m2');
  });

  it('ends a task at its grace period even if the new placement never becomes healthy', async () => {
    await addBinding('web-deployment', ['m2'], { gracefulEvictionTasks: [{ ...task, gracePeriodSeconds: 60, creationTimestamp: iso(T0) }] });
    now = T0 + 59_000;
    await gracefulEvictionController.reconcile(ctx(), 'rb/default/web-deployment');
    expect((await binding()).spec.gracefulEvictionTasks).toHaveLength(1);
    expect(queued.at(-1)?.delayMs).toBe(2_000);
    now = T0 + 60_000;
    await gracefulEvictionController.reconcile(ctx(), 'rb/default/web-deployment');
    expect((await binding()).spec.gracefulEvictionTasks).toBeUndefined();
    expect((await events())[0]?.message).toContain('grace period ended');
  });
});

describe('binding controller with eviction tasks', () => {
  async function deployment(): Promise<void> {
    await db.store.create({ group: 'apps', resource: 'deployments', namespace: 'default', name: 'web' }, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default', uid: 'd-web', generation: 1 },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    } as KubeObject);
  }
  const works = async (): Promise<string[]> => (await db.store.list({ group: 'work.karmada.io', resource: 'works' })).items.filter((w) => !w.metadata.deletionTimestamp).map((w) => w.metadata.namespace ?? '').sort();

  for (const [mode, kept] of [['Gracefully', true], ['Directly', false]] as const) {
    it(`purgeMode ${mode} ${kept ? 'keeps' : 'removes'} the old Work while the task exists`, async () => {
      await deployment();
      await addCluster('m1', 'True');
      await addCluster('m2', 'True');
      await addBinding('web-deployment', ['m1', 'm2']);
      await bindingController.reconcile(ctx(), 'rb/default/web-deployment');
      expect(await works()).toEqual(['karmada-es-m1', 'karmada-es-m2']);
      const b = await binding();
      await db.store.update(RB('web-deployment'), { ...(b as unknown as KubeObject), spec: { ...b.spec, clusters: [{ name: 'm2', replicas: 2 }], gracefulEvictionTasks: [{ fromCluster: 'm1', reason: 'TaintUntolerated', producer: 'TaintManager', purgeMode: mode }] } } as KubeObject);
      await bindingController.reconcile(ctx(), 'rb/default/web-deployment');
      expect(await works()).toEqual(kept ? ['karmada-es-m1', 'karmada-es-m2'] : ['karmada-es-m2']);
    });
  }

  it('stateful failover: preserved labels reach the manifest for the new cluster', async () => {
    await deployment();
    await addCluster('m2', 'True');
    await addBinding('web-deployment', ['m2'], {
      gracefulEvictionTasks: [{ fromCluster: 'm1', reason: 'ApplicationFailure', producer: 'x', purgeMode: 'Directly', preservedLabelState: { 'app.example/replicas': '3' }, clustersBeforeFailover: ['m1'] }],
    });
    await bindingController.reconcile(ctx(), 'rb/default/web-deployment');
    const w = (await db.store.list({ group: 'work.karmada.io', resource: 'works', namespace: 'karmada-es-m2' })).items[0]!;
    const manifest = (w.spec as { workload: { manifests: Array<{ metadata: { labels: Record<string, string> } }> } }).workload.manifests[0]!;
    expect(manifest.metadata.labels['app.example/replicas']).toBe('3');
  });
});

describe('ClusterTaintPolicy controller', () => {
  async function policy(): Promise<void> {
    await db.store.create({ group: 'policy.karmada.io', resource: 'clustertaintpolicies', namespace: '', name: 'not-ready' }, {
      apiVersion: 'policy.karmada.io/v1alpha1',
      kind: 'ClusterTaintPolicy',
      metadata: { name: 'not-ready', uid: 'ctp', creationTimestamp: iso(T0 - 1000) },
      spec: {
        addOnConditions: [{ conditionType: 'Ready', operator: 'NotIn', statusValues: ['True'] }],
        removeOnConditions: [{ conditionType: 'Ready', operator: 'In', statusValues: ['True'] }],
        taints: [{ key: 'cluster.karmada.io/not-ready', effect: 'NoExecute' }],
      },
    } as KubeObject);
  }

  it('taints a not-ready cluster, leaves the ready one, untaints on recovery, and is quiet when converged', async () => {
    await policy();
    await addCluster('m1', 'Unknown', [{ key: 'cluster.karmada.io/unreachable', effect: 'NoSchedule' }]);
    await addCluster('m2', 'True');
    await clusterTaintPolicyController.reconcile(ctx(), '*');
    expect(queued.map((q) => q.key).sort()).toEqual(['m1', 'm2']);
    await clusterTaintPolicyController.reconcile(ctx(), 'm1');
    await clusterTaintPolicyController.reconcile(ctx(), 'm2');
    let m1 = (await db.store.get(CLUSTER('m1'))) as unknown as Cluster;
    expect(m1.spec.taints).toEqual([{ key: 'cluster.karmada.io/unreachable', effect: 'NoSchedule' }, notReadyNoExecute(T0)]);
    expect(((await db.store.get(CLUSTER('m2'))) as unknown as Cluster).spec.taints).toBeUndefined();
    expect((await events()).map((e) => e.reason)).toEqual(['TaintClusterSucceed']);
    const rev = await db.store.currentRevision();
    now += 60_000;
    await clusterTaintPolicyController.reconcile(ctx(), 'm1');
    expect(await db.store.currentRevision()).toBe(rev);
    m1 = (await db.store.get(CLUSTER('m1'))) as unknown as Cluster;
    await db.store.update(CLUSTER('m1'), { ...(m1 as unknown as KubeObject), status: { conditions: [{ type: 'Ready', status: 'True', reason: 'r', message: 'm', lastTransitionTime: iso(now) }] } } as KubeObject);
    await clusterTaintPolicyController.reconcile(ctx(), 'm1');
    expect(((await db.store.get(CLUSTER('m1'))) as unknown as Cluster).spec.taints).toEqual([{ key: 'cluster.karmada.io/unreachable', effect: 'NoSchedule' }]);
  });
});

describe('application failover controller', () => {
  const app = (purgeMode: 'Directly' | 'Gracefully' | 'Never', tolerationSeconds = 60) => ({
    propagateDeps: true,
    failover: { application: { decisionConditions: { tolerationSeconds }, purgeMode, ...(purgeMode === 'Gracefully' ? { gracePeriodSeconds: 120 } : {}) } },
  });

  it('unhealthy for tolerationSeconds: the clock is kept on the binding, then the cluster is evicted with the policy purge mode', async () => {
    await addCluster('m1', 'True');
    await addCluster('m2', 'True');
    await addCluster('m3', 'True');
    await addBinding('web-deployment', ['m1', 'm2'], app('Gracefully'), { aggregatedStatus: [{ clusterName: 'm1', health: 'Unhealthy', applied: true }, { clusterName: 'm2', health: 'Healthy', applied: true }] });
    await applicationFailoverController.reconcile(ctx(), 'rb/default/web-deployment');
    let b = await binding();
    expect(b.metadata.annotations?.['failover.flotilla.io/unhealthy-since']).toBe(JSON.stringify({ m1: iso(T0) }));
    expect(b.spec.gracefulEvictionTasks).toBeUndefined();
    expect(queued.at(-1)).toEqual({ reconciler: 'application-failover', key: 'rb/default/web-deployment', delayMs: 61_000 });
    now = T0 + 61_000;
    await applicationFailoverController.reconcile(ctx(), 'rb/default/web-deployment');
    b = await binding();
    expect(b.spec.clusters?.map((c) => c.name)).toEqual(['m2']);
    expect(b.spec.gracefulEvictionTasks).toEqual([expect.objectContaining({ fromCluster: 'm1', reason: 'ApplicationFailure', purgeMode: 'Gracefully', gracePeriodSeconds: 120 })]);
    expect(b.metadata.annotations?.['failover.flotilla.io/unhealthy-since']).toBeUndefined();
    expect((await events()).map((e) => e.reason)).toEqual(['EvictWorkloadFromClusterSucceed']);
  });

  it('a recovery before the toleration resets the clock; Never keeps the old copy through suppressDeletion', async () => {
    await addCluster('m1', 'True');
    await addCluster('m2', 'True');
    await addBinding('web-deployment', ['m1', 'm2'], app('Never', 0), { aggregatedStatus: [{ clusterName: 'm1', health: 'Unhealthy', applied: true }] });
    await applicationFailoverController.reconcile(ctx(), 'rb/default/web-deployment');
    expect((await binding()).spec.gracefulEvictionTasks?.[0]).toMatchObject({ fromCluster: 'm1', purgeMode: 'Never', suppressDeletion: true });

    await addBinding('other', ['m1', 'm2'], app('Directly', 60), { aggregatedStatus: [{ clusterName: 'm1', health: 'Unhealthy', applied: true }] });
    await applicationFailoverController.reconcile(ctx(), 'rb/default/other');
    const b = await binding('other');
    await db.store.update(RB('other'), { ...(b as unknown as KubeObject), status: { ...b.status, aggregatedStatus: [{ clusterName: 'm1', health: 'Healthy', applied: true }] } } as KubeObject);
    now = T0 + 120_000;
    await applicationFailoverController.reconcile(ctx(), 'rb/default/other');
    const after = await binding('other');
    expect(after.spec.gracefulEvictionTasks).toBeUndefined();
    expect(after.metadata.annotations?.['failover.flotilla.io/unhealthy-since']).toBeUndefined();
  });

  it('waits while the brake is halted (a fleet-wide outage makes everything unhealthy)', async () => {
    await addCluster('m1', 'False');
    await addCluster('m2', 'False');
    await addCluster('m3', 'True');
    await addBinding('web-deployment', ['m1', 'm3'], app('Directly', 0), { aggregatedStatus: [{ clusterName: 'm1', health: 'Unhealthy', applied: true }] });
    await applicationFailoverController.reconcile(ctx(), 'rb/default/web-deployment');
    const b = await binding();
    expect(b.spec.gracefulEvictionTasks).toBeUndefined();
    expect(b.metadata.annotations?.['failover.flotilla.io/unhealthy-since']).toContain('m1');
    expect(queued.at(-1)?.delayMs).toBe(10_000);
  });
});
