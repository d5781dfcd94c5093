import { describe, expect, it } from 'vitest';
import { karmadaConverters } from '../../shared/karmada/conversion.js';
import { karmadaKindVersions } from '../../shared/karmada/kinds.js';
import { jsonPointerErrors, labelValueErrors, qualifiedNameErrors } from '../../shared/karmada/name-rules.js';
import { karmadaSchemaSet } from '../../shared/karmada/openapi.js';
import { clusterPrinter, karmadaPrinters } from '../../shared/karmada/printers.js';
import { parseQuantity } from '../../shared/karmada/quantity.js';
import { createBuiltinRegistry } from '../../shared/registry/index.js';
import type { KubeObject } from '../../shared/object.js';
import { resolveRef, type SchemaNode } from '../../shared/openapi/schema.js';

const registry = createBuiltinRegistry();

describe('registry entries', () => {
  it('serves Karmada’s kinds under Karmada’s names, short names, scopes and categories', () => {
    const byShort = (s: string) => registry.byShortName(s);
    expect(byShort('pp')).toMatchObject({ group: 'policy.karmada.io', resource: 'propagationpolicies', namespaced: true });
    expect(byShort('cpp')).toMatchObject({ resource: 'clusterpropagationpolicies', namespaced: false });
    expect(byShort('op')?.resource).toBe('overridepolicies');
    expect(byShort('cop')?.resource).toBe('clusteroverridepolicies');
    expect(byShort('rb')).toMatchObject({ group: 'work.karmada.io', versions: ['v1alpha2', 'v1alpha1'], storageVersion: 'v1alpha2' });
    expect(byShort('crb')?.namespaced).toBe(false);
    expect(byShort('wk')).toMatchObject({ resource: 'works', versions: ['v1alpha1'], subresources: ['status'] });
    const cluster = registry.byGroupVersionResource('cluster.karmada.io', 'v1alpha1', 'clusters');
    expect(cluster).toMatchObject({ kind: 'Cluster', shortNames: [], namespaced: false, subresources: ['status'] });
    expect(registry.byGroupVersionResource('apps.karmada.io', 'v1alpha1', 'workloadrebalancers')?.namespaced).toBe(false);
    expect(registry.byCategory('karmada-io').map((t) => t.resource).sort()).toEqual([
      'clusteroverridepolicies',
      'clusterpropagationpolicies',
      'clusterresourcebindings',
      'overridepolicies',
      'propagationpolicies',
      'resourcebindings',
      'works',
    ]);
    expect(registry.groups().map((g) => g.name)).toEqual(expect.arrayContaining(['cluster.karmada.io', 'policy.karmada.io', 'work.karmada.io', 'apps.karmada.io']));
  });
});

describe('OpenAPI definitions from the zod schemas', () => {
  const set = karmadaSchemaSet();
  const def = (group: string, version: string, kind: string): SchemaNode => set.definitions[set.definitionFor(group, version, kind)!]!;
  const at = (node: SchemaNode, ...path: string[]): SchemaNode => path.reduce((n, p) => (p === '[]' ? n.items! : n.properties![p]!), node);

  it('names every served kind and version as Karmada does, with its group/version/kind', () => {
    for (const k of karmadaKindVersions) {
      const name = set.definitionFor(k.group, k.version, k.kind);
      expect(name).toBe(`com.github.karmada-io.karmada.pkg.apis.${k.group.split('.')[0]}.${k.version}.${k.kind}`);
      expect(set.definitions[name!]!['x-kubernetes-group-version-kind']).toEqual([{ group: k.group, version: k.version, kind: k.kind }]);
    }
    expect(Object.keys(set.definitions).some((n) => n.startsWith('io.k8s.'))).toBe(false);
  });

  it('documents placement for kubectl explain, with enums, defaults and formats', () => {
    const pp = def('policy.karmada.io', 'v1alpha1', 'PropagationPolicy');
    expect(pp.properties!.metadata).toEqual({ $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' });
    const spec = at(pp, 'spec');
    expect(spec.required).toEqual(['resourceSelectors']);
    const placement = at(spec, 'placement');
    expect(placement.description).toMatch(/clusters/);
    expect(Object.keys(placement.properties!)).toEqual([
      'clusterAffinity',
      'clusterAffinities',
      'clusterTolerations',
      'spreadConstraints',
      'replicaScheduling',
      'workloadAffinity',
    ]);
    for (const p of Object.values(placement.properties!)) expect(p.description).toBeTruthy();
    const rs = at(placement, 'replicaScheduling', 'replicaSchedulingType');
    expect(rs).toMatchObject({ type: 'string', enum: ['Duplicated', 'Divided'], default: 'Divided' });
    expect(at(spec, 'priority')).toMatchObject({ type: 'integer', format: 'int32', default: 0 });
    expect(at(placement, 'clusterAffinities', '[]', 'affinityName').type).toBe('string');
    expect(at(placement, 'spreadConstraints', '[]', 'spreadByField').enum).toEqual(['cluster', 'region', 'zone', 'provider']);
    expect(at(placement, 'clusterTolerations', '[]', 'tolerationSeconds').format).toBe('int64');
  });

  it('marks raw objects, quantities and embedded manifests as kube does', () => {
    const work = def('work.karmada.io', 'v1alpha1', 'Work');
    const manifest = at(work, 'spec', 'workload', 'manifests', '[]');
    expect(manifest).toMatchObject({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-embedded-resource': true });
    expect(manifest.additionalProperties).toBeUndefined();
    const cluster = def('cluster.karmada.io', 'v1alpha1', 'Cluster');
    const min = at(cluster, 'spec', 'resourceModels', '[]', 'ranges', '[]', 'min');
    expect(min['x-kubernetes-int-or-string']).toBe(true);
    expect(min.type).toBeUndefined();
    expect(at(cluster, 'spec', 'syncMode').enum).toEqual(['Push', 'Pull']);
    expect(resolveRef(set, at(cluster, 'spec'))?.properties?.taints).toBeDefined();
  });
});

describe('printers', () => {
  const printers = karmadaPrinters();
  const now = Date.parse('2025-03-01T12:00:00Z');
  const created = '2025-03-01T11:55:00Z';

  it('prints Karmada’s CRD columns', () => {
    const names = (key: string) => printers[key]!.columns.map((c) => c.name);
    expect(names('propagationpolicies.policy.karmada.io')).toEqual(['Name', 'CONFLICT-RESOLUTION', 'PRIORITY', 'AGE']);
    expect(names('clusterpropagationpolicies.policy.karmada.io')).toEqual(['Name', 'CONFLICT-RESOLUTION', 'PRIORITY', 'AGE']);
    expect(names('resourcebindings.work.karmada.io')).toEqual(['Name', 'SCHEDULED', 'FULLYAPPLIED', 'AGE']);
    expect(names('clusterresourcebindings.work.karmada.io')).toEqual(['Name', 'SCHEDULED', 'FULLYAPPLIED', 'AGE']);
    expect(names('works.work.karmada.io')).toEqual(['Name', 'WORKLOAD-KIND', 'APPLIED', 'AGE']);
    expect(names('overridepolicies.policy.karmada.io')).toEqual(['Name', 'Age']);
    expect(names('clusters.cluster.karmada.io')).toEqual(['Name', 'Version', 'Mode', 'Ready', 'Age', 'Zones', 'Region', 'Provider', 'API-Endpoint', 'Proxy-URL']);
  });

  it('fills the cells from the objects', () => {
    const pp = { metadata: { name: 'p', creationTimestamp: created }, spec: { conflictResolution: 'Abort', priority: 0 } } as KubeObject;
    expect(printers['propagationpolicies.policy.karmada.io']!.cells(pp, now)).toEqual(['p', 'Abort', '0', '5m']);
    const rb = {
      metadata: { name: 'nginx-deployment', creationTimestamp: created },
      status: { conditions: [{ type: 'FullyApplied', status: 'False' }, { type: 'Scheduled', status: 'True' }] },
    } as KubeObject;
    expect(printers['resourcebindings.work.karmada.io']!.cells(rb, now)).toEqual(['nginx-deployment', 'True', 'False', '5m']);
    const work = {
      metadata: { name: 'w', creationTimestamp: created },
      spec: { workload: { manifests: [{ kind: 'Deployment' }, { kind: 'Service' }] } },
    } as KubeObject;
    expect(printers['works.work.karmada.io']!.cells(work, now)).toEqual(['w', 'Deployment', null, '5m']);
    const cluster = {
      metadata: { name: 'member1', creationTimestamp: created },
      spec: { syncMode: 'Push', apiEndpoint: 'https://m1:6443', zones: ['a', 'b'] },
      status: { kubernetesVersion: 'v1.31.2', conditions: [{ type: 'Ready', status: 'True' }] },
    } as KubeObject;
    expect(clusterPrinter.cells(cluster, now)).toEqual(['member1', 'v1.31.2', 'Push', 'True', '5m', 'a,b', '<none>', '<none>', 'https://m1:6443', '<none>']);
    expect(clusterPrinter.cells({ metadata: { name: 'x' }, spec: { syncMode: 'Pull' } } as KubeObject, now)[3]).toBe('Unknown');
  });
});

describe('ResourceBinding v1alpha1 conversion', () => {
  const c = karmadaConverters['resourcebindings.work.karmada.io/v1alpha1']!;
  const stored = {
    apiVersion: 'work.karmada.io/v1alpha2',
    kind: 'ResourceBinding',
    metadata: { name: 'nginx-deployment', namespace: 'default', labels: { a: 'b' } },
    spec: {
      resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'nginx', uid: 'u1', resourceVersion: '7' },
      replicaRequirements: { resourceRequest: { cpu: '100m' }, priorityClassName: 'high' },
      replicas: 2,
      clusters: [{ name: 'member1', replicas: 1 }, { name: 'member2', replicas: 1 }],
      placement: { clusterAffinity: { clusterNames: ['member1'] } },
      conflictResolution: 'Abort',
    },
    status: {
      conditions: [{ type: 'Scheduled', status: 'True', reason: 'Success', message: '', lastTransitionTime: '2025-01-01T00:00:00Z' }],
      aggregatedStatus: [{ clusterName: 'member1', applied: true, health: 'Healthy', status: { replicas: 1 } }],
      schedulerObservedGeneration: 3,
    },
  } as KubeObject;

  it('moves replica needs into the reference, as v1alpha1 kept them', () => {
    const old = c.fromStorage(stored);
    expect(old.apiVersion).toBe('work.karmada.io/v1alpha1');
    expect(old.metadata).toEqual(stored.metadata);
    expect(old.spec).toEqual({
      resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'nginx', resourceVersion: '7', replicaResourceRequirements: { cpu: '100m' }, replicas: 2 },
      clusters: [{ name: 'member1', replicas: 1 }, { name: 'member2', replicas: 1 }],
    });
    expect(old.status).toEqual({ conditions: (stored.status as any).conditions, aggregatedStatus: [{ clusterName: 'member1', applied: true, status: { replicas: 1 } }] });
  });

  it('round-trips what both versions hold', () => {
    const back = c.toStorage(c.fromStorage(stored));
    expect(back.apiVersion).toBe('work.karmada.io/v1alpha2');
    expect(back.spec).toEqual({
      resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'nginx', resourceVersion: '7' },
      replicaRequirements: { resourceRequest: { cpu: '100m' } },
      replicas: 2,
      clusters: [{ name: 'member1', replicas: 1 }, { name: 'member2', replicas: 1 }],
    });
  });
});

describe('value rules', () => {
  it('parses quantities exactly', () => {
    expect(parseQuantity('1Gi')).toBe(parseQuantity('1024Mi'));
    expect(parseQuantity('500m')).toBe(500_000_000n);
    expect(parseQuantity('1e3')).toBe(parseQuantity('1k'));
    expect(parseQuantity(2)).toBe(2_000_000_000n);
    expect(parseQuantity('9223372036854775807')).toBe(9223372036854775807n * 10n ** 9n);
    expect(parseQuantity('1.5')).toBe(1_500_000_000n);
    expect(parseQuantity('abc')).toBeUndefined();
    expect(parseQuantity('')).toBeUndefined();
  });

  it('checks label keys, label values and JSON pointers as kube does', () => {
    expect(qualifiedNameErrors('example.com/tier')).toEqual([]);
    expect(qualifiedNameErrors('a'.repeat(64))).toEqual(['name part must be no more than 63 bytes']);
    expect(qualifiedNameErrors('/x')).toEqual(['prefix part must be non-empty']);
    expect(qualifiedNameErrors('a/b/c')).toHaveLength(1);
    expect(labelValueErrors('')).toEqual([]);
    expect(labelValueErrors('-x')).toHaveLength(1);
    expect(jsonPointerErrors('')).toEqual([]);
    expect(jsonPointerErrors('/a/b')).toEqual([]);
    expect(jsonPointerErrors('a/b')).toHaveLength(1);
  });
});
