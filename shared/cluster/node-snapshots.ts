// What the node-level replica estimator needs of a member: each node's labels, taints,
// allocatable and what its pods already request. Kept on the Cluster (annotation below) and
// written only when it changes, so an idle member costs no writes.

import type { KubeObject } from '../object.js';
import { parseQuantity } from '../quantity.js';
import { isTerminalPod, podRequests } from './pod-requests.js';
import { formatQuantity } from './format-quantity.js';
import type { NodeSnapshot } from '../scheduler/types.js';

export const NODE_SNAPSHOTS_ANNOTATION = 'cluster.flotilla.io/node-snapshots';

export type { NodeSnapshot };

export function nodeSnapshots(nodes: readonly KubeObject[], pods: readonly KubeObject[]): NodeSnapshot[] {
  const byNode = new Map<string, { req: Record<string, number>; pods: number }>();
  for (const p of pods) {
    const nodeName = (p.spec as { nodeName?: string } | undefined)?.nodeName;
    if (!nodeName || isTerminalPod(p)) continue;
    const entry = byNode.get(nodeName) ?? { req: {}, pods: 0 };
    for (const [k, v] of Object.entries(podRequests(p))) entry.req[k] = (entry.req[k] ?? 0) + v;
    entry.pods++;
    byNode.set(nodeName, entry);
  }
  return nodes
    .map((n) => {
      const status = (n.status ?? {}) as { allocatable?: Record<string, string>; conditions?: Array<{ type: string; status: string }> };
      const spec = (n.spec ?? {}) as { taints?: NodeSnapshot['taints']; unschedulable?: boolean };
      const used = byNode.get(n.metadata.name ?? '') ?? { req: {}, pods: 0 };
      const requested: Record<string, string> = {};
      for (const k of Object.keys(used.req).sort()) requested[k] = formatQuantity(k, used.req[k]!);
      const allocatable: Record<string, string> = {};
      for (const k of Object.keys(status.allocatable ?? {}).sort()) allocatable[k] = formatQuantity(k, parseQuantity(status.allocatable![k]) ?? 0);
      return {
        name: n.metadata.name ?? '',
        labels: n.metadata.labels ?? {},
        taints: (spec.taints ?? []).map((t) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect })),
        allocatable,
        requested,
        pods: used.pods,
        ready: (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
        ...(spec.unschedulable ? { unschedulable: true } : {}),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function readNodeSnapshots(annotations: Record<string, string> | undefined): NodeSnapshot[] | undefined {
  const raw = annotations?.[NODE_SNAPSHOTS_ANNOTATION];
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as NodeSnapshot[];
  } catch {
    return undefined;
  }
}
