// The simulated cloud provider's service controller: LoadBalancer Services get an address from
// the member's load balancer range after the configured delay.

import type { Reconciler } from '../reconciler.js';
import { loadBalancerPrefix, pickAddress } from '../../shared/simulator/addresses.js';
import { serviceLoadBalancerStep, type LoadBalancerStatus } from '../../shared/simulator/load-balancer.js';
import type { SimulatorSettings } from '../../shared/simulator/settings.js';
import { allKeys, isResource, keyOf, namespacedName, splitNamespacedName, writeStatus } from '../object-writes.js';
import { SERVICES } from './resources.js';

export function createServiceController(settings: SimulatorSettings): Reconciler {
  return {
    name: 'service-controller',

    keysFor(change) {
      return isResource(change.key, SERVICES) && change.type !== 'DELETED' ? [namespacedName(change.object)] : [];
    },

    async reconcile(ctx, key) {
      const { namespace, name } = splitNamespacedName(key);
      const svc = await ctx.store.get(keyOf(SERVICES, namespace, name));
      if (!svc) return;
      const now = ctx.now();
      let step = serviceLoadBalancerStep(svc, now, settings.loadBalancerDelayMs);
      if (step.needsAddress) {
        const all = await ctx.store.list({ ...SERVICES });
        const taken = new Set(
          all.items.flatMap((s) => ((s.status as { loadBalancer?: LoadBalancerStatus } | undefined)?.loadBalancer?.ingress ?? []).map((i) => i.ip)),
        );
        const address = pickAddress(loadBalancerPrefix(settings.memberIndex), taken, svc.metadata.uid ?? name);
        // An exhausted range leaves the Service pending, as a cloud out of addresses would.
        if (!address) return;
        step = serviceLoadBalancerStep(svc, now, settings.loadBalancerDelayMs, address);
      }
      if (step.loadBalancer) {
        await writeStatus(ctx, SERVICES, svc, { ...((svc.status as object) ?? {}), loadBalancer: step.loadBalancer });
      }
      return step.requeueAfterMs !== undefined ? { requeueAfterMs: step.requeueAfterMs } : undefined;
    },

    resync: (ctx) => allKeys(ctx, SERVICES),
  };
}
