import { describe, expect, it } from 'vitest';
import { generationChanged, planDeletion, prepareForCreate, prepareForUpdate, readyToDelete } from '../../shared/object-semantics.js';
import { createBuiltinRegistry } from '../../shared/registry/index.js';

const registry = createBuiltinRegistry();
const deployments = registry.byResource('apps', 'deployments')!;
const statefulsets = registry.byResource('apps', 'statefulsets')!;
const configmaps = registry.byResource('', 'configmaps')!;
const namespaces = registry.byResource('', 'namespaces')!;
const nodes = registry.byResource('', 'nodes')!;
const jobs = registry.byResource('batch', 'jobs')!;
const NOW = Date.parse('2025-01-02T03:04:05.678Z');

describe('prepareForCreate', () => {
  it('sets uid, creationTimestamp (seconds), generation, type info; drops status and deletion state', () => {
    const d = prepareForCreate(
      deployments,
      { metadata: { name: 'd', resourceVersion: '5', deletionTimestamp: 'x', namespace: 'ignored' }, spec: { selector: {} }, status: { replicas: 3 } },
      { namespace: 'ns', now: NOW, uid: 'u1' },
    );
    expect(d).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', status: {}, spec: { replicas: 1 } });
    expect(d.metadata).toEqual({ name: 'd', namespace: 'ns', uid: 'u1', creationTimestamp: '2025-01-02T03:04:05Z', generation: 1 });
    const cm = prepareForCreate(configmaps, { metadata: { name: 'c', generation: 4 } }, { namespace: 'ns', now: NOW, uid: 'u' });
    expect(cm.metadata.generation).toBeUndefined();
    const node = prepareForCreate(nodes, { metadata: { name: 'n', namespace: 'x' }, status: { capacity: { cpu: '4' } } }, { namespace: '', now: NOW, uid: 'u' });
    expect(node.status).toEqual({ capacity: { cpu: '4' } });
    expect(node.metadata.namespace).toBeUndefined();
    const ns = prepareForCreate(namespaces, { metadata: { name: 'n' } }, { namespace: '', now: NOW, uid: 'u' });
    expect(ns).toMatchObject({ spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' }, metadata: { labels: { 'kubernetes.io/metadata.name': 'n' } } });
  });
});

describe('prepareForUpdate', () => {
  const old = prepareForCreate(statefulsets, { metadata: { name: 's' }, spec: { replicas: 1 } }, { namespace: 'ns', now: NOW, uid: 'u1' });
  old.status = { replicas: 1 };
  old.metadata.resourceVersion = '7';

  it('keeps identity and status, bumps generation on spec changes only', () => {
    const relabelled = prepareForUpdate(statefulsets, old, { ...old, metadata: { ...old.metadata, uid: 'other', labels: { a: 'b' } }, status: { replicas: 9 } });
    expect(relabelled.metadata).toMatchObject({ uid: 'u1', generation: 1, labels: { a: 'b' } });
    expect(relabelled.status).toEqual({ replicas: 1 });
    expect(relabelled.metadata.resourceVersion).toBeUndefined();
    const scaled = prepareForUpdate(statefulsets, old, { ...old, spec: { replicas: 2 } });
    expect(scaled.metadata.generation).toBe(2);
    // Statefulsets ignore annotations; deployments do not.
    expect(generationChanged(statefulsets, old, { ...old, metadata: { ...old.metadata, annotations: { a: 'b' } } })).toBe(false);
    expect(generationChanged(deployments, old, { ...old, metadata: { ...old.metadata, annotations: { a: 'b' } } })).toBe(true);
  });

  it('/status changes only status', () => {
    const st = prepareForUpdate(statefulsets, old, { ...old, spec: { replicas: 5 }, metadata: { ...old.metadata, labels: { x: 'y' } }, status: { replicas: 2 } }, 'status');
    expect(st.spec).toEqual({ replicas: 1 });
    expect(st.metadata.labels).toBeUndefined();
    expect(st.status).toEqual({ replicas: 2 });
    expect(st.metadata.generation).toBe(1);
  });

  it('refuses new finalizers while deleting', () => {
    const deleting = { ...old, metadata: { ...old.metadata, deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['a'] } };
    expect(() => prepareForUpdate(statefulsets, deleting, { ...deleting, metadata: { ...deleting.metadata, finalizers: ['a', 'b'] } })).toThrow(/no new finalizers/);
    const cleared = prepareForUpdate(statefulsets, deleting, { ...deleting, metadata: { ...deleting.metadata, finalizers: [] } });
    expect(cleared.metadata.deletionTimestamp).toBe('2025-01-01T00:00:00Z');
    expect(readyToDelete(statefulsets, cleared)).toBe(true);
  });
});

describe('planDeletion', () => {
  const cm = { metadata: { name: 'c', uid: 'u' } };
  it('deletes at once without finalizers, marks otherwise', () => {
    expect(planDeletion(configmaps, cm, { now: NOW }).marked).toBeUndefined();
    const fg = planDeletion(configmaps, cm, { now: NOW, propagationPolicy: 'Foreground' }).marked!;
    expect(fg.metadata).toMatchObject({ finalizers: ['foregroundDeletion'], deletionTimestamp: '2025-01-02T03:04:05Z', deletionGracePeriodSeconds: 0 });
    expect(planDeletion(configmaps, cm, { now: NOW, propagationPolicy: 'Orphan' }).marked!.metadata.finalizers).toEqual(['orphan']);
    // batch/v1 Jobs orphan by default.
    expect(planDeletion(jobs, cm, { now: NOW }).marked!.metadata.finalizers).toEqual(['orphan']);
    expect(planDeletion(jobs, cm, { now: NOW, propagationPolicy: 'Background' }).marked).toBeUndefined();
  });

  it('sends a namespace to Terminating', () => {
    const ns = prepareForCreate(namespaces, { metadata: { name: 'n' } }, { namespace: '', now: NOW, uid: 'u' });
    const marked = planDeletion(namespaces, ns, { now: NOW }).marked!;
    expect(marked.status).toEqual({ phase: 'Terminating' });
    expect(readyToDelete(namespaces, marked)).toBe(false);
    expect(readyToDelete(namespaces, { ...marked, spec: { finalizers: [] } })).toBe(true);
  });
});
