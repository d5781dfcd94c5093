// Graceful eviction tasks on a binding: how one is added (Karmada's GracefulEvictCluster: the
// same change takes the cluster out of spec.clusters) and when one is done (the graceful
// eviction controller's assessment). Pure: the controllers only read, call and write.

import type { BindingSpec, ResourceBinding } from '../karmada/resource-binding.js';
import type { PurgeMode } from '../karmada/failover.js';

export type GracefulEvictionTask = NonNullable<BindingSpec['gracefulEvictionTasks']>[number];
export type AggregatedStatusItem = NonNullable<NonNullable<ResourceBinding['status']>['aggregatedStatus']>[number];

export const EVICTION_REASON_TAINT_UNTOLERATED = 'TaintUntolerated';
export const EVICTION_REASON_APPLICATION_FAILURE = 'ApplicationFailure';
export const EVICTION_PRODUCER_TAINT_MANAGER = 'TaintManager';
export const EVICTION_PRODUCER_APPLICATION_FAILOVER = 'resource-binding-application-failover-controller';

export interface EvictionTaskOptions {
  purgeMode?: PurgeMode;
  producer: string;
  reason: string;
  message?: string;
  gracePeriodSeconds?: number;
  suppressDeletion?: boolean;
  preservedLabelState?: Record<string, string>;
  clustersBeforeFailover?: string[];
  /** When the task starts (RFC 3339); the graceful eviction controller fills it when absent. */
  creationTimestamp?: string;
}

/**
 * Takes `cluster` out of spec.clusters and records why in a task, unless a task for it exists
 * already. A cluster not in spec.clusters leaves the spec as it is (returns the same object).
 */
export function gracefulEvictCluster(spec: BindingSpec, cluster: string, opts: EvictionTaskOptions): BindingSpec {
  const targets = spec.clusters ?? [];
  const target = targets.find((t) => t.name === cluster);
  if (!target) return spec;
  const clusters = targets.filter((t) => t.name !== cluster);
  const tasks = spec.gracefulEvictionTasks ?? [];
  const next: BindingSpec = { ...spec, clusters: clusters.length ? clusters : undefined };
  if (tasks.some((t) => t.fromCluster === cluster)) return next;
  const task: GracefulEvictionTask = {
    fromCluster: cluster,
    ...(opts.purgeMode ? { purgeMode: opts.purgeMode } : {}),
    ...(target.replicas && target.replicas > 0 ? { replicas: target.replicas } : {}),
    reason: opts.reason,
    ...(opts.message ? { message: opts.message.slice(0, 1024) } : {}),
    producer: opts.producer,
    ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}),
    ...(opts.suppressDeletion !== undefined ? { suppressDeletion: opts.suppressDeletion } : {}),
    ...(opts.preservedLabelState && Object.keys(opts.preservedLabelState).length ? { preservedLabelState: opts.preservedLabelState } : {}),
    ...(opts.clustersBeforeFailover?.length ? { clustersBeforeFailover: opts.clustersBeforeFailover } : {}),
    ...(opts.creationTimestamp ? { creationTimestamp: opts.creationTimestamp } : {}),
  };
  return { ...next, gracefulEvictionTasks: [...tasks, task] };
}

/** Whether the old copy goes with the task's creation (Directly, or its old spelling Immediately). */
export function purgesDirectly(task: Pick<GracefulEvictionTask, 'purgeMode'>): boolean {
  return task.purgeMode === 'Directly' || task.purgeMode === 'Immediately';
}

export type TaskOutcome = 'kept' | 'started' | 'healthy' | 'timeout' | 'confirmed';

export interface TaskAssessment {
  task: GracefulEvictionTask;
  outcome: TaskOutcome;
}

export interface EvictionAssessment {
  /** The tasks to keep (new ones now carry their creationTimestamp). */
  kept: GracefulEvictionTask[];
  /** Every task with what became of it. */
  assessed: TaskAssessment[];
  /** When to look again (ms from now) if nothing else changes; undefined when nothing waits on time. */
  recheckMs?: number;
}

/**
 * Every cluster now in spec.clusters reports the workload Healthy (Karmada's ResourceHealth
 * eviction plugin). With no cluster at all there is nowhere the workload runs but the old copy,
 * so that is not "healthy elsewhere": the task waits for its timeout.
 */
export function newPlacementHealthy(spec: BindingSpec, aggregated: readonly AggregatedStatusItem[] | undefined, fromCluster: string): boolean {
  const targets = (spec.clusters ?? []).filter((t) => t.name !== fromCluster);
  if (targets.length === 0) return false;
  return targets.every((t) => aggregated?.find((a) => a.clusterName === t.name)?.health === 'Healthy');
}

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Karmada's assessEvictionTasks: a task without a creation time gets one and stays;
 * suppressDeletion true keeps it for ever, false ends it now; otherwise it ends when its grace
 * period (or the controller's timeout) has passed, or once the new placement is healthy.
 */
export function assessEvictionTasks(
  spec: BindingSpec,
  aggregated: readonly AggregatedStatusItem[] | undefined,
  timeoutMs: number,
  nowMs: number,
): EvictionAssessment {
  const kept: GracefulEvictionTask[] = [];
  const assessed: TaskAssessment[] = [];
  let recheckMs: number | undefined;
  const wake = (ms: number): void => {
    const v = Math.max(0, ms);
    if (recheckMs === undefined || v < recheckMs) recheckMs = v;
  };
  for (const task of spec.gracefulEvictionTasks ?? []) {
    if (!task.creationTimestamp) {
      const started = { ...task, creationTimestamp: isoSeconds(nowMs) };
      kept.push(started);
      assessed.push({ task: started, outcome: 'started' });
      if (task.suppressDeletion === undefined) wake(task.gracePeriodSeconds !== undefined ? task.gracePeriodSeconds * 1000 : timeoutMs);
      continue;
    }
    if (task.suppressDeletion === true) {
      kept.push(task);
      assessed.push({ task, outcome: 'kept' });
      continue;
    }
    if (task.suppressDeletion === false) {
      assessed.push({ task, outcome: 'confirmed' });
      continue;
    }
    const limit = task.gracePeriodSeconds !== undefined ? task.gracePeriodSeconds * 1000 : timeoutMs;
    const deadline = Date.parse(task.creationTimestamp) + limit;
    if (nowMs >= deadline) {
      assessed.push({ task, outcome: 'timeout' });
      continue;
    }
    if (newPlacementHealthy(spec, aggregated, task.fromCluster)) {
      assessed.push({ task, outcome: 'healthy' });
      continue;
    }
    kept.push(task);
    assessed.push({ task, outcome: 'kept' });
    wake(deadline - nowMs);
  }
  return { kept, assessed, ...(recheckMs !== undefined ? { recheckMs } : {}) };
}
