import { findUntoleratedTaint, isSchedulingTaint, taintToString } from '../toleration.js';
import type { FilterPlugin } from '../types.js';

/**
 * TaintToleration: NoSchedule and NoExecute taints on a cluster must be tolerated by the
 * placement's clusterTolerations. A cluster already in the previous result is not filtered at
 * all: moving a workload off a tainted cluster is the taint manager's decision (after the
 * toleration period), not the scheduler's.
 */
export const taintToleration: FilterPlugin = {
  name: 'TaintToleration',
  filter(cluster, ctx) {
    if (ctx.previous.has(cluster.metadata.name ?? '')) return undefined;
    const taint = findUntoleratedTaint(cluster.spec.taints, ctx.placement.clusterTolerations, isSchedulingTaint);
    return taint ? `cluster(s) had untolerated taint {${taintToString(taint)}}` : undefined;
  },
};
