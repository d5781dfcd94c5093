import type { z } from 'zod';
import type { toleration } from '../karmada/common.js';

// Taints and tolerations with Kubernetes' matching rules (k8s.io/api core/v1 ToleratesTaint and
// component-helpers FindMatchingUntoleratedTaint), shared by cluster taints and node taints.

export type Toleration = z.infer<typeof toleration>;
export interface TaintLike {
  key: string;
  value?: string;
  effect: string;
}

/** An empty effect or key matches any; Exists ignores the value; Equal (or empty) compares it. */
export function toleratesTaint(t: Toleration, taint: TaintLike): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const op = t.operator ?? '';
  if (op === 'Exists') return true;
  if (op === '' || op === 'Equal') return (t.value ?? '') === (taint.value ?? '');
  return false;
}

/** The first taint (in the object's order) that the effect filter selects and no toleration tolerates. */
export function findUntoleratedTaint<T extends TaintLike>(
  taints: readonly T[] | undefined,
  tolerations: readonly Toleration[] | undefined,
  considered: (taint: T) => boolean,
): T | undefined {
  for (const taint of taints ?? []) {
    if (!considered(taint)) continue;
    if (!(tolerations ?? []).some((t) => toleratesTaint(t, taint))) return taint;
  }
  return undefined;
}

/** Taint.ToString(): key=value:effect, or key:effect without a value. */
export function taintToString(taint: TaintLike): string {
  return taint.value ? `${taint.key}=${taint.value}:${taint.effect}` : `${taint.key}:${taint.effect}`;
}

/** Taints that keep new workloads off: NoSchedule and NoExecute (PreferNoSchedule only steers). */
export function isSchedulingTaint(taint: TaintLike): boolean {
  return taint.effect === 'NoSchedule' || taint.effect === 'NoExecute';
}
