import type { Store } from '../db/store.js';
import type { KubeObject, ObjectKey } from '../shared/object.js';
import { prepareForCreate } from '../shared/object-semantics.js';
import type { Registry } from '../shared/registry/index.js';
import { isApiError } from '../shared/status.js';

/**
 * Creates an object as a POST would (uid, timestamps, defaults). Returns false when it
 * already exists: a reconciler that raced another one has nothing left to do.
 */
export async function createIfMissing(store: Store, registry: Registry, key: ObjectKey, obj: KubeObject, now: number): Promise<boolean> {
  const type = registry.byResource(key.group, key.resource);
  if (!type) throw new Error(`no registered type for ${key.resource}.${key.group}`);
  try {
    await store.create(key, prepareForCreate(type, obj, { namespace: key.namespace, now, uid: crypto.randomUUID() }));
    return true;
  } catch (e) {
    if (isApiError(e) && e.reason === 'AlreadyExists') return false;
    throw e;
  }
}
