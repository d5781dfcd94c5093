// How the simulated controllers write: only differences, conditional on what they read. A
// lost race is not an error for a level-triggered controller: the write that won is itself a
// change that wakes it again, to look at the world as it now is.

import type { ReconcileContext } from '../reconciler.js';
import type { LoggedChange } from '../../db/store.js';
import { deleteObject } from '../object-writes.js';
import { jsonEqual } from '../../shared/json-equal.js';
import { generateName } from '../../shared/names.js';
import type { KubeObject, ObjectKey } from '../../shared/object.js';
import { prepareForCreate, prepareForUpdate } from '../../shared/object-semantics.js';
import type { ResourceType } from '../../shared/registry/index.js';
import { isApiError } from '../../shared/status.js';
import { controllerRef } from '../../shared/simulator/pod.js';

export type WriteOutcome = 'written' | 'unchanged' | 'stale';

export interface Resource {
  group: string;
  resource: string;
}

export const PODS: Resource = { group: '', resource: 'pods' };
export const NODES: Resource = { group: '', resource: 'nodes' };
export const SERVICES: Resource = { group: '', resource: 'services' };
export const CLAIMS: Resource = { group: '', resource: 'persistentvolumeclaims' };
export const REPLICA_SETS: Resource = { group: 'apps', resource: 'replicasets' };
export const DEPLOYMENTS: Resource = { group: 'apps', resource: 'deployments' };
export const STATEFUL_SETS: Resource = { group: 'apps', resource: 'statefulsets' };
export const DAEMON_SETS: Resource = { group: 'apps', resource: 'daemonsets' };
export const JOBS: Resource = { group: 'batch', resource: 'jobs' };
export const INGRESSES: Resource = { group: 'networking.k8s.io', resource: 'ingresses' };

export function keyOf(r: Resource, namespace: string, name: string): ObjectKey {
  return { ...r, namespace, name };
}

/** `namespace/name`, the key namespaced controllers reconcile. */
export function namespacedName(obj: { metadata: { namespace?: string; name?: string } }): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

export function splitNamespacedName(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export function isResource(key: ObjectKey, r: Resource): boolean {
  return key.group === r.group && key.resource === r.resource;
}

function typeOf(ctx: ReconcileContext, r: Resource): ResourceType {
  const t = ctx.registry.byResource(r.group, r.resource);
  if (!t) throw new Error(`no registered type for ${r.resource}.${r.group}`);
  return t;
}

function isStale(e: unknown): boolean {
  return isApiError(e) && (e.code === 409 || e.code === 404);
}

/** Stores `next` in place of `read` when they differ; generation and status are the caller's. */
export async function writeObject(ctx: ReconcileContext, key: ObjectKey, read: KubeObject, next: KubeObject): Promise<WriteOutcome> {
  if (jsonEqual(read, next)) return 'unchanged';
  try {
    await ctx.store.update(key, { ...next, metadata: { ...next.metadata, resourceVersion: read.metadata.resourceVersion } }, {
      resourceVersion: read.metadata.resourceVersion,
    });
    return 'written';
  } catch (e) {
    if (isStale(e)) return 'stale';
    throw e;
  }
}

/** A spec change, as an update through the API makes it: generation moves, status is kept. */
export async function writeSpec(ctx: ReconcileContext, r: Resource, read: KubeObject, next: KubeObject): Promise<WriteOutcome> {
  const key = keyOf(r, read.metadata.namespace ?? '', read.metadata.name ?? '');
  return writeObject(ctx, key, read, prepareForUpdate(typeOf(ctx, r), read, next, 'main'));
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
  const type = typeOf(ctx, r);
  const namespace = type.namespaced ? (obj.metadata.namespace ?? '') : '';
  const wanted = obj.metadata.name ?? '';
  const generated = wanted.endsWith('-');
  for (let attempt = 0; attempt < (generated ? 5 : 1); attempt++) {
    const name = generated ? generateName(wanted) : wanted;
    const prepared = prepareForCreate(
      type,
      { ...obj, metadata: { ...obj.metadata, name, ...(generated ? { generateName: wanted } : {}) } },
      { namespace, now: ctx.now(), uid: crypto.randomUUID() },
    );
    try {
      return await ctx.store.create(keyOf(r, namespace, name), prepared);
    } catch (e) {
      if (!(isApiError(e) && e.reason === 'AlreadyExists')) throw e;
    }
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

/** Every object of a resource, for resync. */
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

/** Runs `fn` over a list a few at a time: many pods at once, without one write per event-loop turn. */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
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
