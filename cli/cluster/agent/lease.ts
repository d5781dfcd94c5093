// The agent's heartbeat: the Lease <cluster> in karmada-cluster, renewed every quarter of its
// 40 s duration as karmada-agent does. The control plane marks the Cluster not ready when
// renewals stop; a renewal is a write that wakes no reconciler.

import type { KubeClient } from '../kube-client.js';
import { MEMBER_CREDENTIALS_NAMESPACE } from '../names.js';

/** Lease times are MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function leasePath(cluster: string): string {
  return `/apis/coordination.k8s.io/v1/namespaces/${MEMBER_CREDENTIALS_NAMESPACE}/leases/${encodeURIComponent(cluster)}`;
}

export async function renewLease(cp: KubeClient, cluster: string, durationSeconds: number, nowMs: number): Promise<void> {
  await cp.mergePatch(leasePath(cluster), { spec: { holderIdentity: cluster, leaseDurationSeconds: durationSeconds, renewTime: microTime(nowMs) } });
}
