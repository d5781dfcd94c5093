import type { Cluster } from '../karmada/cluster.js';
import type { BindingSpec } from '../karmada/resource-binding.js';
import { replicaSchedulingType } from './replica-scheduling.js';

// The scheduler's view of the feasible clusters while choosing among them (Karmada's
// spreadconstraint GroupClustersWithScore): each with its score, what it could hold, and the
// groups (regions) it belongs to.

export interface ClusterCandidate {
  name: string;
  cluster: Cluster;
  /** The sum of the score plugins. */
  score: number;
  /** Estimated available replicas plus what the previous result already put there. */
  available: number;
  /** The affinity tier it matched: 0 for the primary group, then overflow tiers in order. */
  tier: number;
}

export interface RegionGroup {
  name: string;
  /** Capacity first, score second (see groupScore). */
  score: number;
  available: number;
  /** In candidate order, best first. */
  clusters: ClusterCandidate[];
}

/**
 * Earlier overflow tiers first, then higher score, then more room, then name: the order clusters
 * are considered in everywhere.
 */
export function compareCandidates(a: ClusterCandidate, b: ClusterCandidate): number {
  if (a.tier !== b.tier) return a.tier - b.tier;
  if (a.score !== b.score) return b.score - a.score;
  if (a.available !== b.available) return b.available - a.available;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

// Capacity is counted in units of 1000 and the average score (0..100) added, so a group able to
// hold more always wins and the score only breaks ties.
const WEIGHT_UNIT = 1000;

function duplicatedGroupScore(clusters: readonly ClusterCandidate[], replicas: number): number {
  let valid = 0;
  let scores = 0;
  for (const c of clusters) {
    if (c.available >= replicas) {
      valid++;
      scores += c.score;
    }
  }
  return valid === 0 ? 0 : valid * WEIGHT_UNIT + Math.trunc(scores / valid);
}

/**
 * Karmada's calcGroupScore. Duplicated: how many clusters hold every replica. Divided: how much of
 * a 1/minGroups share of the replicas the group's best clusters (at least the cluster minGroups of
 * them) can hold.
 */
export function groupScore(clusters: readonly ClusterCandidate[], spec: BindingSpec, minGroups: number): number {
  const placement = spec.placement ?? {};
  const replicas = spec.replicas ?? 0;
  if (replicaSchedulingType(placement) === 'Duplicated') return duplicatedGroupScore(clusters, replicas);
  const target = Math.ceil(replicas / Math.max(1, minGroups));
  let clusterMinGroups = 0;
  for (const sc of placement.spreadConstraints ?? []) if (sc.spreadByField === 'cluster') clusterMinGroups = sc.minGroups ?? 0;
  clusterMinGroups = Math.max(clusterMinGroups, minGroups);
  let sumAvailable = 0;
  let sumScore = 0;
  let counted = 0;
  for (const c of clusters) {
    sumAvailable += c.available;
    sumScore += c.score;
    counted++;
    if (counted >= clusterMinGroups && sumAvailable >= target) break;
  }
  if (sumAvailable < target) return sumAvailable * WEIGHT_UNIT + Math.trunc(sumScore / clusters.length);
  return target * WEIGHT_UNIT + Math.trunc(sumScore / counted);
}

/** Candidates grouped by region (clusters without one are left out), each group scored. */
export function groupByRegion(sorted: readonly ClusterCandidate[], spec: BindingSpec, minGroups: number): Map<string, RegionGroup> {
  const regions = new Map<string, RegionGroup>();
  for (const c of sorted) {
    const region = c.cluster.spec.region;
    if (!region) continue;
    let g = regions.get(region);
    if (!g) {
      g = { name: region, score: 0, available: 0, clusters: [] };
      regions.set(region, g);
    }
    g.clusters.push(c);
    g.available += c.available;
  }
  for (const g of regions.values()) g.score = groupScore(g.clusters, spec, minGroups);
  return regions;
}
