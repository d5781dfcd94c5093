import { describe, expect, it } from 'vitest';
import { defaultResourceModels, type Cluster } from '../../shared/karmada/cluster.js';
import { bindingSpec } from '../../shared/karmada/resource-binding.js';
import { estimateAvailableReplicas, MAX_INT32 } from '../../shared/scheduler/estimate.js';
import { allowedPods, generalEstimate, replicasByResourceModels } from '../../shared/scheduler/estimator-general.js';
import { nodeCapacity, nodesEstimate } from '../../shared/scheduler/estimator-nodes.js';
import { nodeMatchesClaim } from '../../shared/scheduler/node-affinity.js';
import type { NodeSnapshot } from '../../shared/scheduler/types.js';

type Summary = NonNullable<NonNullable<Cluster['status']>['resourceSummary']>;

function cluster(name: string, summary?: Summary, models?: Cluster['spec']['resourceModels']): Cluster {
  return {
    apiVersion: 'cluster.karmada.io/v1alpha1',
    kind: 'Cluster',
    metadata: { name },
    spec: { syncMode: 'Push', ...(models ? { resourceModels: models } : {}) },
    status: summary ? { resourceSummary: summary } : {},
  };
}

function node(name: string, over: Partial<NodeSnapshot> = {}): NodeSnapshot {
  return { name, labels: {}, taints: [], allocatable: { cpu: '1', memory: '4Gi', pods: '110' }, requested: {}, pods: 0, ready: true, ...over };
}

const spec = (replicas: number, request?: Record<string, string>, nodeClaim?: Record<string, unknown>) =>
  bindingSpec.parse({
    resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' },
    replicas,
    ...(request || nodeClaim ? { replicaRequirements: { ...(request ? { resourceRequest: request } : {}), ...(nodeClaim ? { nodeClaim } : {}) } } : {}),
  });

describe('general estimator (resource summary)', () => {
  const summary: Summary = {
    allocatable: { cpu: '10', memory: '20Gi', pods: '100' },
    allocated: { cpu: '2500m', memory: '4Gi', pods: '20' },
    allocating: { cpu: '500m', pods: '5' },
  };

  it('divides allocatable − allocated − allocating by the request, cpu in millicores', () => {
    expect(allowedPods(summary)).toBe(75);
    // cpu: 7000m / 1500m = 4; memory: 16Gi / 1Gi = 16; pods 75.
    expect(generalEstimate(cluster('a', summary), { resourceRequest: { cpu: '1500m', memory: '1Gi' } })).toBe(4);
    expect(generalEstimate(cluster('a', summary), { resourceRequest: { memory: '3Gi' } })).toBe(5);
  });

  it('is bounded by free pod slots, and 0 without a summary, pod capacity or a requested resource', () => {
    expect(generalEstimate(cluster('a', summary), undefined)).toBe(75);
    expect(generalEstimate(cluster('a', summary), { resourceRequest: { cpu: '10m' } })).toBe(75);
    expect(generalEstimate(cluster('a'), { resourceRequest: { cpu: '1' } })).toBe(0);
    expect(generalEstimate(cluster('a', { allocatable: { cpu: '8' } }), { resourceRequest: { cpu: '1' } })).toBe(0);
    expect(generalEstimate(cluster('a', summary), { resourceRequest: { 'nvidia.com/gpu': '1' } })).toBe(0);
    expect(generalEstimate(cluster('a', { allocatable: { cpu: '1', pods: '10' }, allocated: { cpu: '1' } }), { resourceRequest: { cpu: '1m' } })).toBe(0);
  });

  it('takes assumed in-flight replicas off before answering', () => {
    expect(generalEstimate(cluster('a', summary), { resourceRequest: { cpu: '1500m' } }, 3)).toBe(1);
    expect(generalEstimate(cluster('a', summary), { resourceRequest: { cpu: '1500m' } }, 9)).toBe(0);
  });

  it('uses resource models when the cluster reports node counts per grade', () => {
    // Grade 2 starts at 2 cpu / 16Gi, grade 3 at 4 cpu / 32Gi (the default model).
    const modeled = cluster('m', { ...summary, allocatableModelings: [{ grade: 2, count: 3 }, { grade: 3, count: 1 }] }, defaultResourceModels());
    expect(replicasByResourceModels(modeled, { cpu: '2' })).toBe(3 * 1 + 1 * 2);
    expect(generalEstimate(modeled, { resourceRequest: { cpu: '2' } })).toBe(5);
    // A resource the models do not grade fits on no model node.
    expect(replicasByResourceModels(modeled, { 'example.com/fpga': '1' })).toBe(0);
    // No models declared: the summary decides.
    expect(replicasByResourceModels(cluster('x', summary), { cpu: '1' })).toBeUndefined();
  });
});

describe('accurate estimator (nodes)', () => {
  it('never fits a 4-CPU replica on 1-CPU nodes, however many there are', () => {
    const nodes = Array.from({ length: 50 }, (_, i) => node(`n${i}`));
    expect(nodesEstimate(nodes, { resourceRequest: { cpu: '4' } })).toBe(0);
    expect(nodesEstimate([...nodes, node('big', { allocatable: { cpu: '9', memory: '64Gi', pods: '110' } })], { resourceRequest: { cpu: '4' } })).toBe(2);
  });

  it('counts per node: min over resources of free ÷ request, capped by free pod slots', () => {
    const n = node('n', { allocatable: { cpu: '8', memory: '16Gi', pods: '10' }, requested: { cpu: '1500m', memory: '2Gi' }, pods: 7 });
    expect(nodeCapacity(n, { resourceRequest: { cpu: '1' } })).toBe(3); // pods: 10 − 7
    expect(nodeCapacity(n, { resourceRequest: { cpu: '2' } })).toBe(3); // 6500m / 2000m
    expect(nodeCapacity(n, { resourceRequest: { memory: '5Gi' } })).toBe(2); // 14Gi / 5Gi
    expect(nodeCapacity(n, undefined)).toBe(3);
    expect(nodeCapacity(node('full', { pods: 120 }), undefined)).toBe(0);
  });

  it('honours nodeSelector, required node affinity and tolerations', () => {
    const gpu = node('gpu', { labels: { accel: 'gpu', zone: 'z1' }, taints: [{ key: 'dedicated', value: 'ml', effect: 'NoSchedule' }] });
    const plain = node('plain', { labels: { zone: 'z2' } });
    const req = { resourceRequest: { cpu: '500m' } };
    expect(nodesEstimate([gpu, plain], { ...req, nodeClaim: { nodeSelector: { accel: 'gpu' } } })).toBe(0); // untolerated taint
    expect(nodesEstimate([gpu, plain], { ...req, nodeClaim: { nodeSelector: { accel: 'gpu' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ml', effect: 'NoSchedule' }] } })).toBe(2);
    const affinity = { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z2'] }] }] };
    expect(nodesEstimate([gpu, plain], { ...req, nodeClaim: { hardNodeAffinity: affinity } })).toBe(2);
    // PreferNoSchedule taints do not keep replicas off; not-ready and cordoned nodes do.
    expect(nodeCapacity(node('p', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }), req)).toBe(2);
    expect(nodeCapacity(node('nr', { ready: false }), req)).toBe(0);
    expect(nodeCapacity(node('c', { unschedulable: true }), req)).toBe(0);
    expect(nodeCapacity(node('c', { unschedulable: true }), { ...req, nodeClaim: { tolerations: [{ operator: 'Exists' }] } })).toBe(2);
  });

  it('matches node selector terms as kube-scheduler: terms ORed, requirements ANDed, empty matches nothing', () => {
    const n = { name: 'n1', labels: { tier: 'web', cores: '8' } };
    const term = (...matchExpressions: object[]) => ({ nodeSelectorTerms: [{ matchExpressions }] });
    expect(nodeMatchesClaim(n, { hardNodeAffinity: term({ key: 'cores', operator: 'Gt', values: ['4'] }, { key: 'tier', operator: 'Exists' }) })).toBe(true);
    expect(nodeMatchesClaim(n, { hardNodeAffinity: term({ key: 'cores', operator: 'Lt', values: ['4'] }) })).toBe(false);
    expect(nodeMatchesClaim(n, { hardNodeAffinity: term({ key: 'gpu', operator: 'DoesNotExist' }, { key: 'tier', operator: 'NotIn', values: ['db'] }) })).toBe(true);
    expect(nodeMatchesClaim(n, { hardNodeAffinity: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] } })).toBe(true);
    expect(nodeMatchesClaim(n, { hardNodeAffinity: { nodeSelectorTerms: [{}] } })).toBe(false);
    expect(nodeMatchesClaim(n, { hardNodeAffinity: { nodeSelectorTerms: [{}, { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] }] } })).toBe(true);
  });
});

describe('estimateAvailableReplicas', () => {
  const summary: Summary = { allocatable: { cpu: '100', memory: '100Gi', pods: '1000' } };
  const clusters = [cluster('a', summary), cluster('b', summary)];
  const nodes = { a: [node('a1'), node('a2')] };

  it('takes the smaller of the general and the node-level answer where nodes are known', () => {
    const got = estimateAvailableReplicas(clusters, { spec: spec(10, { cpu: '500m' }), nodes });
    expect(Object.fromEntries(got)).toEqual({ a: 4, b: 200 });
  });

  it("with the scheduler estimator off gives Karmada's default (summary-only) answer", () => {
    const got = estimateAvailableReplicas(clusters, { spec: spec(10, { cpu: '500m' }), nodes, options: { enableSchedulerEstimator: false } });
    expect(Object.fromEntries(got)).toEqual({ a: 200, b: 200 });
  });

  it('counts assumed replicas only with overcommit protection on', () => {
    const input = { spec: spec(10, { cpu: '500m' }), nodes, assumed: { a: 3, b: 50 } };
    expect(Object.fromEntries(estimateAvailableReplicas(clusters, input))).toEqual({ a: 4, b: 200 });
    expect(Object.fromEntries(estimateAvailableReplicas(clusters, { ...input, options: { overcommitProtection: true } }))).toEqual({ a: 1, b: 150 });
  });

  it('does not estimate for templates without replicas', () => {
    expect(estimateAvailableReplicas(clusters, { spec: spec(0) }).get('a')).toBe(MAX_INT32);
  });
});
