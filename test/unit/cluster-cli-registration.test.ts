// Pull-mode registration's RBAC, evaluated by the real API: `flotilla token create`'s objects
// let a bootstrap token register a cluster (its Cluster, agent ServiceAccount and token, narrow
// roles, Lease) through RBAC's escalation checks, and nothing else; the agent's token then
// reaches only its own Cluster, Lease and execution namespace.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapTokenSecret, generateBootstrapToken } from '../../cli/cluster/bootstrap-token.js';
import { agentServiceAccountName } from '../../cli/cluster/names.js';
import { agentRbacObjects, registrationSetupObjects, type RbacWrite } from '../../cli/cluster/registration-rbac.js';
import { startApi, type TestApi } from './api-helpers.js';

describe('Pull registration RBAC', () => {
  let api: TestApi;
  const bootstrap = generateBootstrapToken();
  let agentToken = '';

  const as = async (token: string, method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const res = await api.app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const apply = (token: string, w: RbacWrite) => as(token, 'PATCH', `${w.path}?fieldManager=flotilla&force=true`, w.object, 'application/apply-patch+yaml');
  const canI = async (token: string, attrs: Record<string, string>) =>
    (await as(token, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: attrs } })).body.status.allowed as boolean;

  beforeAll(async () => {
    api = await startApi();
    for (const ns of ['karmada-cluster']) expect((await api.json('POST', '/api/v1/namespaces', { metadata: { name: ns } })).status).toBe(201);
    for (const w of registrationSetupObjects()) {
      const r = await api.json('PATCH', `${w.path}?fieldManager=flotilla`, w.object, { 'content-type': 'application/apply-patch+yaml' });
      expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    }
    const secret = bootstrapTokenSecret(bootstrap, { expiresAt: new Date(Date.now() + 3_600_000) });
    expect((await api.json('POST', '/api/v1/namespaces/kube-system/secrets', secret)).status).toBe(201);
  });
  afterAll(() => api?.close());

  it('lets a bootstrap token register cluster edge: Cluster, namespace, ServiceAccount, narrow roles, Lease, token', async () => {
    const t = bootstrap.token;
    const created = await as(t, 'POST', '/apis/cluster.karmada.io/v1alpha1/clusters', { apiVersion: 'cluster.karmada.io/v1alpha1', kind: 'Cluster', metadata: { name: 'edge' }, spec: { syncMode: 'Pull' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await as(t, 'POST', '/api/v1/namespaces', { metadata: { name: 'karmada-es-edge' } })).status).toBe(201);
    const sa = agentServiceAccountName('edge');
    expect((await as(t, 'POST', '/api/v1/namespaces/karmada-cluster/serviceaccounts', { metadata: { name: sa } })).status).toBe(201);
    for (const w of agentRbacObjects('edge', sa)) {
      const r = await apply(t, w);
      expect(r.status, `${w.path}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
    }
    expect((await as(t, 'POST', '/apis/coordination.k8s.io/v1/namespaces/karmada-cluster/leases', { metadata: { name: 'edge' }, spec: { holderIdentity: 'edge', leaseDurationSeconds: 40 } })).status).toBe(201);
    const tr = await as(t, 'POST', `/api/v1/namespaces/karmada-cluster/serviceaccounts/${sa}/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 31_536_000 } });
    expect(tr.status).toBe(201);
    agentToken = tr.body.status.token;
  });

  it('gives a bootstrap token nothing else: no Secrets, no Works, no cluster-admin binding', async () => {
    const t = bootstrap.token;
    expect((await as(t, 'GET', '/api/v1/namespaces/karmada-cluster/secrets')).status).toBe(403);
    expect((await as(t, 'GET', '/apis/work.karmada.io/v1alpha1/namespaces/karmada-es-edge/works')).status).toBe(403);
    const escalate = await as(t, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: 'grab' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'Group', name: 'system:bootstrappers', apiGroup: 'rbac.authorization.k8s.io' }],
    });
    expect(escalate.status).toBe(403);
    const wideRole = await as(t, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { metadata: { name: 'wide' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] });
    expect(wideRole.status).toBe(403);
  });

  it("lets the agent's token reach only its Cluster, its Lease and the Works of karmada-es-edge", async () => {
    expect(agentToken).not.toBe('');
    const a = agentToken;
    const allowed = (attrs: Record<string, string>) => canI(a, attrs);
    expect(await allowed({ group: 'cluster.karmada.io', resource: 'clusters', name: 'edge', verb: 'update' })).toBe(true);
    expect(await allowed({ group: 'cluster.karmada.io', resource: 'clusters', subresource: 'status', name: 'edge', verb: 'update' })).toBe(true);
    expect(await allowed({ group: 'coordination.k8s.io', resource: 'leases', namespace: 'karmada-cluster', name: 'edge', verb: 'update' })).toBe(true);
    expect(await allowed({ group: 'work.karmada.io', resource: 'works', namespace: 'karmada-es-edge', verb: 'watch' })).toBe(true);
    expect(await allowed({ group: 'work.karmada.io', resource: 'works', subresource: 'status', namespace: 'karmada-es-edge', verb: 'update' })).toBe(true);

    expect(await allowed({ group: 'cluster.karmada.io', resource: 'clusters', name: 'other', verb: 'get' })).toBe(false);
    expect(await allowed({ group: 'cluster.karmada.io', resource: 'clusters', verb: 'create' })).toBe(false);
    expect(await allowed({ group: 'coordination.k8s.io', resource: 'leases', namespace: 'karmada-cluster', name: 'other', verb: 'update' })).toBe(false);
    expect(await allowed({ group: 'work.karmada.io', resource: 'works', namespace: 'karmada-es-other', verb: 'list' })).toBe(false);
    expect(await allowed({ group: '', resource: 'secrets', namespace: 'karmada-cluster', verb: 'get' })).toBe(false);
    expect(await allowed({ group: '', resource: 'secrets', namespace: 'karmada-es-edge', verb: 'get' })).toBe(false);

    expect((await as(a, 'GET', '/apis/cluster.karmada.io/v1alpha1/clusters/edge')).status).toBe(200);
    const renewed = await as(a, 'PATCH', '/apis/coordination.k8s.io/v1/namespaces/karmada-cluster/leases/edge', { spec: { renewTime: '2026-01-01T00:00:00.000000Z' } }, 'application/merge-patch+json');
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
  });

  it('publishes the CA to anonymous callers through kube-public/cluster-info only', async () => {
    const cm = { metadata: { name: 'cluster-info', namespace: 'kube-public' }, data: { kubeconfig: 'clusters: []' } };
    expect((await api.json('POST', '/api/v1/namespaces/kube-public/configmaps', cm)).status).toBe(201);
    const anon = await api.app.request('/api/v1/namespaces/kube-public/configmaps/cluster-info');
    expect(anon.status).toBe(200);
    expect(((await anon.json()) as { data: { kubeconfig: string } }).data.kubeconfig).toBe('clusters: []');
    expect((await api.app.request('/api/v1/namespaces/kube-public/configmaps')).status).toBe(401);
    expect((await api.app.request('/api/v1/namespaces/kube-system/configmaps/cluster-info')).status).toBe(401);
  });
});
