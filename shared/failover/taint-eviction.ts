// When the taint manager evicts a binding from a cluster (Karmada's needEviction and
// GetMinTolerationTime): any NoExecute taint nobody tolerates evicts at once; tolerated ones
// evict when the earliest toleration (timeAdded + tolerationSeconds) runs out; tolerations
// without tolerationSeconds tolerate for ever.

import type { Taint } from '../karmada/common.js';
import type { FailoverBehavior } from '../karmada/failover.js';
import { TAINT_CLUSTER_NOT_READY, TAINT_CLUSTER_UNREACHABLE } from '../karmada/cluster.js';
import { toleratesTaint, taintToString, type Toleration } from '../scheduler/toleration.js';

export type ClusterPurgeMode = 'Directly' | 'Gracefully';

export type EvictionDecision =
  | { kind: 'now'; why: string }
  | { kind: 'later'; delayMs: number; why: string }
  | { kind: 'never' };

export function noExecuteTaints(taints: readonly Taint[] | undefined): Taint[] {
  return (taints ?? []).filter((t) => t.effect === 'NoExecute');
}

/**
 * The placement's tolerations plus, for the not-ready and unreachable NoExecute taints it does
 * not tolerate itself, one tolerating them for `defaultSeconds` (Kubernetes' DefaultTolerationSeconds).
 */
export function withDefaultTolerations(tolerations: readonly Toleration[] | undefined, defaultSeconds: number): Toleration[] {
  const out = [...(tolerations ?? [])];
  if (defaultSeconds < 0) return out;
  for (const key of [TAINT_CLUSTER_NOT_READY, TAINT_CLUSTER_UNREACHABLE]) {
    const taint = { key, effect: 'NoExecute' };
    if (!out.some((t) => toleratesTaint(t, taint))) out.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: defaultSeconds });
  }
  return out;
}

export function taintEvictionDecision(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined, nowMs: number): EvictionDecision {
  const noExecute = noExecuteTaints(taints);
  if (noExecute.length === 0) return { kind: 'never' };
  const used: Toleration[] = [];
  for (const taint of noExecute) {
    const match = (tolerations ?? []).find((t) => toleratesTaint(t, taint));
    if (!match) return { kind: 'now', why: `cluster has taint ${taintToString(taint)} that the placement does not tolerate` };
    used.push(match);
  }
  let earliest: { at: number; taint: Taint; seconds: number } | undefined;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    for (const taint of noExecute) {
      // A taint without timeAdded cannot start a clock (Karmada skips it as well).
      if (!taint.timeAdded || !toleratesTaint(t, taint)) continue;
      const at = Date.parse(taint.timeAdded) + Number(t.tolerationSeconds) * 1000;
      if (!earliest || at < earliest.at) earliest = { at, taint, seconds: Number(t.tolerationSeconds) };
    }
  }
  if (!earliest) return { kind: 'never' };
  const why = `cluster has taint ${taintToString(earliest.taint)}, tolerated for ${earliest.seconds}s since ${earliest.taint.timeAdded}`;
  if (earliest.at <= nowMs) return { kind: 'now', why: `${why}, which has run out` };
  return { kind: 'later', delayMs: earliest.at - nowMs, why };
}

/** The purge mode of a cluster failover: the policy's failover.cluster, else the control plane's default. */
export function clusterPurgeMode(failover: FailoverBehavior | undefined, fallback: ClusterPurgeMode): ClusterPurgeMode {
  if (failover?.cluster) return failover.cluster.purgeMode === 'Directly' ? 'Directly' : 'Gracefully';
  return fallback;
}
