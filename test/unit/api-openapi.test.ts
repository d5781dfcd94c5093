import { fromBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentSchema } from '../../functions/generated/openapi/openapiv2/OpenAPIv2_pb.js';
import { startApi, type TestApi } from './api-helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

describe('/openapi/v3', () => {
  it('indexes every served group version with a URL carrying the document hash', async () => {
    const res = await api.req('GET', '/openapi/v3');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const index = (await res.json()) as { paths: Record<string, { serverRelativeURL: string }> };
    expect(Object.keys(index.paths)).toEqual(expect.arrayContaining(['api', 'api/v1', 'apis', 'apis/apps', 'apis/apps/v1', 'apis/autoscaling/v2', 'apis/autoscaling/v1']));
    expect(index.paths['apis/apps/v1']!.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);

    const url = index.paths['apis/apps/v1']!.serverRelativeURL;
    const doc = await api.req('GET', url);
    expect(doc.status).toBe(200);
    expect(doc.headers.get('cache-control')).toBe('public, immutable');
    expect(doc.headers.get('etag')).toBe(`"${url.split('hash=')[1]}"`);
    const body = (await doc.json()) as any;
    expect(body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(body.components.schemas['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
  });

  it('redirects a stale hash to the current one, and answers 304 to a current ETag', async () => {
    const stale = await api.req('GET', '/openapi/v3/api/v1?hash=0123');
    expect(stale.status).toBe(301);
    const location = stale.headers.get('location')!;
    expect(location).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
    const etag = (await api.req('GET', location)).headers.get('etag')!;
    const again = await api.req('GET', '/openapi/v3/api/v1', undefined, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('cache-control')).toBeNull();
  });

  it('answers 404 for a group version it does not serve and 406 for v3 protobuf', async () => {
    const missing = await api.json('GET', '/openapi/v3/apis/nothing.example.com/v1');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ kind: 'Status', code: 404 });
    const proto = await api.req('GET', '/openapi/v3/api/v1', undefined, { accept: 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf' });
    expect(proto.status).toBe(406);
  });

  it('requires authentication', async () => {
    expect((await api.app.request('/openapi/v3')).status).toBe(401);
    expect((await api.app.request('/openapi/v2')).status).toBe(401);
  });
});

describe('/openapi/v2', () => {
  it('serves JSON to JSON clients', async () => {
    const res = await api.req('GET', '/openapi/v2', undefined, { accept: 'application/json' });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toMatch(/^"[0-9A-F]{128}"$/);
    const doc = (await res.json()) as any;
    expect(doc.swagger).toBe('2.0');
    expect(doc.definitions['io.k8s.api.core.v1.ConfigMap']['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'ConfigMap', version: 'v1' }]);
  });

  it('serves gnostic protobuf to kubectl, with the same ETag', async () => {
    const json = await api.req('GET', '/openapi/v2');
    const res = await api.req('GET', '/openapi/v2', undefined, { accept: V2_PROTOBUF });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    expect(res.headers.get('etag')).toBe(json.headers.get('etag'));
    const doc = fromBinary(DocumentSchema, new Uint8Array(await res.arrayBuffer()));
    expect(doc.swagger).toBe('2.0');
    const deployment = doc.definitions!.additionalProperties.find((d) => d.name === 'io.k8s.api.apps.v1.Deployment')!.value!;
    expect(deployment.type!.value).toEqual(['object']);
    const gvk = deployment.vendorExtension.find((e) => e.name === 'x-kubernetes-group-version-kind')!;
    expect(JSON.parse(gvk.value!.yaml)).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    const spec = deployment.properties!.additionalProperties.find((p) => p.name === 'spec')!.value!;
    expect(spec.Ref).toBe('#/definitions/io.k8s.api.apps.v1.DeploymentSpec');
    const path = doc.paths!.path.find((p) => p.name === '/api/v1/namespaces/{namespace}/configmaps/{name}')!.value!;
    const names = path.patch!.parameters.map((p) => {
      const param = p.oneof.case === 'parameter' ? p.oneof.value.oneof : undefined;
      return param?.case === 'bodyParameter' ? param.value.name : param?.case === 'nonBodyParameter' ? param.value.oneof.value?.name : undefined;
    });
    expect(names).toEqual(['body', 'dryRun', 'fieldManager', 'fieldValidation', 'force']);
  });

  it('answers 406 when neither JSON nor protobuf is acceptable', async () => {
    expect((await api.req('GET', '/openapi/v2', undefined, { accept: 'text/html' })).status).toBe(406);
  });
});
