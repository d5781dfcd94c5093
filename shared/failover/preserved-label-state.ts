// Stateful failover (Karmada's StatefulFailoverInjection): values read from the failed copy's
// status with the policy's jsonPath rules travel in the eviction task and are put, as labels,
// on the workload sent to the cluster it moved to.

import type { BindingSpec } from '../karmada/resource-binding.js';
import { findResults, parseJsonPath } from '../printers/jsonpath.js';
import { purgesDirectly } from './eviction-task.js';

export interface StatePreservationRule {
  aliasLabelName: string;
  jsonPath: string;
}

/** A value as client-go's jsonpath prints it: strings bare, everything else as JSON. */
function printed(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * The label state the rules extract from `status`; throws when a rule finds nothing (Karmada
 * refuses to evict until the status it needs has been collected).
 */
export function buildPreservedLabelState(rules: readonly StatePreservationRule[], status: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rule of rules) {
    const results = findResults(parseJsonPath(rule.jsonPath), status);
    if (results.length === 0) throw new Error(`jsonPath ${rule.jsonPath} found nothing in the collected status`);
    out[rule.aliasLabelName] = results.map(printed).join(' ');
  }
  return out;
}

/**
 * The labels to add to the manifest for `targetCluster` (Karmada's injectReservedLabelState):
 * only for a workload on a single cluster, from the latest task, when that task purged
 * directly and the cluster is a new one (not among clustersBeforeFailover).
 */
export function preservedLabelsFor(spec: BindingSpec, targetCluster: string): Record<string, string> {
  if ((spec.clusters ?? []).length > 1) return {};
  const tasks = spec.gracefulEvictionTasks ?? [];
  const last = tasks[tasks.length - 1];
  if (!last || !purgesDirectly(last)) return {};
  if ((last.clustersBeforeFailover ?? []).includes(targetCluster)) return {};
  return { ...(last.preservedLabelState ?? {}) };
}
