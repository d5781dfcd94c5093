import type { z } from 'zod';
import type { Cluster } from '../karmada/cluster.js';
import type { replicaRequirements } from '../karmada/resource-binding.js';
import { amount, isFittedResource, minus, schedulingUnits, wholeUnits, type Amount } from './resource-amount.js';

// Karmada's general estimator: how many more replicas a cluster can take, judged from the
// cluster's resource summary alone (pkg/estimator/client/general.go).

export type ReplicaRequirements = z.infer<typeof replicaRequirements>;
type ResourceSummary = NonNullable<NonNullable<Cluster['status']>['resourceSummary']>;
type Amounts = Record<string, string | number> | undefined;

const MAX_INT32 = 2_147_483_647;
/** Kubernetes' default pod capacity of a node, given to each node a resource model stands for. */
const MAX_PODS_PER_NODE = 110;

function clamp(n: number): number {
  return Math.max(0, Math.min(MAX_INT32, n));
}

function free(summary: ResourceSummary, resource: string): Amount {
  return minus(minus(amount(summary.allocatable?.[resource]), amount(summary.allocated?.[resource])), amount(summary.allocating?.[resource]));
}

/** Pods the cluster can still start: allocatable − allocated − allocating pods, never below 0. */
export function allowedPods(summary: ResourceSummary): number {
  const n = wholeUnits(amount(summary.allocatable?.pods)) - wholeUnits(amount(summary.allocated?.pods)) - wholeUnits(amount(summary.allocating?.pods));
  return Math.max(0, n);
}

/**
 * Replicas the summed free resources hold: for every requested resource, free ÷ request
 * (millicores for cpu). A requested resource the cluster does not report at all fits nothing.
 */
export function replicasBySummary(summary: ResourceSummary, request: Amounts): number {
  let max = Number.MAX_SAFE_INTEGER;
  for (const [resource, quantity] of Object.entries(request ?? {})) {
    const want = amount(quantity);
    if (wholeUnits(want) <= 0) continue;
    if (summary.allocatable?.[resource] === undefined) return 0;
    const left = free(summary, resource);
    if (wholeUnits(left) <= 0) return 0;
    max = Math.min(max, Math.floor(schedulingUnits(resource, left) / schedulingUnits(resource, want)));
  }
  return max;
}

/**
 * Replicas the cluster's resource models hold: each graded node counts as the lower bound of its
 * grade (with 110 pod slots), and replicas are packed node by node. undefined when the cluster
 * has no models or no node counts per grade.
 */
export function replicasByResourceModels(cluster: Cluster, request: Amounts): number | undefined {
  const models = cluster.spec.resourceModels ?? [];
  const counts = cluster.status?.resourceSummary?.allocatableModelings ?? [];
  if (models.length === 0 || counts.length === 0) return undefined;
  const countByGrade = new Map<number, number>();
  for (const c of counts) {
    if (c.count < 0) return undefined;
    countByGrade.set(c.grade, (countByGrade.get(c.grade) ?? 0) + c.count);
  }
  const wanted = Object.entries(request ?? {})
    .filter(([r]) => isFittedResource(r))
    .map(([r, q]) => [r, schedulingUnits(r, amount(q))] as const)
    .filter(([, units]) => units > 0);
  let total = 0;
  for (const model of [...models].sort((a, b) => a.grade - b.grade)) {
    const nodes = countByGrade.get(model.grade) ?? 0;
    if (nodes === 0) continue;
    const capacity = new Map(model.ranges.map((r) => [r.name, schedulingUnits(r.name, amount(r.min))] as const));
    let perNode = MAX_PODS_PER_NODE;
    for (const [resource, units] of wanted) perNode = Math.min(perNode, Math.floor((capacity.get(resource) ?? 0) / units));
    total += Math.max(0, perNode) * nodes;
  }
  return total;
}

/**
 * The general estimate for one cluster. `assumed` replicas (of the same shape) already promised
 * to the cluster are taken off first, as overcommit protection deducts in-flight workloads.
 */
export function generalEstimate(cluster: Cluster, requirements: ReplicaRequirements | undefined, assumed = 0): number {
  const summary = cluster.status?.resourceSummary;
  if (!summary) return 0;
  const pods = allowedPods(summary) - assumed;
  if (pods <= 0) return 0;
  if (!requirements) return clamp(pods);
  const byModels = replicasByResourceModels(cluster, requirements.resourceRequest);
  if (byModels !== undefined) return clamp(Math.min(pods, byModels - assumed));
  return clamp(Math.min(pods, replicasBySummary(summary, requirements.resourceRequest) - assumed));
}
