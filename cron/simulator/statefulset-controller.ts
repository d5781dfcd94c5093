// The simulated StatefulSet controller: creates claims and ordered pods, removes and rolls
// them as shared/simulator/statefulset.ts decides, and writes the StatefulSet's status.

import type { Reconciler } from '../reconciler.js';
import { statefulSetPlan } from '../../shared/simulator/statefulset.js';
import { allKeys, controlledBy, controllerKey, createObject, isResource, keyOf, namespacedName, removeObject, splitNamespacedName, writeStatus, ownerAndChildrenKeys } from '../object-writes.js';
import { CLAIMS, PODS, STATEFUL_SETS } from './resources.js';

export const statefulSetController: Reconciler = {
  name: 'statefulset-controller',

  keysFor(change) {
    return ownerAndChildrenKeys(change, STATEFUL_SETS, 'StatefulSet', PODS);
  },

  async reconcile(ctx, key) {
    const { namespace, name } = splitNamespacedName(key);
    const sts = await ctx.store.get(keyOf(STATEFUL_SETS, namespace, name));
    if (!sts) return;
    const pods = await controlledBy(ctx, sts, PODS);
    const hasClaims = Array.isArray((sts.spec as { volumeClaimTemplates?: unknown } | undefined)?.volumeClaimTemplates);
    const claims = new Set<string>();
    if (hasClaims) {
      const list = await ctx.store.list({ ...CLAIMS, namespace });
      for (const c of list.items) claims.add(c.metadata.name ?? '');
    }
    const plan = statefulSetPlan(sts, pods, claims, ctx.now());
    for (const claim of plan.claims) await createObject(ctx, CLAIMS, claim);
    for (const pod of plan.create) await createObject(ctx, PODS, pod);
    for (const pod of plan.delete) await removeObject(ctx, PODS, pod);
    await writeStatus(ctx, STATEFUL_SETS, sts, plan.status);
    return plan.requeueAfterMs !== undefined ? { requeueAfterMs: plan.requeueAfterMs } : undefined;
  },

  resync: (ctx) => allKeys(ctx, STATEFUL_SETS),
};
