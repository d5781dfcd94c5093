import { aggregateAll, sameRules } from '../shared/rbac/aggregation.js';
import { RBAC_GROUP, roleSchema, rulesOf, type Role } from '../shared/rbac/types.js';
import { isApiError } from '../shared/status.js';
import { writeBack } from './object-writes.js';
import type { Reconciler } from './reconciler.js';

const KEY = 'all';

/**
 * Upstream's clusterrole-aggregation controller: a ClusterRole with an aggregationRule holds
 * the rules of every ClusterRole its selectors pick. As upstream, any ClusterRole change
 * re-examines all aggregated roles (the set is small and the dependency graph unknown);
 * chains (admin ← edit ← view) settle in one pass.
 */
export const clusterRoleAggregationReconciler: Reconciler = {
  name: 'clusterrole-aggregation',

  keysFor(change) {
    return change.key.group === RBAC_GROUP && change.key.resource === 'clusterroles' ? [KEY] : [];
  },

  async reconcile(ctx) {
    const listed = await ctx.store.list({ group: RBAC_GROUP, resource: 'clusterroles' });
    const roles: Role[] = [];
    const stored = new Map(listed.items.map((o) => [o.metadata.name ?? '', o]));
    for (const o of listed.items) {
      const parsed = roleSchema.safeParse(o);
      if (parsed.success) roles.push(parsed.data);
    }
    for (const [name, rules] of aggregateAll(roles)) {
      const obj = stored.get(name);
      if (!obj) continue;
      const current = roleSchema.safeParse(obj);
      if (current.success && sameRules(rulesOf(current.data), rules)) continue;
      try {
        await writeBack(ctx.store, ctx.registry, { group: RBAC_GROUP, resource: 'clusterroles', namespace: '', name }, { ...obj, rules });
      } catch (e) {
        // Someone changed it meanwhile: that change wakes this reconciler again.
        if (!(isApiError(e) && (e.reason === 'Conflict' || e.code === 404))) throw e;
      }
    }
  },

  async resync() {
    return [KEY];
  },
};
