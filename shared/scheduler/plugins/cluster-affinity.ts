import type { Cluster } from '../../karmada/cluster.js';
import type { ClusterAffinity } from '../../karmada/common.js';
import { clusterMatchesAffinity, type ClusterIdentity } from '../../policy/cluster-affinity.js';
import type { FilterPlugin, ScorePlugin } from '../types.js';

/** The parts of a Cluster affinities look at (stored metadata may carry a null label map). */
export function clusterIdentity(cluster: Cluster): ClusterIdentity {
  return { metadata: { name: cluster.metadata.name, labels: cluster.metadata.labels ?? undefined }, spec: cluster.spec };
}

/** Karmada's util.ClusterMatches for a Cluster object. */
export function clusterMatches(cluster: Cluster, affinity: ClusterAffinity): boolean {
  return clusterMatchesAffinity(clusterIdentity(cluster), affinity);
}

/**
 * The first affinity tier (0 = primary, then overflow tiers in order) the cluster matches;
 * undefined when it matches none. With no tiers every cluster is in tier 0.
 */
export function affinityTier(cluster: Cluster, tiers: readonly ClusterAffinity[]): number | undefined {
  if (tiers.length === 0) return 0;
  const identity = clusterIdentity(cluster);
  const i = tiers.findIndex((a) => clusterMatchesAffinity(identity, a));
  return i < 0 ? undefined : i;
}

/**
 * ClusterAffinity: the cluster must match the placement's clusterAffinity, or the clusterAffinities
 * term being tried (or one of its overflow tiers). It scores every cluster 0.
 */
export const clusterAffinity: FilterPlugin & ScorePlugin = {
  name: 'ClusterAffinity',
  filter(cluster, ctx) {
    return affinityTier(cluster, ctx.affinityTiers) === undefined ? 'cluster(s) did not match the placement cluster affinity constraint' : undefined;
  },
  score() {
    return 0;
  },
};
