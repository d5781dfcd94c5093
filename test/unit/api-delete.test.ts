import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from './api-helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const CM = '/api/v1/namespaces/default/configmaps';

describe('finalizers', () => {
  it('keeps an object with finalizers until an update empties them, then deletes it', async () => {
    await api.req('POST', CM, { metadata: { name: 'fin', finalizers: ['example.com/hold'] }, data: {} });
    const del = await api.json('DELETE', `${CM}/fin`);
    expect(del.status).toBe(200);
    expect(del.body.kind).toBe('ConfigMap');
    expect(del.body.metadata.deletionTimestamp).toMatch(/Z$/);
    expect(del.body.metadata.deletionGracePeriodSeconds).toBe(0);
    const still = await api.json('GET', `${CM}/fin`);
    expect(still.status).toBe(200);
    // A second DELETE changes nothing.
    const again = await api.json('DELETE', `${CM}/fin`);
    expect(again.body.metadata.resourceVersion).toBe(still.body.metadata.resourceVersion);
    // No new finalizers on an object being deleted.
    const add = await api.json('PATCH', `${CM}/fin`, { metadata: { finalizers: ['example.com/hold', 'other'] } });
    expect(add.status).toBe(422);
    const cleared = await api.json('PATCH', `${CM}/fin`, { metadata: { finalizers: null } });
    expect(cleared.status).toBe(200);
    expect((await api.json('GET', `${CM}/fin`)).status).toBe(404);
  });

  it('adds foregroundDeletion or orphan for the propagation policy', async () => {
    await api.req('POST', CM, { metadata: { name: 'fg' }, data: {} });
    const fg = await api.json('DELETE', `${CM}/fg`, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' });
    expect(fg.body.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(fg.body.metadata.deletionTimestamp).toBeTruthy();
    await api.req('POST', CM, { metadata: { name: 'orph' }, data: {} });
    const orphan = await api.json('DELETE', `${CM}/orph?propagationPolicy=Orphan`);
    expect(orphan.body.metadata.finalizers).toEqual(['orphan']);
    await api.req('POST', CM, { metadata: { name: 'bg' }, data: {} });
    const bg = await api.json('DELETE', `${CM}/bg`, { propagationPolicy: 'Background' });
    expect(bg.body.kind).toBe('Status');
  });

  it('bumps generation when marking a generation-tracking object for deletion', async () => {
    await api.req('POST', '/apis/apps/v1/namespaces/default/deployments', {
      metadata: { name: 'gd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } } } },
    });
    const del = await api.json('DELETE', '/apis/apps/v1/namespaces/default/deployments/gd', { propagationPolicy: 'Foreground' });
    expect(del.body.metadata.generation).toBe(2);
  });

  it('checks preconditions (409)', async () => {
    const { body } = await api.json('POST', CM, { metadata: { name: 'pre' }, data: {} });
    const uid = await api.json('DELETE', `${CM}/pre`, { preconditions: { uid: 'not-it' } });
    expect(uid.status).toBe(409);
    expect(uid.body.message).toContain('Precondition failed: UID in precondition: not-it');
    const ok = await api.json('DELETE', `${CM}/pre`, { preconditions: { uid: body.metadata.uid, resourceVersion: body.metadata.resourceVersion } });
    expect(ok.status).toBe(200);
  });

  it('returns the deleted object for pods', async () => {
    await api.req('POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'pd' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    const del = await api.json('DELETE', '/api/v1/namespaces/default/pods/pd');
    expect(del.body).toMatchObject({ kind: 'Pod', metadata: { name: 'pd' } });
  });

  it('deletes a collection by selector', async () => {
    for (const n of ['dc1', 'dc2', 'dc3']) await api.req('POST', CM, { metadata: { name: n, labels: { batch: n === 'dc3' ? 'keep' : 'drop' } }, data: {} });
    const res = await api.json('DELETE', `${CM}?labelSelector=batch%3Ddrop`);
    expect(res.status).toBe(200);
    expect(res.body.kind).toBe('ConfigMapList');
    expect(res.body.items.map((i: any) => i.metadata.name)).toEqual(['dc1', 'dc2']);
    const left = (await api.json('GET', `${CM}?labelSelector=batch`)).body.items.map((i: any) => i.metadata.name);
    expect(left).toEqual(['dc3']);
  });
});

describe('namespaces', () => {
  it('goes Terminating on delete and refuses new content', async () => {
    await api.req('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    await api.req('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'c' }, data: {} });
    const del = await api.json('DELETE', '/api/v1/namespaces/doomed');
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ kind: 'Namespace', status: { phase: 'Terminating' }, spec: { finalizers: ['kubernetes'] } });
    expect(del.body.metadata.deletionTimestamp).toBeTruthy();
    const refused = await api.json('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'd' }, data: {} });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      reason: 'Forbidden',
      message: 'configmaps "d" is forbidden: unable to create new content in namespace doomed because it is being terminated',
      details: { causes: [{ type: 'NamespaceTerminating' }] },
    });
    // The namespace controller empties it, then finalizes: the namespace goes.
    await api.req('DELETE', '/api/v1/namespaces/doomed/configmaps/c');
    const ns = (await api.json('GET', '/api/v1/namespaces/doomed')).body;
    const fin = await api.json('PUT', '/api/v1/namespaces/doomed/finalize', { ...ns, spec: { finalizers: [] } });
    expect(fin.status).toBe(200);
    expect((await api.json('GET', '/api/v1/namespaces/doomed')).status).toBe(404);
  });

  it('never deletes default, kube-system or kube-public', async () => {
    const res = await api.json('DELETE', '/api/v1/namespaces/kube-system');
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('namespaces "kube-system" is forbidden: this namespace may not be deleted');
  });

  it('keeps spec.finalizers out of plain updates', async () => {
    await api.req('POST', '/api/v1/namespaces', { metadata: { name: 'keepfin' } });
    const res = await api.json('PATCH', '/api/v1/namespaces/keepfin', { spec: { finalizers: [] }, metadata: { labels: { a: 'b' } } });
    expect(res.body.spec.finalizers).toEqual(['kubernetes']);
    expect(res.body.metadata.labels).toMatchObject({ a: 'b', 'kubernetes.io/metadata.name': 'keepfin' });
  });
});
