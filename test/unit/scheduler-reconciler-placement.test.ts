import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from './api-helpers.js';
import { clusterObject, clusterStatus, deploymentSpec, type ClusterFixture } from './scheduler-reconciler-harness.js';
import { formatPlacementReport, type PlacementReport } from '../../shared/binding/placement-report.js';
import { bindingPlacementPath, bindingTarget, policiesIn } from '../../cli/placement/placement.js';
import { PROPAGATION_POLICY_PERMANENT_ID_LABEL } from '../../shared/karmada/propagation-policy.js';
import type { KubeObject } from '../../shared/object.js';

let api: TestApi;

const weighted = {
  clusterAffinity: { clusterNames: ['member1', 'member2', 'member3'] },
  clusterTolerations: [],
  replicaScheduling: {
    replicaSchedulingType: 'Divided',
    replicaDivisionPreference: 'Weighted',
    weightPreference: { staticWeightList: [{ targetCluster: { clusterNames: ['member1'] }, weight: 1 }, { targetCluster: { clusterNames: ['member2'] }, weight: 2 }] },
  },
};

beforeAll(async () => {
  api = await startApi();
  const fixtures: Array<[string, ClusterFixture]> = [['member1', { labels: { location: 'east' } }], ['member2', { labels: { location: 'west' } }], ['member3', { taints: [{ key: 'cluster.karmada.io/unschedulable', effect: 'NoSchedule' }] }]];
  for (const [name, f] of fixtures) {
    const c = clusterObject(name, f);
    await api.store.create({ group: 'cluster.karmada.io', resource: 'clusters', namespace: '', name }, { ...c, metadata: { ...c.metadata, uid: `uid-${name}`, generation: 1 }, status: clusterStatus() } as KubeObject);
  }
  await api.store.create(
    { group: 'work.karmada.io', resource: 'resourcebindings', namespace: 'default', name: 'web-deployment' },
    { apiVersion: 'work.karmada.io/v1alpha2', kind: 'ResourceBinding', metadata: { name: 'web-deployment', namespace: 'default', labels: { [PROPAGATION_POLICY_PERMANENT_ID_LABEL]: 'x' } }, spec: { ...deploymentSpec('web', 9, weighted as never), clusters: [{ name: 'member1', replicas: 3 }, { name: 'member2', replicas: 6 }] } } as unknown as KubeObject,
  );
  await api.req('POST', '/apis/apps/v1/namespaces/default/deployments', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: { replicas: 9, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
  });
});
afterAll(() => api?.close());

describe('the placement subresource', () => {
  it('explains a binding: verdict and reason per cluster, score, available replicas, the division', async () => {
    const r = await api.json<PlacementReport>('GET', '/apis/work.karmada.io/v1alpha2/namespaces/default/resourcebindings/web-deployment/placement');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ kind: 'PlacementReport', strategy: 'StaticWeight', replicas: 9, scheduled: true, reason: 'Success', result: [{ name: 'member1', replicas: 3 }, { name: 'member2', replicas: 6 }] });
    const byName = Object.fromEntries(r.body.clusters.map((c) => [c.name, c]));
    expect(byName.member1).toMatchObject({ verdict: 'Fits', selected: true, replicas: 3, score: 100, availableReplicas: 100 });
    expect(byName.member3).toMatchObject({ verdict: 'Filtered', plugin: 'TaintToleration', selected: false });
    expect(byName.member3!.reason).toContain('cluster.karmada.io/unschedulable');
    const text = formatPlacementReport(r.body);
    expect(text).toMatch(/^member2\s+Selected\s+100\s+100\s+6/m);
    expect(text).toMatch(/^member3\s+Filtered\s+-\s+-\s+-\s+TaintToleration: cluster\(s\) had untolerated taint/m);
    expect(text).toContain('Scheduled: member1:3, member2:6');
  });

  it('dry-runs a policy that is not stored against the templates it would select', async () => {
    const policy = {
      apiVersion: 'policy.karmada.io/v1alpha1',
      kind: 'PropagationPolicy',
      metadata: { name: 'draft', namespace: 'default' },
      spec: { resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', labelSelector: { matchLabels: { app: 'web' } } }], placement: { clusterAffinity: { labelSelector: { matchLabels: { location: 'east' } } }, replicaScheduling: { replicaSchedulingType: 'Duplicated' } } },
    };
    const before = await api.store.currentRevision();
    const r = await api.json<{ items: PlacementReport[] }>('POST', '/apis/policy.karmada.io/v1alpha1/namespaces/default/propagationpolicies/draft/placement', policy);
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(1);
    expect(r.body.items[0]).toMatchObject({ binding: { name: 'web-deployment' }, strategy: 'Duplicated', result: [{ name: 'member1', replicas: 9 }] });
    expect(r.body.items[0]!.current).toBeUndefined();
    const member2 = r.body.items[0]!.clusters.find((c) => c.name === 'member2');
    expect(member2).toMatchObject({ verdict: 'Filtered', plugin: 'ClusterAffinity' });
    expect(await api.store.currentRevision()).toBe(before); // nothing stored
    expect((await api.req('GET', '/apis/policy.karmada.io/v1alpha1/namespaces/default/propagationpolicies/draft')).status).toBe(404);
  });

  it('answers 404 for a missing binding and is refused to callers RBAC does not allow', async () => {
    expect((await api.req('GET', '/apis/work.karmada.io/v1alpha2/namespaces/default/resourcebindings/nope/placement')).status).toBe(404);
    await api.req('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'viewer' } });
    const tr = await api.json('POST', '/api/v1/namespaces/default/serviceaccounts/viewer/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} });
    const token = tr.body.status.token as string;
    const res = await api.app.request('/apis/work.karmada.io/v1alpha2/namespaces/default/resourcebindings/web-deployment/placement', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { message: string }).message).toContain('resourcebindings/placement');
  });
});

describe('flotilla placement: naming the binding', () => {
  it('turns KIND/NAME into the binding the detector made, and rb/crb into the binding itself', () => {
    expect(bindingTarget('deployment/web', 'shop')).toEqual({ resource: 'resourcebindings', namespace: 'shop', name: 'web-deployment' });
    expect(bindingTarget('deploy/web', 'shop').name).toBe('web-deployment');
    expect(bindingTarget('deployments.apps/web', 'default').name).toBe('web-deployment');
    expect(bindingTarget('clusterrole/system:reader', 'default')).toEqual({ resource: 'clusterresourcebindings', name: 'system.reader-clusterrole' });
    expect(bindingTarget('rb/web-deployment', 'x')).toEqual({ resource: 'resourcebindings', namespace: 'x', name: 'web-deployment' });
    expect(bindingPlacementPath(bindingTarget('crb/ns-namespace', 'x'))).toBe('/apis/work.karmada.io/v1alpha2/clusterresourcebindings/ns-namespace/placement');
    expect(() => bindingTarget('web', 'x')).toThrow(/KIND\/NAME/);
  });

  it('reads the policies of a multi-document file', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: p}\nspec: {resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]}\n---\nkind: ClusterPropagationPolicy\nmetadata: {name: q}\n';
    expect(policiesIn(text, 'shop').map((p) => p.path)).toEqual([
      '/apis/policy.karmada.io/v1alpha1/namespaces/shop/propagationpolicies/p/placement',
      '/apis/policy.karmada.io/v1alpha1/clusterpropagationpolicies/q/placement',
    ]);
  });
});
