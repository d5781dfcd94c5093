// The simulated DaemonSet controller: a pod on each eligible node. A node changing can change
// where every DaemonSet belongs, so node changes wake all of them (the '*' key).

import type { Reconciler, ReconcileContext } from '../reconciler.js';
import { daemonPod, daemonSetPlan } from '../../shared/simulator/daemonset.js';
import { allKeys, controlledBy, controllerKey, createObject, isResource, keyOf, namespacedName, removeObject, splitNamespacedName, writeStatus } from '../object-writes.js';
import { DAEMON_SETS, NODES, PODS } from './resources.js';

const ALL = '*';

async function reconcileOne(ctx: ReconcileContext, key: string): Promise<number | undefined> {
  const { namespace, name } = splitNamespacedName(key);
  const ds = await ctx.store.get(keyOf(DAEMON_SETS, namespace, name));
  if (!ds) return undefined;
  const [nodes, pods] = await Promise.all([ctx.store.list({ ...NODES }), controlledBy(ctx, ds, PODS)]);
  const plan = daemonSetPlan(ds, nodes.items, pods, ctx.now());
  for (const node of plan.createOn) await createObject(ctx, PODS, daemonPod(ds, node, `${name}-`));
  for (const pod of plan.delete) await removeObject(ctx, PODS, pod);
  await writeStatus(ctx, DAEMON_SETS, ds, plan.status);
  return plan.requeueAfterMs;
}

export const daemonSetController: Reconciler = {
  name: 'daemonset-controller',

  keysFor(change) {
    if (isResource(change.key, DAEMON_SETS)) return change.type === 'DELETED' ? [] : [namespacedName(change.object)];
    if (isResource(change.key, NODES)) return [ALL];
    if (isResource(change.key, PODS)) {
      const owner = controllerKey(change.object, 'DaemonSet');
      return owner ? [owner] : [];
    }
    return [];
  },

  async reconcile(ctx, key) {
    const keys = key === ALL ? await allKeys(ctx, DAEMON_SETS) : [key];
    let requeue: number | undefined;
    for (const k of keys) {
      const r = await reconcileOne(ctx, k);
      if (r !== undefined) requeue = Math.min(requeue ?? Infinity, r);
    }
    return requeue !== undefined ? { requeueAfterMs: requeue } : undefined;
  },

  resync: (ctx) => allKeys(ctx, DAEMON_SETS),
};
