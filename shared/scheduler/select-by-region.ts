import type { SpreadConstraint } from '../karmada/placement.js';
import type { BindingSpec } from '../karmada/resource-binding.js';
import { compareCandidates, groupByRegion, type ClusterCandidate, type RegionGroup } from './group-clusters.js';
import { SchedulingFailure } from './types.js';

// Spreading by region (Karmada's selectBestClustersByRegion): pick the best combination of
// regions that can satisfy the cluster constraint, take each region's best cluster, then fill
// up to the cluster maxGroups with the clusters that have the most room.

interface Group {
  name: string;
  /** How many clusters the region offers. */
  value: number;
  weight: number;
}

interface Path {
  id: number;
  groups: Group[];
  weight: number;
  value: number;
}

const byWeightThenName = (a: Group, b: Group): number => (a.weight !== b.weight ? b.weight - a.weight : a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Every combination of `min`..`max` groups whose clusters add up to at least `target`, found
 * depth first over groups ordered by size (smallest first), so each path stops growing as soon as
 * it is enough.
 */
function feasiblePaths(groups: Group[], min: number, max: number, target: number): Path[] {
  groups.sort((a, b) => (a.value !== b.value ? a.value - b.value : byWeightThenName(a, b)));
  const paths: Path[] = [];
  const stack: Group[] = [];
  let id = 0;
  const visit = (sum: number, begin: number): void => {
    if (sum >= target && stack.length >= min && stack.length <= max) {
      const chosen = [...stack].sort(byWeightThenName);
      paths.push({
        id: ++id,
        groups: chosen,
        weight: chosen.reduce((s, g) => s + g.weight, 0),
        value: chosen.reduce((s, g) => s + g.value, 0),
      });
      return;
    }
    if (stack.length >= max) return;
    for (let i = begin; i < groups.length; i++) {
      stack.push(groups[i]!);
      visit(sum + groups[i]!.value, i + 1);
      stack.pop();
    }
  };
  visit(0, 0);
  return paths;
}

// A shorter path that is a prefix of the best one does the same job with fewer regions.
function isPrefixOf(sub: Path, path: Path): boolean {
  if (sub.groups.length >= path.groups.length) return false;
  return sub.groups.every((g, i) => path.groups[i]!.name === g.name);
}

/** The best path: highest total weight, then most clusters, then first found; prefixes preferred. */
function bestPath(paths: Path[]): Path {
  if (paths.length === 1) return paths[0]!;
  paths.sort((a, b) => (a.weight !== b.weight ? b.weight - a.weight : a.value !== b.value ? b.value - a.value : a.id - b.id));
  let best = paths[0]!;
  for (const p of paths.slice(1)) if (isPrefixOf(p, best)) best = p;
  return best;
}

function selectRegions(regions: Map<string, RegionGroup>, region: SpreadConstraint, cluster: SpreadConstraint | undefined): RegionGroup[] {
  const groups: Group[] = [...regions.values()].map((r) => ({ name: r.name, value: r.clusters.length, weight: r.score }));
  if (groups.length === 0) return [];
  const max = region.maxGroups && region.maxGroups > 0 ? region.maxGroups : groups.length;
  const paths = feasiblePaths(groups, region.minGroups ?? 0, max, cluster?.minGroups ?? 0);
  if (paths.length === 0) return [];
  return bestPath(paths).groups.map((g) => regions.get(g.name)!);
}

/** The clusters chosen by a region constraint (and the cluster constraint, when there is one). */
export function selectByRegion(sorted: readonly ClusterCandidate[], spec: BindingSpec, region: SpreadConstraint, cluster: SpreadConstraint | undefined): ClusterCandidate[] {
  const regions = groupByRegion(sorted, spec, region.minGroups ?? 0);
  if (regions.size < (region.minGroups ?? 0)) {
    throw new SchedulingFailure('Unschedulable', 'the number of feasible region is less than spreadConstraint.MinGroups');
  }
  const chosen = selectRegions(regions, region, cluster);
  if (chosen.length === 0) {
    throw new SchedulingFailure('Unschedulable', 'the number of clusters is less than the cluster spreadConstraint.MinGroups');
  }
  const selected = chosen.map((r) => r.clusters[0]!);
  const rest = chosen.flatMap((r) => r.clusters.slice(1));
  let need = selected.length + rest.length;
  // Without a cluster constraint Karmada takes one cluster per region; an unset maxGroups on
  // the cluster constraint means no upper bound.
  const clusterMax = cluster ? (cluster.maxGroups && cluster.maxGroups > 0 ? cluster.maxGroups : need) : 0;
  if (need > clusterMax) need = clusterMax;
  const more = need - selected.length;
  if (more > 0) selected.push(...[...rest].sort(compareCandidates).slice(0, more));
  return selected;
}
