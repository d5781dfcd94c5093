import { MANAGED_ANNOTATIONS_ANNOTATION, MANAGED_LABELS_ANNOTATION } from '../karmada/work.js';
import type { KubeObject } from '../object.js';
import { clone } from './fields.js';

/**
 * The part of retention every kind shares (objectwatcher's retainClusterFields): what the
 * member's own controllers and users put on the object survives an update from the
 * control plane.
 */

/**
 * Keys the member has that the template does not: kept, unless the control plane put them
 * there itself (they are listed in the managed-keys annotation on the member) and has since
 * dropped them. A key both sides have takes the template's value.
 */
function mergeMemberKeys(
  desired: Record<string, string> | null | undefined,
  observed: Record<string, string> | null | undefined,
  managedKeys: string | undefined,
): Record<string, string> | undefined {
  const merged: Record<string, string> = { ...(desired ?? {}) };
  const dropped = new Set((managedKeys ?? '').split(','));
  for (const key of Object.keys(merged)) dropped.delete(key);
  for (const [key, value] of Object.entries(observed ?? {})) {
    if (dropped.has(key) || key in merged) continue;
    merged[key] = value;
  }
  return Object.keys(merged).length > 0 ? merged : undefined;
}

export function retainClusterFields(desired: KubeObject, observed: KubeObject): KubeObject {
  const out = clone(desired);
  const meta = out.metadata;
  const seen = observed.metadata;
  // The update must carry the member's resourceVersion or the member refuses it.
  if (seen.resourceVersion) meta.resourceVersion = seen.resourceVersion;
  else delete meta.resourceVersion;
  // Finalizers and owners are set by controllers in the member.
  if (seen.finalizers) meta.finalizers = [...seen.finalizers];
  else delete meta.finalizers;
  if (seen.ownerReferences) meta.ownerReferences = clone(seen.ownerReferences);
  else delete meta.ownerReferences;
  const seenAnnotations = seen.annotations ?? {};
  const annotations = mergeMemberKeys(meta.annotations, seenAnnotations, seenAnnotations[MANAGED_ANNOTATIONS_ANNOTATION]);
  if (annotations) meta.annotations = annotations;
  const labels = mergeMemberKeys(meta.labels, seen.labels, seenAnnotations[MANAGED_LABELS_ANNOTATION]);
  if (labels) meta.labels = labels;
  return out;
}
