import type { Placement, SpreadConstraint } from '../karmada/placement.js';
import type { BindingSpec } from '../karmada/resource-binding.js';
import type { ClusterCandidate } from './group-clusters.js';
import { availableResourceIgnored, spreadConstraintsIgnored } from './replica-scheduling.js';
import { selectByRegion } from './select-by-region.js';
import { SchedulingFailure } from './types.js';

// Choosing among the feasible clusters by the placement's spread constraints (Karmada's
// SelectBestClusters). Only cluster and region spreading choose; zone and provider constraints
// have already filtered out clusters that lack the field.

function totalAvailable(clusters: readonly ClusterCandidate[]): number {
  return clusters.reduce((s, c) => s + c.available, 0);
}

/**
 * The `count` best-scored clusters, trading the lowest-scored picks (last first) for the roomiest
 * of the rest until together they hold `replicas`; empty when even that is not enough.
 */
export function selectByAvailableResource(sorted: readonly ClusterCandidate[], count: number, replicas: number): ClusterCandidate[] {
  const picked = sorted.slice(0, count);
  const rest = sorted.slice(count);
  for (let i = picked.length - 1; i >= 0 && totalAvailable(picked) < replicas; i--) {
    let best = -1;
    let most = picked[i]!.available;
    for (let j = 0; j < rest.length; j++) {
      if (rest[j]!.available > most) {
        best = j;
        most = rest[j]!.available;
      }
    }
    if (best < 0) continue;
    [picked[i], rest[best]] = [rest[best]!, picked[i]!];
  }
  return totalAvailable(picked) >= replicas ? picked : [];
}

function selectByCluster(sorted: readonly ClusterCandidate[], constraint: SpreadConstraint, replicas: number | undefined): ClusterCandidate[] {
  if (sorted.length < (constraint.minGroups ?? 0)) {
    throw new SchedulingFailure('Unschedulable', 'the number of feasible clusters is less than spreadConstraint.MinGroups');
  }
  // An unset maxGroups means no upper bound.
  const max = constraint.maxGroups && constraint.maxGroups > 0 ? constraint.maxGroups : sorted.length;
  const count = Math.min(max, sorted.length);
  if (replicas === undefined) return sorted.slice(0, count);
  const picked = selectByAvailableResource(sorted, count, replicas);
  if (picked.length === 0) throw new SchedulingFailure('Unschedulable', `no enough resource when selecting ${count} clusters`);
  return picked;
}

/**
 * The clusters to assign replicas to, from candidates already in candidate order. Without spread
 * constraints (or with static weights, which ignore them) that is every candidate.
 */
export function selectClusters(sorted: readonly ClusterCandidate[], placement: Placement, spec: BindingSpec): ClusterCandidate[] {
  const constraints = placement.spreadConstraints ?? [];
  if (constraints.length === 0 || spreadConstraintsIgnored(placement)) return [...sorted];
  const replicas = availableResourceIgnored(placement) ? undefined : (spec.replicas ?? 0);
  const byField = new Map<string, SpreadConstraint>();
  for (const c of constraints) byField.set(c.spreadByField ?? '', c);
  const region = byField.get('region');
  if (region) return selectByRegion(sorted, spec, region, byField.get('cluster'));
  const cluster = byField.get('cluster');
  if (cluster) return selectByCluster(sorted, cluster, replicas);
  throw new SchedulingFailure('Unschedulable', 'just support cluster and region spread constraint');
}
