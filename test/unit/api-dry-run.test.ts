import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from './api-helpers.js';

/**
 * dryRun=All on every write: the request runs through admission and validation and answers as
 * the real write would, but nothing is stored and no revision is used.
 */
let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const NS = '/api/v1/namespaces/default';
const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
const deploy = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: { app: name } },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});

/** Runs `write` and checks it used no revision and left `paths` as they were. */
async function changesNothing(paths: string[], write: () => Promise<{ status: number; body: any }>): Promise<{ status: number; body: any }> {
  const before = await api.store.currentRevision();
  const objects = await Promise.all(paths.map((p) => api.json('GET', p)));
  const res = await write();
  expect(await api.store.currentRevision()).toBe(before);
  const after = await Promise.all(paths.map((p) => api.json('GET', p)));
  expect(after).toEqual(objects);
  return res;
}

describe('dryRun=All', () => {
  beforeAll(async () => {
    expect((await api.json('POST', DEPLOYS, deploy('web'))).status).toBe(201);
    expect((await api.json('POST', `${NS}/configmaps`, { metadata: { name: 'keep', labels: { batch: 'x' } } })).status).toBe(201);
    expect((await api.json('POST', `${NS}/configmaps`, { metadata: { name: 'held', finalizers: ['example.com/hold'] } })).status).toBe(201);
  });

  it('create answers with the object it would store (validated, defaulted) and stores nothing', async () => {
    const res = await changesNothing([`${DEPLOYS}/dry`], () => api.json('POST', `${DEPLOYS}?dryRun=All`, deploy('dry')));
    expect(res.status).toBe(201);
    expect(res.body.metadata).toMatchObject({ name: 'dry', namespace: 'default', generation: 1 });
    expect(res.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.metadata.resourceVersion ?? '').toBe('');
    const generated = await changesNothing([], () => api.json('POST', `${NS}/configmaps?dryRun=All`, { metadata: { generateName: 'gen-' } }));
    expect(generated.body.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
  });

  it('create still validates', async () => {
    const res = await changesNothing([], () => api.json('POST', `${NS}/configmaps?dryRun=All`, { metadata: { name: 'Not_Valid' } }));
    expect(res.status).toBe(422);
  });

  it('update, create-on-update and status replace', async () => {
    const current = (await api.json('GET', `${DEPLOYS}/web`)).body;
    const res = await changesNothing([`${DEPLOYS}/web`], () => api.json('PUT', `${DEPLOYS}/web?dryRun=All`, { ...current, spec: { ...current.spec, replicas: 5 } }));
    expect(res.status).toBe(200);
    expect(res.body.spec.replicas).toBe(5);
    expect(res.body.metadata.generation).toBe(2);
    const lease = await changesNothing(['/apis/coordination.k8s.io/v1/namespaces/default/leases/l'], () =>
      api.json('PUT', '/apis/coordination.k8s.io/v1/namespaces/default/leases/l?dryRun=All', { metadata: { name: 'l' }, spec: { holderIdentity: 'me' } }),
    );
    expect(lease.status).toBe(201);
    const status = await changesNothing([`${DEPLOYS}/web`], () => api.json('PUT', `${DEPLOYS}/web/status?dryRun=All`, { ...current, status: { replicas: 7 } }));
    expect(status.status).toBe(200);
    expect(status.body.status.replicas).toBe(7);
  });

  it('patch, status patch, and both scale writes', async () => {
    const patch = await changesNothing([`${DEPLOYS}/web`], () => api.json('PATCH', `${DEPLOYS}/web?dryRun=All`, { spec: { replicas: 4 } }));
    expect(patch.body.spec.replicas).toBe(4);
    const statusPatch = await changesNothing([`${DEPLOYS}/web`], () => api.json('PATCH', `${DEPLOYS}/web/status?dryRun=All`, { status: { replicas: 3 } }));
    expect(statusPatch.body.status.replicas).toBe(3);
    const scalePatch = await changesNothing([`${DEPLOYS}/web`, `${DEPLOYS}/web/scale`], () => api.json('PATCH', `${DEPLOYS}/web/scale?dryRun=All`, { spec: { replicas: 9 } }));
    expect(scalePatch.body.spec.replicas).toBe(9);
    const scale = (await api.json('GET', `${DEPLOYS}/web/scale`)).body;
    const scalePut = await changesNothing([`${DEPLOYS}/web`], () => api.json('PUT', `${DEPLOYS}/web/scale?dryRun=All`, { ...scale, spec: { replicas: 8 } }));
    expect(scalePut.status).toBe(200);
    expect(scalePut.body.spec.replicas).toBe(8);
  });

  it('server-side apply, creating and updating', async () => {
    const apply = (name: string, replicas: number) =>
      api.json('PATCH', `${DEPLOYS}/${name}?dryRun=All&fieldManager=test&force=true`, JSON.stringify({ ...deploy(name), spec: { ...deploy(name).spec, replicas } }), {
        'content-type': 'application/apply-patch+yaml',
      });
    const created = await changesNothing([`${DEPLOYS}/applied`], () => apply('applied', 2));
    expect(created.status).toBe(201);
    expect(created.body.spec.replicas).toBe(2);
    const updated = await changesNothing([`${DEPLOYS}/web`], () => apply('web', 6));
    expect(updated.status).toBe(200);
    expect(updated.body.spec.replicas).toBe(6);
  });

  it('delete, of an object that goes at once and of one a finalizer holds', async () => {
    const gone = await changesNothing([`${NS}/configmaps/keep`], () => api.json('DELETE', `${NS}/configmaps/keep?dryRun=All`));
    expect(gone.status).toBe(200);
    const viaBody = await changesNothing([`${NS}/configmaps/keep`], () => api.json('DELETE', `${NS}/configmaps/keep`, { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'] }));
    expect(viaBody.status).toBe(200);
    const held = await changesNothing([`${NS}/configmaps/held`], () => api.json('DELETE', `${NS}/configmaps/held?dryRun=All`));
    expect(held.body.metadata.deletionTimestamp).toBeTruthy();
  });

  it('deletecollection', async () => {
    const res = await changesNothing([`${NS}/configmaps/keep`], () => api.json('DELETE', `${NS}/configmaps?labelSelector=batch%3Dx&dryRun=All`));
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: any) => i.metadata.name)).toEqual(['keep']);
  });

  it('namespace finalize', async () => {
    const ns = (await api.json('GET', '/api/v1/namespaces/default')).body;
    const res = await changesNothing(['/api/v1/namespaces/default'], () => api.json('PUT', '/api/v1/namespaces/default/finalize?dryRun=All', { ...ns, spec: { finalizers: [] } }));
    expect(res.status).toBe(200);
    expect(res.body.spec.finalizers).toEqual([]);
  });

  it('refuses a dryRun value it does not know rather than writing for real', async () => {
    const create = await changesNothing([`${NS}/configmaps/nope`], () => api.json('POST', `${NS}/configmaps?dryRun=all`, { metadata: { name: 'nope' } }));
    expect(create.status).toBe(422);
    expect(create.body.message).toBe('CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"all"}: supported values: "All"');
    const patch = await changesNothing([`${DEPLOYS}/web`], () =>
      api.json('PATCH', `${DEPLOYS}/web?dryRun=yes&fieldManager=test`, JSON.stringify(deploy('web')), { 'content-type': 'application/apply-patch+yaml' }),
    );
    expect(patch.status).toBe(422);
    expect(patch.body.details).toMatchObject({ group: 'meta.k8s.io', kind: 'PatchOptions' });
    const del = await changesNothing([`${NS}/configmaps/keep`], () => api.json('DELETE', `${NS}/configmaps/keep?dryRun=true`));
    expect(del.status).toBe(422);
    expect(del.body.message).toBe('DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"true"}: supported values: "All"');
  });
});
