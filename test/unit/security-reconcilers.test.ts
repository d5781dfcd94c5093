import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControllerManager } from '../../cron/manager.js';
import { reconcilers } from '../../cron/registry.js';
import { queueEntries } from '../../db/work-queue.js';
import { createBuiltinRegistry } from '../../shared/registry/index.js';
import { MemoryQueue } from '../helpers/memory-queue.js';
import { startApi, type TestApi } from './api-helpers.js';

const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const CA = '-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n';
const unb64 = (s: string) => Buffer.from(s, 'base64').toString();

let api: TestApi;
let manager: ControllerManager;

beforeAll(async () => {
  api = await startApi();
  manager = new ControllerManager({
    store: api.store,
    registry: createBuiltinRegistry(),
    reconcilers,
    queue: new MemoryQueue(),
    serviceAccountTokens: { signingKey: 'test-signing-key', caCertPem: CA },
  });
  await manager.onTick();
}, 60_000);
afterAll(() => api.close());

const whoami = (token: string) =>
  api.app.request('/apis/authentication.k8s.io/v1/selfsubjectreviews', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ spec: {} }),
  });

describe('service account controller', () => {
  it('gives every namespace a default ServiceAccount, and brings it back when deleted', async () => {
    for (const ns of ['default', 'kube-system', 'kube-public']) {
      expect((await api.json('GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`)).status, ns).toBe(200);
    }
    await api.req('POST', '/api/v1/namespaces', { metadata: { name: 'fresh' } });
    await manager.dispatch();
    const sa = await api.json('GET', '/api/v1/namespaces/fresh/serviceaccounts/default');
    expect(sa.status).toBe(200);
    await api.req('DELETE', '/api/v1/namespaces/fresh/serviceaccounts/default');
    await manager.dispatch();
    const back = await api.json('GET', '/api/v1/namespaces/fresh/serviceaccounts/default');
    expect(back.status).toBe(200);
    expect(back.body.metadata.uid).not.toBe(sa.body.metadata.uid);
    const token = await api.json('POST', '/api/v1/namespaces/fresh/serviceaccounts/default/token', { spec: {} });
    expect(token.status).toBe(201);
  });
});

describe('tokens controller (Secret-based ServiceAccount tokens)', () => {
  it('fills token, namespace and ca.crt; the token authenticates until the Secret or the ServiceAccount goes', async () => {
    await api.req('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'legacy' } });
    await api.req('POST', '/api/v1/namespaces/default/secrets', {
      metadata: { name: 'legacy-token', annotations: { 'kubernetes.io/service-account.name': 'legacy' } },
      type: 'kubernetes.io/service-account-token',
    });
    await manager.dispatch();
    const secret = (await api.json('GET', '/api/v1/namespaces/default/secrets/legacy-token')).body;
    const sa = (await api.json('GET', '/api/v1/namespaces/default/serviceaccounts/legacy')).body;
    expect(unb64(secret.data.namespace)).toBe('default');
    expect(unb64(secret.data['ca.crt'])).toBe(CA);
    expect(secret.metadata.annotations['kubernetes.io/service-account.uid']).toBe(sa.metadata.uid);
    const token = unb64(secret.data.token);
    const who = await whoami(token);
    expect(who.status).toBe(201);
    expect((await who.json()).status.userInfo.username).toBe('system:serviceaccount:default:legacy');
    // Quiet once filled: another pass writes nothing.
    const rev = await api.store.currentRevision();
    await manager.onTick();
    expect(await api.store.currentRevision()).toBe(rev);
    await api.req('DELETE', '/api/v1/namespaces/default/serviceaccounts/legacy');
    // Revoked at once: the authenticator looks the ServiceAccount up on every use.
    expect((await whoami(token)).status).toBe(401);
    await manager.dispatch();
    expect((await api.json('GET', '/api/v1/namespaces/default/secrets/legacy-token')).status).toBe(404);
  });

  it('does not let a recreated ServiceAccount inherit an old token', async () => {
    await api.req('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'again' } });
    await api.req('POST', '/api/v1/namespaces/default/secrets', {
      metadata: { name: 'again-token', annotations: { 'kubernetes.io/service-account.name': 'again' } },
      type: 'kubernetes.io/service-account-token',
    });
    await manager.dispatch();
    const token = unb64((await api.json('GET', '/api/v1/namespaces/default/secrets/again-token')).body.data.token);
    expect((await whoami(token)).status).toBe(201);
    await api.req('DELETE', '/api/v1/namespaces/default/serviceaccounts/again');
    await api.req('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'again' } });
    expect((await whoami(token)).status).toBe(401);
  });
});

describe('bootstrap token cleaner', () => {
  it('deletes bootstrap tokens once expired, and comes back for the others when they expire', async () => {
    const mk = (id: string, expiration: string) =>
      api.req('POST', '/api/v1/namespaces/kube-system/secrets', {
        metadata: { name: `bootstrap-token-${id}` },
        type: 'bootstrap.kubernetes.io/token',
        stringData: { 'token-id': id, 'token-secret': '0123456789abcdef', expiration, 'usage-bootstrap-authentication': 'true' },
      });
    await mk('gone00', new Date(Date.now() - 1000).toISOString());
    await mk('live00', new Date(Date.now() + 30 * 60_000).toISOString());
    await manager.dispatch();
    expect((await api.json('GET', '/api/v1/namespaces/kube-system/secrets/bootstrap-token-gone00')).status).toBe(404);
    expect((await api.json('GET', '/api/v1/namespaces/kube-system/secrets/bootstrap-token-live00')).status).toBe(200);
    const timers = await queueEntries(api.client, 'bootstrap-token-cleaner');
    expect(timers.map((t) => t.key)).toEqual(['bootstrap-token-live00']);
    expect(timers[0]!.readyAt).toBeGreaterThan(Date.now() + 25 * 60_000);
  });
});

describe('clusterrole aggregation controller', () => {
  it('adds labelled ClusterRoles to view, edit and admin, and takes them away again', async () => {
    const rule = { verbs: ['get', 'list', 'watch'], apiGroups: ['example.com'], resources: ['widgets'] };
    await api.req('POST', `${RBAC}/clusterroles`, {
      metadata: { name: 'widgets-view', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
      rules: [rule],
    });
    await manager.dispatch();
    for (const role of ['view', 'edit', 'admin']) {
      expect((await api.json('GET', `${RBAC}/clusterroles/${role}`)).body.rules, role).toContainEqual(rule);
    }
    const cr = (await api.json('GET', `${RBAC}/clusterroles/widgets-view`)).body;
    await api.req('PUT', `${RBAC}/clusterroles/widgets-view`, { ...cr, metadata: { ...cr.metadata, labels: {} } });
    await manager.dispatch();
    for (const role of ['view', 'edit', 'admin']) {
      expect((await api.json('GET', `${RBAC}/clusterroles/${role}`)).body.rules, role).not.toContainEqual(rule);
    }
  });
});

describe('quiescence', () => {
  it('once converged, ticks and nudges write nothing', async () => {
    await manager.onTick();
    const settled = await api.store.currentRevision();
    for (let i = 0; i < 3; i++) {
      await manager.onTick();
      await manager.onQueue([{ kind: 'nudge' }]);
    }
    expect(await api.store.currentRevision()).toBe(settled);
  });
});
