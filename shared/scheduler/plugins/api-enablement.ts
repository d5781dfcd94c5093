import type { Cluster } from '../../karmada/cluster.js';
import type { FilterPlugin } from '../types.js';

/** Karmada's helper.IsAPIEnabled: the cluster lists the kind under the resource's group/version. */
export function isAPIEnabled(cluster: Cluster, apiVersion: string, kind: string): boolean {
  for (const e of cluster.status?.apiEnablements ?? []) {
    if (e.groupVersion !== apiVersion) continue;
    if ((e.resources ?? []).some((r) => r.kind === kind)) return true;
  }
  return false;
}

/**
 * APIEnablement: a cluster must serve the resource's kind. A cluster already in the previous
 * result always passes, whatever its API list says (even a complete one): the scheduler never
 * removes a placement because a CRD went missing; the controllers recreate the object once the
 * API is back. Only new placements are checked strictly.
 */
export const apiEnablement: FilterPlugin = {
  name: 'APIEnablement',
  filter(cluster, ctx) {
    if (ctx.previous.has(cluster.metadata.name ?? '')) return undefined;
    const { apiVersion, kind } = ctx.spec.resource;
    if (isAPIEnabled(cluster, apiVersion, kind)) return undefined;
    return 'cluster(s) did not have the API resource';
  },
};
