import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControllerManager } from '../../cron/manager.js';
import { crdLifecycle } from '../../cron/crd-lifecycle.js';
import { garbageCollector } from '../../cron/garbage-collector.js';
import { namespaceFinalizer } from '../../cron/namespace-finalizer.js';
import { registryWithCustomResources } from '../../db/crd-registry.js';
import { createBuiltinRegistry } from '../../shared/registry/index.js';
import { cronTabCrd } from '../fixtures/crd/crontab.js';
import { startApi, type TestApi } from './api-helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const base = createBuiltinRegistry();
/** Runs the reconcilers over everything that changed, as the queue consumer would. */
async function reconcile(): Promise<ControllerManager> {
  const manager = new ControllerManager({
    store: api.store,
    registry: await registryWithCustomResources(api.store, base),
    reconcilers: [crdLifecycle, namespaceFinalizer, garbageCollector],
  });
  await manager.dispatch();
  return manager;
}

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const CT = '/apis/stable.example.com/v1/namespaces/default/crontabs';
const cronTab = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'stable.example.com/v1',
  kind: 'CronTab',
  metadata: { name },
  spec: { cronSpec: '* * * * */5', image: 'my-cron-image', ...spec },
});
const TABLE = { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' };

describe('CustomResourceDefinitions', () => {
  it('creates a CRD that is Established when the create returns, with the cleanup finalizer', async () => {
    const res = await api.json('POST', `${CRDS}?fieldManager=kubectl-create`, cronTabCrd());
    expect(res.status).toBe(201);
    const crd = res.body;
    expect(crd.metadata.finalizers).toEqual(['customresourcecleanup.apiextensions.k8s.io']);
    expect(crd.metadata.generation).toBe(1);
    expect(crd.spec.names.listKind).toBe('CronTabList');
    expect(crd.spec.conversion).toEqual({ strategy: 'None' });
    expect(crd.status.storedVersions).toEqual(['v1']);
    expect(crd.status.acceptedNames).toMatchObject({ plural: 'crontabs', kind: 'CronTab', shortNames: ['ct'], categories: ['all'] });
    const byType = Object.fromEntries(crd.status.conditions.map((c: any) => [c.type, c]));
    expect(byType.NamesAccepted).toMatchObject({ status: 'True', reason: 'NoConflicts' });
    expect(byType.Established).toMatchObject({ status: 'True', reason: 'InitialNamesAccepted' });
    // The reconciler agrees, and once converged writes nothing more.
    const manager = await reconcile();
    const revision = await api.store.currentRevision();
    await crdLifecycle.reconcile(manager.ctx, 'crd:crontabs.stable.example.com');
    expect(await api.store.currentRevision()).toBe(revision);
    expect((await api.json('GET', `${CRDS}/crontabs.stable.example.com`)).body.status).toEqual(crd.status);
  });

  it('serves the new kind in discovery at once (legacy and aggregated), preferred version first', async () => {
    const group = await api.json('GET', '/apis/stable.example.com');
    expect(group.status).toBe(200);
    expect(group.body.preferredVersion.version).toBe('v1');
    expect(group.body.versions.map((v: any) => v.version)).toEqual(['v1', 'v1beta1']);
    const list = await api.json('GET', '/apis/stable.example.com/v1');
    const names = list.body.resources.map((r: any) => r.name);
    expect(names).toEqual(['crontabs', 'crontabs/status', 'crontabs/scale']);
    expect(list.body.resources[0]).toMatchObject({ kind: 'CronTab', namespaced: true, shortNames: ['ct'], categories: ['all'], singularName: 'crontab' });
    const agg = await api.json('GET', '/apis', undefined, { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' });
    const item = agg.body.items.find((i: any) => i.metadata.name === 'stable.example.com');
    expect(item.versions[0].resources[0]).toMatchObject({ resource: 'crontabs', scope: 'Namespaced', shortNames: ['ct'] });
  });

  it('refuses CRDs in groups Flotilla serves, saying so', async () => {
    for (const group of ['apps', 'policy.karmada.io']) {
      const crd = cronTabCrd({ group });
      const res = await api.json('POST', CRDS, crd);
      expect(res.status).toBe(422);
      expect(res.body.reason).toBe('Invalid');
      expect(res.body.message).toContain(`the API group "${group}" is served by Flotilla itself`);
      expect(res.body.details.causes).toContainEqual(expect.objectContaining({ field: 'spec.group', type: 'FieldValueForbidden' }));
    }
  });

  it('refuses invalid CRDs with upstream field errors', async () => {
    const crd = cronTabCrd();
    crd.metadata.name = 'wrong.stable.example.com';
    crd.spec.scope = 'Everywhere';
    crd.spec.versions[1].storage = true;
    crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.untyped = { description: 'no type' };
    const res = await api.json('POST', CRDS, crd);
    expect(res.status).toBe(422);
    const fields = res.body.details.causes.map((c: any) => `${c.field}: ${c.message}`);
    expect(fields).toContain('metadata.name: Invalid value: "wrong.stable.example.com": must be spec.names.plural+"."+spec.group');
    expect(fields).toContain('spec.scope: Unsupported value: "Everywhere": supported values: "Cluster", "Namespaced"');
    expect(fields).toContain('spec.versions: Invalid value: ["v1","v1beta1"]: must have exactly one version marked as storage version');
    expect(fields).toContain(
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[untyped].type: Required value: must not be empty for specified object fields',
    );
  });

  it('creates custom resources with defaults applied and unknown fields pruned', async () => {
    const res = await api.json('POST', `${CT}?fieldValidation=Warn`, { ...cronTab('daily'), spec: { ...cronTab('daily').spec, bogus: 1 }, status: { replicas: 9 } });
    expect(res.status).toBe(201);
    expect(res.body.spec).toEqual({ cronSpec: '* * * * */5', image: 'my-cron-image', replicas: 1, color: 'green' });
    expect(res.body.status).toBeUndefined();
    expect(res.body.metadata.generation).toBe(1);
    const warned = await api.req('POST', `${CT}?fieldValidation=Warn`, cronTab('warned', { bogus: 2 }));
    expect(warned.headers.get('warning')).toBe('299 - "unknown field \\"spec.bogus\\""');
    const strict = await api.json('POST', `${CT}?fieldValidation=Strict`, cronTab('strict', { bogus: 3 }));
    expect(strict.status).toBe(400);
    expect(strict.body.message).toBe('CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "spec.bogus"');
  });

  it('refuses custom resources that break the schema, naming the fields', async () => {
    const res = await api.json('POST', CT, cronTab('bad', { replicas: 20, color: 'purple', cronSpec: 'nope', port: true }));
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/^CronTab\.stable\.example\.com "bad" is invalid: \[/);
    const causes = res.body.details.causes.map((c: any) => `${c.field}: ${c.message}`);
    expect(causes).toContain('spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal to 10');
    expect(causes).toContain('spec.color: Unsupported value: "purple": supported values: "red", "green", "blue"');
    expect(causes).toContain(`spec.cronSpec: Invalid value: "nope": spec.cronSpec in body should match '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'`);
    expect(causes).toContain('spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"');
    const missing = await api.json('POST', CT, { ...cronTab('missing'), spec: { image: 'x' } });
    expect(missing.body.details.causes).toEqual([{ type: 'FieldValueRequired', message: 'Required value', field: 'spec.cronSpec' }]);
  });

  it('keeps status to /status and spec to the main resource', async () => {
    const status = await api.json('PATCH', `${CT}/daily/status`, { status: { replicas: 3, selector: 'app=daily' }, spec: { image: 'ignored' } });
    expect(status.status).toBe(200);
    expect(status.body.status).toEqual({ replicas: 3, selector: 'app=daily' });
    expect(status.body.spec.image).toBe('my-cron-image');
    expect(status.body.metadata.generation).toBe(1);
    const main = await api.json('PATCH', `${CT}/daily`, { spec: { image: 'v2' }, status: { replicas: 0 } });
    expect(main.body.spec.image).toBe('v2');
    expect(main.body.status.replicas).toBe(3);
    expect(main.body.metadata.generation).toBe(2);
    const bad = await api.json('PATCH', `${CT}/daily/status`, { status: { replicas: 'three' } });
    expect(bad.status).toBe(422);
  });

  it('serves the scale subresource through the CRD paths', async () => {
    const scale = await api.json('GET', `${CT}/daily/scale`);
    expect(scale.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 1 }, status: { replicas: 3, selector: 'app=daily' } });
    const patched = await api.json('PATCH', `${CT}/daily/scale`, { spec: { replicas: 4 } });
    expect(patched.status).toBe(200);
    expect(patched.body.spec.replicas).toBe(4);
    expect((await api.json('GET', `${CT}/daily`)).body.spec.replicas).toBe(4);
    const tooMany = await api.json('PATCH', `${CT}/daily/scale`, { spec: { replicas: 11 } });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.message).toContain('spec.replicas in body should be less than or equal to 10');
  });

  it('prints the additionalPrinterColumns', async () => {
    const table = await api.json('GET', CT, undefined, TABLE);
    expect(table.body.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Spec', 'Replicas', 'Age']);
    const row = table.body.rows.find((r: any) => r.cells[0] === 'daily');
    expect(row.cells.slice(0, 3)).toEqual(['daily', '* * * * */5', 4]);
  });

  it('serves other versions with conversion None and each version\'s defaults', async () => {
    const beta = await api.json('GET', '/apis/stable.example.com/v1beta1/namespaces/default/crontabs/daily');
    expect(beta.status).toBe(200);
    expect(beta.body.apiVersion).toBe('stable.example.com/v1beta1');
    expect(beta.body.spec.replicas).toBe(4);
    const res = await api.req('POST', '/apis/stable.example.com/v1beta1/namespaces/default/crontabs', {
      apiVersion: 'stable.example.com/v1beta1',
      kind: 'CronTab',
      metadata: { name: 'beta' },
      spec: { cronSpec: '* * * * *' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('warning')).toBe('299 - "stable.example.com/v1beta1 CronTab is deprecated; use stable.example.com/v1 CronTab"');
    expect(((await res.json()) as any).spec.replicas).toBe(2);
    // Stored as v1 (the storage version), read back with v1's defaults on top.
    const v1 = await api.json('GET', `${CT}/beta`);
    expect(v1.body.apiVersion).toBe('stable.example.com/v1');
    expect(v1.body.spec).toMatchObject({ replicas: 2, color: 'green' });
  });

  it('updates a CRD: new names are accepted at once, a new storage version is recorded, the plural stays', async () => {
    const before = await registryWithCustomResources(api.store, base);
    expect(await registryWithCustomResources(api.store, base)).toBe(before);
    const crd = (await api.json('GET', `${CRDS}/crontabs.stable.example.com`)).body;
    crd.spec.names.shortNames = ['ct', 'cts'];
    crd.spec.versions[0].storage = false;
    crd.spec.versions[1].storage = true;
    const res = await api.json('PUT', `${CRDS}/crontabs.stable.example.com`, crd);
    expect(res.status).toBe(200);
    expect(res.body.metadata.generation).toBe(2);
    expect(res.body.status.acceptedNames.shortNames).toEqual(['ct', 'cts']);
    expect(res.body.status.storedVersions).toEqual(['v1', 'v1beta1']);
    const after = await registryWithCustomResources(api.store, base);
    expect(after).not.toBe(before);
    expect(after.byShortName('cts')?.resource).toBe('crontabs');
    expect(after.byResource('stable.example.com', 'crontabs')?.storageVersion).toBe('v1beta1');
    const renamed = { ...res.body, spec: { ...res.body.spec, names: { ...res.body.spec.names, plural: 'crontabz' } } };
    const refused = await api.json('PUT', `${CRDS}/crontabs.stable.example.com`, renamed);
    expect(refused.status).toBe(422);
    expect(refused.body.details.causes).toContainEqual(expect.objectContaining({ field: 'spec.names.plural', message: 'Invalid value: "crontabz": field is immutable' }));
  });

  it('server-side applies custom resources through the same defaults and validation', async () => {
    const headers = { 'content-type': 'application/apply-patch+yaml' };
    const created = await api.json('PATCH', `${CT}/applied?fieldManager=tester`, cronTab('applied'), headers);
    expect(created.status).toBe(201);
    expect(created.body.spec).toMatchObject({ replicas: 1, color: 'green' });
    const refused = await api.json('PATCH', `${CT}/applied?fieldManager=tester`, cronTab('applied', { replicas: 0 }), headers);
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain('spec.replicas in body should be greater than or equal to 1');
  });

  it('answers 415 to a strategic merge patch, as for every custom resource', async () => {
    const res = await api.json('PATCH', `${CT}/daily`, { spec: { image: 'x' } }, { 'content-type': 'application/strategic-merge-patch+json' });
    expect(res.status).toBe(415);
  });

  it('refuses a second CRD whose names are taken, and accepts it once they are free', async () => {
    const other = cronTabCrd({ plural: 'crons', kind: 'Cron', shortNames: ['ct'] });
    const res = await api.json('POST', CRDS, other);
    expect(res.status).toBe(201);
    const accepted = res.body.status.conditions.find((c: any) => c.type === 'NamesAccepted');
    expect(accepted).toMatchObject({ status: 'False', reason: 'ShortNamesConflict', message: '"ct" is already in use' });
    expect(res.body.status.conditions.find((c: any) => c.type === 'Established')).toMatchObject({ status: 'False', reason: 'NotAccepted' });
    expect((await api.json('GET', '/apis/stable.example.com/v1/namespaces/default/crons')).status).toBe(404);
  });

  it('deletes custom resources with their namespace', async () => {
    await api.json('POST', '/api/v1/namespaces', { metadata: { name: 'team' } });
    const path = '/apis/stable.example.com/v1/namespaces/team/crontabs';
    expect((await api.json('POST', path, cronTab('hourly'))).status).toBe(201);
    await api.json('DELETE', '/api/v1/namespaces/team');
    await reconcile();
    expect((await api.json('GET', `${path}/hourly`)).status).toBe(404);
    expect((await api.json('GET', '/api/v1/namespaces/team')).status).toBe(404);
  });

  it('deletes a CRD\'s objects before the CRD, and the kind disappears', async () => {
    const del = await api.json('DELETE', `${CRDS}/crontabs.stable.example.com`);
    expect(del.status).toBe(200);
    expect(del.body.metadata.deletionTimestamp).toBeTruthy();
    const refused = await api.json('POST', CT, cronTab('late'));
    expect(refused.status).toBe(405);
    expect(refused.body.message).toBe('create not allowed while custom resource definition is terminating');
    await reconcile();
    expect((await api.json('GET', `${CRDS}/crontabs.stable.example.com`)).status).toBe(404);
    expect((await api.store.list({ group: 'stable.example.com', resource: 'crontabs' })).items).toEqual([]);
    expect((await api.json('GET', CT)).status).toBe(404);
    // The CRD that waited for the short name has it now.
    const crons = await api.json('GET', `${CRDS}/crons.stable.example.com`);
    expect(crons.body.status.acceptedNames.shortNames).toEqual(['ct']);
    expect(crons.body.status.conditions.find((c: any) => c.type === 'Established').status).toBe('True');
    expect((await api.json('GET', '/apis/stable.example.com/v1/namespaces/default/crons')).status).toBe(200);
  });

  it('waits for objects held by their own finalizers, Terminating meanwhile', async () => {
    expect((await api.json('POST', CRDS, cronTabCrd({ plural: 'gadgets', kind: 'Gadget', shortNames: [] }))).status).toBe(201);
    const path = '/apis/stable.example.com/v1/namespaces/default/gadgets';
    const held = { apiVersion: 'stable.example.com/v1', kind: 'Gadget', metadata: { name: 'g', finalizers: ['example.com/hold'] }, spec: { cronSpec: '* * * * *' } };
    expect((await api.json('POST', path, held)).status).toBe(201);
    await api.json('DELETE', `${CRDS}/gadgets.stable.example.com`);
    await reconcile();
    const crd = await api.json('GET', `${CRDS}/gadgets.stable.example.com`);
    expect(crd.status).toBe(200);
    expect(crd.body.status.conditions.find((c: any) => c.type === 'Terminating')).toMatchObject({ status: 'True', reason: 'InstanceDeletionInProgress' });
    expect((await api.json('GET', `${path}/g`)).body.metadata.deletionTimestamp).toBeTruthy();
    expect((await api.json('PATCH', `${path}/g`, { metadata: { finalizers: null } })).status).toBe(200);
    await reconcile();
    expect((await api.json('GET', `${CRDS}/gadgets.stable.example.com`)).status).toBe(404);
  });

  it('deletes the objects of a CRD that went without its finalizer', async () => {
    const path = '/apis/stable.example.com/v1/namespaces/default/crons';
    expect((await api.json('POST', path, { apiVersion: 'stable.example.com/v1', kind: 'Cron', metadata: { name: 'c1' }, spec: { cronSpec: '* * * * *' } })).status).toBe(201);
    await api.json('PATCH', `${CRDS}/crons.stable.example.com`, { metadata: { finalizers: null } });
    const del = await api.json('DELETE', `${CRDS}/crons.stable.example.com`);
    expect(del.body.status).toBe('Success');
    await reconcile();
    expect((await api.store.list({ group: 'stable.example.com', resource: 'crons' })).items).toEqual([]);
    expect((await api.json('GET', '/apis/stable.example.com')).status).toBe(404);
  });
});
