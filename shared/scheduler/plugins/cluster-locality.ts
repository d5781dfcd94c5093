import type { ScorePlugin } from '../types.js';

/** The highest score a plugin gives. */
export const MAX_CLUSTER_SCORE = 100;

/** ClusterLocality: prefer clusters the workload already runs on, so rescheduling moves little. */
export const clusterLocality: ScorePlugin = {
  name: 'ClusterLocality',
  score(cluster, ctx) {
    return ctx.previous.has(cluster.metadata.name ?? '') ? MAX_CLUSTER_SCORE : 0;
  },
};
