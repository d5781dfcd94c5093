import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startApi, type TestApi } from './api-helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const sample = (path: string): any => parse(readFileSync(new URL(`../../samples/${path}`, import.meta.url), 'utf8'));
const TABLE = { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' };

/** What the server adds to every object: identity, timestamps, generation. */
function serverMeta(body: any): void {
  expect(body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.metadata.resourceVersion).toMatch(/^\d+$/);
  expect(body.metadata.creationTimestamp).toMatch(/Z$/);
  expect(body.metadata.generation).toBe(1);
}

/** Creates `obj` at `path`, reads it back, and checks both answers are the same object. */
async function roundTrip(collection: string, obj: any): Promise<any> {
  const created = await api.json('POST', collection, obj);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  serverMeta(created.body);
  const got = await api.json('GET', `${collection}/${obj.metadata.name}`);
  expect(got.status).toBe(200);
  expect(got.body).toEqual(created.body);
  expect(got.body.apiVersion).toBe(obj.apiVersion);
  expect(got.body.kind).toBe(obj.kind);
  return got.body;
}

const PP_DEFAULTS = { priority: 0, preemption: 'Never', schedulerName: 'default-scheduler', conflictResolution: 'Abort' };

describe('Karmada kinds round-trip through the API', () => {
  it('PropagationPolicy (the S01 sample): the manifest back, plus Karmada’s defaults', async () => {
    const pp = sample('nginx/propagationpolicy.yaml');
    const got = await roundTrip('/apis/policy.karmada.io/v1alpha1/namespaces/default/propagationpolicies', pp);
    expect(got.metadata.labels['propagationpolicy.karmada.io/permanent-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(got.spec).toEqual({
      ...pp.spec,
      resourceSelectors: [{ ...pp.spec.resourceSelectors[0], namespace: 'default' }],
      ...PP_DEFAULTS,
    });
  });

  it('ClusterPropagationPolicy', async () => {
    const cpp = sample('policies/clusterpropagationpolicy.yaml');
    const got = await roundTrip('/apis/policy.karmada.io/v1alpha1/clusterpropagationpolicies', cpp);
    expect(got.metadata.namespace).toBeUndefined();
    expect(got.metadata.labels['clusterpropagationpolicy.karmada.io/permanent-id']).toBeDefined();
    expect(got.spec).toEqual({ ...cpp.spec, ...PP_DEFAULTS });
  });

  it('OverridePolicy with an image overrider', async () => {
    const op = sample('nginx/overridepolicy.yaml');
    const got = await roundTrip('/apis/policy.karmada.io/v1alpha1/namespaces/default/overridepolicies', op);
    expect(got.spec).toEqual({ ...op.spec, resourceSelectors: [{ ...op.spec.resourceSelectors[0], namespace: 'default' }] });
  });

  it('ClusterOverridePolicy', async () => {
    const cop = {
      apiVersion: 'policy.karmada.io/v1alpha1',
      kind: 'ClusterOverridePolicy',
      metadata: { name: 'annotate-everything' },
      spec: {
        resourceSelectors: [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'team-a' }],
        overrideRules: [{ overriders: { annotationsOverrider: [{ operator: 'add', value: { 'example.com/owner': 'platform' } }] } }],
      },
    };
    const got = await roundTrip('/apis/policy.karmada.io/v1alpha1/clusteroverridepolicies', cop);
    expect(got.spec).toEqual(cop.spec);
  });

  it('ClusterTaintPolicy', async () => {
    const ctp = {
      apiVersion: 'policy.karmada.io/v1alpha1',
      kind: 'ClusterTaintPolicy',
      metadata: { name: 'not-ready' },
      spec: {
        targetClusters: { clusterNames: ['member1'] },
        addOnConditions: [{ conditionType: 'Ready', operator: 'NotIn', statusValues: ['True'] }],
        removeOnConditions: [{ conditionType: 'Ready', operator: 'In', statusValues: ['True'] }],
        taints: [{ key: 'example.com/not-ready', effect: 'NoSchedule' }],
      },
    };
    const got = await roundTrip('/apis/policy.karmada.io/v1alpha1/clustertaintpolicies', ctp);
    expect(got.spec).toEqual(ctp.spec);
    // A second policy may not manage the same taint.
    const clash = await api.json('POST', '/apis/policy.karmada.io/v1alpha1/clustertaintpolicies', { ...ctp, metadata: { name: 'again' } });
    expect(clash.status).toBe(422);
    expect(clash.body.details.causes.map((c: any) => c.field)).toEqual(['spec.taints[0]']);
  });

  it('Cluster (the sample): zones kept, default resource models, empty status', async () => {
    const cluster = sample('clusters/member1.yaml');
    const got = await roundTrip('/apis/cluster.karmada.io/v1alpha1/clusters', cluster);
    const { resourceModels, ...spec } = got.spec;
    expect(spec).toEqual(cluster.spec);
    expect(resourceModels).toHaveLength(9);
    expect(got.status).toEqual({});
  });

  it('ResourceBinding and ClusterResourceBinding', async () => {
    const rb = {
      apiVersion: 'work.karmada.io/v1alpha2',
      kind: 'ResourceBinding',
      metadata: { name: 'nginx-deployment', namespace: 'default' },
      spec: {
        resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'nginx', uid: 'd9a4d1c2-0000-4000-8000-000000000001' },
        replicas: 2,
        placement: sample('nginx/propagationpolicy.yaml').spec.placement,
        clusters: [{ name: 'member1', replicas: 1 }, { name: 'member2', replicas: 1 }],
        schedulerName: 'default-scheduler',
      },
    };
    const got = await roundTrip('/apis/work.karmada.io/v1alpha2/namespaces/default/resourcebindings', rb);
    expect(got.spec).toEqual({ ...rb.spec, conflictResolution: 'Abort' });
    expect(got.metadata.labels['resourcebinding.karmada.io/permanent-id']).toBeDefined();
    const crb = {
      apiVersion: 'work.karmada.io/v1alpha2',
      kind: 'ClusterResourceBinding',
      metadata: { name: 'deployment-reader-clusterrole' },
      spec: { resource: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'deployment-reader' }, clusters: [{ name: 'member1' }] },
    };
    const gotCrb = await roundTrip('/apis/work.karmada.io/v1alpha2/clusterresourcebindings', crb);
    expect(gotCrb.metadata.labels['clusterresourcebinding.karmada.io/permanent-id']).toBeDefined();
  });

  it('Work: manifests as given, minus what the control plane filled in, plus the managed-key records', async () => {
    const deploy = sample('nginx/deployment.yaml');
    const work = {
      apiVersion: 'work.karmada.io/v1alpha1',
      kind: 'Work',
      metadata: { name: 'nginx-687f7fb96f', namespace: 'default' },
      spec: { workload: { manifests: [{ ...deploy, metadata: { ...deploy.metadata, namespace: 'default', uid: 'x', resourceVersion: '1' } }] } },
    };
    const got = await roundTrip('/apis/work.karmada.io/v1alpha1/namespaces/default/works', work);
    const id = got.metadata.labels['work.karmada.io/permanent-id'];
    const m = got.spec.workload.manifests[0];
    expect(m.spec).toEqual(deploy.spec);
    expect(m.metadata.uid).toBeUndefined();
    expect(m.metadata.labels).toEqual({ ...deploy.metadata.labels, 'work.karmada.io/permanent-id': id });
  });

  it('WorkloadRebalancer', async () => {
    const wr = {
      apiVersion: 'apps.karmada.io/v1alpha1',
      kind: 'WorkloadRebalancer',
      metadata: { name: 'rebalance-nginx' },
      spec: { workloads: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx', namespace: 'default' }], ttlSecondsAfterFinished: 60 },
    };
    const got = await roundTrip('/apis/apps.karmada.io/v1alpha1/workloadrebalancers', wr);
    expect(got.spec).toEqual(wr.spec);
    const changed = await api.json('PUT', '/apis/apps.karmada.io/v1alpha1/workloadrebalancers/rebalance-nginx', { ...got, spec: { ...got.spec, ttlSecondsAfterFinished: 5 } });
    expect(changed.status).toBe(422);
    expect(changed.body.details.causes).toEqual([expect.objectContaining({ type: 'FieldValueForbidden', field: 'spec' })]);
  });
});

describe('bad manifests are refused with the field named', () => {
  it('a 422 Invalid Status with the causes', async () => {
    const bad = sample('nginx/propagationpolicy.yaml');
    bad.metadata.name = 'bad';
    bad.spec.placement.spreadConstraints = [{ spreadByField: 'cluster', maxGroups: 1, minGroups: 2 }];
    bad.spec.placement.replicaScheduling.replicaSchedulingType = 'Split';
    const res = await api.json('POST', '/apis/policy.karmada.io/v1alpha1/namespaces/default/propagationpolicies', bad);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422, details: { name: 'bad', group: 'policy.karmada.io', kind: 'PropagationPolicy' } });
    expect(res.body.message).toMatch(/^PropagationPolicy\.policy\.karmada\.io "bad" is invalid: spec\.placement\.replicaScheduling\.replicaSchedulingType: Unsupported value: "Split"/);
    expect(res.body.details.causes).toEqual([
      { type: 'FieldValueNotSupported', field: 'spec.placement.replicaScheduling.replicaSchedulingType', message: 'Unsupported value: "Split": supported values: "Duplicated", "Divided"' },
    ]);
    bad.spec.placement.replicaScheduling.replicaSchedulingType = 'Divided';
    const semantic = await api.json('POST', '/apis/policy.karmada.io/v1alpha1/namespaces/default/propagationpolicies', bad);
    expect(semantic.status).toBe(422);
    expect(semantic.body.details.causes.map((c: any) => c.field)).toEqual(['spec.placement.spreadConstraints[0]']);
    expect((await api.json('GET', '/apis/policy.karmada.io/v1alpha1/namespaces/default/propagationpolicies/bad')).status).toBe(404);
  });

  it('a Cluster name longer than 48 characters', async () => {
    const c = sample('clusters/member1.yaml');
    c.metadata.name = 'm'.repeat(49);
    const res = await api.json('POST', '/apis/cluster.karmada.io/v1alpha1/clusters', c);
    expect(res.status).toBe(422);
    expect(res.body.details.causes.map((x: any) => x.field)).toEqual(['metadata.name']);
  });

  it('dry-run runs admission too', async () => {
    const pp = sample('nginx/propagationpolicy.yaml');
    pp.metadata.name = 'dry';
    pp.spec.placement.clusterAffinities = [{ affinityName: 'g', clusterNames: ['member1'] }];
    const res = await api.json('POST', '/apis/policy.karmada.io/v1alpha1/namespaces/default/propagationpolicies?dryRun=All', pp);
    expect(res.status).toBe(422);
    expect(res.body.details.causes.map((x: any) => x.field)).toEqual(['spec.placement']);
  });
});

describe('updates', () => {
  const path = '/apis/policy.karmada.io/v1alpha1/namespaces/default/propagationpolicies/nginx-propagation';

  it('a merge patch (what kubectl apply sends) keeps the permanent id, re-runs defaulting and bumps generation', async () => {
    const before = (await api.json('GET', path)).body;
    const patched = await api.json('PATCH', path, { spec: { priority: 5, placement: { spreadConstraints: [{ maxGroups: 2 }] } } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.metadata.labels).toEqual(before.metadata.labels);
    expect(patched.body.metadata.generation).toBe(2);
    expect(patched.body.spec.priority).toBe(5);
    expect(patched.body.spec.placement.spreadConstraints).toEqual([{ spreadByField: 'cluster', maxGroups: 2, minGroups: 1 }]);
    // A label change alone is not a spec change.
    const labelled = await api.json('PATCH', path, { metadata: { labels: { team: 'web' } } });
    expect(labelled.body.metadata.generation).toBe(2);
  });

  it('refuses a new schedulerName and a forged permanent id', async () => {
    const sched = await api.json('PATCH', path, { spec: { schedulerName: 'other' } });
    expect(sched.status).toBe(422);
    expect(sched.body.details.causes.map((c: any) => c.field)).toEqual(['spec.schedulerName']);
    const forged = await api.json('PATCH', path, { metadata: { labels: { 'propagationpolicy.karmada.io/permanent-id': 'mine' } } });
    expect(forged.status).toBe(422);
    expect(forged.body.details.causes.map((c: any) => c.field)).toEqual(['metadata.labels[propagationpolicy.karmada.io/permanent-id]']);
  });

  it('status is written through /status only, and bindings print it', async () => {
    const rbPath = '/apis/work.karmada.io/v1alpha2/namespaces/default/resourcebindings/nginx-deployment';
    const rb = (await api.json('GET', rbPath)).body;
    const conditions = [
      { type: 'Scheduled', status: 'True', reason: 'Success', message: 'Binding has been scheduled successfully.', lastTransitionTime: '2025-03-01T12:00:00Z' },
      { type: 'FullyApplied', status: 'False', reason: 'FullyAppliedFailed', message: 'member2 failed', lastTransitionTime: '2025-03-01T12:00:00Z' },
    ];
    const ignored = await api.json('PUT', rbPath, { ...rb, status: { conditions } });
    expect(ignored.body.status).toEqual({});
    const written = await api.json('PUT', `${rbPath}/status`, { ...rb, status: { conditions, schedulerObservedGeneration: 1 } });
    expect(written.status).toBe(200);
    expect(written.body.status.conditions).toEqual(conditions);
    // The schema checks and prunes status writes too; the webhooks do not run for them.
    const badStatus = await api.json('PUT', `${rbPath}/status`, { ...written.body, status: { aggregatedStatus: [{ clusterName: 'member1', health: 'Great' }] } });
    expect(badStatus.status).toBe(422);
    expect(badStatus.body.details.causes.map((c: any) => c.field)).toEqual(['status.aggregatedStatus[0].health']);
    const pruned = await api.json('PATCH', `${rbPath}/status`, { status: { bogus: true } });
    expect(pruned.status).toBe(200);
    expect(pruned.body.status.bogus).toBeUndefined();
    expect(pruned.body.metadata.resourceVersion).toBe(written.body.metadata.resourceVersion);
    const table = await api.json('GET', '/apis/work.karmada.io/v1alpha2/namespaces/default/resourcebindings', undefined, TABLE);
    expect(table.body.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'SCHEDULED', 'FULLYAPPLIED', 'AGE']);
    expect(table.body.rows[0].cells.slice(0, 3)).toEqual(['nginx-deployment', 'True', 'False']);
  });

  it('serves bindings at v1alpha1 by conversion', async () => {
    const old = await api.json('GET', '/apis/work.karmada.io/v1alpha1/namespaces/default/resourcebindings/nginx-deployment');
    expect(old.status).toBe(200);
    expect(old.body.apiVersion).toBe('work.karmada.io/v1alpha1');
    expect(old.body.spec.resource).toMatchObject({ kind: 'Deployment', name: 'nginx', replicas: 2 });
    expect(old.body.spec.clusters).toEqual([{ name: 'member1', replicas: 1 }, { name: 'member2', replicas: 1 }]);
    expect(old.body.spec.placement).toBeUndefined();
    const list = await api.json('GET', '/apis/work.karmada.io/v1alpha1/resourcebindings');
    expect(list.body.kind).toBe('ResourceBindingList');
    expect(list.body.items.every((i: any) => i.apiVersion === 'work.karmada.io/v1alpha1')).toBe(true);
  });
});

describe('discovery and tables', () => {
  it('advertises the groups, short names, categories and status subresources', async () => {
    const policy = await api.json('GET', '/apis/policy.karmada.io/v1alpha1');
    const pp = policy.body.resources.find((r: any) => r.name === 'propagationpolicies');
    expect(pp).toMatchObject({ kind: 'PropagationPolicy', namespaced: true, shortNames: ['pp'], categories: ['karmada-io'] });
    const work = await api.json('GET', '/apis/work.karmada.io/v1alpha2');
    expect(work.body.resources.map((r: any) => r.name).sort()).toEqual(['clusterresourcebindings', 'clusterresourcebindings/status', 'resourcebindings', 'resourcebindings/status']);
    const groups = await api.json('GET', '/apis');
    const workGroup = groups.body.groups.find((g: any) => g.name === 'work.karmada.io');
    expect(workGroup.preferredVersion.version).toBe('v1alpha2');
    expect(workGroup.versions.map((v: any) => v.version)).toEqual(['v1alpha2', 'v1alpha1']);
  });

  it('prints Karmada’s columns', async () => {
    const heads = async (path: string) => (await api.json('GET', path, undefined, TABLE)).body.columnDefinitions.map((c: any) => c.name);
    expect(await heads('/apis/policy.karmada.io/v1alpha1/propagationpolicies')).toEqual(['Name', 'CONFLICT-RESOLUTION', 'PRIORITY', 'AGE']);
    expect(await heads('/apis/policy.karmada.io/v1alpha1/clusterpropagationpolicies')).toEqual(['Name', 'CONFLICT-RESOLUTION', 'PRIORITY', 'AGE']);
    expect(await heads('/apis/work.karmada.io/v1alpha1/works')).toEqual(['Name', 'WORKLOAD-KIND', 'APPLIED', 'AGE']);
    expect(await heads('/apis/cluster.karmada.io/v1alpha1/clusters')).toEqual(['Name', 'Version', 'Mode', 'Ready', 'Age', 'Zones', 'Region', 'Provider', 'API-Endpoint', 'Proxy-URL']);
    const pp = await api.json('GET', '/apis/policy.karmada.io/v1alpha1/namespaces/default/propagationpolicies', undefined, TABLE);
    expect(pp.body.rows[0].cells.slice(0, 3)).toEqual(['nginx-propagation', 'Abort', '5']);
    const clusters = await api.json('GET', '/apis/cluster.karmada.io/v1alpha1/clusters', undefined, TABLE);
    expect(clusters.body.rows[0].cells.slice(0, 4)).toEqual(['member1', '', 'Push', 'Unknown']);
  });
});

describe('OpenAPI', () => {
  it('publishes Karmada’s definitions, described, in v2 and v3', async () => {
    const v2 = await api.json('GET', '/openapi/v2');
    expect(v2.status).toBe(200);
    const def = v2.body.definitions['com.github.karmada-io.karmada.pkg.apis.policy.v1alpha1.PropagationPolicy'];
    expect(def['x-kubernetes-group-version-kind']).toEqual([{ group: 'policy.karmada.io', version: 'v1alpha1', kind: 'PropagationPolicy' }]);
    expect(def.properties.spec.properties.placement.description).toBeTruthy();
    const v3 = await api.json('GET', '/openapi/v3/apis/policy.karmada.io/v1alpha1');
    expect(v3.status).toBe(200);
    const schemas = v3.body.components.schemas;
    const pp = schemas['com.github.karmada-io.karmada.pkg.apis.policy.v1alpha1.PropagationPolicy'];
    expect(pp.properties.spec.properties.placement.properties.replicaScheduling.properties.replicaSchedulingType.enum).toEqual(['Duplicated', 'Divided']);
  });
});
