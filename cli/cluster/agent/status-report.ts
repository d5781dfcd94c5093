// The agent reports its Cluster's status as the control plane's cluster reconciler would for a
// Push cluster (the same probe, the same pure status function), written only when it changed.

import type { Cluster } from '../../../shared/karmada/cluster.js';
import { nextClusterStatus } from '../../../shared/cluster/cluster-status.js';
import { jsonEqual } from '../../../shared/json-equal.js';
import { probeCluster } from '../../../cron/karmada/cluster-probe.js';
import type { MemberClient } from '../../../shared/member/member-client.js';
import type { KubeClient } from '../kube-client.js';
import { clusterPath } from '../names.js';

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Probes the member and writes the Cluster's status if it differs; resolves to whether it wrote. */
export async function reportClusterStatus(cp: KubeClient, member: MemberClient, cluster: string, nowMs: number, timeoutMs = 10_000): Promise<boolean> {
  const current = await cp.get<Cluster>(clusterPath(cluster));
  if (!current) throw new Error(`cluster ${cluster} is not registered`);
  const observation = await probeCluster(member, timeoutMs);
  const status = nextClusterStatus(current, observation, isoSeconds(nowMs));
  if (jsonEqual(status, current.status ?? {})) return false;
  await cp.call('PUT', `${clusterPath(cluster)}/status`, { ...current, status });
  return true;
}
