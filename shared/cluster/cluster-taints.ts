import type { Cluster } from '../karmada/cluster.js';
import { TAINT_CLUSTER_NOT_READY, TAINT_CLUSTER_UNREACHABLE, CLUSTER_CONDITION_READY } from '../karmada/cluster.js';

type Taint = NonNullable<Cluster['spec']['taints']>[number];

/**
 * The NoSchedule taints that follow the Ready condition, as Karmada's cluster controller
 * keeps them: not-ready while Ready is False (or not yet known for a new cluster),
 * unreachable while Unknown, neither once Ready. Other taints are left as they are.
 */
export function taintsForReadiness(cluster: Cluster, now: string): Taint[] {
  const ready = cluster.status?.conditions?.find((c) => c.type === CLUSTER_CONDITION_READY);
  const want = !ready || ready.status === 'False' ? TAINT_CLUSTER_NOT_READY : ready.status === 'Unknown' ? TAINT_CLUSTER_UNREACHABLE : undefined;
  const current = cluster.spec.taints ?? [];
  const managed = (t: Taint): boolean => t.effect === 'NoSchedule' && (t.key === TAINT_CLUSTER_NOT_READY || t.key === TAINT_CLUSTER_UNREACHABLE);
  const kept = current.filter((t) => !managed(t) || t.key === want);
  if (want && !kept.some((t) => t.key === want && t.effect === 'NoSchedule')) kept.push({ key: want, effect: 'NoSchedule', timeAdded: now });
  return kept;
}
