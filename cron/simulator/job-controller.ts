// The simulated Job controller: runs the Job's pods (the simulated kubelet ends each after the
// job duration), counts them, completes the Job, and removes it once its TTL after finishing
// has passed.

import type { Reconciler } from '../reconciler.js';
import { jobPlan, jobPod } from '../../shared/simulator/job.js';
import { allKeys, controlledBy, controllerKey, createObject, forEachLimited, isResource, keyOf, namespacedName, removeObject, splitNamespacedName, writeStatus, ownerAndChildrenKeys } from '../object-writes.js';
import { JOBS, PODS } from './resources.js';

export const jobController: Reconciler = {
  name: 'job-controller',

  keysFor(change) {
    return ownerAndChildrenKeys(change, JOBS, 'Job', PODS);
  },

  async reconcile(ctx, key) {
    const { namespace, name } = splitNamespacedName(key);
    const job = await ctx.store.get(keyOf(JOBS, namespace, name));
    if (!job) return;
    const pods = await controlledBy(ctx, job, PODS);
    const plan = jobPlan(job, pods, ctx.now());
    if (plan.deleteJob) {
      await removeObject(ctx, JOBS, job);
      return;
    }
    const creates = Array.from({ length: plan.create }, () => jobPod(job, `${name}-`));
    await forEachLimited(creates, 8, (pod) => createObject(ctx, PODS, pod));
    await forEachLimited(plan.delete, 8, (pod) => removeObject(ctx, PODS, pod));
    await writeStatus(ctx, JOBS, job, plan.status);
    return plan.requeueAfterMs !== undefined ? { requeueAfterMs: plan.requeueAfterMs } : undefined;
  },

  resync: (ctx) => allKeys(ctx, JOBS),
};
