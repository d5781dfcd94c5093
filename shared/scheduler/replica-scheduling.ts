import type { Placement } from '../karmada/placement.js';
import type { BindingSpec } from '../karmada/resource-binding.js';

// How a placement's replicaScheduling reads, in the terms Karmada's scheduler decides by.

export type AssignStrategy = 'Duplicated' | 'Aggregated' | 'StaticWeight' | 'DynamicWeight';

/**
 * Whether replicas are scheduled at all: a template with replicas or per-replica requirements,
 * and at most one pod template. Anything else goes to every selected cluster without a count.
 */
export function isWorkload(spec: BindingSpec): boolean {
  if ((spec.components?.length ?? 0) > 1) return false;
  return (spec.replicas ?? 0) > 0 || spec.replicaRequirements !== undefined;
}

/**
 * Karmada's Placement.ReplicaSchedulingType(): no replicaScheduling at all means Duplicated, a
 * replicaScheduling without a type means Divided (the CRD default).
 */
export function replicaSchedulingType(placement: Placement): 'Duplicated' | 'Divided' {
  const rs = placement.replicaScheduling;
  if (!rs) return 'Duplicated';
  return rs.replicaSchedulingType ?? 'Divided';
}

/** The assignment strategy; Divided without a preference is Weighted, as the webhook defaults it. */
export function assignStrategy(placement: Placement): AssignStrategy {
  const rs = placement.replicaScheduling;
  if (replicaSchedulingType(placement) === 'Duplicated' || !rs) return 'Duplicated';
  if (rs.replicaDivisionPreference === 'Aggregated') return 'Aggregated';
  return rs.weightPreference?.dynamicWeight ? 'DynamicWeight' : 'StaticWeight';
}

/** Static weights decide the split themselves, so spread constraints are not consulted for them. */
export function spreadConstraintsIgnored(placement: Placement): boolean {
  const rs = placement.replicaScheduling;
  if (!rs || replicaSchedulingType(placement) !== 'Divided') return false;
  if ((rs.replicaDivisionPreference ?? 'Weighted') !== 'Weighted') return false;
  const wp = rs.weightPreference;
  return !wp || ((wp.staticWeightList?.length ?? 0) > 0 && !wp.dynamicWeight);
}

/** Duplicated copies need no room for a share, so cluster selection ignores capacity for them. */
export function availableResourceIgnored(placement: Placement): boolean {
  return replicaSchedulingType(placement) === 'Duplicated';
}
