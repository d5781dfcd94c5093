import type { KubeObject } from '../object.js';
import { countAt, intAt, recordAt } from './fields.js';
import { podTemplateDependencies } from './pod-dependencies.js';
import type { Health, KindInterpreter } from './types.js';
import { reviseSpecCount, specReplicas } from './workload-replicas.js';
import { aggregateWorkloadStatus, reflectWorkloadStatus, type StatusCounter } from './workload-status.js';

const COUNTERS: readonly StatusCounter[] = [
  { name: 'replicas', omitEmpty: false },
  { name: 'readyReplicas', omitEmpty: true },
  { name: 'availableReplicas', omitEmpty: true },
];

/** The controller saw this generation and as many replicas as wanted are available. */
export function interpretReplicaSetHealth(obj: KubeObject): Health {
  const status = recordAt(obj, 'status');
  if (countAt(status, 'observedGeneration') !== (intAt(obj, 'metadata', 'generation') ?? 0)) return 'Unhealthy';
  const replicas = intAt(obj, 'spec', 'replicas');
  return replicas !== undefined && countAt(status, 'availableReplicas') < replicas ? 'Unhealthy' : 'Healthy';
}

export const replicaSetInterpreter: KindInterpreter = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  getReplicas: specReplicas,
  reviseReplica: (obj, replicas) => reviseSpecCount(obj, 'replicas', replicas),
  reflectStatus: (obj) => reflectWorkloadStatus(obj, COUNTERS),
  interpretHealth: interpretReplicaSetHealth,
  aggregateStatus: (template, items) => aggregateWorkloadStatus(template, items, COUNTERS),
  getDependencies: (obj) => podTemplateDependencies(obj, 'spec', 'template'),
};
