// When Karmada's scheduler looks at a binding again (scheduler.go doScheduleBinding): a
// changed placement, changed replicas, a reschedule request, a Duplicated or non-workload
// binding (always), a target cluster going away, or a previous attempt that failed. A Divided
// binding is otherwise left where it is, however the clusters change.

import type { BindingSpec, ResourceBinding } from '../karmada/resource-binding.js';
import { BINDING_CONDITION_SCHEDULED } from '../karmada/resource-binding.js';
import type { ClusterAffinity } from '../karmada/common.js';
import { clusterMatchesAffinity, type ClusterIdentity } from '../policy/cluster-affinity.js';
import { jsonEqual } from '../json-equal.js';

export const APPLIED_PLACEMENT_ANNOTATION = 'policy.karmada.io/applied-placement';

export type ScheduleTrigger = 'PlacementChanged' | 'ReplicasChanged' | 'RescheduleTriggered' | 'Duplicated' | 'NonWorkload' | 'ClusterDeleting' | 'NotScheduled' | undefined;

function isDuplicated(spec: BindingSpec): boolean {
  return (spec.placement?.replicaScheduling?.replicaSchedulingType ?? 'Duplicated') === 'Duplicated';
}

export function isWorkload(spec: BindingSpec): boolean {
  return (spec.replicas ?? 0) > 0 || spec.replicaRequirements !== undefined;
}

/** Karmada's IsBindingReplicasChanged: Duplicated targets must each hold replicas, Divided ones sum to them. */
export function replicasChanged(spec: BindingSpec): boolean {
  const targets = spec.clusters ?? [];
  const want = spec.replicas ?? 0;
  if (isDuplicated(spec)) return targets.some((t) => (t.replicas ?? 0) !== want);
  return targets.reduce((n, t) => n + (t.replicas ?? 0), 0) !== want;
}

export function schedulingTrigger(binding: ResourceBinding, deletingClusters: ReadonlySet<string>): ScheduleTrigger {
  const spec = binding.spec;
  const status = binding.status;
  const applied = binding.metadata.annotations?.[APPLIED_PLACEMENT_ANNOTATION];
  if (applied === undefined || applied !== JSON.stringify(spec.placement ?? {})) return 'PlacementChanged';
  const observingAffinity = status?.schedulerObservingAffinityName;
  if (spec.placement?.clusterAffinities?.length && observingAffinity && !spec.placement.clusterAffinities.some((t) => t.affinityName === observingAffinity)) return 'PlacementChanged';
  const scheduled = status?.conditions?.find((c) => c.type === BINDING_CONDITION_SCHEDULED);
  if (!scheduled || scheduled.status !== 'True') return 'NotScheduled';
  if (isWorkload(spec) && replicasChanged(spec)) return 'ReplicasChanged';
  if (rescheduleRequested(binding)) return 'RescheduleTriggered';
  if (!isWorkload(spec)) return 'NonWorkload';
  if (isDuplicated(spec)) return 'Duplicated';
  if ((spec.clusters ?? []).some((t) => deletingClusters.has(t.name))) return 'ClusterDeleting';
  return undefined;
}

/** Karmada's RescheduleRequired: a reschedule asked for after the last scheduling, which makes the division fresh. */
export function rescheduleRequested(binding: Pick<ResourceBinding, 'spec' | 'status'>): boolean {
  const at = binding.spec.rescheduleTriggeredAt;
  if (!at) return false;
  const last = binding.status?.lastScheduledTime;
  return !last || Date.parse(at) > Date.parse(last);
}

/** The value the scheduling queue orders by (PriorityBasedScheduling): higher first, 0 when unset. */
export function schedulePriority(binding: Pick<ResourceBinding, 'spec'>): number {
  return binding.spec.schedulePriority?.priority ?? 0;
}

/**
 * The affinity a Cluster is held against when it changes (Karmada's enqueueAffectedBindings):
 * the placement's clusterAffinity, or the clusterAffinities term the binding is observed on.
 * `'any'` when the binding must be looked at whatever the cluster: no affinity at all, or a
 * clusterAffinities binding whose current generation the scheduler has not seen yet.
 */
export function affinityAgainstClusters(binding: ResourceBinding): ClusterAffinity | 'any' {
  const placement = binding.spec.placement;
  const terms = placement?.clusterAffinities;
  if (terms?.length) {
    if (binding.status?.schedulerObservedGeneration !== binding.metadata.generation) return 'any';
    const i = terms.findIndex((t) => t.affinityName === binding.status?.schedulerObservingAffinityName);
    return terms[Math.max(0, i)]!;
  }
  return placement?.clusterAffinity ?? 'any';
}

/** Whether a change to `cluster` (its state before or after the change) concerns `binding`'s scheduling. */
export function bindingConcernsCluster(binding: ResourceBinding, cluster: ClusterIdentity): boolean {
  const affinity = affinityAgainstClusters(binding);
  return affinity === 'any' || clusterMatchesAffinity(cluster, affinity);
}

export type ClusterChange = 'Added' | 'Deleting' | 'Deleted' | 'Changed' | undefined;

interface ClusterVersion extends ClusterIdentity {
  metadata: ClusterIdentity['metadata'] & { generation?: number; deletionTimestamp?: string | null };
}

/**
 * What a Cluster's change means to the scheduler (Karmada's updateCluster): deletion starting,
 * or a change of labels or of spec (generation). Status-only changes (probes, summaries) mean
 * nothing: scheduling reads them when a binding is next scheduled.
 */
export function clusterChange(previous: ClusterVersion | undefined, current: ClusterVersion | undefined): ClusterChange {
  if (!current) return 'Deleted';
  if (!previous) return 'Added';
  if (!previous.metadata.deletionTimestamp && current.metadata.deletionTimestamp) return 'Deleting';
  if (!jsonEqual(previous.metadata.labels ?? {}, current.metadata.labels ?? {})) return 'Changed';
  if (previous.metadata.generation !== current.metadata.generation) return 'Changed';
  return undefined;
}

/** Karmada's scheduler retries a failed binding after 1 s, doubling to 10 s: how long the failure has lasted, within those bounds. */
export function schedulingRetryDelayMs(failingSince: string | undefined, now: number): number {
  const since = failingSince ? Date.parse(failingSince) : NaN;
  const elapsed = Number.isFinite(since) ? now - since : 0;
  return Math.min(10_000, Math.max(1_000, elapsed));
}
