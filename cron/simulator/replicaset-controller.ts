// The simulated ReplicaSet controller: reads a ReplicaSet and its pods, creates or deletes
// pods toward spec.replicas, and writes the status its pods add up to.

import type { Reconciler } from '../reconciler.js';
import { podFromTemplate, type PodTemplate } from '../../shared/simulator/pod-template.js';
import { ownerReferenceTo } from '../../shared/simulator/pod.js';
import { replicaSetPlan } from '../../shared/simulator/replicaset.js';
import { allKeys, controlledBy, controllerKey, createObject, forEachLimited, isResource, keyOf, namespacedName, removeObject, splitNamespacedName, writeStatus, ownerAndChildrenKeys } from '../object-writes.js';
import { PODS, REPLICA_SETS } from './resources.js';

/** Pods made per pass; a big scale-up continues on the next pass, woken by these creations. */
const MAX_CREATES = 500;

export const replicaSetController: Reconciler = {
  name: 'replicaset-controller',

  keysFor(change) {
    return ownerAndChildrenKeys(change, REPLICA_SETS, 'ReplicaSet', PODS);
  },

  async reconcile(ctx, key) {
    const { namespace, name } = splitNamespacedName(key);
    const rs = await ctx.store.get(keyOf(REPLICA_SETS, namespace, name));
    if (!rs) return;
    const pods = await controlledBy(ctx, rs, PODS);
    const plan = replicaSetPlan(rs, pods, ctx.now());
    if (!rs.metadata.deletionTimestamp) {
      const template = ((rs.spec as { template?: PodTemplate } | undefined)?.template ?? {}) as PodTemplate;
      const owner = ownerReferenceTo(rs);
      const creates = Array.from({ length: Math.min(plan.create, MAX_CREATES) }, () =>
        podFromTemplate(template, { namespace, name: `${name}-`, owner }),
      );
      await forEachLimited(creates, 8, (pod) => createObject(ctx, PODS, pod));
      await forEachLimited(plan.delete, 8, (pod) => removeObject(ctx, PODS, pod));
    }
    await writeStatus(ctx, REPLICA_SETS, rs, plan.status);
    return plan.requeueAfterMs !== undefined ? { requeueAfterMs: plan.requeueAfterMs } : undefined;
  },

  resync: (ctx) => allKeys(ctx, REPLICA_SETS),
};
