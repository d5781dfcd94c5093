// When Karmada's scheduler looks at a binding again (scheduler.go doScheduleBinding): a
// changed placement, changed replicas, a reschedule request, a Duplicated or non-workload
// binding (always), a target cluster going away, or a previous attempt that failed. A Divided
// binding is otherwise left where it is, however the clusters change.

import type { BindingSpec, ResourceBinding } from '../karmada/resource-binding.js';
import { BINDING_CONDITION_SCHEDULED } from '../karmada/resource-binding.js';

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
  if (spec.rescheduleTriggeredAt && (!status?.lastScheduledTime || Date.parse(spec.rescheduleTriggeredAt) > Date.parse(status.lastScheduledTime))) return 'RescheduleTriggered';
  if (!isWorkload(spec)) return 'NonWorkload';
  if (isDuplicated(spec)) return 'Duplicated';
  if ((spec.clusters ?? []).some((t) => deletingClusters.has(t.name))) return 'ClusterDeleting';
  return undefined;
}
