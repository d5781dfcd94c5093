import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../shared/karmada/cluster.js';
import { bindingSpec, type BindingSpec } from '../../shared/karmada/resource-binding.js';
import { assignReplicas } from '../../shared/scheduler/assignment.js';
import type { ClusterCandidate } from '../../shared/scheduler/group-clusters.js';
import { SchedulingFailure } from '../../shared/scheduler/types.js';

const dynamicWeight = { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { dynamicWeight: 'AvailableReplicas' } };
const aggregated = { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Aggregated' };
const staticWeight = (weights: Record<string, number>) => ({
  replicaSchedulingType: 'Divided',
  replicaDivisionPreference: 'Weighted',
  weightPreference: { staticWeightList: Object.entries(weights).map(([name, weight]) => ({ targetCluster: { clusterNames: [name] }, weight })) },
});

function clusterObject(name: string): Cluster {
  return { metadata: { name, labels: { name } }, spec: { syncMode: 'Push' } };
}

function spec(replicas: number, replicaScheduling: object | undefined, previous: Record<string, number> = {}): BindingSpec {
  return bindingSpec.parse({
    resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web', uid: 'b7e2c1d0-uid' },
    replicas,
    replicaRequirements: { resourceRequest: {} },
    placement: replicaScheduling ? { replicaScheduling } : {},
    clusters: Object.entries(previous).map(([name, r]) => ({ name, replicas: r })),
  });
}

/** Candidates with the given available replicas, in the order given; `tiers` marks overflow tiers. */
function assign(s: BindingSpec, available: Record<string, number>, opts: { fresh?: boolean; tiers?: Record<string, number> } = {}) {
  const selected: ClusterCandidate[] = Object.entries(available).map(([name, a]) => ({
    name,
    cluster: clusterObject(name),
    score: 0,
    available: a,
    tier: opts.tiers?.[name] ?? 0,
  }));
  const result = assignReplicas({ selected, spec: s, availability: new Map(Object.entries(available)), fresh: opts.fresh ?? false });
  return Object.fromEntries(result.map((c) => [c.name, c.replicas]));
}

function failure(fn: () => unknown): SchedulingFailure {
  try {
    fn();
  } catch (e) {
    if (e instanceof SchedulingFailure) return e;
    throw e;
  }
  throw new Error('expected a scheduling failure');
}

describe('static weights', () => {
  it('splits by the weight list (Karmada assignment examples)', () => {
    expect(assign(spec(12, staticWeight({ m1: 3, m2: 2, m3: 1 })), { m1: 0, m2: 0, m3: 0 })).toEqual({ m1: 6, m2: 4, m3: 2 });
    expect(assign(spec(14, staticWeight({ m1: 3, m2: 2, m3: 1 })), { m1: 0, m2: 0, m3: 0 })).toEqual({ m1: 7, m2: 5, m3: 2 });
    expect(assign(spec(9, staticWeight({ A: 1, B: 2 })), { A: 0, B: 0 })).toEqual({ A: 3, B: 6 });
    expect(assign(spec(9, staticWeight({ A: 1, B: 3 })), { A: 0, B: 0 })).toEqual({ A: 2, B: 7 });
  });

  it('weighs clusters equally with no weight list, and ignores selected clusters without a weight', () => {
    expect(assign(spec(12, { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted' }), { m1: 0, m2: 0, m3: 0 })).toEqual({ m1: 4, m2: 4, m3: 4 });
    expect(assign(spec(2, staticWeight({ m1: 1 })), { m1: 0, m2: 0 })).toEqual({ m1: 2 });
    expect(assign(spec(4, staticWeight({ other: 5 })), { m1: 0, m2: 0 })).toEqual({ m1: 2, m2: 2 });
  });

  it('takes the largest weight of several matching rules', () => {
    const s = spec(3, {
      replicaSchedulingType: 'Divided',
      replicaDivisionPreference: 'Weighted',
      weightPreference: {
        staticWeightList: [
          { targetCluster: { clusterNames: ['m1'] }, weight: 1 },
          { targetCluster: { clusterNames: ['m2'] }, weight: 1 },
          { targetCluster: { labelSelector: { matchLabels: { name: 'm1' } } }, weight: 2 },
        ],
      },
    });
    expect(assign(s, { m1: 0, m2: 0 })).toEqual({ m1: 2, m2: 1 });
  });

  it('drops clusters left with no replicas', () => {
    expect(assign(spec(0, staticWeight({ m1: 1, m2: 1 })), { m1: 0, m2: 0 })).toEqual({});
    expect(assign(spec(1, staticWeight({ m1: 1, m2: 1 })), { m1: 0, m2: 0 })).toEqual({ m1: 1 });
  });
});

describe('dynamic weight and Aggregated', () => {
  it('divides by available replicas on first scheduling', () => {
    expect(assign(spec(12, dynamicWeight), { A: 6, B: 12, C: 18 })).toEqual({ A: 2, B: 4, C: 6 });
    expect(assign(spec(12, dynamicWeight), { m1: 6, m2: 8, m3: 10 })).toEqual({ m1: 3, m2: 4, m3: 5 });
    expect(assign(spec(12, dynamicWeight), { m1: 8, m2: 8, m3: 10 })).toEqual({ m1: 4, m2: 4, m3: 4 });
    expect(assign(spec(12, aggregated), { m1: 6, m2: 8, m3: 10 })).toEqual({ m2: 5, m3: 7 });
    expect(assign(spec(12, aggregated), { m1: 12, m2: 8, m3: 10 })).toEqual({ m1: 12 });
  });

  it('is unschedulable when the clusters cannot hold the replicas', () => {
    expect(failure(() => assign(spec(12, dynamicWeight), { m1: 3, m2: 3, m3: 3 })).message).toBe('Clusters available replicas 9 are not enough to schedule.');
    expect(failure(() => assign(spec(12, aggregated), { m1: 3, m2: 3, m3: 3 })).reason).toBe('Unschedulable');
  });

  it('steady scale-up divides only the extra replicas by available room', () => {
    expect(assign(spec(24, dynamicWeight, { m1: 2, m2: 4, m3: 6 }), { m1: 10, m2: 10, m3: 10 })).toEqual({ m1: 6, m2: 8, m3: 10 });
    expect(assign(spec(24, aggregated, { m1: 4, m2: 8 }), { m1: 4, m2: 6, m3: 8 })).toEqual({ m1: 7, m2: 12, m3: 5 });
    // Clusters already in use are filled first.
    expect(assign(spec(24, aggregated, { m1: 4, m2: 8 }), { m1: 6, m2: 6, m3: 20 })).toEqual({ m1: 10, m2: 14 });
    expect(failure(() => assign(spec(24, dynamicWeight, { m1: 2, m2: 4, m3: 6 }), { m1: 1, m2: 1, m3: 1 })).message).toBe(
      'Clusters available replicas 3 are not enough to schedule.',
    );
  });

  it('treats replicas on clusters no longer selected as replicas to place', () => {
    expect(assign(spec(24, aggregated, { m1: 4, m2: 8 }), { m1: 4, m3: 8, m4: 12 })).toEqual({ m1: 7, m3: 7, m4: 10 });
  });

  it('steady scale-down shrinks in proportion to the current assignment', () => {
    expect(assign(spec(6, dynamicWeight, { m1: 2, m2: 4, m3: 6 }), { m1: 1, m2: 1, m3: 1 })).toEqual({ m1: 1, m2: 2, m3: 3 });
    expect(assign(spec(6, aggregated, { m1: 4, m2: 8 }), { m1: 1, m2: 1, m3: 1 })).toEqual({ m2: 6 });
    expect(assign(spec(8, aggregated, { m1: 4, m2: 8 }), { m1: 100, m2: 100 })).toEqual({ m2: 8 });
  });

  it('keeps the previous result when the replica count is unchanged', () => {
    expect(assign(spec(12, dynamicWeight, { m1: 2, m2: 10 }), { m1: 50, m2: 0, m3: 50 })).toEqual({ m1: 2, m2: 10 });
  });

  it('fresh mode divides everything by room plus current replicas', () => {
    // Weights 10+2 : 0+10 : 12+0 = 12:10:12.
    expect(assign(spec(12, dynamicWeight, { m1: 2, m2: 10 }), { m1: 10, m2: 0, m3: 12 }, { fresh: true })).toEqual({ m1: 4, m2: 4, m3: 4 });
  });

  it('fills overflow tiers in order and empties the last tiers first', () => {
    const tiers = { idc: 0, cloud1: 1, cloud2: 2 };
    expect(assign(spec(10, dynamicWeight), { idc: 4, cloud1: 10, cloud2: 10 }, { tiers })).toEqual({ idc: 4, cloud1: 6 });
    expect(assign(spec(18, dynamicWeight), { idc: 4, cloud1: 10, cloud2: 10 }, { tiers })).toEqual({ idc: 4, cloud1: 10, cloud2: 4 });
    // idc is now full (no room left besides its 4), so scaling 14 → 5 releases cloud2, then cloud1.
    expect(assign(spec(5, dynamicWeight, { idc: 4, cloud1: 6, cloud2: 4 }), { idc: 0, cloud1: 4, cloud2: 6 }, { tiers })).toEqual({ idc: 4, cloud1: 1 });
    expect(failure(() => assign(spec(30, dynamicWeight), { idc: 4, cloud1: 10, cloud2: 10 }, { tiers })).message).toBe(
      'Clusters available replicas 24 are not enough to schedule.',
    );
  });
});

describe('Duplicated and non-workloads', () => {
  it('gives every selected cluster all replicas', () => {
    expect(assign(spec(3, undefined), { a: 0, b: 0 })).toEqual({ a: 3, b: 3 });
    expect(assign(spec(3, { replicaSchedulingType: 'Duplicated' }), { a: 0, b: 1 })).toEqual({ a: 3, b: 3 });
  });

  it('sends templates without replicas everywhere, without a count', () => {
    const configMap = bindingSpec.parse({ resource: { apiVersion: 'v1', kind: 'ConfigMap', name: 'cfg' }, placement: { replicaScheduling: dynamicWeight } });
    const selected: ClusterCandidate[] = ['b', 'a'].map((name) => ({ name, cluster: clusterObject(name), score: 0, available: 0, tier: 0 }));
    expect(assignReplicas({ selected, spec: configMap, availability: new Map(), fresh: false })).toEqual([{ name: 'a' }, { name: 'b' }]);
  });
});

describe('properties', () => {
  const availability = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.integer({ min: 0, max: 60 }), { minKeys: 1 });
  const strategy = fc.constantFrom(dynamicWeight, aggregated, staticWeight({ a: 1, b: 2, c: 3 }), { replicaSchedulingType: 'Divided' });

  it('Divided assignments always sum to the desired replicas', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), strategy, availability, availability, fc.boolean(), (replicas, rs, avail, prev, fresh) => {
        try {
          const got = assign(spec(replicas, rs, prev), avail, { fresh });
          expect(Object.values(got).reduce<number>((s, r) => s + (r ?? 0), 0)).toBe(replicas);
          expect(Object.values(got).every((r) => (r ?? 0) > 0)).toBe(true);
        } catch (e) {
          if (!(e instanceof SchedulingFailure)) throw e;
          expect(e.reason).toBe('Unschedulable');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('dynamic modes never put more on a cluster than its room plus what it already runs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), fc.constantFrom(dynamicWeight, aggregated), availability, availability, fc.boolean(), (replicas, rs, avail, prev, fresh) => {
        let got: Record<string, number | undefined>;
        try {
          got = assign(spec(replicas, rs, prev), avail, { fresh });
        } catch (e) {
          if (e instanceof SchedulingFailure) return;
          throw e;
        }
        for (const [name, r] of Object.entries(got)) {
          const before = Object.keys(avail).includes(name) ? (prev[name] ?? 0) : 0;
          expect(r ?? 0).toBeLessThanOrEqual(avail[name]! + before);
        }
        // First scheduling: within the room alone.
        if (Object.keys(prev).length === 0) for (const [name, r] of Object.entries(got)) expect(r ?? 0).toBeLessThanOrEqual(avail[name]!);
      }),
      { numRuns: 400 },
    );
  });

  it('is unschedulable exactly when the room (plus kept replicas) is short', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), availability, (replicas, avail) => {
        const room = Object.values(avail).reduce((s, a) => s + a, 0);
        const run = () => assign(spec(replicas, dynamicWeight), avail);
        if (room >= replicas) expect(() => run()).not.toThrow();
        else expect(failure(run).message).toBe(`Clusters available replicas ${room} are not enough to schedule.`);
      }),
    );
  });
});
