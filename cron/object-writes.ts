// How reconcilers write: as the API would (defaults, uids, generation, finalizers), only
// what differs, and conditional on the resourceVersion they read. A lost race is not an
// error for a level-triggered reconciler: the write that won is itself a change that wakes
// it again, to look at the world as it now is.

import type { LoggedChange, Store } from '../db/store.js';
import { jsonEqual } from '../shared/json-equal.js';
import { generateName } from '../shared/names.js';
import type { KubeObject, ObjectKey } from '../shared/object.js';
import { planDeletion, prepareForCreate, prepareForUpdate, readyToDelete, type PropagationPolicy } from '../shared/object-semantics.js';
import type { Registry, ResourceType } from '../shared/registry/index.js';
import { controllerRef } from '../shared/simulator/pod.js';
import { isApiError } from '../shared/status.js';
import type { ReconcileContext } from './reconciler.js';

export type WriteOutcome = 'written' | 'unchanged' | 'stale';

/** A resource by group and plural name: what a key is of. */
export interface Resource {
  group: string;
  resource: string;
}

export function keyOf(r: Resource, namespace: string, name: string): ObjectKey {
  return { group: r.group, resource: r.resource, namespace, name };
}

/** `namespace/name`, the key namespaced reconcilers work on (`/name` when cluster-scoped). */
export function namespacedName(obj: { metadata: { namespace?: string; name?: string } }): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

export function splitNamespacedName(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export function isResource(key: ObjectKey, r: Resource): boolean {
  return key.group === r.group && key.resource === r.resource;
}

export function isDeleting(obj: KubeObject): boolean {
  return Boolean(obj.metadata.deletionTimestamp);
}

export function withoutFinalizer(obj: KubeObject, f: string): KubeObject {
  const finalizers = (obj.metadata.finalizers ?? []).filter((x) => x !== f);
  return { ...obj, metadata: { ...obj.metadata, finalizers: finalizers.length ? finalizers : undefined } };
}

function typeOf(registry: Registry, r: Resource): ResourceType {
  const type = registry.byResource(r.group, r.resource);
  if (!type) throw new Error(`no registered type for ${r.resource}.${r.group}`);
  return type;
}

/** A conflict or a vanished object: someone else moved first, and their write wakes us again. */
function isStale(e: unknown): boolean {
  return isApiError(e) && (e.code === 409 || e.code === 404);
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

/** Creates `obj` under `key` as a POST would; undefined when the name is already taken. */
async function createAs(store: Store, type: ResourceType, key: ObjectKey, obj: KubeObject, now: number): Promise<KubeObject | undefined> {
  try {
    return await store.create(key, prepareForCreate(type, obj, { namespace: key.namespace, now, uid: crypto.randomUUID() }));
  } catch (e) {
    if (isApiError(e) && e.reason === 'AlreadyExists') return undefined;
    throw e;
  }
}

/**
 * Creates an object as a POST would (uid, timestamps, defaults). Returns false when it
 * already exists: a reconciler that raced another one has nothing left to do.
 */
export async function createIfMissing(store: Store, registry: Registry, key: ObjectKey, obj: KubeObject, now: number): Promise<boolean> {
  return (await createAs(store, typeOf(registry, key), key, obj, now)) !== undefined;
}

/** Stores `next` in place of `read` when they differ; generation and status are the caller's. */
export async function writeObject(ctx: ReconcileContext, key: ObjectKey, read: KubeObject, next: KubeObject): Promise<WriteOutcome> {
  if (jsonEqual(read, next)) return 'unchanged';
  const rv = read.metadata.resourceVersion;
  try {
    await ctx.store.update(key, { ...next, metadata: { ...next.metadata, resourceVersion: rv } }, { resourceVersion: rv });
    return 'written';
  } catch (e) {
    if (isStale(e)) return 'stale';
    throw e;
  }
}

/** A spec change, as an update through the API makes it: generation moves, status is kept. */
export async function writeSpec(ctx: ReconcileContext, r: Resource, read: KubeObject, next: KubeObject): Promise<WriteOutcome> {
  const key = keyOf(r, read.metadata.namespace ?? '', read.metadata.name ?? '');
  return writeObject(ctx, key, read, prepareForUpdate(typeOf(ctx.registry, r), read, next, 'main'));
}

/**
 * A spec change and the status that goes with it, in one write: the status is computed from
 * the object as the spec write leaves it (its new generation), so a controller that observes
 * its own spec change (the scheduler's schedulerObservedGeneration) needs no second write.
 */
export async function writeSpecAndStatus(ctx: ReconcileContext, r: Resource, read: KubeObject, next: KubeObject, statusOf: (updated: KubeObject) => unknown): Promise<WriteOutcome> {
  const key = keyOf(r, read.metadata.namespace ?? '', read.metadata.name ?? '');
  const updated = jsonEqual({ ...next, status: read.status }, read) ? read : prepareForUpdate(typeOf(ctx.registry, r), read, next, 'main');
  return writeObject(ctx, key, read, { ...updated, status: statusOf(updated) } as KubeObject);
}

/** A status change (metadata changes ride along, as controllers' status updates carry annotations). */
export async function writeStatus(ctx: ReconcileContext, r: Resource, read: KubeObject, status: unknown, metadata = read.metadata): Promise<WriteOutcome> {
  const key = keyOf(r, read.metadata.namespace ?? '', read.metadata.name ?? '');
  return writeObject(ctx, key, read, { ...read, metadata, status });
}

/**
 * Creates an object as a create through the API would (uid, timestamps, defaults). A name
 * ending in '-' is a generateName prefix. Resolves to undefined when the name is taken.
 */
export async function createObject(ctx: ReconcileContext, r: Resource, obj: KubeObject): Promise<KubeObject | undefined> {
  const type = typeOf(ctx.registry, r);
  const namespace = type.namespaced ? (obj.metadata.namespace ?? '') : '';
  const wanted = obj.metadata.name ?? '';
  const generated = wanted.endsWith('-');
  for (let attempt = 0; attempt < (generated ? 5 : 1); attempt++) {
    const name = generated ? generateName(wanted) : wanted;
    const named = { ...obj, metadata: { ...obj.metadata, name, ...(generated ? { generateName: wanted } : {}) } };
    const created = await createAs(ctx.store, type, keyOf(r, namespace, name), named, ctx.now());
    if (created) return created;
  }
  return undefined;
}

/** Deletes as `kubectl delete` would (Background propagation, finalizers honoured). */
export async function removeObject(ctx: ReconcileContext, r: Resource, obj: KubeObject): Promise<void> {
  const key = keyOf(r, obj.metadata.namespace ?? '', obj.metadata.name ?? '');
  try {
    await deleteObject(ctx.store, ctx.registry, key, obj, 'Background', ctx.now());
  } catch (e) {
    if (!isStale(e)) throw e;
  }
}

/** Objects of a resource that `owner` controls, found through the store's owner index. */
export async function controlledBy(ctx: ReconcileContext, owner: KubeObject, r: Resource): Promise<KubeObject[]> {
  const uid = owner.metadata.uid;
  if (!uid) return [];
  const found = await ctx.store.dependents(uid);
  return found.filter((d) => isResource(d.key, r) && controllerRef(d.object)?.uid === uid).map((d) => d.object);
}

/** The name of the object's controller when it is of `kind`: whose key a dependent's change wakes. */
export function controllerKey(obj: KubeObject, kind: string): string | undefined {
  const ref = controllerRef(obj);
  return ref?.kind === kind ? `${obj.metadata.namespace ?? ''}/${ref.name}` : undefined;
}

/**
 * The keys of a workload controller: the workload itself while it exists, and its
 * controller when one of the objects it controls (pods, ReplicaSets) changes.
 */
export function ownerAndChildrenKeys(change: LoggedChange, owner: Resource, ownerKind: string, child: Resource): string[] {
  if (isResource(change.key, owner)) return change.type === 'DELETED' ? [] : [namespacedName(change.object)];
  if (isResource(change.key, child)) {
    const key = controllerKey(change.object, ownerKind);
    return key ? [key] : [];
  }
  return [];
}

/** Every object of a resource as `namespace/name` keys, for resync. */
export async function allKeys(ctx: ReconcileContext, r: Resource): Promise<string[]> {
  const out: string[] = [];
  let cont: string | undefined;
  do {
    const page = await ctx.store.list({ group: r.group, resource: r.resource }, { limit: 500, ...(cont ? { continue: cont } : {}) });
    out.push(...page.items.map(namespacedName));
    cont = page.continue;
  } while (cont);
  return out;
}

/** Runs `fn` over a list a few at a time: many writes at once, without one per event-loop turn. */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(Math.max(1, limit), items.length) }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}
