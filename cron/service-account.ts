import type { KubeObject } from '../shared/object.js';
import { createIfMissing, isDeleting } from './object-writes.js';
import type { Reconciler } from './reconciler.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';

/**
 * Upstream's serviceaccounts-controller: every active namespace has a ServiceAccount named
 * `default` (so `kubectl create token default` works everywhere); deleting it brings it back.
 * Keys are namespace names.
 */
export const serviceAccountReconciler: Reconciler = {
  name: 'service-account',

  keysFor(change) {
    const { key } = change;
    if (key.group === '' && key.resource === 'namespaces') return change.type === 'DELETED' ? [] : [key.name];
    if (key.group === '' && key.resource === 'serviceaccounts' && key.name === DEFAULT_SERVICE_ACCOUNT && change.type === 'DELETED') {
      return [key.namespace];
    }
    return [];
  },

  async reconcile(ctx, namespace) {
    const ns = await ctx.store.get({ group: '', resource: 'namespaces', namespace: '', name: namespace });
    // A terminating namespace refuses new objects; the namespace controller is emptying it.
    if (!ns || isDeleting(ns)) return;
    const key = { group: '', resource: 'serviceaccounts', namespace, name: DEFAULT_SERVICE_ACCOUNT };
    if (await ctx.store.get(key)) return;
    const sa: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace } };
    await createIfMissing(ctx.store, ctx.registry, key, sa, ctx.now());
  },

  async resync(ctx) {
    const all = await ctx.store.list({ group: '', resource: 'namespaces' });
    return all.items.filter((n) => !isDeleting(n)).map((n) => n.metadata.name ?? '').filter(Boolean);
  },
};
