// The pure rules of failover: taint eviction timing, eviction tasks and their assessment, the
// brake, ClusterTaintPolicy, application failure detection and stateful failover labels.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { taintEvictionDecision, withDefaultTolerations, clusterPurgeMode } from '../../shared/failover/taint-eviction.js';
import { assessEvictionTasks, gracefulEvictCluster, newPlacementHealthy } from '../../shared/failover/eviction-task.js';
import { brakeState, takeEvictionSlot, describeBrake } from '../../shared/failover/eviction-brake.js';
import { conditionsMatch, taintsFromPolicies } from '../../shared/failover/cluster-taint-policy.js';
import { detectApplicationFailures, applicationEvictionTask, readUnhealthySince, writeUnhealthySince } from '../../shared/failover/application-failover.js';
import { buildPreservedLabelState, preservedLabelsFor } from '../../shared/failover/preserved-label-state.js';
import { bindingKey, parseBindingKey } from '../../shared/failover/binding-keys.js';
import { parseFailoverSettings } from '../../shared/failover/settings.js';
import type { BindingSpec } from '../../shared/karmada/resource-binding.js';
import type { Cluster } from '../../shared/karmada/cluster.js';
import type { ClusterTaintPolicy } from '../../shared/karmada/cluster-taint-policy.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const notReady = (addedAt = T0) => ({ key: 'cluster.karmada.io/not-ready', effect: 'NoExecute', timeAdded: iso(addedAt) });

const spec = (clusters: Array<[string, number?]>, extra: Partial<BindingSpec> = {}): BindingSpec =>
  ({
    resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' },
    conflictResolution: 'Abort',
    clusters: clusters.map(([name, replicas]) => ({ name, ...(replicas !== undefined ? { replicas } : {}) })),
    ...extra,
  }) as BindingSpec;

const cluster = (name: string, ready: 'True' | 'False' | 'Unknown' | undefined, extra: Partial<Cluster['spec']> = {}, labels: Record<string, string> = {}): Cluster =>
  ({
    apiVersion: 'cluster.karmada.io/v1alpha1',
    kind: 'Cluster',
    metadata: { name, labels },
    spec: { syncMode: 'Push', ...extra },
    ...(ready ? { status: { conditions: [{ type: 'Ready', status: ready, reason: 'x', message: 'x', lastTransitionTime: iso(T0) }] } } : {}),
  }) as Cluster;

describe('taint eviction decision', () => {
  it('an untolerated NoExecute taint evicts at once; NoSchedule never does', () => {
    expect(taintEvictionDecision([notReady()], [], T0).kind).toBe('now');
    expect(taintEvictionDecision([{ key: 'k', effect: 'NoSchedule' }], [], T0)).toEqual({ kind: 'never' });
    expect(taintEvictionDecision(undefined, [], T0)).toEqual({ kind: 'never' });
  });

  it('a toleration with tolerationSeconds evicts when timeAdded + seconds has passed', () => {
    const tol = [{ key: 'cluster.karmada.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }];
    expect(taintEvictionDecision([notReady()], tol, T0 + 10_000)).toMatchObject({ kind: 'later', delayMs: 50_000 });
    expect(taintEvictionDecision([notReady()], tol, T0 + 60_000).kind).toBe('now');
    // Without tolerationSeconds it is tolerated for ever.
    expect(taintEvictionDecision([notReady()], [{ key: 'cluster.karmada.io/not-ready', operator: 'Exists' }], T0 + 1e9)).toEqual({ kind: 'never' });
  });

  it('the earliest of several tolerated taints decides; one untolerated taint overrides all', () => {
    const taints = [notReady(T0), { key: 'maint', value: 'x', effect: 'NoExecute', timeAdded: iso(T0 + 5_000) }];
    const tol = [
      { key: 'cluster.karmada.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 100 },
      { key: 'maint', operator: 'Equal', value: 'x', effect: 'NoExecute', tolerationSeconds: 10 },
    ];
    expect(taintEvictionDecision(taints, tol, T0)).toMatchObject({ kind: 'later', delayMs: 15_000 });
    expect(taintEvictionDecision(taints, tol.slice(0, 1), T0).kind).toBe('now');
  });

  it('property: the delay never exceeds the smallest tolerationSeconds and lands exactly on the deadline', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 20_000_000 }), (secs, elapsed) => {
        const d = taintEvictionDecision([notReady()], [{ key: 'cluster.karmada.io/not-ready', operator: 'Exists', tolerationSeconds: secs }], T0 + elapsed);
        if (elapsed >= secs * 1000) return d.kind === 'now';
        return d.kind === 'later' && d.delayMs === secs * 1000 - elapsed;
      }),
    );
  });

  it('default tolerations cover not-ready and unreachable only when the placement has none of its own', () => {
    const d = withDefaultTolerations([], 300);
    expect(d.map((t) => `${t.key}:${t.tolerationSeconds}`)).toEqual(['cluster.karmada.io/not-ready:300', 'cluster.karmada.io/unreachable:300']);
    const own = withDefaultTolerations([{ key: 'cluster.karmada.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }], 300);
    expect(own.filter((t) => t.key === 'cluster.karmada.io/not-ready')).toHaveLength(1);
    expect(own.find((t) => t.key === 'cluster.karmada.io/not-ready')?.tolerationSeconds).toBe(30);
    // A blanket Exists toleration tolerates everything for ever: nothing to add.
    expect(withDefaultTolerations([{ operator: 'Exists' }], 300)).toHaveLength(1);
    expect(withDefaultTolerations([], -1)).toEqual([]);
    // With the default, a fresh not-ready taint waits 300 s.
    expect(taintEvictionDecision([notReady()], d, T0 + 1_000)).toMatchObject({ kind: 'later', delayMs: 299_000 });
  });

  it('purge mode: the policy wins, Gracefully when it names none, else the control-plane default', () => {
    expect(clusterPurgeMode({ cluster: { purgeMode: 'Directly' } }, 'Gracefully')).toBe('Directly');
    expect(clusterPurgeMode({ cluster: {} as never }, 'Directly')).toBe('Gracefully');
    expect(clusterPurgeMode(undefined, 'Directly')).toBe('Directly');
  });
});

describe('eviction tasks', () => {
  it('evicting takes the cluster out of spec.clusters and records one task with its replicas', () => {
    const s = gracefulEvictCluster(spec([['m1', 2], ['m2', 3]]), 'm1', { producer: 'TaintManager', reason: 'TaintUntolerated', purgeMode: 'Gracefully' });
    expect(s.clusters).toEqual([{ name: 'm2', replicas: 3 }]);
    expect(s.gracefulEvictionTasks).toEqual([{ fromCluster: 'm1', purgeMode: 'Gracefully', replicas: 2, reason: 'TaintUntolerated', producer: 'TaintManager' }]);
    // Twice is once; a cluster not targeted changes nothing.
    const again = gracefulEvictCluster({ ...s, clusters: [...(s.clusters ?? []), { name: 'm1' }] }, 'm1', { producer: 'p', reason: 'r' });
    expect(again.gracefulEvictionTasks).toHaveLength(1);
    const same = spec([['m2']]);
    expect(gracefulEvictCluster(same, 'm9', { producer: 'p', reason: 'r' })).toBe(same);
  });

  it('property: eviction never loses or duplicates a cluster', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { minLength: 1 }), fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e')), (names, evict) => {
        let s = spec(names.map((n) => [n, 1] as [string, number]));
        for (const e of evict) s = gracefulEvictCluster(s, e, { producer: 'p', reason: 'r' });
        const left = (s.clusters ?? []).map((t) => t.name);
        const tasks = (s.gracefulEvictionTasks ?? []).map((t) => t.fromCluster);
        return [...left, ...tasks].sort().join() === [...names].sort().join() && new Set(tasks).size === tasks.length;
      }),
    );
  });

  const healthy = (...names: string[]) => names.map((clusterName) => ({ clusterName, health: 'Healthy' as const }));

  it('a new task is stamped; it ends once every new cluster is Healthy, or at its grace period', () => {
    const base = spec([['m2']], { gracefulEvictionTasks: [{ fromCluster: 'm1', reason: 'TaintUntolerated', producer: 'TaintManager' }] });
    const first = assessEvictionTasks(base, [], 600_000, T0);
    expect(first.kept[0]?.creationTimestamp).toBe(iso(T0));
    expect(first.recheckMs).toBe(600_000);
    const stamped = { ...base, gracefulEvictionTasks: first.kept };
    expect(assessEvictionTasks(stamped, [{ clusterName: 'm2', health: 'Unhealthy' }], 600_000, T0 + 1000)).toMatchObject({ kept: first.kept, recheckMs: 599_000 });
    expect(assessEvictionTasks(stamped, healthy('m2'), 600_000, T0 + 1000).assessed[0]?.outcome).toBe('healthy');
    expect(assessEvictionTasks(stamped, [], 600_000, T0 + 600_000).assessed[0]?.outcome).toBe('timeout');
    const grace = { ...stamped, gracefulEvictionTasks: [{ ...first.kept[0]!, gracePeriodSeconds: 5 }] };
    expect(assessEvictionTasks(grace, [], 600_000, T0 + 5_000).kept).toEqual([]);
  });

  it('suppressDeletion true keeps the task whatever happens; false ends it at once', () => {
    const t = { fromCluster: 'm1', reason: 'ApplicationFailure', producer: 'x', creationTimestamp: iso(T0) };
    expect(assessEvictionTasks(spec([['m2']], { gracefulEvictionTasks: [{ ...t, suppressDeletion: true }] }), healthy('m2'), 1, T0 + 1e9).kept).toHaveLength(1);
    expect(assessEvictionTasks(spec([['m2']], { gracefulEvictionTasks: [{ ...t, suppressDeletion: false }] }), [], 600_000, T0).assessed[0]?.outcome).toBe('confirmed');
  });

  it('with nowhere else to run, "healthy elsewhere" never holds: the old copy stays until the timeout', () => {
    expect(newPlacementHealthy(spec([]), [], 'm1')).toBe(false);
    expect(newPlacementHealthy(spec([['m2'], ['m3']]), healthy('m2'), 'm1')).toBe(false);
    expect(newPlacementHealthy(spec([['m2'], ['m3']]), healthy('m2', 'm3'), 'm1')).toBe(true);
  });
});

describe('eviction brake', () => {
  const settings = { resourceEvictionRate: 0.5, unhealthyClusterThreshold: 0.55 };

  it('halts while more than 55% of clusters are not ready, and says so', () => {
    const fleet = [cluster('m1', 'False'), cluster('m2', 'Unknown'), cluster('m3', 'True')];
    const s = brakeState(fleet, settings);
    expect(s.mode).toBe('Halted');
    expect(s.message).toContain('2 of 3 clusters are not ready (m1, m2)');
    expect(brakeState([cluster('m1', 'False'), cluster('m2', 'True'), cluster('m3', 'True')], settings)).toMatchObject({ mode: 'Released', rate: 0.5 });
    // Exactly at the threshold is not above it.
    expect(brakeState([cluster('a', 'False'), cluster('b', 'True')], { ...settings, unhealthyClusterThreshold: 0.5 }).mode).toBe('Released');
    expect(describeBrake(fleet, undefined, settings)).toMatch(/^Eviction brake: Halted — evictions halted/);
  });

  it('spaces evictions 1/rate apart without saving up idle slots', () => {
    const first = takeEvictionSlot(undefined, T0, 0.5);
    expect(first).toEqual({ ok: true, nextSlotMs: T0 + 2000 });
    expect(takeEvictionSlot(T0 + 2000, T0 + 500, 0.5)).toEqual({ ok: false, waitMs: 1500 });
    expect(takeEvictionSlot(T0 + 2000, T0 + 60_000, 0.5)).toEqual({ ok: true, nextSlotMs: T0 + 62_000 });
  });

  it('property: n evictions taken as soon as allowed span (n-1)/rate seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.constantFrom(0.5, 1, 2, 10), (n, rate) => {
        let now = T0;
        let next: number | undefined;
        const times: number[] = [];
        while (times.length < n) {
          const s = takeEvictionSlot(next, now, rate);
          if (s.ok) {
            times.push(now);
            next = s.nextSlotMs;
          } else now += s.waitMs;
        }
        return times[times.length - 1]! - times[0]! === (n - 1) * Math.ceil(1000 / rate);
      }),
    );
  });
});

describe('ClusterTaintPolicy', () => {
  const policy = (name: string, created: number, s: Partial<ClusterTaintPolicy['spec']>): ClusterTaintPolicy =>
    ({ apiVersion: 'policy.karmada.io/v1alpha1', kind: 'ClusterTaintPolicy', metadata: { name, creationTimestamp: iso(created) }, spec: { taints: [{ key: 'cluster.karmada.io/not-ready', effect: 'NoExecute' }], ...s } }) as ClusterTaintPolicy;
  const notReadyPolicy = policy('not-ready', T0, {
    addOnConditions: [{ conditionType: 'Ready', operator: 'NotIn', statusValues: ['True'] }],
    removeOnConditions: [{ conditionType: 'Ready', operator: 'In', statusValues: ['True'] }],
  });

  it('conditions: ANDed, empty never matches, a missing condition does not match', () => {
    expect(conditionsMatch([{ type: 'Ready', status: 'False' }], [])).toBe(false);
    expect(conditionsMatch([], [{ conditionType: 'Ready', operator: 'NotIn', statusValues: ['True'] }])).toBe(false);
    expect(conditionsMatch([{ type: 'Ready', status: 'Unknown' }, { type: 'X', status: 'True' }], [
      { conditionType: 'Ready', operator: 'NotIn', statusValues: ['True'] },
      { conditionType: 'X', operator: 'In', statusValues: ['True'] },
    ])).toBe(true);
  });

  it('taints follow Ready: added with timeAdded while False or Unknown, removed once True, others kept', () => {
    const other = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
    const down = taintsFromPolicies(cluster('m1', 'False', { taints: [other] }), [notReadyPolicy], iso(T0 + 5000));
    expect(down.taints).toEqual([other, { key: 'cluster.karmada.io/not-ready', effect: 'NoExecute', timeAdded: iso(T0 + 5000) }]);
    expect(down.added).toHaveLength(1);
    // Still down later: unchanged (timeAdded is kept, the clock keeps running).
    const still = taintsFromPolicies(cluster('m1', 'Unknown', { taints: down.taints }), [notReadyPolicy], iso(T0 + 99_000));
    expect(still.taints).toEqual(down.taints);
    expect(still.added).toEqual([]);
    const up = taintsFromPolicies(cluster('m1', 'True', { taints: down.taints }), [notReadyPolicy], iso(T0 + 100_000));
    expect(up.taints).toEqual([other]);
    expect(up.removed.map((t) => t.key)).toEqual(['cluster.karmada.io/not-ready']);
  });

  it('targetClusters limits a policy; a deleting policy has no say', () => {
    const only = policy('east', T0, { ...notReadyPolicy.spec, targetClusters: { clusterNames: ['m2'] } });
    expect(taintsFromPolicies(cluster('m1', 'False'), [only], iso(T0)).taints).toEqual([]);
    expect(taintsFromPolicies(cluster('m2', 'False'), [only], iso(T0)).taints).toHaveLength(1);
    const deleting = { ...notReadyPolicy, metadata: { ...notReadyPolicy.metadata, deletionTimestamp: iso(T0) } };
    expect(taintsFromPolicies(cluster('m2', 'False'), [deleting], iso(T0)).taints).toEqual([]);
  });
});

describe('application failover', () => {
  const s = spec([['m1', 1], ['m2', 1]]);
  it('starts a clock on first Unhealthy, evicts after tolerationSeconds, resets on recovery', () => {
    const first = detectApplicationFailures(s, [{ clusterName: 'm1', health: 'Unhealthy' }, { clusterName: 'm2', health: 'Healthy' }], {}, 60, T0);
    expect(first).toEqual({ since: { m1: iso(T0) }, evict: [], recheckMs: 60_000 });
    const later = detectApplicationFailures(s, [{ clusterName: 'm1', health: 'Unhealthy' }], first.since, 60, T0 + 60_000);
    expect(later.evict).toEqual(['m1']);
    expect(later.since).toEqual({});
    const recovered = detectApplicationFailures(s, [{ clusterName: 'm1', health: 'Healthy' }], first.since, 60, T0 + 30_000);
    expect(recovered).toEqual({ since: {}, evict: [] });
    // tolerationSeconds 0 moves at once; a cluster already being evicted is not counted again.
    expect(detectApplicationFailures(s, [{ clusterName: 'm1', health: 'Unhealthy' }], {}, 0, T0).evict).toEqual(['m1']);
    const evicting = { ...s, gracefulEvictionTasks: [{ fromCluster: 'm1', reason: 'r', producer: 'p' }] };
    expect(detectApplicationFailures(evicting, [{ clusterName: 'm1', health: 'Unhealthy' }], {}, 0, T0).evict).toEqual([]);
  });

  it('the clock survives a round trip through the annotation, which disappears when empty', () => {
    const a = writeUnhealthySince({ keep: 'me' }, { m2: iso(T0), m1: iso(T0 + 1) });
    expect(readUnhealthySince(a)).toEqual({ m1: iso(T0 + 1), m2: iso(T0) });
    expect(writeUnhealthySince(a, {})).toEqual({ keep: 'me' });
    expect(readUnhealthySince({ 'failover.flotilla.io/unhealthy-since': 'not json' })).toEqual({});
  });

  it('task options by purge mode: grace period for Gracefully, suppressDeletion for Never; state preserved by jsonPath', () => {
    const base = { decisionConditions: { tolerationSeconds: 10 } };
    expect(applicationEvictionTask({ ...base, purgeMode: 'Gracefully', gracePeriodSeconds: 30 }, [], 'm1', ['m1'], 'why')).toMatchObject({ purgeMode: 'Gracefully', gracePeriodSeconds: 30, reason: 'ApplicationFailure' });
    expect(applicationEvictionTask({ ...base, purgeMode: 'Never' }, [], 'm1', ['m1'], 'why')).toMatchObject({ suppressDeletion: true });
    expect(applicationEvictionTask({ ...base, purgeMode: 'Directly' }, [], 'm1', ['m1'], 'why').suppressDeletion).toBeUndefined();
    const stateful = { ...base, purgeMode: 'Directly' as const, statePreservation: { rules: [{ aliasLabelName: 'failover.app/replicas', jsonPath: '{.readyReplicas}' }] } };
    expect(applicationEvictionTask(stateful, [{ clusterName: 'm1', status: { readyReplicas: 3 } }], 'm1', ['m1'], 'why')).toMatchObject({
      preservedLabelState: { 'failover.app/replicas': '3' },
      clustersBeforeFailover: ['m1'],
    });
    expect(() => applicationEvictionTask(stateful, [{ clusterName: 'm1' }], 'm1', ['m1'], 'why')).toThrow(/not yet been collected/);
  });

  it('preserved labels go only to a new single cluster after a Directly purge', () => {
    expect(buildPreservedLabelState([{ aliasLabelName: 'a', jsonPath: '{.phase}' }], { phase: 'Running' })).toEqual({ a: 'Running' });
    expect(() => buildPreservedLabelState([{ aliasLabelName: 'a', jsonPath: '{.missing}' }], {})).toThrow();
    const task = { fromCluster: 'm1', reason: 'ApplicationFailure', producer: 'p', purgeMode: 'Directly' as const, preservedLabelState: { a: '1' }, clustersBeforeFailover: ['m1'] };
    expect(preservedLabelsFor(spec([['m2']], { gracefulEvictionTasks: [task] }), 'm2')).toEqual({ a: '1' });
    expect(preservedLabelsFor(spec([['m1']], { gracefulEvictionTasks: [task] }), 'm1')).toEqual({});
    expect(preservedLabelsFor(spec([['m2'], ['m3']], { gracefulEvictionTasks: [task] }), 'm2')).toEqual({});
    expect(preservedLabelsFor(spec([['m2']], { gracefulEvictionTasks: [{ ...task, purgeMode: 'Gracefully' }] }), 'm2')).toEqual({});
  });
});

describe('plumbing', () => {
  it('binding keys round-trip', () => {
    for (const ref of [{ kind: 'rb' as const, namespace: 'ns', name: 'web-deployment' }, { kind: 'crb' as const, namespace: '', name: 'x' }]) expect(parseBindingKey(bindingKey(ref))).toEqual(ref);
    expect(parseBindingKey('cluster/m1')).toBeUndefined();
  });

  it('settings from the env keep only well-typed fields', () => {
    expect(parseFailoverSettings('{"enableNoExecuteTaintEviction":false,"resourceEvictionRate":"fast","defaultNotReadyTolerationSeconds":30}')).toEqual({ enableNoExecuteTaintEviction: false, defaultNotReadyTolerationSeconds: 30 });
    expect(parseFailoverSettings('nope')).toEqual({});
    expect(parseFailoverSettings(undefined)).toEqual({});
  });
});

describe('placement report', () => {
  it('describes open eviction tasks and the brake in words', async () => {
    const { describeFailover, describeEvictionTasks } = await import('../../shared/failover/placement-report.js');
    const s = spec([['m2']], {
      gracefulEvictionTasks: [
        { fromCluster: 'm1', reason: 'TaintUntolerated', message: 'cluster has taint x:NoExecute', producer: 'TaintManager', purgeMode: 'Gracefully', creationTimestamp: iso(T0) },
        { fromCluster: 'm3', reason: 'ApplicationFailure', producer: 'p', purgeMode: 'Never', suppressDeletion: true },
      ],
    });
    const lines = describeFailover(s, [cluster('m1', 'False'), cluster('m2', 'True'), cluster('m3', 'True')], undefined);
    expect(lines[0]).toBe(`evicting from m1 since ${iso(T0)}: TaintUntolerated (cluster has taint x:NoExecute), by TaintManager, purgeMode Gracefully; the old copy stays until the new placement is healthy or 600s pass`);
    expect(lines[1]).toContain('the old copy is kept (suppressDeletion)');
    expect(lines[2]).toMatch(/^Eviction brake: Released — evictions allowed at 0\.5 per second \(1 of 3 clusters not ready/);
    expect(describeEvictionTasks(spec([]))).toEqual([]);
  });
});
