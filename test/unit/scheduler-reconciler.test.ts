import { afterEach, describe, expect, it } from 'vitest';
import { schedulingWorld, deploymentSpec, type World } from './scheduler-reconciler-harness.js';
import { APPLIED_PLACEMENT_ANNOTATION } from '../../shared/binding/scheduling-triggers.js';
import { CLUSTER_PROPAGATION_POLICY_PERMANENT_ID_LABEL } from '../../shared/karmada/propagation-policy.js';
import type { Placement } from '../../shared/karmada/placement.js';
import type { ResourceBinding } from '../../shared/karmada/resource-binding.js';

const worlds: World[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.close()));
});

async function world(settings: Parameters<typeof schedulingWorld>[0] = {}): Promise<World> {
  const w = await schedulingWorld(settings);
  worlds.push(w);
  return w;
}

const weighted = (weights: Record<string, number>): Placement => ({
  clusterAffinity: { clusterNames: Object.keys(weights) },
  replicaScheduling: {
    replicaSchedulingType: 'Divided',
    replicaDivisionPreference: 'Weighted',
    weightPreference: { staticWeightList: Object.entries(weights).map(([name, weight]) => ({ targetCluster: { clusterNames: [name] }, weight })) },
  },
});
const duplicated = (affinity: Placement['clusterAffinity']): Placement => ({ clusterAffinity: affinity, replicaScheduling: { replicaSchedulingType: 'Duplicated' } });
const dynamic: Placement = { replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { dynamicWeight: 'AvailableReplicas' } } };

const targets = (b: ResourceBinding): Record<string, number | undefined> => Object.fromEntries((b.spec.clusters ?? []).map((t) => [t.name, t.replicas]));
const scheduled = (b: ResourceBinding) => b.status?.conditions?.find((c) => c.type === 'Scheduled');

describe('scheduler reconciler: bindings and Clusters in, spec.clusters out', () => {
  it('divides 9 replicas at 1:2 into 3 and 6 and records the result as Karmada does', async () => {
    const w = await world();
    await w.addCluster('member1');
    await w.addCluster('member2');
    await w.addCluster('member3');
    await w.addBinding('web-deployment', deploymentSpec('web', 9, weighted({ member1: 1, member2: 2 })));
    await w.settle();
    const b = await w.binding('web-deployment');
    expect(targets(b)).toEqual({ member1: 3, member2: 6 });
    expect(scheduled(b)).toMatchObject({ status: 'True', reason: 'Success', message: 'Binding has been scheduled successfully.' });
    expect(b.status?.schedulerObservedGeneration).toBe(b.metadata.generation);
    expect(b.status?.lastScheduledTime).toBe('2025-03-01T10:00:00Z');
    expect(JSON.parse(b.metadata.annotations?.[APPLIED_PLACEMENT_ANNOTATION] ?? '{}')).toEqual(b.spec.placement);
    const events = await w.events();
    const onBinding = events.find((e) => e.involvedObject.kind === 'ResourceBinding');
    const onTemplate = events.find((e) => e.involvedObject.kind === 'Deployment');
    expect(onBinding).toMatchObject({ type: 'Normal', reason: 'ScheduleBindingSucceed', message: 'Binding has been scheduled successfully. Result: {member1:3, member2:6}' });
    expect(onTemplate).toMatchObject({ reason: 'ScheduleBindingSucceed', involvedObject: { name: 'web' } });
  });

  it('reschedules on a placement change (1:3 gives 2 and 7) and on a replica change (12 at 1:3 gives 3 and 9)', async () => {
    const w = await world();
    await w.addCluster('member1');
    await w.addCluster('member2');
    await w.addBinding('web-deployment', deploymentSpec('web', 9, weighted({ member1: 1, member2: 2 })));
    await w.settle();
    await w.editBinding('web-deployment', (b) => {
      b.spec.placement = weighted({ member1: 1, member2: 3 });
    });
    await w.settle();
    let b = await w.binding('web-deployment');
    expect(targets(b)).toEqual({ member1: 2, member2: 7 });
    expect(JSON.parse(b.metadata.annotations?.[APPLIED_PLACEMENT_ANNOTATION] ?? '{}')).toEqual(weighted({ member1: 1, member2: 3 }));
    await w.editBinding('web-deployment', (b) => {
      b.spec.replicas = 12;
    });
    await w.settle();
    b = await w.binding('web-deployment');
    expect(targets(b)).toEqual({ member1: 3, member2: 9 });
    expect(b.status?.schedulerObservedGeneration).toBe(b.metadata.generation);
  });

  it('a Divided binding stays where it is when clusters change; a Duplicated one follows them', async () => {
    const w = await world();
    await w.addCluster('member1', { labels: { location: 'east' } });
    await w.addBinding('divided-deployment', deploymentSpec('divided', 4, { clusterAffinity: { labelSelector: { matchLabels: { location: 'east' } } }, replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted' } }));
    await w.addBinding('dup-deployment', deploymentSpec('dup', 2, duplicated({ labelSelector: { matchLabels: { location: 'east' } } })));
    await w.settle();
    expect(targets(await w.binding('divided-deployment'))).toEqual({ member1: 4 });
    expect(targets(await w.binding('dup-deployment'))).toEqual({ member1: 2 });
    // S20: a member joins with the label.
    await w.addCluster('member2', { labels: { location: 'east' } });
    await w.settle();
    expect(targets(await w.binding('divided-deployment'))).toEqual({ member1: 4 });
    expect(targets(await w.binding('dup-deployment'))).toEqual({ member1: 2, member2: 2 });
    // ... and loses it: the Duplicated binding leaves it, the Divided one never went there.
    await w.editCluster('member2', (c) => {
      c.metadata.labels = { location: 'west' };
    }, 'metadata');
    await w.settle();
    expect(targets(await w.binding('dup-deployment'))).toEqual({ member1: 2 });
    expect(targets(await w.binding('divided-deployment'))).toEqual({ member1: 4 });
  });

  it('moves a Divided binding off a cluster being deleted', async () => {
    const w = await world();
    await w.addCluster('member1');
    await w.addCluster('member2');
    await w.addBinding('web-deployment', deploymentSpec('web', 4, { replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted' } }));
    await w.settle();
    expect(targets(await w.binding('web-deployment'))).toEqual({ member1: 2, member2: 2 });
    await w.editCluster('member2', (c) => {
      c.metadata.deletionTimestamp = '2025-03-01T10:00:05Z';
      c.metadata.finalizers = ['karmada.io/cluster-controller'];
    }, 'metadata');
    await w.settle();
    expect(targets(await w.binding('web-deployment'))).toEqual({ member1: 4 });
  });

  it('a reschedule request (rescheduleTriggeredAt) makes a fresh division; without one the steady result stays', async () => {
    const w = await world();
    await w.addCluster('member1', { freePods: 10 });
    await w.addCluster('member2', { freePods: 10 });
    await w.addBinding('web-deployment', deploymentSpec('web', 6, dynamic));
    await w.settle();
    expect(targets(await w.binding('web-deployment'))).toEqual({ member1: 3, member2: 3 });
    // member2 fills up: a steady binding is not moved.
    await w.editCluster('member2', (c) => {
      c.status!.resourceSummary!.allocated = { pods: '97' };
    }, 'status');
    await w.settle();
    expect(targets(await w.binding('web-deployment'))).toEqual({ member1: 3, member2: 3 });
    w.advance(5_000);
    await w.editBinding('web-deployment', (b) => {
      b.spec.rescheduleTriggeredAt = new Date(w.now()).toISOString().replace('.000Z', 'Z');
    });
    await w.settle();
    const b = await w.binding('web-deployment');
    // Fresh: weights are what each cluster could hold in all (10+3 and 0+3): 13:3 of 6 replicas.
    expect(targets(b)).toEqual({ member1: 5, member2: 1 });
    expect(b.status?.lastScheduledTime).toBe('2025-03-01T10:00:05Z');
  });

  it('Duplicated and non-workload bindings are scheduled on every look; others only on their triggers', async () => {
    const w = await world();
    await w.addCluster('member1');
    await w.addBinding('cm-configmap', { resource: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'cm', uid: 'uid-cm' } } as never);
    await w.settle();
    expect(targets(await w.binding('cm-configmap'))).toEqual({ member1: undefined });
    await w.addCluster('member2');
    await w.settle();
    expect(Object.keys(targets(await w.binding('cm-configmap')))).toEqual(['member1', 'member2']);
  });
});

describe('scheduler reconciler: failures', () => {
  it('NoClusterFit empties the result, says why, retries with backoff, and places the binding once a cluster fits', async () => {
    const w = await world();
    const notReady = { key: 'cluster.karmada.io/not-ready', effect: 'NoSchedule' };
    await w.addCluster('member1', { taints: [notReady] });
    await w.addBinding('web-deployment', deploymentSpec('web', 2, duplicated(undefined)));
    const results = await w.settle();
    let b = await w.binding('web-deployment');
    expect(b.spec.clusters).toBeUndefined();
    expect(scheduled(b)).toMatchObject({ status: 'False', reason: 'NoClusterFit' });
    expect(scheduled(b)?.message).toContain('0/1 clusters are available');
    expect(scheduled(b)?.message).toContain('cluster.karmada.io/not-ready');
    expect(results.get('rb/default/web-deployment')).toEqual({ requeueAfterMs: 1000 });
    const failedEvent = async () => (await w.events()).find((e) => e.reason === 'ScheduleBindingFailed' && e.involvedObject.kind === 'ResourceBinding');
    const failed = (await w.events()).filter((e) => e.reason === 'ScheduleBindingFailed');
    expect(failed.map((e) => e.type)).toEqual(['Warning', 'Warning']);
    const count = (await failedEvent())!.count;
    // The retry fails again: the same event counts up, and the wait grows with the failure's age, up to 10 s.
    w.advance(4_000);
    const again = await w.schedulerReconcile('rb/default/web-deployment');
    expect(again).toEqual({ requeueAfterMs: 4000 });
    expect((await failedEvent())?.count).toBe(count + 1);
    w.advance(60_000);
    expect(await w.schedulerReconcile('rb/default/web-deployment')).toEqual({ requeueAfterMs: 10_000 });
    // The cluster controller lifts the taint (a spec change): the cluster's change finds the binding.
    await w.editCluster('member1', (c) => {
      c.spec.taints = [];
    });
    await w.settle();
    b = await w.binding('web-deployment');
    expect(targets(b)).toEqual({ member1: 2 });
    expect(scheduled(b)).toMatchObject({ status: 'True', reason: 'Success' });
  });

  it('Unschedulable (too few available replicas) keeps the previous result', async () => {
    const w = await world();
    await w.addCluster('member1', { freePods: 5 });
    await w.addBinding('web-deployment', deploymentSpec('web', 4, dynamic));
    await w.settle();
    await w.editBinding('web-deployment', (b) => {
      b.spec.replicas = 40;
    });
    await w.settle();
    const b = await w.binding('web-deployment');
    expect(targets(b)).toEqual({ member1: 4 });
    expect(scheduled(b)).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    expect(scheduled(b)?.message).toMatch(/not enough to schedule/);
  });

  it('SchedulerError when the scheduler cannot run at all', async () => {
    const w = await world();
    await w.addCluster('member1');
    // A Cluster the scheduler cannot read (no spec): the pure scheduler throws.
    await w.editCluster('member1', (c) => {
      delete (c as { spec?: unknown }).spec;
    }, 'metadata');
    await w.addBinding('web-deployment', deploymentSpec('web', 1, duplicated(undefined)));
    await w.settle();
    const b = await w.binding('web-deployment');
    expect(scheduled(b)).toMatchObject({ status: 'False', reason: 'SchedulerError' });
    expect((await w.events()).some((e) => e.reason === 'ScheduleBindingFailed')).toBe(true);
  });
});

describe('scheduler reconciler: what it leaves alone', () => {
  it('suspension.scheduling, another schedulerName and unclaimed bindings are not scheduled', async () => {
    const w = await world();
    await w.addCluster('member1');
    await w.addBinding('suspended-deployment', { ...deploymentSpec('suspended', 1, duplicated(undefined)), suspension: { scheduling: true } });
    await w.addBinding('other-deployment', { ...deploymentSpec('other', 1, duplicated(undefined)), schedulerName: 'my-scheduler' });
    await w.addBinding('unclaimed-deployment', deploymentSpec('unclaimed', 1, duplicated(undefined)), { labels: {} });
    await w.addBinding('crb-clusterrole', { resource: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'r', uid: 'uid-r' } } as never, { cluster: true, labels: { [CLUSTER_PROPAGATION_POLICY_PERMANENT_ID_LABEL]: 'cpp' } });
    await w.settle();
    for (const n of ['suspended-deployment', 'other-deployment', 'unclaimed-deployment']) {
      const b = await w.binding(n);
      expect(b.spec.clusters, n).toBeUndefined();
      expect(b.status?.conditions ?? [], n).toEqual([]);
    }
    // The ClusterResourceBinding next to them is scheduled (ClusterRole: no API filter when the cluster lists none? it does: rbac is not listed).
    const crb = await w.binding('crb-clusterrole', '');
    expect(scheduled(crb)?.reason).toBe('NoClusterFit');
    // Lifting the suspension (a spec change) schedules it.
    await w.editBinding('suspended-deployment', (b) => {
      b.spec.suspension = { scheduling: false };
    });
    await w.settle();
    expect(targets(await w.binding('suspended-deployment'))).toEqual({ member1: 1 });
  });

  it('status-only updates of a binding are no news; a spec change is', async () => {
    const w = await world();
    await w.addCluster('member1');
    await w.addBinding('web-deployment', deploymentSpec('web', 1, duplicated(undefined)));
    await w.settle();
    const rev = await w.db.store.currentRevision();
    const b = await w.binding('web-deployment');
    await w.db.store.update({ group: 'work.karmada.io', resource: 'resourcebindings', namespace: 'default', name: 'web-deployment' }, { ...b, status: { ...b.status, aggregatedStatus: [{ clusterName: 'member1', applied: true }] } } as never, { resourceVersion: b.metadata.resourceVersion });
    const results = await w.settle();
    expect(results.size).toBe(0);
    expect(await w.db.store.currentRevision()).toBe(rev + 1);
  });
});

describe('scheduler reconciler: writers that keep the generation', () => {
  it('a placement changed without a generation bump (as the detector writes today) is still rescheduled', async () => {
    const w = await world();
    await w.addCluster('member1');
    await w.addCluster('member2');
    await w.addBinding('web-deployment', deploymentSpec('web', 9, weighted({ member1: 1, member2: 2 })));
    await w.settle();
    const b = await w.binding('web-deployment');
    await w.db.store.update({ group: 'work.karmada.io', resource: 'resourcebindings', namespace: 'default', name: 'web-deployment' }, { ...b, spec: { ...b.spec, placement: weighted({ member1: 1, member2: 3 }) } } as never, { resourceVersion: b.metadata.resourceVersion });
    await w.settle();
    expect(targets(await w.binding('web-deployment'))).toEqual({ member1: 2, member2: 7 });
  });
});

describe('scheduler reconciler: scheduling queue', () => {
  const aggregated: Placement = { replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Aggregated' } };

  it('takes the decisions of one batch in schedulePriority order: with overcommit protection the higher ones get the capacity', async () => {
    const w = await world({ schedulingOvercommitProtection: true });
    await w.addCluster('member1', { freePods: 10 });
    for (const [n, p] of [['low', 1], ['high', 10], ['none', undefined], ['mid', 5]] as const) {
      await w.addBinding(`${n}-deployment`, { ...deploymentSpec(n, 5, aggregated), ...(p !== undefined ? { schedulePriority: { priority: p } } : {}) });
    }
    // Arrival order is the batch's order of keys; priority overrides it.
    await w.batch(['rb/default/low-deployment', 'rb/default/none-deployment', 'rb/default/mid-deployment', 'rb/default/high-deployment']);
    expect(targets(await w.binding('high-deployment'))).toEqual({ member1: 5 });
    expect(targets(await w.binding('mid-deployment'))).toEqual({ member1: 5 });
    expect(scheduled(await w.binding('low-deployment'))?.reason).toBe('Unschedulable');
    expect(scheduled(await w.binding('none-deployment'))?.reason).toBe('Unschedulable');
  });

  it('equal priorities keep the batch order; without overcommit protection capacity is not shared out', async () => {
    const w = await world({ schedulingOvercommitProtection: true });
    await w.addCluster('member1', { freePods: 5 });
    await w.addBinding('a-deployment', deploymentSpec('a', 5, aggregated));
    await w.addBinding('b-deployment', deploymentSpec('b', 5, aggregated));
    await w.batch(['rb/default/b-deployment', 'rb/default/a-deployment']);
    expect(targets(await w.binding('b-deployment'))).toEqual({ member1: 5 });
    expect(scheduled(await w.binding('a-deployment'))?.reason).toBe('Unschedulable');

    const v = await world();
    await v.addCluster('member1', { freePods: 5 });
    await v.addBinding('a-deployment', deploymentSpec('a', 5, aggregated));
    await v.addBinding('b-deployment', deploymentSpec('b', 5, aggregated));
    await v.batch(['rb/default/b-deployment', 'rb/default/a-deployment']);
    expect(targets(await v.binding('a-deployment'))).toEqual({ member1: 5 });
    expect(targets(await v.binding('b-deployment'))).toEqual({ member1: 5 });
  });
});

describe('scheduler reconciler: Cluster changes', () => {
  it('S20 a label change enqueues bindings that matched the cluster before or after, and only those', async () => {
    const w = await world();
    await w.addCluster('member1', { labels: { location: 'east' }, taints: [{ key: 'cluster.karmada.io/unschedulable', effect: 'NoSchedule' }] });
    await w.addBinding('east-deployment', deploymentSpec('east', 1, duplicated({ labelSelector: { matchLabels: { location: 'east' } } })));
    await w.addBinding('west-deployment', deploymentSpec('west', 1, duplicated({ labelSelector: { matchLabels: { location: 'west' } } })));
    await w.addBinding('north-deployment', deploymentSpec('north', 1, duplicated({ labelSelector: { matchLabels: { location: 'north' } } })));
    await w.settle();
    // None is placed (the cluster is cordoned); the east one matched member1 before the change only.
    w.enqueued.clear();
    await w.editCluster('member1', (c) => {
      c.metadata.labels = { location: 'west' };
    }, 'metadata');
    await w.settle();
    expect([...w.enqueued].sort()).toEqual(['rb/default/east-deployment', 'rb/default/west-deployment']);
    // A status-only change (a probe) wakes nobody.
    w.enqueued.clear();
    await w.editCluster('member1', (c) => {
      c.status!.kubernetesVersion = 'v1.33.4';
    }, 'status');
    await w.settle();
    expect([...w.enqueued]).toEqual([]);
  });

  it('binding observed on a clusterAffinities term is held against that term; an unobserved generation always looks', async () => {
    const w = await world();
    await w.addCluster('member1', { labels: { location: 'east' } });
    const placement: Placement = {
      clusterAffinities: [
        { affinityName: 'primary', clusterNames: ['member9'] },
        { affinityName: 'backup', labelSelector: { matchLabels: { location: 'east' } } },
      ],
      replicaScheduling: { replicaSchedulingType: 'Duplicated' },
    };
    await w.addBinding('web-deployment', deploymentSpec('web', 1, placement));
    await w.settle();
    const b = await w.binding('web-deployment');
    expect(b.status?.schedulerObservingAffinityName).toBe('backup');
    expect(targets(b)).toEqual({ member1: 1 });
    await w.addCluster('member2', { labels: { location: 'west' } });
    w.enqueued.clear();
    await w.editCluster('member2', (c) => {
      c.metadata.labels = { location: 'south' };
    }, 'metadata');
    await w.settle();
    expect([...w.enqueued]).toEqual([]);
  });
});
