import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from './api-helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const KUBECTL_ACCEPT = `${AGGREGATED_V2},application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json`;

describe('legacy discovery', () => {
  it('serves /api, /apis, group and group-version documents', async () => {
    expect((await api.json('GET', '/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const apis = (await api.json('GET', '/apis')).body;
    expect(apis.kind).toBe('APIGroupList');
    const autoscaling = apis.groups.find((g: any) => g.name === 'autoscaling');
    expect(autoscaling.preferredVersion).toEqual({ groupVersion: 'autoscaling/v2', version: 'v2' });
    expect(autoscaling.versions.map((v: any) => v.version)).toEqual(['v2', 'v1']);
    const apps = (await api.json('GET', '/apis/apps')).body;
    expect(apps).toMatchObject({ kind: 'APIGroup', apiVersion: 'v1', name: 'apps', preferredVersion: { groupVersion: 'apps/v1' } });
    expect((await api.json('GET', '/apis/nope')).status).toBe(404);
  });

  it('lists resources with kube’s names, short names, categories and subresources', async () => {
    const core = (await api.json('GET', '/api/v1')).body;
    expect(core.kind).toBe('APIResourceList');
    expect(core.groupVersion).toBe('v1');
    const pods = core.resources.find((r: any) => r.name === 'pods');
    expect(pods).toMatchObject({ singularName: 'pod', namespaced: true, kind: 'Pod', shortNames: ['po'], categories: ['all'] });
    expect(pods.verbs).toEqual(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    expect(core.resources.find((r: any) => r.name === 'pods/status')).toMatchObject({ kind: 'Pod', verbs: ['get', 'patch', 'update'] });
    expect(core.resources.find((r: any) => r.name === 'namespaces')).toMatchObject({ namespaced: false, shortNames: ['ns'] });
    expect(core.resources.find((r: any) => r.name === 'serviceaccounts/token')).toMatchObject({ group: 'authentication.k8s.io', kind: 'TokenRequest' });
    const apps = (await api.json('GET', '/apis/apps/v1')).body;
    expect(apps).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1' });
    expect(apps.resources.find((r: any) => r.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    expect(apps.resources.find((r: any) => r.name === 'deployments')).toMatchObject({ shortNames: ['deploy'], categories: ['all'] });
    const hpaV1 = (await api.json('GET', '/apis/autoscaling/v1')).body;
    expect(hpaV1.resources.map((r: any) => r.name)).toContain('horizontalpodautoscalers');
  });
});

describe('aggregated discovery', () => {
  it('answers v2 with the same Content-Type parameters', async () => {
    for (const path of ['/api', '/apis']) {
      const res = await api.req('GET', path, undefined, { accept: KUBECTL_ACCEPT });
      expect(res.headers.get('content-type')).toBe(AGGREGATED_V2);
      const body = await res.json();
      expect(body).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
    }
    const core = await (await api.req('GET', '/api', undefined, { accept: KUBECTL_ACCEPT })).json();
    expect(core.items).toHaveLength(1);
    const v1 = core.items[0].versions[0];
    expect(v1.version).toBe('v1');
    expect(v1.freshness).toBe('Current');
    const pods = v1.resources.find((r: any) => r.resource === 'pods');
    expect(pods).toMatchObject({ responseKind: { group: '', version: '', kind: 'Pod' }, scope: 'Namespaced', singularResource: 'pod', shortNames: ['po'] });
    expect(pods.subresources).toEqual([{ subresource: 'status', responseKind: { group: '', version: '', kind: 'Pod' }, verbs: ['get', 'patch', 'update'] }]);
    const apis = await (await api.req('GET', '/apis', undefined, { accept: KUBECTL_ACCEPT })).json();
    const apps = apis.items.find((g: any) => g.metadata.name === 'apps');
    const deploy = apps.versions[0].resources.find((r: any) => r.resource === 'deployments');
    expect(deploy.subresources.find((s: any) => s.subresource === 'scale').responseKind).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    const autoscaling = apis.items.find((g: any) => g.metadata.name === 'autoscaling');
    expect(autoscaling.versions.map((v: any) => v.version)).toEqual(['v2', 'v1']);
    // kubectl get all: every kind in the category
    const all = apis.items.flatMap((g: any) => g.versions[0].resources.filter((r: any) => r.categories?.includes('all')).map((r: any) => r.resource));
    expect(all.sort()).toEqual(['cronjobs', 'daemonsets', 'deployments', 'horizontalpodautoscalers', 'jobs', 'replicasets', 'statefulsets']);
  });

  it('answers v2beta1 when only that is asked for, legacy otherwise', async () => {
    const res = await api.req('GET', '/apis', undefined, { accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList' });
    expect(res.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
    expect((await res.json()).apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
    const legacy = await api.req('GET', '/apis', undefined, { accept: 'application/json' });
    expect(legacy.headers.get('content-type')).toBe('application/json');
    expect((await legacy.json()).kind).toBe('APIGroupList');
  });
});
