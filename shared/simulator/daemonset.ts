// The simulated DaemonSet controller: one pod on every node the template's nodeSelector and
// tolerations admit, placed by the controller itself (no capacity check, as daemons get
// room first), replaced one node at a time (maxUnavailable) when the template changes.

import type { KubeObject } from '../object.js';
import { templateHash } from './hash.js';
import { tolerates, type Taint } from './pod-binding.js';
import { availability, isActive, isDeleting, isReady, ownerReferenceTo, type Toleration } from './pod.js';
import { podFromTemplate, type PodTemplate } from './pod-template.js';
import { CONTROLLER_REVISION_HASH } from './statefulset.js';
import { omitZero } from './replicaset.js';

/** What the DaemonSet controller adds to every daemon pod so node trouble never evicts it. */
const DAEMON_TOLERATIONS: Toleration[] = [
  'node.kubernetes.io/not-ready',
  'node.kubernetes.io/unreachable',
  'node.kubernetes.io/disk-pressure',
  'node.kubernetes.io/memory-pressure',
  'node.kubernetes.io/pid-pressure',
  'node.kubernetes.io/unschedulable',
].map((key) => ({ key, operator: 'Exists' as const }));

export interface DaemonSetStatus {
  currentNumberScheduled: number;
  numberMisscheduled: number;
  desiredNumberScheduled: number;
  numberReady: number;
  observedGeneration?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  [field: string]: unknown;
}

export interface DaemonSetPlan {
  /** Nodes that need a daemon pod. */
  createOn: string[];
  delete: KubeObject[];
  status: DaemonSetStatus;
  requeueAfterMs?: number;
}

function template(ds: KubeObject): PodTemplate {
  return ((ds.spec as { template?: PodTemplate } | undefined)?.template ?? {}) as PodTemplate;
}

export function daemonSetRevision(ds: KubeObject): string {
  return templateHash(template(ds));
}

/** Whether a daemon pod belongs on the node: nodeSelector matches and every hard taint is tolerated. */
export function shouldRunOn(ds: KubeObject, node: KubeObject): boolean {
  const spec = (template(ds).spec ?? {}) as { nodeSelector?: Record<string, string>; tolerations?: Toleration[] };
  const labels = node.metadata.labels ?? {};
  if (Object.entries(spec.nodeSelector ?? {}).some(([k, v]) => labels[k] !== v)) return false;
  const taints = ((node.spec as { taints?: Taint[] } | undefined)?.taints ?? []).filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  const tolerations = [...(spec.tolerations ?? []), ...DAEMON_TOLERATIONS];
  return taints.every((t) => tolerates(tolerations, t));
}

export function daemonPod(ds: KubeObject, nodeName: string, name: string): KubeObject {
  return podFromTemplate(template(ds), {
    namespace: ds.metadata.namespace ?? '',
    name,
    owner: ownerReferenceTo(ds),
    labels: { [CONTROLLER_REVISION_HASH]: daemonSetRevision(ds) },
    nodeName,
    spec: { tolerations: [...(((template(ds).spec ?? {}) as { tolerations?: Toleration[] }).tolerations ?? []), ...DAEMON_TOLERATIONS] },
  });
}

function maxUnavailable(ds: KubeObject, desired: number): number {
  const v = (ds.spec as { updateStrategy?: { rollingUpdate?: { maxUnavailable?: number | string } } } | undefined)?.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1;
  if (typeof v === 'number') return Math.max(1, v);
  const m = /^(\d+)%$/.exec(v);
  return Math.max(1, m ? Math.ceil((Number(m[1]) * desired) / 100) : Number(v) || 1);
}

/** `pods` are those the DaemonSet controls. */
export function daemonSetPlan(ds: KubeObject, nodes: readonly KubeObject[], pods: readonly KubeObject[], now: number): DaemonSetPlan {
  const spec = (ds.spec ?? {}) as { minReadySeconds?: number; updateStrategy?: { type?: string } };
  const minReady = spec.minReadySeconds ?? 0;
  const revision = daemonSetRevision(ds);
  const eligible = new Set(nodes.filter((n) => shouldRunOn(ds, n)).map((n) => n.metadata.name ?? ''));
  const onNode = new Map<string, KubeObject[]>();
  for (const pod of pods.filter(isActive)) {
    const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
    onNode.set(node, [...(onNode.get(node) ?? []), pod]);
  }
  const plan: DaemonSetPlan = { createOn: [], delete: [], status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: eligible.size, numberReady: 0 } };
  let ready = 0;
  let available = 0;
  let updated = 0;
  let scheduled = 0;
  let misscheduled = 0;
  let recheck: number | undefined;
  const outdated: KubeObject[] = [];
  for (const [node, list] of onNode) {
    if (!eligible.has(node)) {
      misscheduled++;
      if (!ds.metadata.deletionTimestamp) plan.delete.push(...list);
      continue;
    }
    // Oldest stays; extras (a race, or a node that came back) go.
    const [keep, ...extra] = [...list].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
    plan.delete.push(...extra);
    scheduled++;
    if (isReady(keep!)) ready++;
    const a = availability(keep!, minReady, now);
    if (a.available) available++;
    else if (a.recheckInMs !== undefined) recheck = Math.min(recheck ?? Infinity, a.recheckInMs);
    if (keep!.metadata.labels?.[CONTROLLER_REVISION_HASH] === revision) updated++;
    else outdated.push(keep!);
  }
  if (!ds.metadata.deletionTimestamp) {
    for (const node of [...eligible].sort()) if (!onNode.has(node)) plan.createOn.push(node);
    if (spec.updateStrategy?.type !== 'OnDelete') {
      const unavailable = eligible.size - available;
      const budget = maxUnavailable(ds, eligible.size) - unavailable;
      // Replace unavailable outdated pods first: that costs nothing.
      const ordered = [...outdated].sort((a, b) => Number(isReady(a)) - Number(isReady(b)));
      let allowance = budget;
      for (const pod of ordered) {
        if (!isReady(pod)) plan.delete.push(pod);
        else if (allowance-- > 0) plan.delete.push(pod);
      }
    }
  }
  plan.delete = [...new Set(plan.delete)].filter((p) => !isDeleting(p));
  plan.status = omitZero<DaemonSetStatus>(
    {
      ...((ds.status as object) ?? {}),
      currentNumberScheduled: scheduled,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: eligible.size,
      numberReady: ready,
      observedGeneration: ds.metadata.generation ?? 0,
      updatedNumberScheduled: updated,
      numberAvailable: available,
      numberUnavailable: Math.max(0, eligible.size - available),
    },
    ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'],
  );
  if (recheck !== undefined) plan.requeueAfterMs = recheck;
  return plan;
}
