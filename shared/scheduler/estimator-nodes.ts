import { nodeMatchesClaim } from './node-affinity.js';
import { amount, isFittedResource, minus, schedulingUnits, wholeUnits } from './resource-amount.js';
import { findUntoleratedTaint, isSchedulingTaint, type TaintLike } from './toleration.js';
import type { ReplicaRequirements } from './estimator-general.js';
import type { NodeSnapshot } from './types.js';

// The accurate estimator, as Karmada's scheduler-estimator answers from a member's real nodes:
// a replica fits a node when the node satisfies its node claim and the node's free resources
// hold its requests; replicas are counted node by node, never summed across nodes, so a replica
// bigger than any single node fits nowhere however much the cluster has in total.

const NOT_READY: TaintLike = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };
const UNSCHEDULABLE: TaintLike = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

/** How many replicas with these requirements the node can still take. */
export function nodeCapacity(node: NodeSnapshot, requirements: ReplicaRequirements | undefined): number {
  const claim = requirements?.nodeClaim;
  const taints: TaintLike[] = [...node.taints];
  if (!node.ready) taints.push(NOT_READY);
  if (node.unschedulable) taints.push(UNSCHEDULABLE);
  if (findUntoleratedTaint(taints, claim?.tolerations, isSchedulingTaint)) return 0;
  if (!nodeMatchesClaim(node, claim)) return 0;
  let count = wholeUnits(amount(node.allocatable.pods)) - node.pods;
  for (const [resource, quantity] of Object.entries(requirements?.resourceRequest ?? {})) {
    if (!isFittedResource(resource)) continue;
    const want = schedulingUnits(resource, amount(quantity));
    if (want <= 0) continue;
    const left = schedulingUnits(resource, minus(amount(node.allocatable[resource]), amount(node.requested[resource])));
    count = Math.min(count, Math.floor(left / want));
  }
  return Math.max(0, count);
}

/** Replicas the cluster's nodes can take together, less `assumed` ones already promised. */
export function nodesEstimate(nodes: readonly NodeSnapshot[], requirements: ReplicaRequirements | undefined, assumed = 0): number {
  let total = 0;
  for (const node of nodes) total += nodeCapacity(node, requirements);
  return Math.max(0, total - assumed);
}
