import type { KubeObject } from '../object.js';
import { clone, countAt, intAt, recordAt, setAt, stringAt } from './fields.js';
import { podTemplateDependencies } from './pod-dependencies.js';
import type { Health, KindInterpreter } from './types.js';
import { RETAIN_REPLICAS_LABEL, RETAIN_REPLICAS_VALUE } from './well-known-keys.js';
import { reviseSpecCount, specReplicas } from './workload-replicas.js';
import { aggregateWorkloadStatus, reflectWorkloadStatus, type StatusCounter } from './workload-status.js';

const COUNTERS: readonly StatusCounter[] = [
  { name: 'replicas', omitEmpty: true },
  { name: 'updatedReplicas', omitEmpty: true },
  { name: 'readyReplicas', omitEmpty: true },
  { name: 'availableReplicas', omitEmpty: true },
  { name: 'unavailableReplicas', omitEmpty: true },
];

/** Rolled out: the controller saw this generation, every replica is updated and the updated ones are available. */
export function interpretDeploymentHealth(obj: KubeObject): Health {
  const status = recordAt(obj, 'status');
  if (countAt(status, 'observedGeneration') !== (intAt(obj, 'metadata', 'generation') ?? 0)) return 'Unhealthy';
  const replicas = intAt(obj, 'spec', 'replicas');
  const updated = countAt(status, 'updatedReplicas');
  if (replicas !== undefined && updated < replicas) return 'Unhealthy';
  return countAt(status, 'availableReplicas') < updated ? 'Unhealthy' : 'Healthy';
}

/**
 * A template labelled retain-replicas is scaled in each member by something else (an HPA
 * there), so the member's replica count wins over the template's share.
 */
export function retainDeploymentReplicas(desired: KubeObject, observed: KubeObject): KubeObject {
  if (stringAt(desired, 'metadata', 'labels', RETAIN_REPLICAS_LABEL) !== RETAIN_REPLICAS_VALUE) return desired;
  const replicas = intAt(observed, 'spec', 'replicas');
  if (replicas === undefined) return desired;
  const out = clone(desired);
  setAt(out, ['spec', 'replicas'], replicas);
  return out;
}

export const deploymentInterpreter: KindInterpreter = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  getReplicas: specReplicas,
  reviseReplica: (obj, replicas) => reviseSpecCount(obj, 'replicas', replicas),
  reflectStatus: (obj) => reflectWorkloadStatus(obj, COUNTERS),
  interpretHealth: interpretDeploymentHealth,
  aggregateStatus: (template, items) => aggregateWorkloadStatus(template, items, COUNTERS),
  retain: retainDeploymentReplicas,
  getDependencies: (obj) => podTemplateDependencies(obj, 'spec', 'template'),
};
