// ClusterTaintPolicy's rule (Karmada's cluster-taint-policy controller): policies in creation
// order, each on the clusters it targets, add their taints while all addOnConditions hold and
// remove them while all removeOnConditions hold. There is no duration: taints follow the
// conditions as they stand.

import type { Cluster } from '../karmada/cluster.js';
import type { Taint } from '../karmada/common.js';
import type { ClusterTaintPolicy } from '../karmada/cluster-taint-policy.js';
import { clusterMatchesAffinity } from '../policy/cluster-affinity.js';

type MatchCondition = NonNullable<ClusterTaintPolicy['spec']['addOnConditions']>[number];
type ClusterCondition = { type: string; status: string };

/** All match conditions hold (ANDed); an empty list never holds. A condition the cluster lacks does not hold. */
export function conditionsMatch(conditions: readonly ClusterCondition[] | undefined, match: readonly MatchCondition[] | undefined): boolean {
  if (!match?.length) return false;
  return match.every((m) => {
    const c = (conditions ?? []).find((x) => x.type === m.conditionType);
    if (!c) return false;
    const among = m.statusValues.includes(c.status);
    return m.operator === 'In' ? among : m.operator === 'NotIn' ? !among : false;
  });
}

function sameTaint(a: { key: string; effect: string }, b: { key: string; effect: string }): boolean {
  return a.key === b.key && a.effect === b.effect;
}

function byCreation(a: ClusterTaintPolicy, b: ClusterTaintPolicy): number {
  const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  return ta - tb || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

export interface TaintChange {
  taints: Taint[];
  added: Taint[];
  removed: Taint[];
}

/** The cluster's taints once every policy has had its say; `now` stamps timeAdded of added ones. */
export function taintsFromPolicies(cluster: Cluster, policies: readonly ClusterTaintPolicy[], now: string): TaintChange {
  let taints: Taint[] = [...(cluster.spec.taints ?? [])];
  const added: Taint[] = [];
  const removed: Taint[] = [];
  const conditions = cluster.status?.conditions;
  for (const policy of [...policies].sort(byCreation)) {
    if (policy.metadata.deletionTimestamp) continue;
    if (policy.spec.targetClusters && !clusterMatchesAffinity(cluster, policy.spec.targetClusters)) continue;
    if (conditionsMatch(conditions, policy.spec.addOnConditions)) {
      for (const t of policy.spec.taints) {
        if (taints.some((x) => sameTaint(x, t))) continue;
        const taint: Taint = { key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect, timeAdded: now };
        taints.push(taint);
        added.push(taint);
      }
    }
    if (conditionsMatch(conditions, policy.spec.removeOnConditions)) {
      for (const t of policy.spec.taints) {
        const gone = taints.filter((x) => sameTaint(x, t));
        if (!gone.length) continue;
        taints = taints.filter((x) => !sameTaint(x, t));
        removed.push(...gone);
      }
    }
  }
  return { taints, added: added.filter((a) => taints.includes(a)), removed: removed.filter((r) => !added.includes(r)) };
}
