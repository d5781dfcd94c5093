// The simulated kube-scheduler: binds pending pods to nodes while their requests fit, and
// says why not when they do not, in kube-scheduler's words. Free capacity is therefore real:
// a member reports what its nodes can still take, and pods beyond that stay Pending.

import type { KubeObject } from '../object.js';
import { schedulingValue } from '../quantity.js';
import { rfc3339 } from '../time.js';
import { isTrue, setCondition, type Condition } from './conditions.js';
import { isTerminal, podRequests, podSpec, type ResourceAmounts, type Toleration } from './pod.js';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface SchedulableNode {
  name: string;
  labels: Record<string, string>;
  taints: Taint[];
  unschedulable: boolean;
  ready: boolean;
  allocatable: ResourceAmounts;
}

export function schedulableNode(node: KubeObject): SchedulableNode {
  const spec = (node.spec ?? {}) as { taints?: Taint[]; unschedulable?: boolean };
  const status = (node.status ?? {}) as { allocatable?: Record<string, unknown>; conditions?: Condition[] };
  const allocatable: ResourceAmounts = {};
  for (const [k, q] of Object.entries(status.allocatable ?? {})) allocatable[k] = schedulingValue(k, q);
  return {
    name: node.metadata.name ?? '',
    labels: node.metadata.labels ?? {},
    taints: spec.taints ?? [],
    unschedulable: spec.unschedulable === true,
    ready: isTrue(status.conditions, 'Ready'),
    allocatable,
  };
}

export function tolerates(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (!t.key) return t.operator === 'Exists';
    if (t.key !== taint.key) return false;
    return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
  });
}

/**
 * What scoring counts a pod as: kube-scheduler's non-zero defaults (100m cpu, 200Mi memory)
 * stand in for missing requests, so pods without requests still spread over nodes.
 */
export function scoringRequests(requests: ResourceAmounts): ResourceAmounts {
  return { ...requests, cpu: requests.cpu || 100, memory: requests.memory || 200 * 2 ** 20 };
}

function add(map: Map<string, ResourceAmounts>, node: string, amounts: ResourceAmounts): void {
  const used = map.get(node) ?? {};
  for (const [k, v] of Object.entries(amounts)) used[k] = (used[k] ?? 0) + v;
  map.set(node, used);
}

/** Requests of pods already on each node (finished pods hold nothing); `scoring` with non-zero defaults. */
export function usageByNode(pods: readonly KubeObject[], scoring = false): Map<string, ResourceAmounts> {
  const usage = new Map<string, ResourceAmounts>();
  for (const pod of pods) {
    const spec = podSpec(pod);
    if (!spec.nodeName || isTerminal(pod)) continue;
    const req = podRequests(spec);
    add(usage, spec.nodeName, scoring ? scoringRequests(req) : req);
  }
  return usage;
}

/** Why a pod cannot go to a node, as kube-scheduler's filter plugins phrase it; [] when it fits. */
export function unfitReasons(pod: KubeObject, node: SchedulableNode, used: ResourceAmounts): string[] {
  const spec = podSpec(pod);
  const unschedulableTaint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
  if (node.unschedulable && !tolerates(spec.tolerations, unschedulableTaint)) return ["node(s) were unschedulable"];
  if (!node.ready && !tolerates(spec.tolerations, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' })) {
    return ['node(s) had untolerated taint {node.kubernetes.io/not-ready: }'];
  }
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) {
    if (node.labels[k] !== v) return ["node(s) didn't match Pod's node affinity/selector"];
  }
  for (const taint of node.taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerates(spec.tolerations, taint)) return [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`];
  }
  const reasons: string[] = [];
  for (const [resource, want] of Object.entries(podRequests(spec))) {
    if (want <= 0) continue;
    if ((used[resource] ?? 0) + want > (node.allocatable[resource] ?? 0)) {
      reasons.push(resource === 'pods' ? 'Too many pods' : `Insufficient ${resource}`);
    }
  }
  return reasons;
}

/** Least-allocated scoring: the node with the most cpu and memory left after the pod, by share. */
function score(pod: KubeObject, node: SchedulableNode, used: ResourceAmounts): number {
  const req = scoringRequests(podRequests(podSpec(pod)));
  let total = 0;
  for (const r of ['cpu', 'memory']) {
    const alloc = node.allocatable[r] ?? 0;
    total += alloc > 0 ? (alloc - (used[r] ?? 0) - (req[r] ?? 0)) / alloc : 0;
  }
  return total / 2;
}

/** A claim's phase by namespace/name; undefined when the claim does not exist. */
export type ClaimPhase = (namespace: string, name: string) => string | undefined;

export interface Placement {
  pod: KubeObject;
  /** Where it goes; undefined when it fits nowhere. */
  nodeName?: string;
  /** Why it fits nowhere (the PodScheduled condition's message). */
  message?: string;
}

/**
 * Places pending pods one after another (oldest first, as the scheduling queue would), each
 * placement using up capacity for the next. `placed` are the pods already on nodes.
 */
export function schedulePods(
  pending: readonly KubeObject[],
  nodeObjects: readonly KubeObject[],
  placed: readonly KubeObject[],
  claimPhase: ClaimPhase = () => 'Bound',
): Placement[] {
  const nodes = nodeObjects.map(schedulableNode).sort((a, b) => a.name.localeCompare(b.name));
  const usage = usageByNode(placed);
  const scored = usageByNode(placed, true);
  const queue = [...pending].sort(
    (a, b) =>
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
      (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
  );
  const out: Placement[] = [];
  for (const pod of queue) {
    const claimProblem = unboundClaim(pod, claimPhase);
    if (claimProblem) {
      out.push({ pod, message: `0/${nodes.length} nodes are available: ${claimProblem}.` });
      continue;
    }
    const counts = new Map<string, number>();
    let best: { node: SchedulableNode; score: number } | undefined;
    for (const node of nodes) {
      const used = usage.get(node.name) ?? {};
      const reasons = unfitReasons(pod, node, used);
      if (reasons.length > 0) {
        for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
        continue;
      }
      const s = score(pod, node, scored.get(node.name) ?? {});
      if (!best || s > best.score) best = { node, score: s };
    }
    if (!best) {
      out.push({ pod, message: unschedulableMessage(nodes.length, counts) });
      continue;
    }
    const requests = podRequests(podSpec(pod));
    add(usage, best.node.name, requests);
    add(scored, best.node.name, scoringRequests(requests));
    out.push({ pod, nodeName: best.node.name });
  }
  return out;
}

function unboundClaim(pod: KubeObject, claimPhase: ClaimPhase): string | undefined {
  const ns = pod.metadata.namespace ?? '';
  for (const v of podSpec(pod).volumes ?? []) {
    const claim = v.persistentVolumeClaim?.claimName;
    if (!claim) continue;
    const phase = claimPhase(ns, claim);
    if (phase === undefined) return `persistentvolumeclaim "${claim}" not found`;
    if (phase !== 'Bound') return 'pod has unbound immediate PersistentVolumeClaims';
  }
  return undefined;
}

/** "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu." */
export function unschedulableMessage(nodeCount: number, reasons: ReadonlyMap<string, number>): string {
  if (nodeCount === 0) return 'no nodes available to schedule pods';
  const parts = [...reasons.entries()].map(([r, n]) => `${n} ${r}`).sort();
  return `0/${nodeCount} nodes are available: ${parts.join(', ')}.`;
}

/** The pod as the binding leaves it: on its node, PodScheduled True. */
export function boundPod(pod: KubeObject, nodeName: string, now: number): KubeObject {
  const status = (pod.status ?? {}) as { conditions?: Condition[] };
  const conditions = setCondition(status.conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null }, rfc3339(now)).map((c) =>
    c.type === 'PodScheduled' ? { type: c.type, status: c.status, lastProbeTime: null, lastTransitionTime: c.lastTransitionTime } : c,
  );
  return { ...pod, spec: { ...((pod.spec as object) ?? {}), nodeName }, status: { ...status, conditions } };
}

/**
 * The pod as an unsuccessful scheduling attempt leaves it: PodScheduled False, Unschedulable,
 * with the reasons. Undefined when it already says exactly that (nothing to write).
 */
export function unschedulablePod(pod: KubeObject, message: string, now: number): KubeObject | undefined {
  const status = (pod.status ?? {}) as { conditions?: Condition[] };
  const old = status.conditions?.find((c) => c.type === 'PodScheduled');
  if (old?.status === 'False' && old.reason === 'Unschedulable' && old.message === message) return undefined;
  const conditions = setCondition(
    status.conditions,
    { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null },
    rfc3339(now),
  );
  return { ...pod, status: { ...status, phase: 'Pending', conditions } };
}
