// The Cluster proxy subresource: forwarded to the member as the caller (impersonation with the
// impersonator's token, never the caller's or the control plane's credential), authorized as
// clusters/proxy, 503 without a way to reach members; and karmadactl register's CSR refused
// with a pointer to flotilla register.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/app.js';
import { CSR_REFUSAL } from '../../functions/routes/certificate-signing-requests.js';
import { impersonationHeaders, parseProxyPath } from '../../functions/routes/cluster-proxy.js';
import type { MemberClient, MemberClients, MemberEndpoint, MemberRequest } from '../../shared/member/member-client.js';
import { MemberError } from '../../shared/member/member-client.js';
import { sha256Hex } from '../../shared/service-account-token.js';
import { ADMIN_TOKEN, startApi, type TestApi } from './api-helpers.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

class RecordingClients implements MemberClients {
  readonly calls: Array<{ endpoint: MemberEndpoint; req: MemberRequest }> = [];
  failWith: MemberError | undefined;
  forEndpoint(endpoint: MemberEndpoint): MemberClient {
    return {
      cluster: endpoint.cluster,
      request: async (req) => {
        this.calls.push({ endpoint, req });
        if (this.failWith) throw this.failWith;
        return { status: 200, headers: { 'content-type': 'application/json', 'x-member': endpoint.cluster }, body: JSON.stringify({ kind: 'NodeList', items: [] }) };
      },
    };
  }
}

describe('Cluster proxy subresource', () => {
  let api: TestApi;
  let clients: RecordingClients;
  let withClients: ReturnType<typeof createApp>;
  let withoutClients: ReturnType<typeof createApp>;
  let viewerToken: string;

  const as = (app: ReturnType<typeof createApp>, token: string, method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    Promise.resolve(app.request(path, { method, headers: { authorization: `Bearer ${token}`, ...headers }, ...(body !== undefined ? { body } : {}) }));

  beforeAll(async () => {
    api = await startApi();
    clients = new RecordingClients();
    const config = { adminTokenSha256: await sha256Hex(ADMIN_TOKEN), tokenSigningKey: 'test-signing-key', watchPollMs: 10 };
    withClients = createApp({ store: api.store, config, memberClients: clients });
    withoutClients = createApp({ store: api.store, config });
    const ok = async (method: string, path: string, body: unknown) => {
      const r = await api.json(method, path, body);
      expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
      return r.body;
    };
    await ok('POST', '/api/v1/namespaces', { metadata: { name: 'karmada-cluster' } });
    await ok('POST', '/api/v1/namespaces/karmada-cluster/secrets', { metadata: { name: 'm1' }, data: { token: b64('main-token'), caBundle: b64('-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n') } });
    await ok('POST', '/api/v1/namespaces/karmada-cluster/secrets', { metadata: { name: 'm1-impersonator' }, data: { token: b64('impersonator-token') } });
    await ok('POST', '/apis/cluster.karmada.io/v1alpha1/clusters', {
      metadata: { name: 'm1' },
      spec: {
        syncMode: 'Push',
        apiEndpoint: 'https://member.example:6443',
        secretRef: { namespace: 'karmada-cluster', name: 'm1' },
        impersonatorSecretRef: { namespace: 'karmada-cluster', name: 'm1-impersonator' },
        proxyURL: 'http://proxy.example:3128',
      },
    });
    await ok('POST', '/apis/cluster.karmada.io/v1alpha1/clusters', {
      metadata: { name: 'no-impersonator' },
      spec: { syncMode: 'Push', apiEndpoint: 'https://other.example:6443', secretRef: { namespace: 'karmada-cluster', name: 'm1' } },
    });
    // A ServiceAccount allowed to proxy to m1 only, and one that may only read Clusters.
    await ok('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'proxier' } });
    await ok('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'viewer' } });
    await ok('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      metadata: { name: 'proxy-m1' },
      rules: [{ apiGroups: ['cluster.karmada.io'], resources: ['clusters/proxy'], resourceNames: ['m1'], verbs: ['get', 'create'] }],
    });
    await ok('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: 'proxy-m1' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'proxy-m1' },
      subjects: [{ kind: 'ServiceAccount', name: 'proxier', namespace: 'default' }],
    });
    const tr = await ok('POST', '/api/v1/namespaces/default/serviceaccounts/viewer/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} });
    viewerToken = tr.status.token;
  });
  afterAll(() => api?.close());

  it('parses the cluster name and the member path, query included', () => {
    expect(parseProxyPath('/apis/cluster.karmada.io/v1alpha1/clusters/m1/proxy/api/v1/nodes', '?limit=5')).toEqual({ name: 'm1', path: '/api/v1/nodes?limit=5' });
    expect(parseProxyPath('/apis/cluster.karmada.io/v1alpha1/clusters/m1/proxy', '')).toEqual({ name: 'm1', path: '/' });
    expect(parseProxyPath('/apis/cluster.karmada.io/v1alpha1/clusters/m1/status', '')).toBeUndefined();
  });

  it('forwards to the member as the (impersonated) caller, with the impersonator token, dropping the caller credential', async () => {
    const before = clients.calls.length;
    const res = await as(withClients, ADMIN_TOKEN, 'GET', '/apis/cluster.karmada.io/v1alpha1/clusters/m1/proxy/api/v1/nodes?limit=5', undefined, {
      accept: 'application/json',
      'impersonate-user': 'alice',
      'impersonate-group': 'system:masters',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ kind: 'NodeList', items: [] });
    expect(res.headers.get('x-member')).toBe('m1');
    const { endpoint, req } = clients.calls[before]!;
    expect(endpoint).toMatchObject({ cluster: 'm1', apiEndpoint: 'https://member.example:6443', token: 'impersonator-token', proxyURL: 'http://proxy.example:3128' });
    expect(endpoint.caBundle).toContain('BEGIN CERTIFICATE');
    expect(req.method).toBe('GET');
    expect(req.path).toBe('/api/v1/nodes?limit=5');
    const headerNames = Object.keys(req.headers ?? {}).map((h) => h.toLowerCase());
    expect(headerNames).not.toContain('authorization');
    // The caller's own impersonation was authorized by the control plane; the member sees whom it made the caller.
    expect(headerNames.filter((h) => h.startsWith('impersonate-'))).toEqual(['impersonate-user', 'impersonate-group']);
    expect(req.headers?.['Impersonate-User']).toBe('alice');
    expect(req.headers?.['Impersonate-Group']).toBe('system:masters');
  });

  it('forwards a write with its body and content type', async () => {
    const before = clients.calls.length;
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } });
    const res = await as(withClients, ADMIN_TOKEN, 'POST', '/apis/cluster.karmada.io/v1alpha1/clusters/m1/proxy/api/v1/namespaces', body, { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    const { req } = clients.calls[before]!;
    expect(req).toMatchObject({ method: 'POST', path: '/api/v1/namespaces', body, contentType: 'application/json' });
  });

  it('authorizes clusters/proxy by name: a ServiceAccount bound for m1 gets through as itself, one without is refused', async () => {
    const tr = await api.json('POST', '/api/v1/namespaces/default/serviceaccounts/proxier/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} });
    const token = tr.body.status.token as string;
    const before = clients.calls.length;
    const ok = await as(withClients, token, 'GET', '/apis/cluster.karmada.io/v1alpha1/clusters/m1/proxy/api/v1/pods');
    expect(ok.status).toBe(200);
    expect(clients.calls[before]!.req.headers?.['Impersonate-User']).toBe('system:serviceaccount:default:proxier');
    expect(clients.calls[before]!.req.headers?.['Impersonate-Group']).toBe('system:serviceaccounts, system:serviceaccounts:default');

    const other = await as(withClients, token, 'GET', '/apis/cluster.karmada.io/v1alpha1/clusters/no-impersonator/proxy/api/v1/pods');
    expect(other.status).toBe(403);
    const denied = await as(withClients, viewerToken, 'GET', '/apis/cluster.karmada.io/v1alpha1/clusters/m1/proxy/api/v1/pods');
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { message: string }).message).toContain('clusters/proxy');
    expect(clients.calls.length).toBe(before + 1);
  });

  it('answers 503 with a Status when no member clients are configured, or the cluster has no impersonator', async () => {
    const none = await as(withoutClients, ADMIN_TOKEN, 'GET', '/apis/cluster.karmada.io/v1alpha1/clusters/m1/proxy/api/v1/nodes');
    expect(none.status).toBe(503);
    expect(await none.json()).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
    const noImpersonator = await as(withClients, ADMIN_TOKEN, 'GET', '/apis/cluster.karmada.io/v1alpha1/clusters/no-impersonator/proxy/api/v1/nodes');
    expect(noImpersonator.status).toBe(503);
    expect(((await noImpersonator.json()) as { message: string }).message).toContain('impersonatorSecretRef');
  });

  it('answers 404 for a cluster that does not exist and 503 for a member that does not answer', async () => {
    const missing = await as(withClients, ADMIN_TOKEN, 'GET', '/apis/cluster.karmada.io/v1alpha1/clusters/nope/proxy/api/v1/nodes');
    expect(missing.status).toBe(404);
    clients.failWith = new MemberError('m1', 'timeout', 'cluster m1 did not answer GET /api/v1/nodes within 10000 ms');
    try {
      const down = await as(withClients, ADMIN_TOKEN, 'GET', '/apis/cluster.karmada.io/v1alpha1/clusters/m1/proxy/api/v1/nodes');
      expect(down.status).toBe(503);
      expect(((await down.json()) as { message: string }).message).toContain('did not answer');
    } finally {
      clients.failWith = undefined;
    }
  });

  it('builds impersonation headers without system:authenticated, with uid and extras', () => {
    expect(impersonationHeaders({ username: 'u', uid: '42', groups: ['g1', 'system:authenticated'], extra: { scopes: ['a', 'b'] } })).toEqual({
      'Impersonate-User': 'u',
      'Impersonate-Group': 'g1',
      'Impersonate-Uid': '42',
      'Impersonate-Extra-scopes': 'a, b',
    });
  });

  it("refuses karmadactl register's CertificateSigningRequest with a pointer to flotilla register", async () => {
    const res = await api.json('POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests', { metadata: { name: 'agent-csr' }, spec: {} });
    expect(res.status).toBe(403);
    expect(res.body.message).toContain(CSR_REFUSAL);
    expect(res.body.message).toContain('flotilla register');
  });
});
