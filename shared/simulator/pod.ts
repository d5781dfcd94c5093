// What the simulator reads of a Pod, and the facts about pods every simulated controller
// shares: who controls it, whether it is active, ready or finished, what it requests.

import { z } from 'zod';
import type { KubeObject, OwnerReference } from '../object.js';
import { schedulingValue } from '../quantity.js';
import type { Condition } from './conditions.js';

const resourceListSchema = z.record(z.string(), z.union([z.string(), z.number()]));

export const containerSchema = z.looseObject({
  name: z.string(),
  image: z.string().optional(),
  resources: z.looseObject({ requests: resourceListSchema.optional(), limits: resourceListSchema.optional() }).optional(),
});
export type Container = z.infer<typeof containerSchema>;

export const tolerationSchema = z.looseObject({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.string().optional(),
});
export type Toleration = z.infer<typeof tolerationSchema>;

export const podSpecSchema = z.looseObject({
  nodeName: z.string().optional(),
  nodeSelector: z.record(z.string(), z.string()).optional(),
  containers: z.array(containerSchema).default([]),
  initContainers: z.array(containerSchema).optional(),
  overhead: resourceListSchema.optional(),
  restartPolicy: z.string().optional(),
  tolerations: z.array(tolerationSchema).optional(),
  volumes: z.array(z.looseObject({ name: z.string(), persistentVolumeClaim: z.looseObject({ claimName: z.string() }).optional() })).optional(),
});
export type PodSpec = z.infer<typeof podSpecSchema>;

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface ContainerStatus {
  name: string;
  image?: string;
  imageID?: string;
  containerID?: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state: Record<string, Record<string, unknown>>;
}

export interface PodStatus {
  phase?: PodPhase;
  conditions?: Condition[];
  hostIP?: string;
  hostIPs?: Array<{ ip: string }>;
  podIP?: string;
  podIPs?: Array<{ ip: string }>;
  startTime?: string;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
  qosClass?: string;
  [field: string]: unknown;
}

export function podSpec(pod: KubeObject): PodSpec {
  const parsed = podSpecSchema.safeParse(pod.spec ?? {});
  return parsed.success ? parsed.data : { containers: [] };
}

export function podStatus(pod: KubeObject): PodStatus {
  return (pod.status ?? {}) as PodStatus;
}

export function isDeleting(obj: KubeObject): boolean {
  return Boolean(obj.metadata.deletionTimestamp);
}

export function isTerminal(pod: KubeObject): boolean {
  const phase = podStatus(pod).phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Counts toward its controller's replicas: not finished and not on its way out. */
export function isActive(pod: KubeObject): boolean {
  return !isTerminal(pod) && !isDeleting(pod);
}

export function isReady(pod: KubeObject): boolean {
  return podStatus(pod).conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** When the pod last became Ready (ms), for minReadySeconds. */
export function readySince(pod: KubeObject): number | undefined {
  const c = podStatus(pod).conditions?.find((x) => x.type === 'Ready' && x.status === 'True');
  const t = c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

/** Ready for at least minReadySeconds; `recheckInMs` says when a ready-but-not-yet-available pod will be. */
export function availability(pod: KubeObject, minReadySeconds: number, now: number): { available: boolean; recheckInMs?: number } {
  if (!isActive(pod) || !isReady(pod)) return { available: false };
  if (minReadySeconds <= 0) return { available: true };
  const since = readySince(pod) ?? now;
  const due = since + minReadySeconds * 1000;
  return due <= now ? { available: true } : { available: false, recheckInMs: due - now };
}

export function controllerRef(obj: KubeObject): OwnerReference | undefined {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

/** Whether `obj` is controlled by `owner` (by uid: a recreated owner of the same name is another owner). */
export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  return controllerRef(obj)?.uid === owner.metadata.uid;
}

export function ownerReferenceTo(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? 'v1',
    kind: owner.kind ?? '',
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The resources the scheduler accounts for a pod: cpu in millicores, the rest in units. */
export type ResourceAmounts = Record<string, number>;

function containerRequests(c: Container): ResourceAmounts {
  const out: ResourceAmounts = {};
  // Upstream defaults a missing request to the limit.
  const list = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
  for (const [name, q] of Object.entries(list)) out[name] = schedulingValue(name, q);
  return out;
}

/**
 * kube-scheduler's pod request: the larger of the containers' sum and any one init
 * container (they run one at a time, before the rest), plus overhead, plus the pod itself.
 */
export function podRequests(spec: PodSpec): ResourceAmounts {
  const sum: ResourceAmounts = {};
  for (const c of spec.containers) {
    for (const [k, v] of Object.entries(containerRequests(c))) sum[k] = (sum[k] ?? 0) + v;
  }
  for (const c of spec.initContainers ?? []) {
    for (const [k, v] of Object.entries(containerRequests(c))) sum[k] = Math.max(sum[k] ?? 0, v);
  }
  for (const [k, q] of Object.entries(spec.overhead ?? {})) sum[k] = (sum[k] ?? 0) + schedulingValue(k, q);
  sum.pods = 1;
  return sum;
}

/** The QoS class the kubelet reports. */
export function qosClass(spec: PodSpec): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const all = [...spec.containers, ...(spec.initContainers ?? [])];
  const anySet = all.some((c) => Object.keys(c.resources?.requests ?? {}).length + Object.keys(c.resources?.limits ?? {}).length > 0);
  if (!anySet) return 'BestEffort';
  const guaranteed = all.every((c) => {
    const limits = c.resources?.limits ?? {};
    const requests = { ...limits, ...(c.resources?.requests ?? {}) };
    return ['cpu', 'memory'].every((r) => limits[r] !== undefined && schedulingValue(r, limits[r]) === schedulingValue(r, requests[r]));
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
