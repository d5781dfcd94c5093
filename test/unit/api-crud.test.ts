import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from './api-helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const cm = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...extra }, data: { a: '1' } });
const deploy = (name: string, replicas = 2) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } },
  },
  status: { replicas: 99 },
});

describe('bootstrap', () => {
  it('has the system namespaces, Active, with the kubernetes finalizer and name label', async () => {
    const { body } = await api.json('GET', '/api/v1/namespaces');
    expect(body.kind).toBe('NamespaceList');
    expect(body.apiVersion).toBe('v1');
    expect(body.items.map((n: any) => n.metadata.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    const ns = body.items[0];
    expect(ns.kind).toBe('Namespace');
    expect(ns.status.phase).toBe('Active');
    expect(ns.spec.finalizers).toEqual(['kubernetes']);
    expect(ns.metadata.labels['kubernetes.io/metadata.name']).toBe('default');
  });
});

describe('create, get, replace, delete', () => {
  it('round-trips a ConfigMap with kube-apiserver metadata', async () => {
    const created = await api.json('POST', '/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create', cm('one'));
    expect(created.status).toBe(201);
    const m = created.body.metadata;
    expect(m.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(m.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(m.resourceVersion).toMatch(/^\d+$/);
    expect(m.namespace).toBe('default');
    expect(m.generation).toBeUndefined();
    const got = await api.json('GET', '/api/v1/namespaces/default/configmaps/one');
    expect(got.body).toEqual(created.body);
    const replaced = await api.json('PUT', '/api/v1/namespaces/default/configmaps/one', { ...got.body, data: { a: '2' } });
    expect(replaced.status).toBe(200);
    expect(replaced.body.data).toEqual({ a: '2' });
    expect(Number(replaced.body.metadata.resourceVersion)).toBeGreaterThan(Number(m.resourceVersion));
    const del = await api.json('DELETE', '/api/v1/namespaces/default/configmaps/one');
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'one', kind: 'configmaps', uid: m.uid } });
    const gone = await api.json('GET', '/api/v1/namespaces/default/configmaps/one');
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'configmaps "one" not found', code: 404 });
  });

  it('accepts YAML bodies', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  k: v\n';
    const res = await api.req('POST', '/api/v1/namespaces/default/configmaps', yaml, { 'content-type': 'application/yaml' });
    expect(res.status).toBe(201);
    expect((await res.json()).data).toEqual({ k: 'v' });
  });

  it('refuses a duplicate with AlreadyExists', async () => {
    await api.req('POST', '/api/v1/namespaces/default/configmaps', cm('dup'));
    const again = await api.json('POST', '/api/v1/namespaces/default/configmaps', cm('dup'));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ reason: 'AlreadyExists', message: 'configmaps "dup" already exists' });
  });

  it('needs the namespace to exist', async () => {
    const res = await api.json('POST', '/api/v1/namespaces/nowhere/configmaps', cm('x'));
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('namespaces "nowhere" not found');
  });

  it('refuses a body namespace that differs from the URL', async () => {
    const res = await api.json('POST', '/api/v1/namespaces/default/configmaps', cm('x', { namespace: 'kube-system' }));
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('the namespace of the provided object does not match the namespace sent on the request');
  });

  it('refuses a kind or apiVersion that does not match the URL', async () => {
    const wrongKind = await api.json('POST', '/api/v1/namespaces/default/configmaps', { ...cm('x'), kind: 'Secret' });
    expect(wrongKind.status).toBe(400);
    const wrongVersion = await api.json('POST', '/api/v1/namespaces/default/configmaps', { ...cm('x'), apiVersion: 'apps/v1' });
    expect(wrongVersion.status).toBe(400);
    expect(wrongVersion.body.message).toContain('does not match the expected API version (v1)');
  });

  it('validates names with 422 and field causes', async () => {
    const res = await api.json('POST', '/api/v1/namespaces/default/configmaps', cm('Bad_Name'));
    expect(res.status).toBe(422);
    expect(res.body.reason).toBe('Invalid');
    expect(res.body.message).toMatch(/^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    expect(res.body.details).toMatchObject({ name: 'Bad_Name', kind: 'ConfigMap', causes: [{ type: 'FieldValueInvalid', field: 'metadata.name' }] });
    const ns = await api.json('POST', '/api/v1/namespaces', { metadata: { name: 'a.b' } });
    expect(ns.status).toBe(422);
    expect(ns.body.message).toContain('RFC 1123 label');
    const svc = await api.json('POST', '/api/v1/namespaces/default/services', { metadata: { name: '1abc' }, spec: {} });
    expect(svc.status).toBe(422);
    expect(svc.body.message).toContain('DNS-1035 label');
    const noName = await api.json('POST', '/apis/apps/v1/namespaces/default/deployments', { metadata: {} });
    expect(noName.body.message).toBe('Deployment.apps "" is invalid: metadata.name: Required value: name or generateName is required');
    const rbac = await api.json('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { metadata: { name: 'system:example:viewer' }, rules: [] });
    expect(rbac.status).toBe(201);
  });

  it('generates names from generateName with the kube alphabet', async () => {
    const res = await api.json('POST', '/api/v1/namespaces/default/configmaps', { metadata: { generateName: 'gen-' }, data: {} });
    expect(res.status).toBe(201);
    expect(res.body.metadata.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(res.body.metadata.generateName).toBe('gen-');
  });

  it('refuses a stale resourceVersion with kube’s Conflict message', async () => {
    const { body: created } = await api.json('POST', '/apis/apps/v1/namespaces/default/deployments', deploy('stale'));
    await api.req('PATCH', '/apis/apps/v1/namespaces/default/deployments/stale', { metadata: { labels: { bump: '1' } } });
    const res = await api.json('PUT', '/apis/apps/v1/namespaces/default/deployments/stale', created);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on deployments.apps "stale": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('treats a PUT without resourceVersion as unconditional, and 404s a missing object', async () => {
    await api.req('POST', '/api/v1/namespaces/default/configmaps', cm('uncond'));
    const res = await api.json('PUT', '/api/v1/namespaces/default/configmaps/uncond', { ...cm('uncond'), data: { b: '2' } });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ b: '2' });
    const missing = await api.json('PUT', '/api/v1/namespaces/default/configmaps/missing', cm('missing'));
    expect(missing.status).toBe(404);
    const name = await api.json('PUT', '/api/v1/namespaces/default/configmaps/uncond', cm('other'));
    expect(name.status).toBe(400);
    expect(name.body.message).toBe('the name of the object (other) does not match the name on the URL (uncond)');
  });

  it('creates on update where upstream allows it (leases)', async () => {
    const res = await api.json('PUT', '/apis/coordination.k8s.io/v1/namespaces/default/leases/l1', {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l1' }, spec: { holderIdentity: 'me' },
    });
    expect(res.status).toBe(201);
  });

  it('does not write when nothing changed', async () => {
    const { body: created } = await api.json('POST', '/api/v1/namespaces/default/configmaps', cm('noop'));
    const res = await api.json('PUT', '/api/v1/namespaces/default/configmaps/noop', created);
    expect(res.body.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });
});

describe('generation and status', () => {
  it('starts generation at 1, bumps on spec changes only, and resets status on create', async () => {
    const { status, body } = await api.json('POST', '/apis/apps/v1/namespaces/default/deployments', deploy('gen'));
    expect(status).toBe(201);
    expect(body.metadata.generation).toBe(1);
    expect(body.status).toEqual({});
    const labelled = await api.json('PATCH', '/apis/apps/v1/namespaces/default/deployments/gen', { metadata: { labels: { x: 'y' } } });
    expect(labelled.body.metadata.generation).toBe(1);
    const scaled = await api.json('PATCH', '/apis/apps/v1/namespaces/default/deployments/gen', { spec: { replicas: 5 } });
    expect(scaled.body.metadata.generation).toBe(2);
    // Deployments count annotation changes too (they are copied to ReplicaSets).
    const annotated = await api.json('PATCH', '/apis/apps/v1/namespaces/default/deployments/gen', { metadata: { annotations: { a: 'b' } } });
    expect(annotated.body.metadata.generation).toBe(3);
  });

  it('keeps status out of main-resource writes and spec out of /status writes', async () => {
    const base = '/apis/apps/v1/namespaces/default/deployments/iso';
    await api.req('POST', '/apis/apps/v1/namespaces/default/deployments', deploy('iso'));
    const main = await api.json('PATCH', base, { spec: { replicas: 3 }, status: { replicas: 42 } });
    expect(main.body.status).toEqual({});
    expect(main.body.spec.replicas).toBe(3);
    const st = await api.json('PATCH', `${base}/status`, { spec: { replicas: 7 }, status: { replicas: 3, readyReplicas: 3 } });
    expect(st.status).toBe(200);
    expect(st.body.status).toEqual({ replicas: 3, readyReplicas: 3 });
    expect(st.body.spec.replicas).toBe(3);
    expect(st.body.metadata.generation).toBe(main.body.metadata.generation);
    const put = await api.json('PUT', `${base}/status`, { ...st.body, metadata: { ...st.body.metadata, labels: { changed: 'no' } }, status: { replicas: 1 } });
    expect(put.body.status).toEqual({ replicas: 1 });
    expect(put.body.metadata.labels).toEqual({ app: 'iso' });
    const get = await api.json('GET', `${base}/status`);
    expect(get.body.status).toEqual({ replicas: 1 });
  });
});

describe('patch', () => {
  it('applies merge patches (label, annotate) and JSON patches with test', async () => {
    await api.req('POST', '/api/v1/namespaces/default/configmaps', cm('p'));
    const merged = await api.json('PATCH', '/api/v1/namespaces/default/configmaps/p', { metadata: { labels: { tier: 'backend' } }, data: { a: null, b: '2' } });
    expect(merged.body.metadata.labels).toEqual({ tier: 'backend' });
    expect(merged.body.data).toEqual({ b: '2' });
    const jp = await api.json(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/p',
      [
        { op: 'test', path: '/data/b', value: '2' },
        { op: 'add', path: '/data/c', value: '3' },
      ],
      { 'content-type': 'application/json-patch+json' },
    );
    expect(jp.status).toBe(200);
    expect(jp.body.data).toEqual({ b: '2', c: '3' });
    const failed = await api.json('PATCH', '/api/v1/namespaces/default/configmaps/p', [{ op: 'test', path: '/data/b', value: 'nope' }], {
      'content-type': 'application/json-patch+json',
    });
    expect(failed.status).toBe(422);
    expect(failed.body).toMatchObject({ reason: 'Invalid', message: 'the server rejected our request due to an error in our request' });
    const notArray = await api.json('PATCH', '/api/v1/namespaces/default/configmaps/p', { op: 'add' }, { 'content-type': 'application/json-patch+json' });
    expect(notArray.status).toBe(400);
  });

  it('409s a patch carrying a stale resourceVersion', async () => {
    const { body } = await api.json('POST', '/api/v1/namespaces/default/configmaps', cm('prv'));
    await api.req('PATCH', '/api/v1/namespaces/default/configmaps/prv', { data: { z: '1' } });
    const res = await api.json('PATCH', '/api/v1/namespaces/default/configmaps/prv', { metadata: { resourceVersion: body.metadata.resourceVersion }, data: { z: '2' } });
    expect(res.status).toBe(409);
  });

  it('serves apply patches, which must name their field manager (more in api-server-side-apply.test.ts)', async () => {
    await api.req('POST', '/api/v1/namespaces/default/configmaps', cm('smp'));
    const res = await api.json('PATCH', '/api/v1/namespaces/default/configmaps/smp', { data: {} }, { 'content-type': 'application/apply-patch+yaml' });
    expect(res.status).toBe(422);
    expect(res.body.reason).toBe('Invalid');
  });

  it('404s a patch of a missing object', async () => {
    const res = await api.json('PATCH', '/api/v1/namespaces/default/configmaps/none', { data: {} });
    expect(res.status).toBe(404);
  });
});

describe('scale subresource', () => {
  it('reads and patches autoscaling/v1 Scale', async () => {
    await api.req('POST', '/apis/apps/v1/namespaces/default/deployments', deploy('sc', 2));
    const get = await api.json('GET', '/apis/apps/v1/namespaces/default/deployments/sc/scale');
    expect(get.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'sc', namespace: 'default' }, spec: { replicas: 2 }, status: { replicas: 0, selector: 'app=sc' } });
    const patched = await api.json('PATCH', '/apis/apps/v1/namespaces/default/deployments/sc/scale', { spec: { replicas: 4 } });
    expect(patched.status).toBe(200);
    expect(patched.body.spec.replicas).toBe(4);
    const dep = await api.json('GET', '/apis/apps/v1/namespaces/default/deployments/sc');
    expect(dep.body.spec.replicas).toBe(4);
    expect(dep.body.metadata.generation).toBe(2);
    const put = await api.json('PUT', '/apis/apps/v1/namespaces/default/deployments/sc/scale', { ...patched.body, spec: { replicas: 1 } });
    expect(put.body.spec.replicas).toBe(1);
    const bad = await api.json('PATCH', '/apis/apps/v1/namespaces/default/deployments/sc/scale', { spec: { replicas: -1 } });
    expect(bad.status).toBe(422);
    const none = await api.json('GET', '/apis/apps/v1/namespaces/default/daemonsets/x/scale');
    expect(none.status).toBe(404);
  });
});

describe('errors', () => {
  it('413s bodies over 3 MiB, by header and by size', async () => {
    const big = JSON.stringify({ metadata: { name: 'big' }, data: { x: 'a'.repeat(3 * 1024 * 1024) } });
    const res = await api.json('POST', '/api/v1/namespaces/default/configmaps', big, { 'content-type': 'application/json' });
    expect(res.status).toBe(413);
    expect(res.body.reason).toBe('RequestEntityTooLarge');
    const chunks = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const streamed = await api.app.request('/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' },
      body: chunks,
      // @ts-expect-error Node's fetch needs duplex for a stream body
      duplex: 'half',
    });
    expect(streamed.status).toBe(413);
  });

  it('405s verbs a resource does not have, 404s unknown resources', async () => {
    const res = await api.json('DELETE', '/api/v1/namespaces');
    expect(res.status).toBe(405);
    expect(res.body.reason).toBe('MethodNotAllowed');
    const unknown = await api.json('GET', '/apis/apps/v1/namespaces/default/widgets');
    expect(unknown.status).toBe(404);
    expect(unknown.body.kind).toBe('Status');
  });

  it('401s without a valid token but serves version and health', async () => {
    const none = await api.app.request('/api/v1/namespaces');
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', message: 'Unauthorized', code: 401 });
    const wrong = await api.app.request('/api', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect((await api.app.request('/version')).status).toBe(200);
    expect(await (await api.app.request('/healthz')).text()).toBe('ok');
    expect(await (await api.app.request('/livez')).text()).toBe('ok');
    expect(await (await api.app.request('/readyz')).text()).toBe('ok');
  });

  it('reports a Kubernetes v1.33 version', async () => {
    const v = await (await api.app.request('/version')).json();
    expect(v).toMatchObject({ major: '1', minor: '33', platform: 'linux/amd64' });
    expect(v.gitVersion).toMatch(/^v1\.33\.\d+$/);
  });
});
