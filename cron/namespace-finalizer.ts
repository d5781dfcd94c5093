import type { Reconciler } from './reconciler.js';
import type { KubeObject } from '../shared/object.js';
import { NAMESPACE_FINALIZER } from '../shared/object-semantics.js';
import { deleteObject, isDeleting, writeBack } from './object-writes.js';

const NAMESPACES = { group: '', resource: 'namespaces' };

/**
 * The namespace controller: a Terminating namespace's contents are deleted (their own
 * finalizers honoured), then the `kubernetes` finalizer is dropped and the namespace goes.
 */
export const namespaceFinalizer: Reconciler = {
  name: 'namespace-finalizer',

  keysFor(change) {
    const { key, object } = change;
    if (key.group === NAMESPACES.group && key.resource === NAMESPACES.resource) {
      return isDeleting(object) && change.type !== 'DELETED' ? [key.name] : [];
    }
    // An object leaving a namespace may be the last thing the namespace waits for.
    return key.namespace && (change.type === 'DELETED' || isDeleting(object)) ? [key.namespace] : [];
  },

  async reconcile(ctx, name) {
    const { store } = ctx;
    const key = { ...NAMESPACES, namespace: '', name };
    const ns = await store.get(key);
    if (!ns || !isDeleting(ns)) return;
    const contents = await store.namespaceContents(name);
    if (contents.length > 0) {
      for (const c of contents) {
        if (!isDeleting(c.object)) await deleteObject(store, ctx.registry, c.key, c.object, 'Background', ctx.now());
      }
      return { requeueAfterMs: 2000 };
    }
    const spec = (ns.spec ?? {}) as { finalizers?: string[] };
    const specFinalizers = (spec.finalizers ?? []).filter((f) => f !== NAMESPACE_FINALIZER);
    if ((spec.finalizers ?? []).length === specFinalizers.length) return; // someone else's finalizer holds it
    const updated: KubeObject = { ...ns, spec: { ...spec, finalizers: specFinalizers } };
    // With no finalizer left this write deletes the namespace.
    await writeBack(store, ctx.registry, key, updated);
  },
};
