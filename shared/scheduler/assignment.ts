import type { Placement } from '../karmada/placement.js';
import type { BindingSpec } from '../karmada/resource-binding.js';
import { divideByWeights } from './divide.js';
import type { ClusterCandidate } from './group-clusters.js';
import { clusterMatches } from './plugins/cluster-affinity.js';
import { assignStrategy, isWorkload, type AssignStrategy } from './replica-scheduling.js';
import { SchedulingFailure, type ScheduledCluster } from './types.js';

// Replica assignment over the selected clusters (Karmada's AssignReplicas and its strategies).

export interface AssignInput {
  /** The selected clusters, in candidate order. */
  selected: readonly ClusterCandidate[];
  spec: BindingSpec;
  /** Estimated available replicas per cluster (not counting what the cluster already runs). */
  availability: ReadonlyMap<string, number>;
  /** Disregard the previous result entirely (a requested reschedule). */
  fresh: boolean;
}

interface Share {
  name: string;
  replicas: number;
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function sum(shares: readonly Share[]): number {
  return shares.reduce((s, c) => s + c.replicas, 0);
}

function unschedulable(available: number): SchedulingFailure {
  return new SchedulingFailure('Unschedulable', `Clusters available replicas ${available} are not enough to schedule.`);
}

/** Adds shares of the same cluster together. */
function merge(...lists: Share[][]): Share[] {
  const m = new Map<string, number>();
  for (const list of lists) for (const s of list) m.set(s.name, (m.get(s.name) ?? 0) + s.replicas);
  return [...m].map(([name, replicas]) => ({ name, replicas }));
}

/**
 * A cluster's static weight is the largest weight of the rules that select it; clusters with no
 * weight get nothing, and when no cluster has one they all weigh the same.
 */
export function staticWeights(selected: readonly ClusterCandidate[], placement: Placement): Array<{ name: string; weight: number }> {
  const rules = placement.replicaScheduling?.weightPreference?.staticWeightList ?? [];
  const weights: Array<{ name: string; weight: number }> = [];
  for (const c of selected) {
    let weight = 0;
    for (const rule of rules) if (clusterMatches(c.cluster, rule.targetCluster)) weight = Math.max(weight, rule.weight);
    if (weight > 0) weights.push({ name: c.name, weight });
  }
  if (weights.length === 0) return selected.map((c) => ({ name: c.name, weight: 1 }));
  return weights;
}

interface DynamicRound {
  strategy: 'Aggregated' | 'DynamicWeight';
  target: number;
  /** Weights sorted by weight descending (name ascending on ties). */
  weights: Share[];
  /** Clusters that already hold replicas, which Aggregated fills first. */
  prior: ReadonlySet<string>;
  uid: string | undefined;
}

function sortedByReplicasDesc(shares: Share[]): Share[] {
  return [...shares].sort((a, b) => (a.replicas !== b.replicas ? b.replicas - a.replicas : byName(a, b)));
}

/** Karmada's dynamicDivideReplicas: check capacity, narrow down for Aggregated, divide by Webster. */
function divideDynamically(round: DynamicRound): Share[] {
  const available = sum(round.weights);
  if (available < round.target) throw unschedulable(available);
  let weights = round.weights;
  if (round.strategy === 'Aggregated') {
    // Clusters already in use first, then the roomiest: as few clusters as can hold the target.
    const ordered = [...weights.filter((w) => round.prior.has(w.name)), ...weights.filter((w) => !round.prior.has(w.name))];
    let acc = 0;
    const cut = ordered.findIndex((w) => (acc += w.replicas) >= round.target);
    weights = cut < 0 ? ordered : ordered.slice(0, cut + 1);
  }
  return divideByWeights(round.target, weights.map((w) => ({ name: w.name, weight: w.replicas })), round.uid);
}

/**
 * Dynamic weight and Aggregated over one set of clusters. Steady mode keeps the previous result
 * as far as it can: a scale-up divides only the extra replicas by available room and adds them
 * on top; a scale-down shrinks every cluster in proportion to what it has; an unchanged count
 * keeps the previous result. Fresh mode divides everything again by room plus current replicas.
 */
function assignDynamic(strategy: 'Aggregated' | 'DynamicWeight', clusters: readonly ClusterCandidate[], target: number, input: AssignInput): Share[] {
  const names = new Set(clusters.map((c) => c.name));
  // Replicas on clusters no longer selected are not "assigned": they count as replicas to place.
  const scheduled = merge((input.spec.clusters ?? []).filter((c) => names.has(c.name)).map((c) => ({ name: c.name, replicas: c.replicas ?? 0 })));
  const assigned = sum(scheduled);
  const uid = input.spec.resource.uid;
  const room = (name: string): number => input.availability.get(name) ?? 0;
  if (input.fresh) {
    const current = new Map(scheduled.map((s) => [s.name, s.replicas]));
    const weights = sortedByReplicasDesc(clusters.map((c) => ({ name: c.name, replicas: room(c.name) + (current.get(c.name) ?? 0) })));
    return divideDynamically({ strategy, target, weights, prior: new Set(), uid });
  }
  if (assigned > target) {
    return divideDynamically({ strategy, target, weights: sortedByReplicasDesc(scheduled), prior: new Set(), uid });
  }
  if (assigned < target) {
    const weights = sortedByReplicasDesc(clusters.map((c) => ({ name: c.name, replicas: room(c.name) })));
    const prior = new Set(scheduled.filter((s) => s.replicas > 0).map((s) => s.name));
    return merge(scheduled, divideDynamically({ strategy, target: target - assigned, weights, prior, uid }));
  }
  return scheduled;
}

/**
 * With overflow tiers, each tier in order takes as many of the remaining replicas as it can hold
 * (its room plus what it already runs), so replicas spill into later tiers only when earlier ones
 * are full, and a scale-down empties the last tiers first.
 */
function assignByTiers(strategy: 'Aggregated' | 'DynamicWeight', input: AssignInput, replicas: number): Share[] {
  const tiers = [...new Set(input.selected.map((c) => c.tier))].sort((a, b) => a - b);
  const current = new Map<string, number>();
  for (const c of input.spec.clusters ?? []) current.set(c.name, (current.get(c.name) ?? 0) + (c.replicas ?? 0));
  let remaining = replicas;
  const out: Share[][] = [];
  for (const tier of tiers) {
    const clusters = input.selected.filter((c) => c.tier === tier);
    const capacity = clusters.reduce((s, c) => s + (input.availability.get(c.name) ?? 0) + (current.get(c.name) ?? 0), 0);
    const take = Math.min(remaining, capacity);
    out.push(assignDynamic(strategy, clusters, take, input));
    remaining -= take;
  }
  if (remaining > 0) throw unschedulable(input.selected.reduce((s, c) => s + (input.availability.get(c.name) ?? 0), 0));
  return merge(...out);
}

function assignWorkload(strategy: AssignStrategy, input: AssignInput): Share[] {
  const replicas = input.spec.replicas ?? 0;
  const placement = input.spec.placement ?? {};
  switch (strategy) {
    case 'Duplicated':
      return input.selected.map((c) => ({ name: c.name, replicas }));
    case 'StaticWeight':
      return divideByWeights(replicas, staticWeights(input.selected, placement), input.spec.resource.uid);
    case 'Aggregated':
    case 'DynamicWeight':
      if (new Set(input.selected.map((c) => c.tier)).size > 1) return assignByTiers(strategy, input, replicas);
      return assignDynamic(strategy, input.selected, replicas, input);
  }
}

/**
 * The scheduling result for the selected clusters, sorted by name. Templates that are not
 * workloads go to every selected cluster without a replica count; for workloads, clusters left
 * with no replicas are dropped.
 */
export function assignReplicas(input: AssignInput): ScheduledCluster[] {
  if (input.selected.length === 0) throw new SchedulingFailure('Unschedulable', 'no clusters available to schedule');
  if (!isWorkload(input.spec)) return input.selected.map((c) => ({ name: c.name })).sort(byName);
  const shares = assignWorkload(assignStrategy(input.spec.placement ?? {}), input);
  return shares.filter((s) => s.replicas > 0).sort(byName);
}
