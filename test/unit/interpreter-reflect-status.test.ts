import { describe, expect, it } from 'vitest';
import { RESOURCE_TEMPLATE_GENERATION_ANNOTATION, reflectStatus } from '../../shared/interpreter/index.js';
import type { KubeObject } from '../../shared/object.js';

// Cases follow Karmada's reflectstatus_test.go (pkg/resourceinterpreter/default/native).

function member(apiVersion: string, kind: string, rest: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion, kind, metadata: { name: 'test', namespace: 'test-ns', ...meta }, ...rest };
}
const stamped = (templateGeneration: string, generation = 2) => ({
  generation,
  annotations: { [RESOURCE_TEMPLATE_GENERATION_ANNOTATION]: templateGeneration },
});

describe('reflectStatus: workloads carry their generations', () => {
  const deployment = (status?: unknown, meta: Record<string, unknown> = stamped('1')) =>
    member('apps/v1', 'Deployment', status === undefined ? {} : { status }, meta);
  const fullStatus = { replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 0, observedGeneration: 2 };

  it('Deployment: counters, observedGeneration, generation and the template generation it was written from', () => {
    expect(reflectStatus(deployment({ ...fullStatus, conditions: [{ type: 'Available', status: 'True' }] }))).toEqual({
      generation: 2,
      resourceTemplateGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      observedGeneration: 2,
    });
  });

  it('Deployment without status reflects nothing', () => {
    expect(reflectStatus(deployment())).toBeUndefined();
  });

  it('Deployment with an unparsable generation annotation reflects nothing (Karmada errors)', () => {
    expect(reflectStatus(deployment(fullStatus, stamped('invalid')))).toBeUndefined();
  });

  it('Deployment without the annotation reports no template generation, which holds observedGeneration back', () => {
    expect(reflectStatus(deployment(fullStatus, { generation: 2 }))).toEqual({
      generation: 2,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      observedGeneration: 2,
    });
  });

  it('DaemonSet keeps its required counters even at zero', () => {
    const status = {
      currentNumberScheduled: 3,
      desiredNumberScheduled: 3,
      numberAvailable: 3,
      numberMisscheduled: 0,
      numberReady: 3,
      updatedNumberScheduled: 3,
      numberUnavailable: 0,
      observedGeneration: 2,
    };
    expect(reflectStatus(member('apps/v1', 'DaemonSet', { status }, stamped('1')))).toEqual({
      generation: 2,
      resourceTemplateGeneration: 1,
      currentNumberScheduled: 3,
      desiredNumberScheduled: 3,
      numberAvailable: 3,
      numberMisscheduled: 0,
      numberReady: 3,
      updatedNumberScheduled: 3,
      observedGeneration: 2,
    });
    expect(reflectStatus(member('apps/v1', 'DaemonSet', {}, stamped('1', 1)))).toBeUndefined();
    expect(reflectStatus(member('apps/v1', 'DaemonSet', { status: { currentNumberScheduled: 1, numberReady: 1 } }, stamped('invalid', 1)))).toBeUndefined();
    expect(reflectStatus(member('apps/v1', 'DaemonSet', { status: 'invalid' }, stamped('1')))).toBeUndefined();
  });

  it('StatefulSet: full and partial status', () => {
    expect(
      reflectStatus(member('apps/v1', 'StatefulSet', { status: { replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3 } }, stamped('1'))),
    ).toEqual({ generation: 2, resourceTemplateGeneration: 1, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(reflectStatus(member('apps/v1', 'StatefulSet', { status: { replicas: 2, readyReplicas: 1, currentReplicas: 1 } }, stamped('1')))).toEqual({
      generation: 2,
      resourceTemplateGeneration: 1,
      replicas: 2,
      readyReplicas: 1,
      currentReplicas: 1,
    });
    expect(reflectStatus(member('apps/v1', 'StatefulSet', { status: 'invalid' }, stamped('1')))).toBeUndefined();
  });

  it('ReplicaSet: replicas, ready, available and observedGeneration', () => {
    const status = { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 4 };
    expect(reflectStatus(member('apps/v1', 'ReplicaSet', { status }, stamped('3', 4)))).toEqual({
      generation: 4,
      resourceTemplateGeneration: 3,
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 1,
      observedGeneration: 4,
    });
  });
});

describe('reflectStatus: other kinds with a rule', () => {
  it.each([
    ['non-LoadBalancer', { spec: { type: 'ClusterIP' }, status: { loadBalancer: {} } }, undefined],
    ['LoadBalancer without status', { spec: { type: 'LoadBalancer' } }, undefined],
    [
      'LoadBalancer with status',
      { spec: { type: 'LoadBalancer' }, status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] }, conditions: [] } },
      { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } },
    ],
    ['LoadBalancer with an invalid status', { spec: { type: 'LoadBalancer' }, status: 'invalid' }, undefined],
  ])('Service: %s', (_name, rest, want) => {
    expect(reflectStatus(member('v1', 'Service', rest))).toEqual(want);
  });

  it('Ingress: the whole status', () => {
    const status = { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } };
    expect(reflectStatus(member('networking.k8s.io/v1', 'Ingress', { status }))).toEqual(status);
    expect(reflectStatus(member('networking.k8s.io/v1', 'Ingress', {}))).toBeUndefined();
    expect(reflectStatus(member('networking.k8s.io/v1', 'Ingress', { status: 'invalid' }))).toBeUndefined();
  });

  const complete = { type: 'Complete', status: 'True', reason: 'JobComplete', message: 'Job completed successfully' };
  const jobStatus = { active: 1, succeeded: 2, failed: 0, startTime: '2024-05-01T10:00:00Z', completionTime: '2024-05-01T10:05:00Z', conditions: [complete] };
  it.each([
    ['all fields', { ...jobStatus, ready: 1, terminating: 0 }, { active: 1, succeeded: 2, startTime: jobStatus.startTime, completionTime: jobStatus.completionTime, conditions: [complete] }],
    ['empty conditions', { ...jobStatus, conditions: [] }, { active: 1, succeeded: 2, startTime: jobStatus.startTime, completionTime: jobStatus.completionTime }],
    [
      'failed',
      { failed: 1, startTime: jobStatus.startTime, conditions: [{ type: 'Failed', status: 'True', reason: 'JobFailed' }] },
      { failed: 1, startTime: jobStatus.startTime, conditions: [{ type: 'Failed', status: 'True', reason: 'JobFailed' }] },
    ],
    ['only active', { active: 1, startTime: jobStatus.startTime }, { active: 1, startTime: jobStatus.startTime }],
    ['an invalid counter', { active: 'invalid' }, undefined],
    ['an invalid status', 'invalid', undefined],
  ])('Job: %s', (_name, status, want) => {
    expect(reflectStatus(member('batch/v1', 'Job', { status }))).toEqual(want);
  });

  it('Job without status reflects nothing', () => {
    expect(reflectStatus(member('batch/v1', 'Job', {}))).toBeUndefined();
  });

  it('PodDisruptionBudget: counters and disrupted pods', () => {
    const status = {
      currentHealthy: 2,
      desiredHealthy: 3,
      disruptionsAllowed: 0,
      expectedPods: 3,
      observedGeneration: 7,
      disruptedPods: { pod1: '2024-05-01T10:00:00Z' },
    };
    expect(reflectStatus(member('policy/v1', 'PodDisruptionBudget', { status }))).toEqual({
      currentHealthy: 2,
      desiredHealthy: 3,
      disruptionsAllowed: 0,
      expectedPods: 3,
      disruptedPods: { pod1: '2024-05-01T10:00:00Z' },
    });
    expect(reflectStatus(member('policy/v1', 'PodDisruptionBudget', {}))).toBeUndefined();
    expect(reflectStatus(member('policy/v1', 'PodDisruptionBudget', { status: 'invalid' }))).toBeUndefined();
  });

  it('HorizontalPodAutoscaler (autoscaling/v2): current and desired replicas', () => {
    const status = { currentReplicas: 2, desiredReplicas: 3, currentMetrics: [{ type: 'Resource' }] };
    expect(reflectStatus(member('autoscaling/v2', 'HorizontalPodAutoscaler', { status }))).toEqual({ currentReplicas: 2, desiredReplicas: 3 });
    expect(reflectStatus(member('autoscaling/v2', 'HorizontalPodAutoscaler', {}))).toBeUndefined();
    // Another version has no native hook: the whole status goes.
    expect(reflectStatus(member('autoscaling/v1', 'HorizontalPodAutoscaler', { status }))).toEqual(status);
  });
});

describe('reflectStatus: the whole status for other kinds', () => {
  it('copies .status', () => {
    const obj = member('example.io/v1', 'Widget', { status: { key: 'value', num: 1 } });
    const got = reflectStatus(obj);
    expect(got).toEqual({ key: 'value', num: 1 });
    got!.key = 'changed';
    expect((obj.status as Record<string, unknown>).key).toBe('value');
  });

  it('nothing without a status, or with one that is not an object', () => {
    expect(reflectStatus(member('example.io/v1', 'Widget', {}))).toBeUndefined();
    expect(reflectStatus(member('example.io/v1', 'Widget', { status: 'invalid' }))).toBeUndefined();
  });
});
