import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from './api-helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
const APPLY = { 'content-type': 'application/apply-patch+yaml' };

const deploy = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } },
    ...spec,
  },
});

const apply = (name: string, body: unknown, query: string, headers: Record<string, string> = {}) =>
  api.json('PATCH', `${DEPLOYS}/${name}?${query}`, typeof body === 'string' ? body : JSON.stringify(body), { ...APPLY, ...headers });

const managers = (obj: any): Array<[string, string, string | undefined]> =>
  (obj.metadata.managedFields ?? []).map((e: any) => [e.manager, e.operation, e.subresource]);

describe('server-side apply over HTTP', () => {
  it('creates with 201, updates with 200, and a repeated apply changes nothing', async () => {
    const created = await apply('a1', deploy('a1', { replicas: 2 }), 'fieldManager=tester');
    expect(created.status).toBe(201);
    expect(created.body.spec.replicas).toBe(2);
    expect(created.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(managers(created.body)).toEqual([['tester', 'Apply', undefined]]);
    expect(created.body.metadata.managedFields[0].fieldsV1['f:spec']['f:replicas']).toEqual({});
    const again = await apply('a1', deploy('a1', { replicas: 2 }), 'fieldManager=tester');
    expect(again.status).toBe(200);
    expect(again.body.metadata.resourceVersion).toBe(created.body.metadata.resourceVersion);
    expect(again.body).toEqual(created.body);
  });

  it('accepts YAML bodies', async () => {
    const yaml = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: y1',
      'spec:',
      '  replicas: 3',
      '  selector: {matchLabels: {app: y1}}',
      '  template:',
      '    metadata: {labels: {app: y1}}',
      '    spec:',
      '      containers:',
      '      - name: c',
      '        image: nginx',
    ].join('\n');
    const r = await apply('y1', yaml, 'fieldManager=tester');
    expect(r.status).toBe(201);
    expect(r.body.spec.replicas).toBe(3);
  });

  it('judges duplicate keys by fieldValidation: Strict refuses, Warn warns, Ignore accepts', async () => {
    const body = JSON.stringify(deploy('d1', { replicas: 1 })).replace('"replicas":1', '"replicas":1,"replicas":2');
    const strict = await apply('d1', body, 'fieldManager=tester&fieldValidation=Strict');
    expect(strict.status).toBe(400);
    expect(strict.body.message).toBe('error strict decoding YAML: duplicate field "spec.replicas"');
    const warned = await api.req('PATCH', `${DEPLOYS}/d1?fieldManager=tester`, body, APPLY);
    expect(warned.status).toBe(201);
    expect(warned.headers.get('warning')).toContain('duplicate field \\"spec.replicas\\"');
    expect(((await warned.json()) as any).spec.replicas).toBe(2);
    const ignored = await apply('d1', body, 'fieldManager=tester&fieldValidation=Ignore');
    expect(ignored.status).toBe(200);
  });

  it('needs a fieldManager (422, as upstream validates PatchOptions) and a matching apiVersion (400)', async () => {
    const r = await apply('a1', deploy('a1'), '');
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ reason: 'Invalid', message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch' });
    const v = await apply('a1', { ...deploy('a1'), apiVersion: 'apps/v1beta1' }, 'fieldManager=tester');
    expect(v.status).toBe(400);
    expect(v.body.message).toBe('Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1');
    const f = await api.json('PATCH', `${DEPLOYS}/a1?force=true`, { metadata: { labels: { x: 'y' } } });
    expect(f.status).toBe(422);
    expect(f.body.message).toContain('force: Forbidden: may not be specified for non-apply patch');
  });

  it('conflicts (409) with the owner of a field, and force takes it over', async () => {
    const r = await apply('a1', deploy('a1', { replicas: 5 }), 'fieldManager=other');
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({
      kind: 'Status',
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "tester": .spec.replicas',
      details: { causes: [{ type: 'FieldManagerConflict', message: 'conflict with "tester"', field: '.spec.replicas' }] },
    });
    const forced = await apply('a1', deploy('a1', { replicas: 5 }), 'fieldManager=other&force=true');
    expect(forced.status).toBe(200);
    expect(forced.body.spec.replicas).toBe(5);
    const owners = forced.body.metadata.managedFields;
    expect(owners.find((e: any) => e.manager === 'other').fieldsV1['f:spec']['f:replicas']).toEqual({});
    expect(owners.find((e: any) => e.manager === 'tester').fieldsV1['f:spec']['f:replicas']).toBeUndefined();
  });

  it('removes what a manager stops applying', async () => {
    await apply('r1', deploy('r1', { replicas: 2, paused: true }), 'fieldManager=tester');
    const r = await apply('r1', deploy('r1', { replicas: 2 }), 'fieldManager=tester');
    expect(r.body.spec.paused).toBeUndefined();
    expect(r.body.spec.replicas).toBe(2);
  });

  it('tracks other writes as Update, naming the manager from fieldManager or the User-Agent', async () => {
    await apply('u1', deploy('u1', { replicas: 1 }), 'fieldManager=tester');
    const labeled = await api.json('PATCH', `${DEPLOYS}/u1`, { metadata: { labels: { team: 'x' } } }, { 'user-agent': 'kubectl/v1.33.4 (linux/amd64) kubernetes/abc' });
    expect(labeled.status).toBe(200);
    expect(managers(labeled.body)).toEqual([
      ['tester', 'Apply', undefined],
      ['kubectl', 'Update', undefined],
    ]);
    const scaled = await api.json('PATCH', `${DEPLOYS}/u1/scale?fieldManager=scaler`, { spec: { replicas: 4 } });
    expect(scaled.status).toBe(200);
    const got = (await api.json('GET', `${DEPLOYS}/u1`)).body;
    const scaler = got.metadata.managedFields.find((e: any) => e.manager === 'scaler');
    expect(scaler).toMatchObject({ operation: 'Update', apiVersion: 'apps/v1', subresource: 'scale', fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
    // The applier lost .spec.replicas to the scaler and now conflicts on it.
    const r = await apply('u1', deploy('u1', { replicas: 1 }), 'fieldManager=tester');
    expect(r.status).toBe(409);
    expect(r.body.message).toBe('Apply failed with 1 conflict: conflict with "scaler" with subresource "scale" using apps/v1: .spec.replicas');
  });

  it('applies to /status, owning status only', async () => {
    await apply('s1', deploy('s1', { replicas: 1 }), 'fieldManager=tester');
    const r = await api.json(
      'PATCH',
      `${DEPLOYS}/s1/status?fieldManager=ctrl`,
      JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 's1' }, status: { readyReplicas: 1 } }),
      APPLY,
    );
    expect(r.status).toBe(200);
    expect(r.body.status.readyReplicas).toBe(1);
    const ctrl = r.body.metadata.managedFields.find((e: any) => e.manager === 'ctrl');
    expect(ctrl).toMatchObject({ operation: 'Apply', subresource: 'status', fieldsV1: { 'f:status': { 'f:readyReplicas': {} } } });
  });

  it('stores managedFields a JSON patch rewrites (kubectl’s CSA→SSA migration), and resets them on []', async () => {
    const created = await api.json('POST', `${DEPLOYS}?fieldManager=kubectl-client-side-apply`, deploy('m1', { replicas: 2 }));
    expect(managers(created.body)).toEqual([['kubectl-client-side-apply', 'Update', undefined]]);
    const entry = created.body.metadata.managedFields[0];
    const migrated = [{ ...entry, manager: 'kubectl', operation: 'Apply' }];
    const patch = [
      { op: 'replace', path: '/metadata/managedFields', value: migrated },
      { op: 'replace', path: '/metadata/resourceVersion', value: created.body.metadata.resourceVersion },
    ];
    const r = await api.json('PATCH', `${DEPLOYS}/m1`, patch, { 'content-type': 'application/json-patch+json' });
    expect(r.status).toBe(200);
    expect(managers(r.body)).toEqual([['kubectl', 'Apply', undefined]]);
    // Now the apply owns .spec.replicas and can drop it.
    const dropped = await apply('m1', deploy('m1'), 'fieldManager=kubectl');
    expect(dropped.status).toBe(200);
    expect(managers(dropped.body)).toEqual([['kubectl', 'Apply', undefined]]);
    const bad = await api.json('PATCH', `${DEPLOYS}/m1`, [{ op: 'replace', path: '/metadata/managedFields', value: 'nope' }], { 'content-type': 'application/json-patch+json' });
    expect(bad.status).toBe(400);
    const reset = await api.json('PATCH', `${DEPLOYS}/m1`, [{ op: 'replace', path: '/metadata/managedFields', value: [] }], { 'content-type': 'application/json-patch+json' });
    expect(reset.status).toBe(200);
    expect(reset.body.metadata.managedFields).toBeUndefined();
  });

  it('creates with Update entries from POST and PUT', async () => {
    const created = await api.json('POST', '/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1' }, data: { a: '1' } });
    expect(created.body.metadata.managedFields).toEqual([
      { manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', time: expect.stringMatching(/Z$/), fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } } },
    ]);
    const replaced = await api.json('PUT', '/api/v1/namespaces/default/configmaps/c1?fieldManager=kubectl-replace', { ...created.body, data: { a: '1', b: '2' } });
    expect(managers(replaced.body)).toEqual([
      ['kubectl-create', 'Update', undefined],
      ['kubectl-replace', 'Update', undefined],
    ]);
  });
});
