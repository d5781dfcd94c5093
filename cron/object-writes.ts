import type { Store } from '../db/store.js';
import type { KubeObject, ObjectKey } from '../shared/object.js';
import type { Registry, ResourceType } from '../shared/registry/index.js';
import { planDeletion, readyToDelete, type PropagationPolicy } from '../shared/object-semantics.js';
import { jsonEqual } from '../shared/json-equal.js';
import { isApiError } from '../shared/status.js';

function typeOf(registry: Registry, key: ObjectKey): ResourceType {
  const type = registry.byResource(key.group, key.resource);
  if (!type) throw new Error(`no registered type for ${key.resource}.${key.group}`);
  return type;
}

/**
 * Writes an object a reconciler changed, conditional on the version it read. A write that
 * leaves a deleting object with nothing holding it completes the deletion, exactly as the
 * API's update path does, so reconcilers and users finish deletions the same way.
 */
export async function writeBack(store: Store, registry: Registry, key: ObjectKey, obj: KubeObject): Promise<void> {
  const rv = obj.metadata.resourceVersion;
  if (readyToDelete(typeOf(registry, key), obj)) await store.delete(key, { resourceVersion: rv });
  else await store.update(key, obj, { resourceVersion: rv });
}

/** Deletes as a DELETE request would (finalizers honoured); an object already gone is done. */
export async function deleteObject(
  store: Store,
  registry: Registry,
  key: ObjectKey,
  obj: KubeObject,
  policy: PropagationPolicy | undefined,
  now: number,
): Promise<void> {
  const plan = planDeletion(typeOf(registry, key), obj, { propagationPolicy: policy, now });
  try {
    if (!plan.marked) await store.delete(key, { resourceVersion: obj.metadata.resourceVersion });
    else if (!jsonEqual(plan.marked, obj)) await store.update(key, plan.marked, { resourceVersion: obj.metadata.resourceVersion });
  } catch (e) {
    if (isApiError(e) && e.code === 404) return;
    throw e;
  }
}

export function withoutFinalizer(obj: KubeObject, f: string): KubeObject {
  const finalizers = (obj.metadata.finalizers ?? []).filter((x) => x !== f);
  return { ...obj, metadata: { ...obj.metadata, finalizers: finalizers.length ? finalizers : undefined } };
}

export function isDeleting(obj: KubeObject): boolean {
  return Boolean(obj.metadata.deletionTimestamp);
}
