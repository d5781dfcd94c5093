import type { KubeObject } from '../object.js';
import { countAt, recordAt, withStatus, type JsonObject } from './fields.js';
import type { AggregatedStatusItem, Health, KindInterpreter } from './types.js';

const COUNTERS = ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] as const;

export function reflectPodDisruptionBudgetStatus(obj: KubeObject): JsonObject | undefined {
  const status = recordAt(obj, 'status');
  if (status === undefined) return undefined;
  const out: JsonObject = {};
  for (const c of COUNTERS) out[c] = countAt(status, c);
  const disrupted = recordAt(status, 'disruptedPods');
  if (disrupted && Object.keys(disrupted).length > 0) out.disruptedPods = { ...disrupted };
  return out;
}

export function interpretPodDisruptionBudgetHealth(obj: KubeObject): Health {
  const status = recordAt(obj, 'status');
  return countAt(status, 'currentHealthy') >= countAt(status, 'desiredHealthy') ? 'Healthy' : 'Unhealthy';
}

/** Counters summed; disrupted pods of all members, keyed <cluster>/<pod> since pod names repeat across clusters. */
export function aggregatePodDisruptionBudgetStatus(template: KubeObject, items: readonly AggregatedStatusItem[]): KubeObject {
  const next: JsonObject = Object.fromEntries(COUNTERS.map((c) => [c, 0]));
  const disruptedPods: JsonObject = {};
  for (const item of items) {
    if (!item.status) continue;
    for (const c of COUNTERS) next[c] = (next[c] as number) + countAt(item.status, c);
    for (const [pod, time] of Object.entries(recordAt(item.status, 'disruptedPods') ?? {})) disruptedPods[`${item.clusterName}/${pod}`] = time;
  }
  if (Object.keys(disruptedPods).length > 0) next.disruptedPods = disruptedPods;
  return withStatus(template, next);
}

export const podDisruptionBudgetInterpreter: KindInterpreter = {
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  reflectStatus: reflectPodDisruptionBudgetStatus,
  interpretHealth: interpretPodDisruptionBudgetHealth,
  aggregateStatus: aggregatePodDisruptionBudgetStatus,
};
