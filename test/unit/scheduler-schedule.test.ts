import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../shared/karmada/cluster.js';
import type { Taint } from '../../shared/karmada/common.js';
import { bindingSpec, type BindingSpec } from '../../shared/karmada/resource-binding.js';
import type { ClusterCandidate } from '../../shared/scheduler/group-clusters.js';
import { filterPlugins } from '../../shared/scheduler/plugins/index.js';
import { schedule } from '../../shared/scheduler/schedule.js';
import { selectClusters } from '../../shared/scheduler/select-clusters.js';
import { SchedulingFailure, type NodeSnapshot, type ScheduleInput, type ScheduleResult } from '../../shared/scheduler/types.js';

interface ClusterOpts {
  labels?: Record<string, string>;
  region?: string;
  zones?: string[];
  provider?: string;
  taints?: Taint[];
  pods?: number;
  cpu?: string;
  apis?: boolean;
  deleting?: boolean;
}

function cluster(name: string, o: ClusterOpts = {}): Cluster {
  return {
    apiVersion: 'cluster.karmada.io/v1alpha1',
    kind: 'Cluster',
    metadata: { name, labels: o.labels ?? {}, ...(o.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) },
    spec: {
      syncMode: 'Push',
      ...(o.region ? { region: o.region } : {}),
      ...(o.zones ? { zones: o.zones } : {}),
      ...(o.provider ? { provider: o.provider } : {}),
      ...(o.taints ? { taints: o.taints } : {}),
    },
    status: {
      apiEnablements:
        o.apis === false
          ? [{ groupVersion: 'v1', resources: [{ name: 'configmaps', kind: 'ConfigMap' }] }]
          : [
              { groupVersion: 'apps/v1', resources: [{ name: 'deployments', kind: 'Deployment' }] },
              { groupVersion: 'v1', resources: [{ name: 'configmaps', kind: 'ConfigMap' }] },
            ],
      resourceSummary: { allocatable: { cpu: o.cpu ?? '1000', memory: '4Ti', pods: String(o.pods ?? 100) } },
    },
  };
}

interface BindingOpts {
  replicas?: number;
  placement?: object;
  previous?: Record<string, number>;
  evicting?: string[];
  request?: Record<string, string>;
  kind?: 'Deployment' | 'ConfigMap';
}

function binding(o: BindingOpts = {}): BindingSpec {
  const kind = o.kind ?? 'Deployment';
  return bindingSpec.parse({
    resource: { apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1', kind, namespace: 'default', name: 'web', uid: '0e1f7b3a-uid' },
    ...(kind === 'Deployment' ? { replicas: o.replicas ?? 1, replicaRequirements: { resourceRequest: o.request ?? {} } } : {}),
    placement: o.placement ?? {},
    clusters: Object.entries(o.previous ?? {}).map(([name, replicas]) => ({ name, replicas })),
    gracefulEvictionTasks: (o.evicting ?? []).map((fromCluster) => ({ fromCluster, reason: 'TaintUntolerated', producer: 'TaintManager' })),
  });
}

const placed = (r: ScheduleResult) => (r.ok ? Object.fromEntries(r.clusters.map((c) => [c.name, c.replicas])) : r.message);
const dynamicWeight = { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { dynamicWeight: 'AvailableReplicas' } };
const noSchedule = (key: string, value?: string): Taint => ({ key, ...(value ? { value } : {}), effect: 'NoSchedule' });

describe('filter plugins', () => {
  it('have a name and a Karmada-worded reason for every refusal', () => {
    const reasons = (spec: BindingSpec, c: Cluster) =>
      filterPlugins.map((p) => p.filter(c, { spec, placement: spec.placement ?? {}, affinityTiers: spec.placement?.clusterAffinity ? [spec.placement.clusterAffinity] : [], previous: new Set((spec.clusters ?? []).map((x) => x.name)), evicting: new Set((spec.gracefulEvictionTasks ?? []).map((t) => t.fromCluster)) })).filter(Boolean);
    expect(reasons(binding(), cluster('a', { taints: [noSchedule('gpu', 'true')] }))).toEqual(['cluster(s) had untolerated taint {gpu=true:NoSchedule}']);
    expect(reasons(binding(), cluster('a', { taints: [{ key: 'cluster.karmada.io/not-ready', effect: 'NoExecute' }] }))).toEqual(['cluster(s) had untolerated taint {cluster.karmada.io/not-ready:NoExecute}']);
    expect(reasons(binding(), cluster('a', { apis: false }))).toEqual(['cluster(s) did not have the API resource']);
    expect(reasons(binding({ placement: { clusterAffinity: { clusterNames: ['b'] } } }), cluster('a'))).toEqual(['cluster(s) did not match the placement cluster affinity constraint']);
    expect(reasons(binding({ evicting: ['a'] }), cluster('a'))).toEqual(['cluster(s) is in the process of eviction']);
    const spread = (field: string) => binding({ placement: { spreadConstraints: [{ spreadByField: field, minGroups: 1 }, { spreadByField: 'cluster', minGroups: 1 }] } });
    expect(reasons(spread('region'), cluster('a'))).toEqual(['cluster(s) did not have region property']);
    expect(reasons(spread('zone'), cluster('a'))).toEqual(['cluster(s) did not have zones property']);
    expect(reasons(spread('provider'), cluster('a'))).toEqual(['cluster(s) did not have provider property']);
    expect(reasons(spread('region'), cluster('a', { region: 'eu' }))).toEqual([]);
    expect(new Set(filterPlugins.map((p) => p.name))).toEqual(new Set(['APIEnablement', 'TaintToleration', 'ClusterAffinity', 'SpreadConstraint', 'ClusterEviction']));
  });

  it('tolerations, PreferNoSchedule and the previous result let a tainted cluster through', () => {
    const tainted = cluster('a', { taints: [noSchedule('gpu', 'true')] });
    const tolerating = { clusterTolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }] };
    expect(placed(schedule({ spec: binding({ placement: tolerating }), clusters: [tainted] }))).toEqual({ a: 1 });
    expect(placed(schedule({ spec: binding({ placement: { clusterTolerations: [{ key: 'gpu', operator: 'Exists' }] } }), clusters: [tainted] }))).toEqual({ a: 1 });
    expect(placed(schedule({ spec: binding(), clusters: [cluster('a', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] })] }))).toEqual({ a: 1 });
    // Already placed there: the taint manager, not the scheduler, decides about eviction.
    expect(placed(schedule({ spec: binding({ previous: { a: 1 } }), clusters: [tainted] }))).toEqual({ a: 1 });
    // The same leniency for a cluster whose API list lost the kind.
    expect(placed(schedule({ spec: binding({ previous: { a: 1 } }), clusters: [cluster('a', { apis: false })] }))).toEqual({ a: 1 });
  });

  it("reports no fit as Karmada's FitError: a sorted histogram of reasons", () => {
    const clusters = [cluster('a', { labels: { env: 'prod' }, taints: [noSchedule('gpu', 'true')] }), cluster('b'), cluster('c')];
    const r = schedule({ spec: binding({ placement: { clusterAffinity: { labelSelector: { matchLabels: { env: 'prod' } } } } }), clusters });
    expect(r).toMatchObject({
      ok: false,
      reason: 'NoClusterFit',
      message: '0/3 clusters are available: 1 cluster(s) had untolerated taint {gpu=true:NoSchedule}, 2 cluster(s) did not match the placement cluster affinity constraint.',
    });
    expect(r.diagnosis.map((d) => [d.cluster, d.plugin])).toEqual([
      ['a', 'TaintToleration'],
      ['b', 'ClusterAffinity'],
      ['c', 'ClusterAffinity'],
    ]);
  });

  it('skips clusters being deleted without counting them as refused', () => {
    const r = schedule({ spec: binding(), clusters: [cluster('gone', { deleting: true })] });
    expect(r).toMatchObject({ ok: false, reason: 'NoClusterFit', message: '0/1 clusters are available: no cluster exists.' });
    expect(placed(schedule({ spec: binding(), clusters: [cluster('gone', { deleting: true }), cluster('b')] }))).toEqual({ b: 1 });
    expect(schedule({ spec: binding(), clusters: [] })).toMatchObject({ message: '0/0 clusters are available: no cluster exists.' });
  });
});

describe('cluster selection by spread constraints', () => {
  // Karmada's select_clusters_test fixture: score and available replicas per cluster.
  const fixture = (): ClusterCandidate[] =>
    [
      ['member4', 60, 50],
      ['member2', 40, 60],
      ['member3', 30, 80],
      ['member1', 20, 40],
    ].map(([name, score, available]) => ({ name: name as string, cluster: cluster(name as string), score: score as number, available: available as number, tier: 0 }));
  const names = (cs: ClusterCandidate[]) => cs.map((c) => c.name);
  const byCluster = (max: number, min = 1) => [{ spreadByField: 'cluster', maxGroups: max, minGroups: min }];
  const divided = (replicas: number, rs: object = dynamicWeight) => binding({ replicas, placement: { spreadConstraints: byCluster(2), replicaScheduling: rs } });

  it('takes the best-scored clusters, trading the lowest for roomier ones until the replicas fit', () => {
    const s = divided(100);
    expect(names(selectClusters(fixture(), s.placement!, s))).toEqual(['member4', 'member2']);
    const s120 = divided(120);
    expect(names(selectClusters(fixture(), s120.placement!, s120))).toEqual(['member4', 'member3']);
    const s200 = divided(200);
    expect(() => selectClusters(fixture(), s200.placement!, s200)).toThrow(new SchedulingFailure('Unschedulable', 'no enough resource when selecting 2 clusters'));
  });

  it('ignores capacity for Duplicated and the constraints altogether for static weights', () => {
    const dup = binding({ replicas: 120, placement: { spreadConstraints: byCluster(2), replicaScheduling: { replicaSchedulingType: 'Duplicated' } } });
    expect(names(selectClusters(fixture(), dup.placement!, dup))).toEqual(['member4', 'member2']);
    const weighted = divided(120, { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { staticWeightList: [{ targetCluster: { clusterNames: ['member1'] }, weight: 2 }] } });
    expect(names(selectClusters(fixture(), weighted.placement!, weighted))).toHaveLength(4);
  });

  it('refuses fewer feasible clusters than minGroups', () => {
    const s = binding({ placement: { spreadConstraints: byCluster(7, 7) } });
    expect(() => selectClusters(fixture(), s.placement!, s)).toThrow('the number of feasible clusters is less than spreadConstraint.MinGroups');
  });

  it('by region: picks the best combination of regions, one cluster each, then the roomiest of the rest', () => {
    const spec = binding({
      replicas: 5,
      placement: {
        replicaScheduling: { replicaSchedulingType: 'Duplicated' },
        spreadConstraints: [
          { spreadByField: 'region', minGroups: 2, maxGroups: 2 },
          { spreadByField: 'cluster', minGroups: 3, maxGroups: 4 },
        ],
      },
    });
    const clusters = [cluster('a1', { region: 'R1', pods: 10 }), cluster('a2', { region: 'R1', pods: 5 }), cluster('b1', { region: 'R2', pods: 50 }), cluster('c1', { region: 'R3', pods: 8 }), cluster('c2', { region: 'R3', pods: 7 }), cluster('c3', { region: 'R3', pods: 6 })];
    // Region scores (Duplicated): clusters able to hold all 5 replicas — R3: 3, R1: 2, R2: 1.
    expect(placed(schedule({ spec, clusters }))).toEqual({ a1: 5, c1: 5, c2: 5, c3: 5 });
    const tooMany = binding({ placement: { spreadConstraints: [{ spreadByField: 'region', minGroups: 4 }, { spreadByField: 'cluster', minGroups: 1 }] } });
    expect(schedule({ spec: tooMany, clusters })).toMatchObject({ ok: false, reason: 'Unschedulable', message: 'the number of feasible region is less than spreadConstraint.MinGroups' });
  });

  it('by region with Divided replicas prefers the regions that can hold a share', () => {
    const spec = binding({
      replicas: 20,
      placement: { replicaScheduling: dynamicWeight, spreadConstraints: [{ spreadByField: 'region', minGroups: 1, maxGroups: 1 }, { spreadByField: 'cluster', minGroups: 1, maxGroups: 2 }] },
    });
    const clusters = [cluster('eu-1', { region: 'eu', pods: 6 }), cluster('eu-2', { region: 'eu', pods: 6 }), cluster('us-1', { region: 'us', pods: 30 })];
    expect(placed(schedule({ spec, clusters }))).toEqual({ 'us-1': 20 });
  });
});

describe('schedule', () => {
  it('tries clusterAffinities in order and names the term that succeeded', () => {
    const placement = {
      clusterAffinities: [
        { affinityName: 'primary', clusterNames: ['p1'] },
        { affinityName: 'backup', clusterNames: ['b1'] },
      ],
    };
    const up = [cluster('p1'), cluster('b1')];
    const primaryDown = [cluster('p1', { taints: [{ key: 'cluster.karmada.io/not-ready', effect: 'NoSchedule' }] }), cluster('b1')];
    expect(schedule({ spec: binding({ placement }), clusters: up })).toMatchObject({ ok: true, affinityName: 'primary', clusters: [{ name: 'p1', replicas: 1 }] });
    expect(schedule({ spec: binding({ placement }), clusters: primaryDown })).toMatchObject({ ok: true, affinityName: 'backup', clusters: [{ name: 'b1', replicas: 1 }] });
    // Once on the backup term it stays there, unless a fresh reschedule starts over.
    const onBackup = { spec: binding({ placement, previous: { b1: 1 } }), clusters: up, status: { schedulerObservingAffinityName: 'backup' } };
    expect(schedule(onBackup)).toMatchObject({ ok: true, affinityName: 'backup' });
    expect(schedule({ ...onBackup, fresh: true })).toMatchObject({ ok: true, affinityName: 'primary', clusters: [{ name: 'p1', replicas: 1 }] });
    // All terms failing reports the first failure and keeps the observed term.
    const allDown = [cluster('p1', { apis: false }), cluster('b1', { apis: false })];
    expect(schedule({ spec: binding({ placement }), clusters: allDown, status: { schedulerObservingAffinityName: 'primary' } })).toMatchObject({
      ok: false,
      reason: 'NoClusterFit',
      affinityName: 'primary',
      message: '0/2 clusters are available: 1 cluster(s) did not have the API resource, 1 cluster(s) did not match the placement cluster affinity constraint.',
    });
  });

  it('overflows from the primary group into overflowAffinities for dynamic weights', () => {
    const placement = {
      clusterAffinities: [{ affinityName: 'on-prem', clusterNames: ['idc'], overflowAffinities: [{ affinityName: 'cloud', clusterNames: ['cloud-a', 'cloud-b'] }] }],
      replicaScheduling: dynamicWeight,
    };
    const clusters = [cluster('idc', { pods: 4 }), cluster('cloud-a', { pods: 10 }), cluster('cloud-b', { pods: 10 })];
    expect(placed(schedule({ spec: binding({ replicas: 3, placement }), clusters }))).toEqual({ idc: 3 });
    expect(placed(schedule({ spec: binding({ replicas: 10, placement }), clusters }))).toEqual({ idc: 4, 'cloud-a': 3, 'cloud-b': 3 });
    expect(schedule({ spec: binding({ replicas: 30, placement }), clusters })).toMatchObject({ ok: false, reason: 'Unschedulable', message: 'Clusters available replicas 24 are not enough to schedule.' });
  });

  it('diagnoses every cluster: score, available replicas, assignment', () => {
    const r = schedule({ spec: binding({ replicas: 12, placement: { replicaScheduling: dynamicWeight }, previous: { b: 4 } }), clusters: [cluster('a', { pods: 6 }), cluster('b', { pods: 12 }), cluster('c', { pods: 18 }), cluster('x', { apis: false })] });
    expect(r.ok).toBe(true);
    expect(r.diagnosis).toEqual([
      // b keeps its 4; the 8 new replicas go 1:3:4 by available room (6:12:18).
      { cluster: 'a', fits: true, score: 0, availableReplicas: 6, replicas: 1 },
      { cluster: 'b', fits: true, score: 100, availableReplicas: 12, replicas: 7 },
      { cluster: 'c', fits: true, score: 0, availableReplicas: 18, replicas: 4 },
      { cluster: 'x', fits: false, plugin: 'APIEnablement', reason: 'cluster(s) did not have the API resource' },
    ]);
  });

  it('fits replicas node by node when node snapshots are given, unless the estimator is off', () => {
    const small = (name: string): NodeSnapshot => ({ name, labels: {}, taints: [], allocatable: { cpu: '1', memory: '8Gi', pods: '110' }, requested: {}, pods: 0, ready: true });
    const big = (name: string): NodeSnapshot => ({ ...small(name), allocatable: { cpu: '16', memory: '64Gi', pods: '110' } });
    const input: ScheduleInput = {
      spec: binding({ replicas: 4, request: { cpu: '4' }, placement: { replicaScheduling: dynamicWeight } }),
      clusters: [cluster('tiny-nodes', { cpu: '64' }), cluster('big-nodes', { cpu: '64' })],
      nodes: { 'tiny-nodes': Array.from({ length: 64 }, (_, i) => small(`t${i}`)), 'big-nodes': [big('b0')] },
    };
    expect(placed(schedule(input))).toEqual({ 'big-nodes': 4 });
    expect(placed(schedule({ ...input, options: { enableSchedulerEstimator: false } }))).toEqual({ 'big-nodes': 2, 'tiny-nodes': 2 });
  });

  it('sends non-workloads to every fitting cluster without replicas, and drops a workload scaled to zero', () => {
    const clusters = [cluster('b'), cluster('a'), cluster('c', { labels: { skip: 'yes' } })];
    const cm = binding({ kind: 'ConfigMap', placement: { clusterAffinity: { labelSelector: { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] } } } });
    expect(schedule({ spec: cm, clusters })).toMatchObject({ ok: true, clusters: [{ name: 'a' }, { name: 'b' }] });
    expect(schedule({ spec: binding({ replicas: 0, previous: { a: 2 } }), clusters })).toMatchObject({ ok: true, clusters: [] });
  });

  interface Generated {
    replicas: number;
    pods: number[];
    previous: number[];
    strategy: object | undefined;
    tainted: number;
    fresh: boolean;
  }
  const inputs: fc.Arbitrary<Generated> = fc.record({
    replicas: fc.integer({ min: 1, max: 40 }),
    pods: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 6 }),
    previous: fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 6 }),
    strategy: fc.constantFrom<object | undefined>(undefined, dynamicWeight, { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Aggregated' }, { replicaSchedulingType: 'Divided' }),
    tainted: fc.integer({ min: 0, max: 6 }),
    fresh: fc.boolean(),
  });
  const build = (x: Generated): ScheduleInput => {
    const clusters = x.pods.map((p, i) => cluster(`m${i}`, { pods: p, ...(i === x.tainted ? { taints: [noSchedule('t')] } : {}) }));
    const previous = Object.fromEntries(x.previous.slice(0, clusters.length).map((r, i) => [`m${i}`, r]).filter(([, r]) => (r as number) > 0));
    return { spec: binding({ replicas: x.replicas, placement: x.strategy ? { replicaScheduling: x.strategy } : {}, previous }), clusters, fresh: x.fresh };
  };

  it('property: the same input always gives the same output, and the input is left untouched', () => {
    fc.assert(
      fc.property(inputs, (x) => {
        const input = build(x);
        const before = structuredClone(input);
        const a = schedule(input);
        expect(input).toEqual(before);
        expect(schedule(structuredClone(input))).toEqual(a);
        expect(schedule({ ...input, clusters: [...input.clusters].reverse() })).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });

  it('property: a Divided result sums to the replicas and lists clusters sorted by name', () => {
    fc.assert(
      fc.property(inputs, (x) => {
        fc.pre(x.strategy !== undefined);
        const r = schedule(build(x));
        if (!r.ok) return;
        expect(r.clusters.reduce((s, c) => s + (c.replicas ?? 0), 0)).toBe(x.replicas);
        expect(r.clusters.map((c) => c.name)).toEqual(r.clusters.map((c) => c.name).sort());
      }),
      { numRuns: 200 },
    );
  });
});
