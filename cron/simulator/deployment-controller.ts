// The simulated Deployment controller: one rollout step per pass (shared/simulator/deployment.ts
// decides it), then the Deployment's status and revision annotation. The ReplicaSets' own
// status changes wake it for the next step.

import type { Reconciler } from '../reconciler.js';
import { isControlledBy } from '../../shared/simulator/pod.js';
import { REVISION, deploymentPlan, deploymentSpec, resolveFenceposts, scaledReplicaSet } from '../../shared/simulator/deployment.js';
import { allKeys, controlledBy, controllerKey, createObject, isResource, keyOf, namespacedName, removeObject, splitNamespacedName, writeSpec, writeStatus, ownerAndChildrenKeys } from '../object-writes.js';
import { DEPLOYMENTS, REPLICA_SETS } from './resources.js';

export const deploymentController: Reconciler = {
  name: 'deployment-controller',

  keysFor(change) {
    return ownerAndChildrenKeys(change, DEPLOYMENTS, 'Deployment', REPLICA_SETS);
  },

  async reconcile(ctx, key) {
    const { namespace, name } = splitNamespacedName(key);
    const d = await ctx.store.get(keyOf(DEPLOYMENTS, namespace, name));
    if (!d) return;
    const replicaSets = await controlledBy(ctx, d, REPLICA_SETS);
    const plan = deploymentPlan(d, replicaSets, ctx.now());
    const spec = deploymentSpec(d);
    const { maxSurge } = resolveFenceposts(spec);
    if (plan.create && !(await createObject(ctx, REPLICA_SETS, plan.create))) {
      // The name is someone else's ReplicaSet: a new collisionCount gives the next pass another hash.
      const taken = await ctx.store.get(keyOf(REPLICA_SETS, namespace, plan.create.metadata.name ?? ''));
      if (taken && !isControlledBy(taken, d)) plan.status = { ...plan.status, collisionCount: (plan.status.collisionCount ?? 0) + 1 };
    }
    for (const { rs, replicas } of plan.scale) await writeSpec(ctx, REPLICA_SETS, rs, scaledReplicaSet(rs, replicas, spec, maxSurge));
    for (const rs of plan.delete) await removeObject(ctx, REPLICA_SETS, rs);
    const annotations = plan.revision ? { ...(d.metadata.annotations ?? {}), [REVISION]: plan.revision } : d.metadata.annotations;
    await writeStatus(ctx, DEPLOYMENTS, d, plan.status, { ...d.metadata, ...(annotations ? { annotations } : {}) });
    return plan.requeueAfterMs !== undefined ? { requeueAfterMs: plan.requeueAfterMs } : undefined;
  },

  resync: (ctx) => allKeys(ctx, DEPLOYMENTS),
};
