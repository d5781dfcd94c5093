// A Cluster's status as Karmada's cluster status controller computes it, from what a probe of
// the member saw. Pure: the same observations give the same object, so an unchanged member
// produces no write (conditions keep their transition times).

import type { Cluster, ResourceModel } from '../karmada/cluster.js';
import { defaultResourceModels, CLUSTER_CONDITION_READY, CLUSTER_CONDITION_COMPLETE_API_ENABLEMENTS } from '../karmada/cluster.js';
import { setCondition, type Condition } from '../simulator/conditions.js';
import { parseQuantity } from '../quantity.js';
import type { KubeObject } from '../object.js';
import { podRequests, isTerminalPod } from './pod-requests.js';
import { formatQuantity } from './format-quantity.js';

export type ClusterStatus = NonNullable<Cluster['status']>;
export type ApiEnablement = NonNullable<ClusterStatus['apiEnablements']>[number];

/** What one probe of a member saw; absent parts were not reachable. */
export interface ClusterObservation {
  /** /readyz (or /healthz) answered ok. */
  healthy: boolean;
  /** Any HTTP answer came back at all. */
  online: boolean;
  /** Why it is not healthy, in words. */
  message?: string;
  kubernetesVersion?: string;
  apiEnablements?: ApiEnablement[];
  /** Discovery listed every group (no group failed to answer). */
  apiEnablementsComplete?: boolean;
  nodes?: KubeObject[];
  pods?: KubeObject[];
}

export const REASON_CLUSTER_READY = 'ClusterReady';
export const REASON_CLUSTER_NOT_READY = 'ClusterNotReady';
export const REASON_CLUSTER_NOT_REACHABLE = 'ClusterNotReachable';
export const REASON_CLUSTER_READY_UNKNOWN = 'ClusterStatusUnknown';

function nodeReady(node: KubeObject): boolean {
  const conds = (node.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? [];
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}

function add(into: Map<string, number>, resources: Record<string, number>): void {
  for (const [k, v] of Object.entries(resources)) into.set(k, (into.get(k) ?? 0) + v);
}

function toResourceList(m: Map<string, number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...m.keys()].sort()) out[k] = formatQuantity(k, m.get(k)!);
  return out;
}

function allocatableOf(node: KubeObject): Record<string, number> {
  const a = ((node.status as { allocatable?: Record<string, string> } | undefined)?.allocatable ?? {}) as Record<string, string>;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(a)) out[k] = parseQuantity(v) ?? 0;
  return out;
}

/**
 * Nodes per resource model grade: a node falls in the highest grade whose every range
 * minimum its free resources reach (Karmada counts what is left after scheduled pods).
 */
export function allocatableModelings(models: readonly ResourceModel[], nodes: readonly KubeObject[], pods: readonly KubeObject[]): Array<{ grade: number; count: number }> {
  const used = new Map<string, Map<string, number>>();
  for (const p of pods) {
    const nodeName = (p.spec as { nodeName?: string } | undefined)?.nodeName;
    if (!nodeName || isTerminalPod(p)) continue;
    const m = used.get(nodeName) ?? new Map<string, number>();
    add(m, podRequests(p));
    used.set(nodeName, m);
  }
  const counts = models.map((m) => ({ grade: m.grade, count: 0 }));
  for (const node of nodes) {
    const alloc = allocatableOf(node);
    const u = used.get(node.metadata.name ?? '') ?? new Map<string, number>();
    const free = (name: string): number => (alloc[name] ?? 0) - (u.get(name) ?? 0);
    let grade = -1;
    for (let i = 0; i < models.length; i++) {
      const fits = models[i]!.ranges.every((r) => free(r.name) >= (parseQuantity(r.min) ?? 0));
      if (fits) grade = i;
    }
    if (grade >= 0) counts[grade]!.count++;
  }
  return counts;
}

/** The resource summary: allocatable of ready nodes, requests of scheduled pods (allocated) and of pending ones (allocating). */
export function resourceSummary(cluster: Cluster, nodes: readonly KubeObject[], pods: readonly KubeObject[]): NonNullable<ClusterStatus['resourceSummary']> {
  const allocatable = new Map<string, number>();
  const readyNodes = nodes.filter(nodeReady);
  for (const n of readyNodes) add(allocatable, allocatableOf(n));
  const allocated = new Map<string, number>();
  const allocating = new Map<string, number>();
  let scheduledPods = 0;
  for (const p of pods) {
    if (isTerminalPod(p)) continue;
    const scheduled = Boolean((p.spec as { nodeName?: string } | undefined)?.nodeName);
    add(scheduled ? allocated : allocating, podRequests(p));
    if (scheduled) scheduledPods++;
  }
  if (scheduledPods) allocated.set('pods', scheduledPods);
  const models = cluster.spec.resourceModels?.length ? cluster.spec.resourceModels : defaultResourceModels();
  return {
    allocatable: toResourceList(allocatable),
    ...(allocating.size ? { allocating: toResourceList(allocating) } : {}),
    ...(allocated.size ? { allocated: toResourceList(allocated) } : {}),
    allocatableModelings: allocatableModelings(models, readyNodes, pods),
  };
}

/**
 * The next status of a Push cluster after a probe. Unreachable means Ready=False
 * ClusterNotReachable at once (as Karmada reports within seconds); what could not be
 * observed keeps its previous value, as Karmada keeps the last known summaries.
 */
export function nextClusterStatus(cluster: Cluster, obs: ClusterObservation, now: string): ClusterStatus {
  const prev: ClusterStatus = cluster.status ?? {};
  let conditions = (prev.conditions ?? []) as Condition[];
  const ready = obs.healthy
    ? { type: CLUSTER_CONDITION_READY, status: 'True' as const, reason: REASON_CLUSTER_READY, message: 'cluster is healthy and ready to accept workloads' }
    : obs.online
      ? { type: CLUSTER_CONDITION_READY, status: 'False' as const, reason: REASON_CLUSTER_NOT_READY, message: obs.message ?? 'cluster is reachable but health endpoint responded without ok' }
      : { type: CLUSTER_CONDITION_READY, status: 'False' as const, reason: REASON_CLUSTER_NOT_REACHABLE, message: obs.message ?? 'cluster is not reachable' };
  conditions = setCondition(conditions, ready, now);
  const next: ClusterStatus = { ...prev, conditions: conditions as ClusterStatus['conditions'] };
  if (!obs.healthy) return next;
  if (obs.kubernetesVersion) next.kubernetesVersion = obs.kubernetesVersion;
  if (obs.apiEnablements) {
    next.apiEnablements = obs.apiEnablements;
    next.conditions = setCondition(
      next.conditions as Condition[],
      obs.apiEnablementsComplete === false
        ? { type: CLUSTER_CONDITION_COMPLETE_API_ENABLEMENTS, status: 'False', reason: 'ApiEnablementPartialAPIEnablements', message: 'some API groups of the cluster did not answer discovery' }
        : { type: CLUSTER_CONDITION_COMPLETE_API_ENABLEMENTS, status: 'True', reason: 'ApiEnablementsComplete', message: 'collected complete APIs from member cluster' },
      now,
    ) as ClusterStatus['conditions'];
  }
  if (obs.nodes) {
    next.nodeSummary = { totalNum: obs.nodes.length, readyNum: obs.nodes.filter(nodeReady).length };
    if (obs.pods) next.resourceSummary = resourceSummary(cluster, obs.nodes, obs.pods);
  }
  return next;
}
