import type { Cluster } from '../karmada/cluster.js';
import type { BindingSpec } from '../karmada/resource-binding.js';
import { generalEstimate } from './estimator-general.js';
import { nodesEstimate } from './estimator-nodes.js';
import type { NodeSnapshot, ScheduleOptions } from './types.js';

/** Go's math.MaxInt32: "no estimator had an opinion". */
export const MAX_INT32 = 2_147_483_647;

export interface EstimateInput {
  spec: BindingSpec;
  nodes?: Record<string, NodeSnapshot[]>;
  assumed?: Record<string, number>;
  options?: ScheduleOptions;
}

/**
 * Available replicas per cluster: the smallest answer of every estimator that applies (the
 * general one always, the node-level one where node snapshots exist and it is enabled). Nothing
 * is estimated for a template without replicas; an estimate nobody bounded becomes the desired
 * replica count, so it cannot overflow later sums.
 */
export function estimateAvailableReplicas(clusters: readonly Cluster[], input: EstimateInput): Map<string, number> {
  const out = new Map<string, number>();
  const replicas = input.spec.replicas ?? 0;
  const accurate = input.options?.enableSchedulerEstimator ?? true;
  const protect = input.options?.overcommitProtection ?? false;
  for (const cluster of clusters) {
    const name = cluster.metadata.name ?? '';
    if (replicas === 0) {
      out.set(name, MAX_INT32);
      continue;
    }
    const assumed = protect ? Math.max(0, input.assumed?.[name] ?? 0) : 0;
    let available = Math.min(MAX_INT32, generalEstimate(cluster, input.spec.replicaRequirements, assumed));
    const nodes = accurate ? input.nodes?.[name] : undefined;
    if (nodes) available = Math.min(available, nodesEstimate(nodes, input.spec.replicaRequirements, assumed));
    out.set(name, available === MAX_INT32 ? replicas : available);
  }
  return out;
}
