import { describe, expect, it } from 'vitest';
import { interpretHealth } from '../../shared/interpreter/index.js';
import type { KubeObject } from '../../shared/object.js';

// Cases follow Karmada's healthy_test.go (pkg/resourceinterpreter/default/native).

function obj(apiVersion: string, kind: string, rest: Record<string, unknown>, generation?: number): KubeObject {
  return { apiVersion, kind, metadata: { name: 'fake', ...(generation !== undefined ? { generation } : {}) }, ...rest };
}

const deployment = (spec: Record<string, unknown>, status: Record<string, unknown>) => obj('apps/v1', 'Deployment', { spec, status }, 1);
const statefulSet = (spec: Record<string, unknown>, status: Record<string, unknown>) => obj('apps/v1', 'StatefulSet', { spec, status }, 1);

describe('interpretHealth', () => {
  it.each([
    ['healthy', { replicas: 3 }, { availableReplicas: 3, updatedReplicas: 3, observedGeneration: 1 }, 'Healthy'],
    ['generation not observed', { replicas: 3 }, { availableReplicas: 3, updatedReplicas: 3, observedGeneration: 2 }, 'Unhealthy'],
    ['not every replica updated', { replicas: 3 }, { updatedReplicas: 1, observedGeneration: 1 }, 'Unhealthy'],
    ['updated replicas not available', { replicas: 3 }, { availableReplicas: 0, updatedReplicas: 3, observedGeneration: 1 }, 'Unhealthy'],
  ])('Deployment: %s', (_name, spec, status, want) => {
    expect(interpretHealth(deployment(spec, status))).toBe(want);
  });

  const partitioned = (partition: number) => ({ replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition } } });
  it.each([
    ['healthy', { replicas: 3 }, { availableReplicas: 3, updatedReplicas: 3, observedGeneration: 1 }, 'Healthy'],
    ['generation not observed', { replicas: 3 }, { availableReplicas: 3, updatedReplicas: 3, observedGeneration: 2 }, 'Unhealthy'],
    ['not every replica updated', { replicas: 3 }, { updatedReplicas: 1, observedGeneration: 1 }, 'Unhealthy'],
    ['updated replicas not available', { replicas: 3 }, { availableReplicas: 1, updatedReplicas: 3, observedGeneration: 1 }, 'Unhealthy'],
    ['partitioned rollout done above the partition', partitioned(2), { availableReplicas: 3, updatedReplicas: 1, observedGeneration: 1 }, 'Healthy'],
    ['partitioned rollout in progress', partitioned(1), { availableReplicas: 3, updatedReplicas: 1, observedGeneration: 1 }, 'Unhealthy'],
    ['partitioned rollout with old pods down', partitioned(2), { availableReplicas: 1, updatedReplicas: 1, observedGeneration: 1 }, 'Unhealthy'],
    ['partition covering every pod, all down', partitioned(3), { availableReplicas: 0, updatedReplicas: 0, observedGeneration: 1 }, 'Unhealthy'],
  ])('StatefulSet: %s', (_name, spec, status, want) => {
    expect(interpretHealth(statefulSet(spec, status))).toBe(want);
  });

  it.each([
    ['healthy', { availableReplicas: 3, observedGeneration: 1 }, 'Healthy'],
    ['generation not observed', { availableReplicas: 3, observedGeneration: 2 }, 'Unhealthy'],
    ['too few available', { availableReplicas: 2, observedGeneration: 1 }, 'Unhealthy'],
  ])('ReplicaSet: %s', (_name, status, want) => {
    expect(interpretHealth(obj('apps/v1', 'ReplicaSet', { spec: { replicas: 3 }, status }, 1))).toBe(want);
  });

  it.each([
    ['healthy', 1, { observedGeneration: 1 }, 'Healthy'],
    ['generation not observed', 1, { observedGeneration: 2 }, 'Unhealthy'],
    ['updated < desired', undefined, { updatedNumberScheduled: 3, desiredNumberScheduled: 5 }, 'Unhealthy'],
    ['available < updated', undefined, { updatedNumberScheduled: 5, numberAvailable: 3 }, 'Unhealthy'],
  ])('DaemonSet: %s', (_name, generation, status, want) => {
    expect(interpretHealth(obj('apps/v1', 'DaemonSet', { status }, generation))).toBe(want);
  });

  it.each([
    ['LoadBalancer with an address', 'LoadBalancer', [{ ip: 'localhost' }], 'Healthy'],
    ['LoadBalancer with a hostname', 'LoadBalancer', [{ hostname: 'lb.example.com' }], 'Healthy'],
    ['not a LoadBalancer', 'NodePort', [], 'Healthy'],
    ['LoadBalancer without addresses', 'LoadBalancer', [], 'Unhealthy'],
    ['LoadBalancer with an empty entry', 'LoadBalancer', [{ ports: [] }], 'Unhealthy'],
  ])('Service: %s', (_name, type, ingress, want) => {
    expect(interpretHealth(obj('v1', 'Service', { spec: { type }, status: { loadBalancer: { ingress } } }))).toBe(want);
  });

  it('Ingress: healthy once it has an address', () => {
    const ingress = (entries: unknown[]) => obj('networking.k8s.io/v1', 'Ingress', { status: { loadBalancer: { ingress: entries } } });
    expect(interpretHealth(ingress([{ ip: 'localhost' }]))).toBe('Healthy');
    expect(interpretHealth(ingress([]))).toBe('Unhealthy');
  });

  it('PersistentVolumeClaim: healthy when Bound', () => {
    expect(interpretHealth(obj('v1', 'PersistentVolumeClaim', { status: { phase: 'Bound' } }))).toBe('Healthy');
    expect(interpretHealth(obj('v1', 'PersistentVolumeClaim', { status: { phase: 'Pending' } }))).toBe('Unhealthy');
  });

  it.each([
    ['running and ready', { conditions: [{ type: 'Ready', status: 'True' }], phase: 'Running' }, 'Healthy'],
    ['succeeded', { phase: 'Succeeded' }, 'Healthy'],
    ['running, readiness unknown', { conditions: [{ type: 'Ready', status: 'Unknown' }], phase: 'Running' }, 'Unhealthy'],
    ['failed', { phase: 'Failed' }, 'Unhealthy'],
    ['no status', undefined, 'Unhealthy'],
  ])('Pod: %s', (_name, status, want) => {
    expect(interpretHealth(obj('v1', 'Pod', status ? { status } : {}))).toBe(want);
  });

  it.each([
    [2, 3, 'Healthy'],
    [2, 2, 'Healthy'],
    [2, 1, 'Unhealthy'],
  ])('PodDisruptionBudget: desired %i, current %i', (desiredHealthy, currentHealthy, want) => {
    expect(interpretHealth(obj('policy/v1', 'PodDisruptionBudget', { status: { desiredHealthy, currentHealthy } }))).toBe(want);
  });

  it('kinds without a rule are healthy, matched on the exact apiVersion', () => {
    expect(interpretHealth(obj('v1', 'ConfigMap', { data: {} }))).toBe('Healthy');
    expect(interpretHealth(obj('batch/v1', 'Job', { status: { failed: 3 } }))).toBe('Healthy');
    // An older API version of a kind with a rule has no native hook in Karmada either.
    expect(interpretHealth(obj('apps/v1beta2', 'Deployment', { spec: { replicas: 3 }, status: {} }, 1))).toBe('Healthy');
  });

  it('an object that cannot be read is Unknown', () => {
    expect(interpretHealth(deployment({ replicas: 3 }, { observedGeneration: 'one' }))).toBe('Unknown');
    expect(interpretHealth(obj('v1', 'Pod', { status: 'invalid' }))).toBe('Unknown');
  });
});
