import type { KubeObject } from './object.js';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';
/** spec.finalizers entry of a namespace: its contents must go before it does. */
export const NAMESPACE_FINALIZER = 'kubernetes';

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

/** What a delete request does to an object: remove it now, or mark it and wait for finalizers. */
export type DeletionStep = { action: 'delete' } | { action: 'mark'; object: KubeObject } | { action: 'none' };

/** The propagation finalizers are exclusive: asking for one drops the other. */
function propagationFinalizers(current: string[], policy: PropagationPolicy | undefined): string[] {
  const wanted = policy === 'Foreground' ? FOREGROUND_FINALIZER : policy === 'Orphan' ? ORPHAN_FINALIZER : undefined;
  if (!wanted) return current;
  const other = wanted === FOREGROUND_FINALIZER ? ORPHAN_FINALIZER : FOREGROUND_FINALIZER;
  const kept = current.filter((f) => f !== other);
  return kept.includes(wanted) ? kept : [...kept, wanted];
}

/**
 * kube-apiserver's graceful-deletion decision: an object with finalizers (or asked for
 * foreground/orphan propagation, which are finalizers too) gets a deletionTimestamp and
 * stays until its finalizers are gone; anything else is removed at once.
 */
export function beginDeletion(obj: KubeObject, policy: PropagationPolicy | undefined, nowIso: string): DeletionStep {
  const current = obj.metadata.finalizers ?? [];
  const finalizers = propagationFinalizers(current, policy);
  if (finalizers.length === 0) return { action: 'delete' };
  const already = obj.metadata.deletionTimestamp;
  if (already && finalizers.join('\0') === current.join('\0')) return { action: 'none' };
  return {
    action: 'mark',
    object: {
      ...obj,
      metadata: {
        ...obj.metadata,
        finalizers,
        deletionTimestamp: already ?? nowIso,
        deletionGracePeriodSeconds: obj.metadata.deletionGracePeriodSeconds ?? 0,
      },
    },
  };
}

/** An object marked for deletion whose last finalizer was removed is deleted by that write. */
export function isFinalized(obj: KubeObject): boolean {
  return Boolean(obj.metadata.deletionTimestamp) && (obj.metadata.finalizers ?? []).length === 0;
}

export function withoutFinalizer(obj: KubeObject, f: string): KubeObject {
  const finalizers = (obj.metadata.finalizers ?? []).filter((x) => x !== f);
  return { ...obj, metadata: { ...obj.metadata, finalizers: finalizers.length ? finalizers : undefined } };
}

export function isDeleting(obj: KubeObject): boolean {
  return Boolean(obj.metadata.deletionTimestamp);
}
