import type { FilterPlugin } from '../types.js';

/** ClusterEviction: a cluster the workload is being gracefully evicted from takes no new placement. */
export const clusterEviction: FilterPlugin = {
  name: 'ClusterEviction',
  filter(cluster, ctx) {
    return ctx.evicting.has(cluster.metadata.name ?? '') ? 'cluster(s) is in the process of eviction' : undefined;
  },
};
