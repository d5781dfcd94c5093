import type { Store } from '../db/store.js';
import { listCrds } from '../db/crd-registry.js';
import { findCondition, namedStatus, withCondition } from '../shared/crd/conditions.js';
import { storageVersionOf } from '../shared/crd/definition-validation.js';
import { resourceTypeForCrd } from '../shared/crd/resource-type.js';
import { isServedByFlotilla } from '../shared/crd/served-groups.js';
import { CRD_CLEANUP_FINALIZER, CRD_GROUP, CRD_RESOURCE, crdSchema, type CustomResourceDefinition } from '../shared/crd/types.js';
import { jsonEqual } from '../shared/json-equal.js';
import type { KubeObject, ObjectKey } from '../shared/object.js';
import { createBuiltinRegistry, Registry, type ResourceTypeInput } from '../shared/registry/index.js';
import { isApiError } from '../shared/status.js';
import { deleteObject, isDeleting, withoutFinalizer, writeBack } from './object-writes.js';
import type { ReconcileContext, Reconciler } from './reconciler.js';

const builtinGroups = new Set(createBuiltinRegistry().groups().map((g) => g.name));

function crdKey(name: string): ObjectKey {
  return { group: CRD_GROUP, resource: CRD_RESOURCE, namespace: '', name };
}

function decode(obj: KubeObject): CustomResourceDefinition | undefined {
  const parsed = crdSchema.safeParse(obj);
  return parsed.success ? ({ ...parsed.data, metadata: obj.metadata } as CustomResourceDefinition) : undefined;
}

/** `plural.group` → the resource a CRD named so defines (a CRD's name is always exactly that). */
function splitName(name: string): { resource: string; group: string } | undefined {
  const i = name.indexOf('.');
  return i > 0 ? { resource: name.slice(0, i), group: name.slice(i + 1) } : undefined;
}

/** How to delete the CRD's objects: its served type, or (never Established) a stand-in with its names. */
function instanceType(crd: CustomResourceDefinition): ResourceTypeInput | undefined {
  const served = resourceTypeForCrd(crd);
  if (served) return served;
  const { group, names, scope } = crd.spec ?? {};
  if (!group || !names?.plural || !names.kind) return undefined;
  return { group, versions: ['v1'], resource: names.plural, kind: names.kind, singular: names.plural, namespaced: scope === 'Namespaced', verbs: ['delete'] };
}

/**
 * The CRD controllers of apiextensions-apiserver, level-triggered: naming (NamesAccepted,
 * status.acceptedNames, a blocked CRD retried when a sibling frees its names),
 * establishing (Established), storedVersions, and the cleanup finalizer (a deleted CRD's
 * objects are deleted, their own finalizers honoured, then the finalizer is released). A
 * CRD that went without its finalizer still takes its objects along.
 *
 * Keys: `crd:<name>` for a CRD's own changes, `instances:<name>` when an object a CRD may
 * define was deleted (what a terminating CRD waits for).
 */
export const crdLifecycle: Reconciler = {
  name: 'crd-lifecycle',

  keysFor(change) {
    const { key } = change;
    if (key.group === CRD_GROUP && key.resource === CRD_RESOURCE) return [`crd:${key.name}`];
    if (change.type === 'DELETED' && key.group.includes('.') && !builtinGroups.has(key.group) && !isServedByFlotilla(key.group, false)) {
      return [`instances:${key.resource}.${key.group}`];
    }
    return [];
  },

  async reconcile(ctx, key) {
    if (key.startsWith('crd:')) return reconcileCrd(ctx, key.slice('crd:'.length));
    if (key.startsWith('instances:')) {
      const name = key.slice('instances:'.length);
      const obj = await ctx.store.get(crdKey(name));
      if (obj && isDeleting(obj)) return reconcileCrd(ctx, name);
    }
  },

  async resync(ctx) {
    return (await listCrds(ctx.store)).map((c) => `crd:${String(c.metadata.name)}`);
  },
};

async function reconcileCrd(ctx: ReconcileContext, name: string): Promise<{ requeueAfterMs: number } | void> {
  const { store } = ctx;
  const obj = await store.get(crdKey(name));
  const all = await listCrds(store);
  if (!obj) {
    await deleteOrphans(store, name);
    await retryBlockedSiblings(ctx, splitName(name)?.group, all);
    return;
  }
  const crd = decode(obj);
  if (!crd) return;
  const written = await writeStatus(ctx, obj, crd, all);
  const group = crd.spec?.group;
  await retryBlockedSiblings(ctx, group, all.filter((c) => c.metadata.name !== name));
  if (!isDeleting(written) || !(written.metadata.finalizers ?? []).includes(CRD_CLEANUP_FINALIZER)) return;
  return cleanUp(ctx, written, decode(written) ?? crd);
}

/** Names, conditions and storedVersions as the controllers would have them; written only on change. */
async function writeStatus(ctx: ReconcileContext, obj: KubeObject, crd: CustomResourceDefinition, all: CustomResourceDefinition[]): Promise<KubeObject> {
  const now = ctx.now();
  let status = namedStatus(crd, all, now) ?? crd.status ?? {};
  const storage = storageVersionOf(crd);
  const stored = status.storedVersions ?? [];
  if (storage && !stored.includes(storage)) status = { ...status, storedVersions: [...stored, storage] };
  if (isDeleting(obj) && findCondition(crd, 'Terminating')?.status !== 'True') {
    status = {
      ...status,
      conditions: withCondition(status.conditions ?? [], { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' }, now),
    };
  }
  if (jsonEqual(status, obj.status ?? {})) return obj;
  return ctx.store.update(crdKey(String(obj.metadata.name)), { ...obj, status }, { resourceVersion: obj.metadata.resourceVersion });
}

/** A CRD that could not have its names may get them now that a sibling changed or went away. */
async function retryBlockedSiblings(ctx: ReconcileContext, group: string | undefined, all: CustomResourceDefinition[]): Promise<void> {
  if (!group) return;
  for (const sibling of all) {
    if (sibling.spec?.group !== group || findCondition(sibling, 'NamesAccepted')?.status === 'True') continue;
    const obj = await ctx.store.get(crdKey(String(sibling.metadata.name)));
    const crd = obj && decode(obj);
    if (!obj || !crd) continue;
    try {
      await writeStatus(ctx, obj, crd, await listCrds(ctx.store));
    } catch (e) {
      // Someone wrote it meanwhile; its own change brings it back here.
      if (!(isApiError(e) && e.code === 409)) throw e;
    }
  }
}

/** Deletes what the CRD defines (one page at a time), then lets the CRD go. */
async function cleanUp(ctx: ReconcileContext, obj: KubeObject, crd: CustomResourceDefinition): Promise<{ requeueAfterMs: number } | void> {
  const type = instanceType(crd);
  if (type) {
    const registry = new Registry([type]);
    const scope = { group: type.group, resource: type.resource };
    const page = await ctx.store.list(scope, { limit: 500 });
    for (const item of page.items) {
      if (isDeleting(item)) continue;
      const key = { ...scope, namespace: item.metadata.namespace ?? '', name: String(item.metadata.name) };
      await deleteObject(ctx.store, registry, key, item, 'Background', ctx.now());
    }
    if (page.continue) return { requeueAfterMs: 0 };
    // Objects held by their own finalizers wake us when they finally go; the requeue is the safety net.
    if ((await ctx.store.list(scope, { limit: 1 })).items.length > 0) return { requeueAfterMs: 5000 };
  }
  await writeBack(ctx.store, ctx.registry, crdKey(String(obj.metadata.name)), withoutFinalizer(obj, CRD_CLEANUP_FINALIZER));
}

/** The CRD went without its finalizer (removed by hand): its objects are unreachable, so they go too. */
async function deleteOrphans(st: Store, name: string): Promise<void> {
  const split = splitName(name);
  if (!split || builtinGroups.has(split.group) || isServedByFlotilla(split.group, false)) return;
  for (;;) {
    const page = await st.list({ group: split.group, resource: split.resource }, { limit: 500 });
    for (const item of page.items) {
      const key = { group: split.group, resource: split.resource, namespace: item.metadata.namespace ?? '', name: String(item.metadata.name) };
      try {
        await st.delete(key);
      } catch (e) {
        if (!(isApiError(e) && e.code === 404)) throw e;
      }
    }
    if (!page.continue) return;
  }
}
