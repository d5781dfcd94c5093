// Simulated dynamic provisioning: each PersistentVolumeClaim turns Bound after the delay.

import type { Reconciler } from '../reconciler.js';
import { claimBindingStep } from '../../shared/simulator/persistent-volume-claim.js';
import type { SimulatorSettings } from '../../shared/simulator/settings.js';
import { allKeys, isResource, keyOf, namespacedName, splitNamespacedName, writeStatus } from '../object-writes.js';
import { CLAIMS } from './resources.js';

export function createPersistentVolumeBinder(settings: SimulatorSettings): Reconciler {
  return {
    name: 'persistentvolume-binder',

    keysFor(change) {
      return isResource(change.key, CLAIMS) && change.type !== 'DELETED' ? [namespacedName(change.object)] : [];
    },

    async reconcile(ctx, key) {
      const { namespace, name } = splitNamespacedName(key);
      const pvc = await ctx.store.get(keyOf(CLAIMS, namespace, name));
      if (!pvc) return;
      const step = claimBindingStep(pvc, ctx.now(), settings.volumeBindDelayMs);
      if (step.status) await writeStatus(ctx, CLAIMS, pvc, step.status);
      return step.requeueAfterMs !== undefined ? { requeueAfterMs: step.requeueAfterMs } : undefined;
    },

    resync: (ctx) => allKeys(ctx, CLAIMS),
  };
}
