import type { Store } from '../db/store.js';
import type { KubeObject, ObjectKey } from '../shared/object.js';
import { beginDeletion, isFinalized, type PropagationPolicy } from '../shared/deletion.js';
import { isApiError } from '../shared/status.js';

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Writes an object a reconciler changed, conditional on the version it read; a write that
 * empties the finalizers of an object being deleted completes the deletion, as the API does.
 */
export async function writeBack(store: Store, key: ObjectKey, obj: KubeObject): Promise<void> {
  const rv = obj.metadata.resourceVersion;
  if (isFinalized(obj)) await store.delete(key, { resourceVersion: rv });
  else await store.update(key, obj, { resourceVersion: rv });
}

/** Deletes as a DELETE request would (finalizers honoured); a vanished object is already done. */
export async function deleteObject(store: Store, key: ObjectKey, obj: KubeObject, policy: PropagationPolicy | undefined, now: number): Promise<void> {
  const step = beginDeletion(obj, policy, rfc3339(now));
  try {
    if (step.action === 'delete') await store.delete(key, { resourceVersion: obj.metadata.resourceVersion });
    else if (step.action === 'mark') await store.update(key, step.object, { resourceVersion: obj.metadata.resourceVersion });
  } catch (e) {
    if (isApiError(e) && e.code === 404) return;
    throw e;
  }
}
