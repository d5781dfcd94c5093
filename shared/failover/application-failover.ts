// Application failover's decision (Karmada's application failover controllers): a workload
// Unhealthy in a cluster for decisionConditions.tolerationSeconds is evicted from it. Karmada
// remembers since when in memory; a stateless controller keeps it in an annotation on the
// binding, written only when the set of unhealthy clusters changes.

import type { BindingSpec } from '../karmada/resource-binding.js';
import type { ApplicationFailoverBehavior } from '../karmada/failover.js';
import { isGracefulPurge } from '../karmada/failover.js';
import type { AggregatedStatusItem, EvictionTaskOptions } from './eviction-task.js';
import { EVICTION_PRODUCER_APPLICATION_FAILOVER, EVICTION_REASON_APPLICATION_FAILURE } from './eviction-task.js';
import { buildPreservedLabelState } from './preserved-label-state.js';

/** JSON object cluster → RFC 3339 time the workload was first seen Unhealthy there. */
export const UNHEALTHY_SINCE_ANNOTATION = 'failover.flotilla.io/unhealthy-since';

export function readUnhealthySince(annotations: Record<string, string> | undefined | null): Record<string, string> {
  const raw = annotations?.[UNHEALTHY_SINCE_ANNOTATION];
  if (!raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

export function writeUnhealthySince(annotations: Record<string, string> | undefined | null, since: Record<string, string>): Record<string, string> | undefined {
  const out = { ...(annotations ?? {}) };
  const keys = Object.keys(since).sort();
  if (keys.length) out[UNHEALTHY_SINCE_ANNOTATION] = JSON.stringify(Object.fromEntries(keys.map((k) => [k, since[k]!])));
  else delete out[UNHEALTHY_SINCE_ANNOTATION];
  return Object.keys(out).length ? out : undefined;
}

export interface FailureDetection {
  /** The updated record of unhealthy clusters. */
  since: Record<string, string>;
  /** Clusters whose toleration has run out. */
  evict: string[];
  /** When to look again (ms) for the next toleration to run out. */
  recheckMs?: number;
}

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Clusters of spec.clusters where the workload is Unhealthy (and not already being evicted)
 * start or keep their clock; any other cluster's clock is dropped, so a recovery resets it.
 */
export function detectApplicationFailures(
  spec: BindingSpec,
  aggregated: readonly AggregatedStatusItem[] | undefined,
  previous: Record<string, string>,
  tolerationSeconds: number,
  nowMs: number,
): FailureDetection {
  const targets = new Set((spec.clusters ?? []).map((t) => t.name));
  const evicting = new Set((spec.gracefulEvictionTasks ?? []).map((t) => t.fromCluster));
  const since: Record<string, string> = {};
  const evict: string[] = [];
  let recheckMs: number | undefined;
  for (const item of aggregated ?? []) {
    const c = item.clusterName;
    if (item.health !== 'Unhealthy' || !targets.has(c) || evicting.has(c)) continue;
    const start = previous[c] ?? isoSeconds(nowMs);
    since[c] = start;
    const left = Date.parse(start) + tolerationSeconds * 1000 - nowMs;
    if (left <= 0) evict.push(c);
    else if (recheckMs === undefined || left < recheckMs) recheckMs = left;
  }
  for (const c of evict) delete since[c];
  return { since, evict, ...(recheckMs !== undefined ? { recheckMs } : {}) };
}

/** The eviction task for an application failure, from the policy's behaviour (Karmada's buildTaskOptions). */
export function applicationEvictionTask(
  behavior: ApplicationFailoverBehavior,
  aggregated: readonly AggregatedStatusItem[] | undefined,
  cluster: string,
  clustersBeforeFailover: string[],
  message: string,
): EvictionTaskOptions {
  const purgeMode = behavior.purgeMode ?? 'Gracefully';
  const opts: EvictionTaskOptions = { producer: EVICTION_PRODUCER_APPLICATION_FAILOVER, reason: EVICTION_REASON_APPLICATION_FAILURE, purgeMode, message };
  const rules = behavior.statePreservation?.rules ?? [];
  if (rules.length) {
    const status = aggregated?.find((a) => a.clusterName === cluster)?.status;
    if (status === undefined || status === null) throw new Error(`the application status has not yet been collected from cluster ${cluster}`);
    opts.preservedLabelState = buildPreservedLabelState(rules, status);
    opts.clustersBeforeFailover = clustersBeforeFailover;
  }
  if (isGracefulPurge(purgeMode)) {
    if (behavior.gracePeriodSeconds !== undefined) opts.gracePeriodSeconds = behavior.gracePeriodSeconds;
  } else if (purgeMode === 'Never') opts.suppressDeletion = true;
  return opts;
}
