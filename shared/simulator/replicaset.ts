// The simulated ReplicaSet controller: keeps `spec.replicas` active pods, deleting the least
// established ones first when there are too many, and reports what its pods are doing.

import type { KubeObject } from '../object.js';
import { availability, isActive, isReady, podSpec, podStatus, readySince } from './pod.js';

export interface ReplicaSetSpec {
  replicas: number;
  minReadySeconds: number;
}

export function replicaSetSpec(rs: KubeObject): ReplicaSetSpec {
  const spec = (rs.spec ?? {}) as { replicas?: unknown; minReadySeconds?: unknown };
  return {
    replicas: typeof spec.replicas === 'number' ? spec.replicas : 1,
    minReadySeconds: typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0,
  };
}

/** apps/v1 ReplicaSetStatus; zero counts are left out, as Go's omitempty does. */
export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  [field: string]: unknown;
}

export interface ReplicaSetPlan {
  /** How many pods to create from the template. */
  create: number;
  /** Which pods to delete, least established first. */
  delete: KubeObject[];
  status: ReplicaSetStatus;
  /** A ready pod becomes available once minReadySeconds pass: look again then. */
  requeueAfterMs?: number;
}

/** Upstream's deletion ranking: unscheduled, then pending, then unready, then newest first. */
function deletionRank(pod: KubeObject, now: number): number[] {
  const phase = podStatus(pod).phase;
  return [
    podSpec(pod).nodeName ? 1 : 0,
    phase === 'Pending' ? 0 : phase === 'Running' ? 2 : 1,
    isReady(pod) ? 1 : 0,
    -(now - (readySince(pod) ?? now)),
    -Date.parse(pod.metadata.creationTimestamp ?? '') || 0,
  ];
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

export function omitZero<T extends Record<string, unknown>>(status: T, keep: readonly string[] = []): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(status)) if (v !== 0 || keep.includes(k)) out[k] = v;
  return out as T;
}

/** `pods` are the pods this ReplicaSet controls (by ownerReference), in any state. */
export function replicaSetPlan(rs: KubeObject, pods: readonly KubeObject[], now: number): ReplicaSetPlan {
  const spec = replicaSetSpec(rs);
  const active = pods.filter(isActive);
  let ready = 0;
  let available = 0;
  let recheck: number | undefined;
  for (const pod of active) {
    if (isReady(pod)) ready++;
    const a = availability(pod, spec.minReadySeconds, now);
    if (a.available) available++;
    else if (a.recheckInMs !== undefined) recheck = Math.min(recheck ?? Infinity, a.recheckInMs);
  }
  const diff = active.length - spec.replicas;
  const doomed = diff > 0 ? [...active].sort((a, b) => compareRanks(deletionRank(a, now), deletionRank(b, now))).slice(0, diff) : [];
  const status = omitZero<ReplicaSetStatus>(
    {
      ...((rs.status as object) ?? {}),
      replicas: active.length,
      fullyLabeledReplicas: active.length,
      readyReplicas: ready,
      availableReplicas: available,
      observedGeneration: rs.metadata.generation ?? 0,
    },
    ['replicas'],
  );
  return {
    create: Math.max(0, -diff),
    delete: doomed,
    status,
    ...(recheck !== undefined ? { requeueAfterMs: recheck } : {}),
  };
}
