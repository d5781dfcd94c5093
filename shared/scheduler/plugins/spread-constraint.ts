import type { FilterPlugin } from '../types.js';

/**
 * SpreadConstraint: spreading by provider, region or zone needs the cluster to declare it.
 * (Only cluster and region spreading pick clusters; zone and provider act here only.)
 */
export const spreadConstraint: FilterPlugin = {
  name: 'SpreadConstraint',
  filter(cluster, ctx) {
    for (const c of ctx.placement.spreadConstraints ?? []) {
      if (c.spreadByField === 'provider' && !cluster.spec.provider) return 'cluster(s) did not have provider property';
      if (c.spreadByField === 'region' && !cluster.spec.region) return 'cluster(s) did not have region property';
      if (c.spreadByField === 'zone' && (cluster.spec.zones?.length ?? 0) === 0) return 'cluster(s) did not have zones property';
    }
    return undefined;
  },
};
