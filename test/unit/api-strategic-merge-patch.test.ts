import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/app.js';
import { createBuiltinRegistry } from '../../shared/registry/index.js';
import { sha256Hex } from '../../shared/service-account-token.js';
import { ADMIN_TOKEN, startApi, type TestApi } from './api-helpers.js';

// Strategic merge patch through the API: which kinds take it, on which subresources, and what
// a failed one answers. The patch semantics themselves are in strategic-merge-patch.test.ts.

const podSpec = (spec: Record<string, unknown>) => ({ spec: { template: { spec } } });

describe('PATCH application/strategic-merge-patch+json', () => {
  const SMP = { 'content-type': 'application/strategic-merge-patch+json' };
  const path = '/apis/apps/v1/namespaces/default/deployments';
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api?.close());

  const createDeployment = async (name: string) => {
    const res = await api.json('POST', path, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: {
            containers: [
              { name: 'app', image: 'app:1', ports: [{ containerPort: 80 }] },
              { name: 'proxy', image: 'proxy:1' },
            ],
          },
        },
      },
    });
    expect(res.status).toBe(201);
    return res.body;
  };

  it('merges containers by name on the main resource and keeps what the patch does not mention', async () => {
    await createDeployment('web');
    const res = await api.json('PATCH', `${path}/web`, podSpec({ containers: [{ name: 'app', image: 'app:2' }] }), SMP);
    expect(res.status).toBe(200);
    expect(res.body.spec.template.spec.containers).toEqual([
      { name: 'app', image: 'app:2', ports: [{ containerPort: 80 }] },
      { name: 'proxy', image: 'proxy:1' },
    ]);
    expect(res.body.metadata.generation).toBe(2);
  });

  it('answers a patch it cannot apply with 422 and changes nothing', async () => {
    const before = (await api.json('GET', `${path}/web`)).body;
    const res = await api.json('PATCH', `${path}/web`, podSpec({ containers: [{ image: 'x' }] }), SMP);
    expect(res.status).toBe(422);
    expect(res.body.message).toBe('map: map[image:x] does not contain declared merge key: name');
    const bad = await api.json('PATCH', `${path}/web`, podSpec({ $retainKeys: 'x' }), SMP);
    expect(bad.status).toBe(400);
    expect((await api.json('GET', `${path}/web`)).body.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('persists nothing on dryRun=All (what kubectl diff sends)', async () => {
    const before = (await api.json('GET', `${path}/web`)).body;
    const res = await api.json('PATCH', `${path}/web?dryRun=All`, podSpec({ containers: [{ name: 'app', image: 'app:dry' }] }), SMP);
    expect(res.status).toBe(200);
    expect(res.body.spec.template.spec.containers[0].image).toBe('app:dry');
    const after = (await api.json('GET', `${path}/web`)).body;
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.spec.template.spec.containers[0].image).toBe('app:2');
  });

  it('patches /status with the kind’s schema (conditions merge by type)', async () => {
    const status = (conditions: unknown[]) => ({ status: { conditions } });
    const first = await api.json('PATCH', `${path}/web/status`, status([{ type: 'Available', status: 'False' }, { type: 'Progressing', status: 'True' }]), SMP);
    expect(first.status).toBe(200);
    const second = await api.json('PATCH', `${path}/web/status`, status([{ type: 'Available', status: 'True' }]), SMP);
    expect(second.body.status.conditions).toEqual([
      { type: 'Available', status: 'True' },
      { type: 'Progressing', status: 'True' },
    ]);
  });

  it('patches /scale with the Scale schema', async () => {
    const res = await api.json('PATCH', `${path}/web/scale`, { spec: { replicas: 3 } }, SMP);
    expect(res.status).toBe(200);
    expect(res.body.kind).toBe('Scale');
    expect(res.body.spec.replicas).toBe(3);
    expect((await api.json('GET', `${path}/web`)).body.spec.replicas).toBe(3);
  });

  it('lists strategic merge patch among the accepted patch types', async () => {
    const res = await api.json('PATCH', `${path}/web`, { spec: {} }, { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(res.body.message).toContain('application/strategic-merge-patch+json');
  });

  it('answers 415 for kinds without a built-in schema (custom resources), as kube-apiserver', async () => {
    const registry = createBuiltinRegistry();
    registry.add({
      group: 'example.com', versions: ['v1'], resource: 'widgets', kind: 'Widget', singular: 'widget', namespaced: true,
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status'],
    });
    const app = createApp({ store: api.store, registry, config: { adminTokenSha256: await sha256Hex(ADMIN_TOKEN), tokenSigningKey: 'test-signing-key' } });
    const call = async (method: string, url: string, body: unknown, contentType: string) => {
      const res = await app.request(url, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': contentType }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any };
    };
    const widgets = '/apis/example.com/v1/namespaces/default/widgets';
    expect((await call('POST', widgets, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } }, 'application/json')).status).toBe(201);
    for (const url of [`${widgets}/w`, `${widgets}/w/status`]) {
      const res = await call('PATCH', url, { spec: { size: 2 } }, 'application/strategic-merge-patch+json');
      expect(res.status).toBe(415);
      expect(res.body.reason).toBe('UnsupportedMediaType');
      expect(res.body.message).toBe(
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      );
    }
    const merged = await call('PATCH', `${widgets}/w`, { spec: { size: 2 } }, 'application/merge-patch+json');
    expect(merged.status).toBe(200);
    expect(merged.body.spec).toEqual({ size: 2 });
  });
});
