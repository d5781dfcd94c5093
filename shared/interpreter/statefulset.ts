import type { KubeObject } from '../object.js';
import { arrayAt, countAt, intAt, isRecord, recordAt, stringAt } from './fields.js';
import { podTemplateDependencies } from './pod-dependencies.js';
import type { DependentObjectReference, Health, KindInterpreter } from './types.js';
import { reviseSpecCount, specReplicas } from './workload-replicas.js';
import { aggregateWorkloadStatus, reflectWorkloadStatus, type StatusCounter } from './workload-status.js';

const COUNTERS: readonly StatusCounter[] = [
  { name: 'replicas', omitEmpty: false },
  { name: 'readyReplicas', omitEmpty: true },
  { name: 'currentReplicas', omitEmpty: true },
  { name: 'updatedReplicas', omitEmpty: true },
  { name: 'availableReplicas', omitEmpty: true },
];

/**
 * Rolled out as `kubectl rollout status` sees it: the controller saw this generation, the
 * pods at or above the rolling-update partition are updated, and every pod is available.
 */
export function interpretStatefulSetHealth(obj: KubeObject): Health {
  const status = recordAt(obj, 'status');
  if (countAt(status, 'observedGeneration') !== (intAt(obj, 'metadata', 'generation') ?? 0)) return 'Unhealthy';
  const updated = countAt(status, 'updatedReplicas');
  const available = countAt(status, 'availableReplicas');
  const replicas = intAt(obj, 'spec', 'replicas');
  if (replicas !== undefined) {
    const partition = intAt(obj, 'spec', 'updateStrategy', 'rollingUpdate', 'partition') ?? 0;
    if (updated < replicas - partition) return 'Unhealthy';
    if (available < replicas) return 'Unhealthy';
  }
  return available < updated ? 'Unhealthy' : 'Healthy';
}

/** Claims named after a volumeClaimTemplate are made per pod in the member; they are not dependencies to carry. */
export function getStatefulSetDependencies(obj: KubeObject): DependentObjectReference[] {
  const claimTemplates = new Set(
    (arrayAt(obj, 'spec', 'volumeClaimTemplates') ?? []).flatMap((t) => {
      const name = isRecord(t) ? stringAt(t, 'metadata', 'name') : undefined;
      return name ? [name] : [];
    }),
  );
  return podTemplateDependencies(obj, 'spec', 'template').filter((d) => !(d.kind === 'PersistentVolumeClaim' && claimTemplates.has(d.name)));
}

export const statefulSetInterpreter: KindInterpreter = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  getReplicas: specReplicas,
  reviseReplica: (obj, replicas) => reviseSpecCount(obj, 'replicas', replicas),
  reflectStatus: (obj) => reflectWorkloadStatus(obj, COUNTERS),
  interpretHealth: interpretStatefulSetHealth,
  aggregateStatus: (template, items) => aggregateWorkloadStatus(template, items, COUNTERS),
  getDependencies: getStatefulSetDependencies,
};
