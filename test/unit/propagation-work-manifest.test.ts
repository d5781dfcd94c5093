// Karmada's names for bindings and Works (test vectors from real Karmada), the manifest the
// binding step sends one cluster, and the part of a binding the detector owns.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bindingName, bindingReferenceKey, workName } from '../../shared/binding/names.js';
import { buildWorkManifest, CONFLICT_RESOLUTION_ANNOTATION, MANAGED_LABEL, TEMPLATE_GENERATION_ANNOTATION } from '../../shared/binding/work-manifest.js';
import { detectorBindingSpec } from '../../shared/detector/binding-spec.js';
import { templateSpecificationHash } from '../../shared/detector/specification-hash.js';
import type { BindingSpec } from '../../shared/karmada/resource-binding.js';
import type { Cluster } from '../../shared/karmada/cluster.js';
import type { OverridePolicy } from '../../shared/karmada/override-policy.js';
import type { PropagationSpec } from '../../shared/karmada/propagation-policy.js';
import type { KubeObject } from '../../shared/object.js';

describe('names', () => {
  it('match real Karmada: binding nginx-deployment, Works nginx-687f7fb96f and ov-6844ccb8bb', () => {
    expect(bindingName('Deployment', 'nginx')).toBe('nginx-deployment');
    expect(workName('Deployment', 'nginx', 'default')).toBe('nginx-687f7fb96f');
    expect(workName('Namespace', 'ov', undefined)).toBe('ov-6844ccb8bb');
    expect(workName('Namespace', 'ov', '')).toBe('ov-6844ccb8bb');
  });

  it('the depended-by label key of Karmada\'s dependencies distributor (test/test-binding → 5dbb6dc9c8)', () => {
    expect(bindingReferenceKey('test', 'test-binding')).toBe('5dbb6dc9c8');
  });

  it('turn ":" into "." and lower-case, as RBAC names need', () => {
    expect(bindingName('ClusterRole', 'system:Aggregate')).toBe('system.aggregate-clusterrole');
    expect(workName('ClusterRole', 'system:Aggregate', undefined)).toMatch(/^system\.aggregate-[a-z0-9]+$/);
    expect(workName('ClusterRole', 'system:x', undefined)).not.toBe(workName('Role', 'system:x', undefined));
  });

  it('property: Work names are deterministic, DNS-safe and differ by namespace', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9:-]{0,20}$/), fc.constantFrom('Deployment', 'ConfigMap', 'Secret'), fc.stringMatching(/^[a-z]{1,8}$/), (name, kind, ns) => {
        const w = workName(kind, name, ns);
        expect(w).toBe(workName(kind, name, ns));
        expect(w).toMatch(/^[a-z0-9.-]+$/);
        expect(w.startsWith(`${name.replaceAll(':', '.')}-`)).toBe(true);
      }),
    );
  });
});

const cluster = (name: string): Cluster => ({ apiVersion: 'cluster.karmada.io/v1alpha1', kind: 'Cluster', metadata: { name, labels: { location: name === 'member1' ? 'east' : 'west' } }, spec: { syncMode: 'Push' } }) as Cluster;

const nginx: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'nginx',
    namespace: 'default',
    uid: 'uid-nginx',
    resourceVersion: '42',
    generation: 3,
    creationTimestamp: '2026-01-01T00:00:00Z',
    managedFields: [{ manager: 'kubectl' }],
    labels: { app: 'nginx', 'propagationpolicy.karmada.io/permanent-id': 'pp-1' },
    annotations: { 'propagationpolicy.karmada.io/name': 'nginx-propagation' },
  },
  spec: { replicas: 3, selector: { matchLabels: { app: 'nginx' } }, template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
  status: { replicas: 3, readyReplicas: 3 },
} as unknown as KubeObject;

const divided = (clusters: Array<[string, number]>): BindingSpec =>
  ({
    resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'nginx', uid: 'uid-nginx' },
    replicas: 3,
    placement: { replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted' } },
    clusters: clusters.map(([name, replicas]) => ({ name, replicas })),
    conflictResolution: 'Abort',
  }) as BindingSpec;

describe('work manifest', () => {
  it('drops server-set fields and status, revises replicas to the cluster\'s share, stamps Karmada\'s marks', () => {
    const { manifest, workAnnotations } = buildWorkManifest({ template: nginx, spec: divided([['member1', 2], ['member2', 1]]), cluster: cluster('member1'), clusterOverridePolicies: [], overridePolicies: [] });
    expect(manifest.metadata.uid).toBeUndefined();
    expect(manifest.metadata.resourceVersion).toBeUndefined();
    expect(manifest.metadata.creationTimestamp).toBeUndefined();
    expect(manifest.metadata.managedFields).toBeUndefined();
    expect(manifest.metadata.generation).toBeUndefined();
    expect((manifest as { status?: unknown }).status).toBeUndefined();
    expect((manifest.spec as { replicas: number }).replicas).toBe(2);
    expect(manifest.metadata.labels?.[MANAGED_LABEL]).toBe('true');
    expect(manifest.metadata.labels?.app).toBe('nginx');
    expect(manifest.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION]).toBe('3');
    expect(manifest.metadata.annotations?.[CONFLICT_RESOLUTION_ANNOTATION]).toBe('abort');
    expect(workAnnotations).toEqual({});
    // The template itself is never mutated.
    expect((nginx.spec as { replicas: number }).replicas).toBe(3);
    expect(nginx.metadata.uid).toBe('uid-nginx');
  });

  it('Duplicated placements keep the template\'s replicas; Overwrite is recorded in lower case', () => {
    const spec = { ...divided([['member1', 3]]), placement: { replicaScheduling: { replicaSchedulingType: 'Duplicated' } }, conflictResolution: 'Overwrite' } as BindingSpec;
    const { manifest } = buildWorkManifest({ template: nginx, spec, cluster: cluster('member1'), clusterOverridePolicies: [], overridePolicies: [] });
    expect((manifest.spec as { replicas: number }).replicas).toBe(3);
    expect(manifest.metadata.annotations?.[CONFLICT_RESOLUTION_ANNOTATION]).toBe('overwrite');
  });

  it('divides a Job\'s completions in proportion to the replicas each cluster got', () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', namespace: 'default', uid: 'uid-pi', generation: 1 }, spec: { parallelism: 3, completions: 9, template: { spec: { containers: [{ name: 'pi', image: 'perl' }] } } } } as unknown as KubeObject;
    const spec = { ...divided([['member1', 1], ['member2', 2]]), resource: { apiVersion: 'batch/v1', kind: 'Job', namespace: 'default', name: 'pi', uid: 'uid-pi' }, replicas: 3 } as BindingSpec;
    const one = buildWorkManifest({ template: job, spec, cluster: cluster('member1'), clusterOverridePolicies: [], overridePolicies: [] }).manifest.spec as { parallelism: number; completions: number };
    const two = buildWorkManifest({ template: job, spec, cluster: cluster('member2'), clusterOverridePolicies: [], overridePolicies: [] }).manifest.spec as { parallelism: number; completions: number };
    expect([one.parallelism, two.parallelism]).toEqual([1, 2]);
    expect([one.completions, two.completions]).toEqual([3, 6]);
  });

  it('applies an OverridePolicy for the matching cluster only and records it on the Work', () => {
    const op = {
      apiVersion: 'policy.karmada.io/v1alpha1',
      kind: 'OverridePolicy',
      metadata: { name: 'east-labels', namespace: 'default' },
      spec: {
        resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx' }],
        overrideRules: [{ targetCluster: { clusterNames: ['member1'] }, overriders: { labelsOverrider: [{ operator: 'add', value: { zone: 'east' } }] } }],
      },
    } as unknown as OverridePolicy;
    const spec = divided([['member1', 2], ['member2', 1]]);
    const east = buildWorkManifest({ template: nginx, spec, cluster: cluster('member1'), clusterOverridePolicies: [], overridePolicies: [op] });
    const west = buildWorkManifest({ template: nginx, spec, cluster: cluster('member2'), clusterOverridePolicies: [], overridePolicies: [op] });
    expect(east.manifest.metadata.labels?.zone).toBe('east');
    expect(Object.keys(east.workAnnotations)).toEqual(['policy.karmada.io/applied-overrides']);
    expect(west.manifest.metadata.labels?.zone).toBeUndefined();
    expect(west.workAnnotations).toEqual({});
  });
});

describe('detector binding spec', () => {
  const policy = {
    resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx' }],
    placement: { clusterAffinity: { clusterNames: ['member1', 'member2'] } },
    propagateDeps: true,
    conflictResolution: 'Overwrite',
    suspension: { dispatching: true },
    preserveResourcesOnDeletion: true,
  } as unknown as PropagationSpec;

  it('copies the policy\'s fields and the template\'s replicas and requirements', () => {
    const withRequests = structuredClone(nginx);
    (withRequests.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers[0]!.resources = { requests: { cpu: '100m' } };
    const spec = detectorBindingSpec(withRequests, policy, undefined);
    expect(spec.resource).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'nginx', uid: 'uid-nginx', resourceVersion: '42' });
    expect(spec.replicas).toBe(3);
    expect(spec.replicaRequirements?.resourceRequest).toEqual({ cpu: '100m' });
    expect(spec.placement).toEqual(policy.placement);
    expect(spec.propagateDeps).toBe(true);
    expect(spec.conflictResolution).toBe('Overwrite');
    expect(spec.suspension).toEqual({ dispatching: true });
    expect(spec.preserveResourcesOnDeletion).toBe(true);
    expect(spec.schedulerName).toBe('default-scheduler');
  });

  it('keeps what other writers own (clusters, eviction tasks, requiredBy) and drops what the policy no longer sets', () => {
    const previous = {
      ...detectorBindingSpec(nginx, policy, undefined),
      clusters: [{ name: 'member1', replicas: 3 }],
      requiredBy: [{ namespace: 'default', name: 'web-deployment', clusters: [{ name: 'member1' }] }],
      gracefulEvictionTasks: [{ fromCluster: 'member3', reason: 'TaintUntolerated', producer: 'TaintManager' }],
    } as BindingSpec;
    const spec = detectorBindingSpec(nginx, { resourceSelectors: policy.resourceSelectors } as PropagationSpec, previous);
    expect(spec.clusters).toEqual(previous.clusters);
    expect(spec.requiredBy).toEqual(previous.requiredBy);
    expect(spec.gracefulEvictionTasks).toEqual(previous.gracefulEvictionTasks);
    expect(spec.propagateDeps).toBeUndefined();
    expect(spec.suspension).toBeUndefined();
    expect(spec.preserveResourcesOnDeletion).toBeUndefined();
    expect(spec.conflictResolution).toBe('Abort');
  });

  it('a status-only change of the template keeps the binding as it is; a spec or label change moves its resourceVersion', () => {
    const stored = { ...nginx, metadata: { ...nginx.metadata, resourceVersion: '10', generation: 1 } } as KubeObject;
    const previous = detectorBindingSpec(stored, policy, undefined);
    const statusOnly = { ...stored, metadata: { ...stored.metadata, resourceVersion: '11' }, status: { replicas: 2, readyReplicas: 2 } } as KubeObject;
    expect(templateSpecificationHash(statusOnly)).toBe(templateSpecificationHash(stored));
    expect(templateSpecificationHash(stored)).toMatch(/^v1:sha256:[0-9a-f]{64}$/);
    const same = templateSpecificationHash(statusOnly) === templateSpecificationHash(stored);
    expect(detectorBindingSpec(statusOnly, policy, previous, { sameSpecification: same })).toEqual(previous);

    const relabelled = { ...statusOnly, metadata: { ...statusOnly.metadata, resourceVersion: '12', labels: { tier: 'web' } } } as KubeObject;
    expect(templateSpecificationHash(relabelled)).not.toBe(templateSpecificationHash(stored));
    const scaled = { ...stored, metadata: { ...stored.metadata, resourceVersion: '13', generation: 2 }, spec: { ...(stored.spec as object), replicas: 5 } } as KubeObject;
    const moved = detectorBindingSpec(scaled, policy, previous, { sameSpecification: templateSpecificationHash(scaled) === templateSpecificationHash(stored) });
    expect(moved.resource.resourceVersion).toBe('13');
    // A template deleted and made again under the same name is a new one, whatever its content.
    const recreated = { ...statusOnly, metadata: { ...statusOnly.metadata, uid: 'other-uid' } } as KubeObject;
    expect(detectorBindingSpec(recreated, policy, previous, { sameSpecification: true }).resource.resourceVersion).toBe('11');
  });

  it('a kind without replicas gets none', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', uid: 'u' }, data: { a: '1' } } as unknown as KubeObject;
    const spec = detectorBindingSpec(cm, policy, undefined);
    expect(spec.replicas).toBeUndefined();
    expect(spec.replicaRequirements).toBeUndefined();
  });
});
