// The simulated ingress controller: every Ingress reports the member's one ingress address.

import type { Reconciler } from '../reconciler.js';
import { ingressAddress } from '../../shared/simulator/addresses.js';
import { ingressStep } from '../../shared/simulator/load-balancer.js';
import type { SimulatorSettings } from '../../shared/simulator/settings.js';
import { allKeys, isResource, keyOf, namespacedName, splitNamespacedName, writeStatus } from '../object-writes.js';
import { INGRESSES } from './resources.js';

export function createIngressController(settings: SimulatorSettings): Reconciler {
  return {
    name: 'ingress-controller',

    keysFor(change) {
      return isResource(change.key, INGRESSES) && change.type !== 'DELETED' ? [namespacedName(change.object)] : [];
    },

    async reconcile(ctx, key) {
      const { namespace, name } = splitNamespacedName(key);
      const ing = await ctx.store.get(keyOf(INGRESSES, namespace, name));
      if (!ing) return;
      const step = ingressStep(ing, ctx.now(), settings.loadBalancerDelayMs, ingressAddress(settings.memberIndex));
      if (step.loadBalancer) await writeStatus(ctx, INGRESSES, ing, { ...((ing.status as object) ?? {}), loadBalancer: step.loadBalancer });
      return step.requeueAfterMs !== undefined ? { requeueAfterMs: step.requeueAfterMs } : undefined;
    },

    resync: (ctx) => allKeys(ctx, INGRESSES),
  };
}
