import type { Reconciler, ReconcileContext } from './reconciler.js';
import type { KubeObject, ObjectKey } from '../shared/object.js';
import { keyString, parseKeyString } from '../shared/object.js';
import { FINALIZER_FOREGROUND, FINALIZER_ORPHAN } from '../shared/object-semantics.js';
import { deleteObject, isDeleting, withoutFinalizer, writeBack } from './object-writes.js';

/**
 * Kubernetes' garbage collector over ownerReferences. Keys are `owner:<uid>` (an owner went
 * away or is being deleted: act on its dependents) and `dependent:<object key>` (an object
 * names owners: do they still exist?).
 */
export const garbageCollector: Reconciler = {
  name: 'garbage-collector',

  keysFor(change) {
    const keys: string[] = [];
    const meta = change.object.metadata;
    if ((change.type === 'DELETED' || meta.deletionTimestamp) && meta.uid) keys.push(`owner:${meta.uid}`);
    for (const ref of meta.ownerReferences ?? []) {
      // A dependent's change may be what a foreground-deleting owner is waiting for.
      keys.push(`owner:${ref.uid}`);
      if (change.type !== 'DELETED') keys.push(`dependent:${keyString(change.key)}`);
    }
    return keys;
  },

  async reconcile(ctx, key) {
    if (key.startsWith('owner:')) return reconcileOwner(ctx, key.slice('owner:'.length));
    if (key.startsWith('dependent:')) return reconcileDependent(ctx, parseKeyString(key.slice('dependent:'.length)));
  },
};

function withoutOwner(obj: KubeObject, uid: string): KubeObject {
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
  return { ...obj, metadata: { ...obj.metadata, ownerReferences: refs.length ? refs : undefined } };
}

async function reconcileOwner(ctx: ReconcileContext, uid: string): Promise<{ requeueAfterMs: number } | void> {
  const { store } = ctx;
  const owner = await store.getByUid(uid);
  const dependents = await store.dependents(uid);
  if (!owner) {
    // Background propagation: an owner is gone, so each dependent loses it, and goes with it once no owner is left.
    for (const d of dependents) await reconcileDependent(ctx, d.key);
    return;
  }
  const finalizers = owner.object.metadata.finalizers ?? [];
  if (!isDeleting(owner.object)) return;
  if (finalizers.includes(FINALIZER_ORPHAN)) {
    for (const d of dependents) await writeBack(store, ctx.registry, d.key, withoutOwner(d.object, uid));
    await writeBack(store, ctx.registry, owner.key, withoutFinalizer(owner.object, FINALIZER_ORPHAN));
    return;
  }
  if (finalizers.includes(FINALIZER_FOREGROUND)) {
    if (dependents.length === 0) {
      await writeBack(store, ctx.registry, owner.key, withoutFinalizer(owner.object, FINALIZER_FOREGROUND));
      return;
    }
    // Dependents go first, themselves in the foreground, so a whole tree empties bottom-up.
    for (const d of dependents) {
      if (!isDeleting(d.object)) await deleteObject(store, ctx.registry, d.key, d.object, 'Foreground', ctx.now());
    }
    // Their deletions wake us again; the requeue covers dependents held by someone else's finalizer.
    return { requeueAfterMs: 5000 };
  }
}

async function reconcileDependent(ctx: ReconcileContext, key: ObjectKey): Promise<void> {
  const { store } = ctx;
  let obj = await store.get(key);
  if (!obj || isDeleting(obj)) return;
  const refs = obj.metadata.ownerReferences ?? [];
  if (refs.length === 0) return;
  const missing: string[] = [];
  for (const ref of refs) {
    const owner = await store.getByUid(ref.uid);
    if (!owner) missing.push(ref.uid);
  }
  if (missing.length === 0) return;
  if (missing.length === refs.length) {
    await deleteObject(store, ctx.registry, key, obj, 'Background', ctx.now());
    return;
  }
  for (const uid of missing) obj = withoutOwner(obj, uid);
  await writeBack(store, ctx.registry, key, obj);
}
