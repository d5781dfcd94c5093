// A binding's aggregatedStatus and FullyApplied condition from its Works, and a Work's
// manifestStatuses from the member copies, with the cases of Karmada's own tests
// (pkg/util/helper/workstatus_test.go: assembleWorkStatus, worksFullyApplied).

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { aggregatedStatus, bindingSpecClusters } from '../../shared/binding/aggregated-status.js';
import { manifestStatuses } from '../../shared/binding/work-status.js';
import type { ResourceBinding } from '../../shared/karmada/resource-binding.js';
import type { Work } from '../../shared/karmada/work.js';
import type { KubeObject } from '../../shared/object.js';

const resource = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test-ns', name: 'test-deployment' };
const manifest = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'test-deployment', namespace: 'test-ns' } };
const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'test-ns' } };

function binding(clusters: string[], extra: Partial<ResourceBinding['spec']> = {}): ResourceBinding {
  return {
    apiVersion: 'work.karmada.io/v1alpha2',
    kind: 'ResourceBinding',
    metadata: { name: 'test-deployment-deployment', namespace: 'test-ns' },
    spec: { resource, clusters: clusters.map((name) => ({ name })), ...extra },
  } as ResourceBinding;
}

type Applied = 'True' | 'False' | 'Unknown' | undefined;

function work(cluster: string, applied: Applied, opts: { message?: string; manifests?: object[]; statuses?: NonNullable<Work['status']>['manifestStatuses']; deleting?: boolean } = {}): Work {
  return {
    apiVersion: 'work.karmada.io/v1alpha1',
    kind: 'Work',
    metadata: { name: 'test-work', namespace: `karmada-es-${cluster}`, ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { workload: { manifests: opts.manifests ?? [manifest] } },
    status: {
      ...(applied ? { conditions: [{ type: 'Applied', status: applied, reason: 'x', message: opts.message ?? '', lastTransitionTime: '2026-01-01T00:00:00Z' }] } : {}),
      ...(opts.statuses ? { manifestStatuses: opts.statuses } : {}),
    },
  } as Work;
}

const deploymentStatus = (ordinal = 0, health: 'Healthy' | 'Unhealthy' | 'Unknown' = 'Healthy') => ({
  identifier: { ordinal, group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', namespace: 'test-ns', name: 'test-deployment' },
  status: { replicas: 2, readyReplicas: 2 },
  health,
});

describe('aggregatedStatus items (assembleWorkStatus)', () => {
  it('reports an applied Work with its resource status and health', () => {
    const { items } = aggregatedStatus(binding(['member1']), [work('member1', 'True', { statuses: [deploymentStatus()] })]);
    expect(items).toEqual([{ clusterName: 'member1', applied: true, status: { replicas: 2, readyReplicas: 2 }, health: 'Healthy' }]);
  });

  it('reports a Work that failed to apply, or whose state is unknown, with its message and Unknown health', () => {
    for (const s of ['False', 'Unknown'] as const) {
      const { items } = aggregatedStatus(binding(['member1']), [work('member1', s, { message: 'Failed to apply', statuses: [deploymentStatus(0, 'Unhealthy')] })]);
      expect(items).toEqual([{ clusterName: 'member1', applied: false, appliedMessage: 'Failed to apply', health: 'Unknown' }]);
    }
    expect(aggregatedStatus(binding(['member1']), [work('member1', undefined)]).items).toEqual([{ clusterName: 'member1', applied: false, health: 'Unknown' }]);
  });

  it('says Unknown for an applied Work whose member copy has not been seen yet', () => {
    expect(aggregatedStatus(binding(['member1']), [work('member1', 'True')]).items).toEqual([{ clusterName: 'member1', applied: true, health: 'Unknown' }]);
  });

  it('matches the manifest status by ordinal and identifier, not by name alone', () => {
    const other = { ...deploymentStatus(1), status: { replicas: 9 } };
    const items = aggregatedStatus(binding(['m']), [work('m', 'True', { manifests: [service, manifest], statuses: [other, { ...deploymentStatus(0), status: { replicas: 7 } }] })]).items;
    // The Deployment is the second manifest: ordinal 1.
    expect(items[0]!.status).toEqual({ replicas: 9 });
    const wrongGroup = { ...deploymentStatus(0), identifier: { ...deploymentStatus(0).identifier, group: 'extensions' } };
    expect(aggregatedStatus(binding(['m']), [work('m', 'True', { statuses: [wrongGroup] })]).items[0]).toEqual({ clusterName: 'm', applied: true, health: 'Unknown' });
  });

  it('skips Works being deleted and sorts by cluster name', () => {
    const works = [work('member3', 'True'), work('member1', 'True', { deleting: true }), work('member10', 'True'), work('member2', 'False')];
    expect(aggregatedStatus(binding(['member2', 'member3', 'member10']), works).items.map((i) => i.clusterName)).toEqual(['member10', 'member2', 'member3']);
  });
});

describe('FullyApplied (worksFullyApplied)', () => {
  const full = (clusters: string[], works: Work[], extra?: Partial<ResourceBinding['spec']>) => aggregatedStatus(binding(clusters, extra), works).fullyApplied.status;

  it.each([
    ['no cluster', [], [work('member1', 'True')], 'False'],
    ['no Works', ['member1'], [], 'False'],
    ['fewer Works than clusters', ['member1', 'member2'], [work('member1', 'True')], 'False'],
    ['every cluster applied', ['member1', 'member2'], [work('member1', 'True'), work('member2', 'True')], 'True'],
    ['one not applied', ['member1', 'member2'], [work('member1', 'True'), work('member2', 'False')], 'False'],
    ['a Work of another cluster', ['member2'], [work('member1', 'True')], 'False'],
  ] as const)('%s', (_name, clusters, works, want) => {
    expect(full([...clusters], [...works])).toBe(want);
  });

  it('counts the clusters of bindings that require this one and of eviction tasks that keep their Work', () => {
    const spec = {
      requiredBy: [{ namespace: 'ns', name: 'parent', clusters: [{ name: 'member3' }] }],
      gracefulEvictionTasks: [
        { fromCluster: 'member4', purgeMode: 'Gracefully', reason: 'TaintUntolerated', producer: 'TaintManager' },
        { fromCluster: 'member5', purgeMode: 'Immediately', reason: 'TaintUntolerated', producer: 'TaintManager' },
      ],
    } as Partial<ResourceBinding['spec']>;
    expect([...bindingSpecClusters(binding(['member1'], spec).spec)].sort()).toEqual(['member1', 'member3', 'member4']);
    expect(full(['member1'], [work('member1', 'True'), work('member3', 'True')], spec)).toBe('False');
    expect(full(['member1'], [work('member1', 'True'), work('member3', 'True'), work('member4', 'True')], spec)).toBe('True');
  });

  it('is the conditions Karmada writes', () => {
    expect(aggregatedStatus(binding(['a']), [work('a', 'True')]).fullyApplied).toEqual({ type: 'FullyApplied', status: 'True', reason: 'FullyAppliedSuccess', message: 'All works have been successfully applied' });
    expect(aggregatedStatus(binding(['a']), []).fullyApplied).toMatchObject({ status: 'False', reason: 'FullyAppliedFailed' });
  });

  it('holds exactly when the applied Works name the spec clusters one to one (property)', () => {
    const name = fc.constantFrom('m1', 'm2', 'm3', 'm4');
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 4 }), fc.uniqueArray(fc.tuple(name, fc.boolean()), { selector: ([n]) => n, maxLength: 4 }), (clusters, ws) => {
        const got = full(clusters, ws.map(([n, ok]) => work(n, ok ? 'True' : 'False')));
        const applied = new Set(ws.filter(([, ok]) => ok).map(([n]) => n));
        const want = clusters.length > 0 && ws.length === clusters.length && clusters.every((c) => applied.has(c));
        expect(got).toBe(want ? 'True' : 'False');
      }),
    );
  });
});

describe('manifestStatuses', () => {
  const resolve = (apiVersion: string, kind: string) =>
    kind === 'Deployment' ? { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true } : kind === 'Service' ? { group: '', version: 'v1', resource: 'services', namespaced: true } : undefined;

  it('reflects each member copy present, with identifier and health, and leaves out the ones not there yet', () => {
    const w = work('member1', 'True', { manifests: [service, manifest] });
    const observed: Array<KubeObject | undefined> = [
      undefined,
      {
        ...manifest,
        metadata: { ...manifest.metadata, generation: 3, annotations: { 'resourcetemplate.karmada.io/generation': '5' } },
        spec: { replicas: 2 },
        status: { observedGeneration: 3, replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2, conditions: [{ type: 'Available', status: 'True' }] },
      } as KubeObject,
    ];
    const got = manifestStatuses(w, observed, resolve);
    expect(got).toHaveLength(1);
    expect(got[0]!.identifier).toEqual({ ordinal: 1, group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', namespace: 'test-ns', name: 'test-deployment' });
    expect(got[0]!.health).toBe('Healthy');
    // What Karmada's ReflectStatus keeps of a Deployment: counters, the member generation and the template's.
    expect(got[0]!.status).toMatchObject({ replicas: 2, readyReplicas: 2, observedGeneration: 3, generation: 3, resourceTemplateGeneration: 5 });
    expect(got[0]!.status).not.toHaveProperty('conditions');
  });

  it('reads a list item without apiVersion and kind (as kube-apiserver lists them) by its manifest', () => {
    const item = { metadata: { ...manifest.metadata, generation: 2, annotations: { 'resourcetemplate.karmada.io/generation': '4' } }, spec: { replicas: 1 }, status: { observedGeneration: 2, replicas: 1, readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1, conditions: [{ type: 'Available', status: 'True' }] } } as KubeObject;
    const [ms] = manifestStatuses(work('member1', 'True'), [item], resolve);
    expect(ms!.status).toEqual({ replicas: 1, readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1, observedGeneration: 2, generation: 2, resourceTemplateGeneration: 4 });
    expect(ms!.health).toBe('Healthy');
  });

  it('calls a Deployment that has not caught up Unhealthy', () => {
    const w = work('member1', 'True');
    const lagging = { ...manifest, metadata: { ...manifest.metadata, generation: 4 }, spec: { replicas: 2 }, status: { observedGeneration: 3, replicas: 2, updatedReplicas: 2, availableReplicas: 2 } } as KubeObject;
    expect(manifestStatuses(w, [lagging], resolve)[0]!.health).toBe('Unhealthy');
  });
});
