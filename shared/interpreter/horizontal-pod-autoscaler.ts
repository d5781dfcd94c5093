import type { KubeObject } from '../object.js';
import { countAt, putCount, recordAt, withStatus, type JsonObject } from './fields.js';
import type { AggregatedStatusItem, KindInterpreter } from './types.js';

export function reflectHorizontalPodAutoscalerStatus(obj: KubeObject): JsonObject | undefined {
  const status = recordAt(obj, 'status');
  if (status === undefined) return undefined;
  const out: JsonObject = {};
  putCount(out, 'currentReplicas', countAt(status, 'currentReplicas'), true);
  out.desiredReplicas = countAt(status, 'desiredReplicas');
  return out;
}

/** Each member's HPA scales its own share, so the replicas add up; the template's other status fields stay. */
export function aggregateHorizontalPodAutoscalerStatus(template: KubeObject, items: readonly AggregatedStatusItem[]): KubeObject {
  let current = 0;
  let desired = 0;
  for (const item of items) {
    if (!item.status) continue;
    current += countAt(item.status, 'currentReplicas');
    desired += countAt(item.status, 'desiredReplicas');
  }
  const next: JsonObject = { ...(recordAt(template, 'status') ?? {}) };
  putCount(next, 'currentReplicas', current, true);
  next.desiredReplicas = desired;
  return withStatus(template, next);
}

export const horizontalPodAutoscalerInterpreter: KindInterpreter = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  reflectStatus: reflectHorizontalPodAutoscalerStatus,
  aggregateStatus: aggregateHorizontalPodAutoscalerStatus,
};
