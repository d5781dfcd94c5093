import type { KubeObject } from '../object.js';
import { countAt, intAt, recordAt } from './fields.js';
import { podTemplateDependencies } from './pod-dependencies.js';
import type { Health, KindInterpreter } from './types.js';
import { aggregateWorkloadStatus, reflectWorkloadStatus, type StatusCounter } from './workload-status.js';

const COUNTERS: readonly StatusCounter[] = [
  { name: 'currentNumberScheduled', omitEmpty: false },
  { name: 'numberMisscheduled', omitEmpty: false },
  { name: 'desiredNumberScheduled', omitEmpty: false },
  { name: 'numberReady', omitEmpty: false },
  { name: 'updatedNumberScheduled', omitEmpty: true },
  { name: 'numberAvailable', omitEmpty: true },
  { name: 'numberUnavailable', omitEmpty: true },
];

/** Rolled out: the controller saw this generation, every scheduled pod is updated and the updated ones are available. */
export function interpretDaemonSetHealth(obj: KubeObject): Health {
  const status = recordAt(obj, 'status');
  if (countAt(status, 'observedGeneration') !== (intAt(obj, 'metadata', 'generation') ?? 0)) return 'Unhealthy';
  const updated = countAt(status, 'updatedNumberScheduled');
  if (updated < countAt(status, 'desiredNumberScheduled')) return 'Unhealthy';
  return countAt(status, 'numberAvailable') < updated ? 'Unhealthy' : 'Healthy';
}

/** A DaemonSet runs one pod per node in each member: it has no replicas to divide. */
export const daemonSetInterpreter: KindInterpreter = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  reflectStatus: (obj) => reflectWorkloadStatus(obj, COUNTERS),
  interpretHealth: interpretDaemonSetHealth,
  aggregateStatus: (template, items) => aggregateWorkloadStatus(template, items, COUNTERS),
  getDependencies: (obj) => podTemplateDependencies(obj, 'spec', 'template'),
};
