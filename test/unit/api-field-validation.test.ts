import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from './api-helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const CMS = '/api/v1/namespaces/default/configmaps';
const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
const deploy = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    ...extra,
  },
});
const warnings = (res: Response): string[] => (res.headers.get('warning') ?? '').split(/,\s*(?=299 )/).filter(Boolean);

describe('create', () => {
  it('refuses unknown fields under Strict with upstream’s message, storing nothing', async () => {
    const res = await api.json('POST', `${DEPLOYS}?fieldValidation=Strict`, deploy('strict', { foo: 1, template: { spec: { containers: [{ name: 'c', image: 'i', imagee: 'x' }] } } }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      code: 400,
      message:
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagee", unknown field "spec.foo"',
    });
    expect((await api.json('GET', `${DEPLOYS}/strict`)).status).toBe(404);
  });

  it('warns under Warn (the default) and stores the object without the unknown fields', async () => {
    for (const [name, query] of [['warned', '?fieldValidation=Warn'], ['defaulted', '']] as const) {
      const res = await api.req('POST', `${CMS}${query}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labelz: {} }, data: { a: 'b' }, spec: 1 });
      expect(res.status).toBe(201);
      expect(warnings(res)).toEqual(['299 - "unknown field \\"metadata.labelz\\""', '299 - "unknown field \\"spec\\""']);
      const stored = await api.json('GET', `${CMS}/${name}`);
      expect(stored.body.spec).toBeUndefined();
      expect(stored.body.metadata.labelz).toBeUndefined();
      expect(stored.body.data).toEqual({ a: 'b' });
    }
  });

  it('drops unknown fields silently under Ignore', async () => {
    const res = await api.req('POST', `${CMS}?fieldValidation=Ignore`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ignored' }, bogus: true });
    expect(res.status).toBe(201);
    expect(res.headers.get('warning')).toBeNull();
    expect((await res.json()).bogus).toBeUndefined();
  });

  it('reports duplicate keys in JSON and YAML bodies; Ignore keeps the last', async () => {
    const json = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup","name":"dup"},"data":{"k":"1","k":"2"}}';
    const strict = await api.json('POST', `${CMS}?fieldValidation=Strict`, json, { 'content-type': 'application/json' });
    expect(strict.status).toBe(400);
    expect(strict.body.message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "metadata.name", duplicate field "data.k"');
    const ignored = await api.json('POST', `${CMS}?fieldValidation=Ignore`, json, { 'content-type': 'application/json' });
    expect(ignored.status).toBe(201);
    expect(ignored.body.data).toEqual({ k: '2' });
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup-yaml\ndata:\n  k: "1"\n  k: "2"\n';
    const warned = await api.req('POST', CMS, yaml, { 'content-type': 'application/yaml' });
    expect(warned.status).toBe(201);
    expect(warnings(warned)).toEqual(['299 - "duplicate field \\"data.k\\""']);
  });

  it('refuses an unsupported fieldValidation value as upstream validates CreateOptions', async () => {
    const res = await api.json('POST', `${CMS}?fieldValidation=strict`, { metadata: { name: 'x' } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      reason: 'Invalid',
      message: 'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"',
      details: { group: 'meta.k8s.io', kind: 'CreateOptions', causes: [{ type: 'FieldValueNotSupported', field: 'fieldValidation' }] },
    });
  });
});

describe('update, status and scale', () => {
  it('checks a replace and a status replace against the kind’s schema', async () => {
    const created = await api.json('POST', DEPLOYS, deploy('upd'));
    const strict = await api.json('PUT', `${DEPLOYS}/upd?fieldValidation=Strict`, { ...created.body, spec: { ...created.body.spec, replica: 3 } });
    expect(strict.status).toBe(400);
    expect(strict.body.message).toContain('strict decoding error: unknown field "spec.replica"');
    const status = await api.req('PUT', `${DEPLOYS}/upd/status`, { ...created.body, status: { replicas: 1, readyReplica: 1 } });
    expect(status.status).toBe(200);
    expect(warnings(status)).toEqual(['299 - "unknown field \\"status.readyReplica\\""']);
    expect((await status.json()).status).toEqual({ replicas: 1 });
  });

  it('checks a Scale body against autoscaling/v1 Scale', async () => {
    await api.json('POST', DEPLOYS, deploy('scaled'));
    const scale = (await api.json('GET', `${DEPLOYS}/scaled/scale`)).body;
    const res = await api.json('PUT', `${DEPLOYS}/scaled/scale?fieldValidation=Strict`, { ...scale, spec: { replicas: 2, replicaz: 3 } });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Scale in version "v1" cannot be handled as a Scale: strict decoding error: unknown field "spec.replicaz"');
  });
});

describe('patch', () => {
  it('refuses a merge patch that adds an unknown field under Strict, as a 422 on the patch', async () => {
    await api.json('POST', DEPLOYS, deploy('patched'));
    const res = await api.json('PATCH', `${DEPLOYS}/patched?fieldValidation=Strict`, { spec: { paused: true, pauzed: true } });
    expect(res.status).toBe(422);
    expect(res.body.reason).toBe('Invalid');
    expect(res.body.message).toMatch(/^ "" is invalid: patch: Invalid value: ".*": strict decoding error: unknown field "spec.pauzed"$/);
    expect(res.body.details.causes[0].field).toBe('patch');
    expect((await api.json('GET', `${DEPLOYS}/patched`)).body.spec.paused).toBeUndefined();
  });

  it('warns about duplicate keys in the patch and the unknown fields it adds, then stores the rest', async () => {
    const res = await api.req('PATCH', `${DEPLOYS}/patched`, '{"spec":{"paused":true,"paused":true,"pauzed":1}}', { 'content-type': 'application/merge-patch+json' });
    expect(res.status).toBe(200);
    expect(warnings(res)).toEqual(['299 - "duplicate field \\"spec.paused\\""', '299 - "unknown field \\"spec.pauzed\\""']);
    const body = await res.json();
    expect(body.spec.paused).toBe(true);
    expect(body.spec.pauzed).toBeUndefined();
  });

  it('reports a JSON patch’s duplicate and unknown operation fields', async () => {
    const res = await api.json('PATCH', `${DEPLOYS}/patched?fieldValidation=Strict`, '[{"op":"replace","op":"replace","path":"/spec/replicas","value":2,"valu":3}]', {
      'content-type': 'application/json-patch+json',
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('strict decoding error: json patch duplicate field "[0].op", json patch unknown field "[0].valu"');
  });

  it('refuses a scale patch with an unknown field', async () => {
    const res = await api.json('PATCH', `${DEPLOYS}/patched/scale?fieldValidation=Strict`, { spec: { replicas: 2, extra: 1 } });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('strict decoding error: unknown field "spec.extra"');
  });
});
