// Karmada's cluster-taint-policy controller: a Cluster's taints follow its conditions as the
// ClusterTaintPolicies say (shared/failover/cluster-taint-policy.ts). Woken by a Cluster
// whose conditions may have changed and by any policy change (every cluster it targets).
// Deleting a policy removes nothing, as in Karmada.

import { rfc3339 } from '../../shared/time.js';
import type { Reconciler, ReconcileContext } from '../reconciler.js';
import type { LoggedChange } from '../../db/store.js';
import type { KubeObject } from '../../shared/object.js';
import type { Cluster } from '../../shared/karmada/cluster.js';
import type { ClusterTaintPolicy } from '../../shared/karmada/cluster-taint-policy.js';
import { taintsFromPolicies } from '../../shared/failover/cluster-taint-policy.js';
import { EVENT_REASON_TAINT_CLUSTER_SUCCEED } from '../../shared/failover/events.js';
import { taintToString } from '../../shared/scheduler/toleration.js';
import { jsonEqual } from '../../shared/json-equal.js';
import { isDeleting, keyOf, writeSpec, type Resource } from '../object-writes.js';
import { CLUSTERS } from './resources.js';
import { recordEvent } from './failover-events.js';

export const CLUSTER_TAINT_POLICY_CONTROLLER = 'cluster-taint-policy';
export const CLUSTER_TAINT_POLICIES: Resource = { group: 'policy.karmada.io', resource: 'clustertaintpolicies' };

async function listAll(ctx: ReconcileContext, r: Resource): Promise<KubeObject[]> {
  const scope = { group: r.group, resource: r.resource };
  return ctx.cache ? (await ctx.cache.list(scope)).items : (await ctx.store.list(scope)).items;
}


async function reconcileCluster(ctx: ReconcileContext, name: string): Promise<void> {
  const cluster = (await ctx.store.get(keyOf(CLUSTERS, '', name))) as Cluster | undefined;
  if (!cluster || isDeleting(cluster as KubeObject)) return;
  const policies = (await listAll(ctx, CLUSTER_TAINT_POLICIES)) as ClusterTaintPolicy[];
  if (policies.length === 0) return;
  const change = taintsFromPolicies(cluster, policies, rfc3339(ctx.now()));
  if (jsonEqual(change.taints, cluster.spec.taints ?? [])) return;
  const next = { ...cluster, spec: { ...cluster.spec, taints: change.taints.length ? change.taints : undefined } };
  if ((await writeSpec(ctx, CLUSTERS, cluster as KubeObject, next as KubeObject)) !== 'written') return;
  const parts = [...change.added.map((t) => `added ${taintToString(t)}`), ...change.removed.map((t) => `removed ${taintToString(t)}`)];
  await recordEvent(ctx, {
    about: { ...cluster, apiVersion: 'cluster.karmada.io/v1alpha1', kind: 'Cluster' },
    type: 'Normal',
    reason: EVENT_REASON_TAINT_CLUSTER_SUCCEED,
    message: `Cluster ${name} taints updated by ClusterTaintPolicy: ${parts.join(', ') || 'reordered'}; now ${change.taints.map(taintToString).join(', ') || 'none'}`,
    component: CLUSTER_TAINT_POLICY_CONTROLLER,
  });
}

export const clusterTaintPolicyController: Reconciler = {
  name: CLUSTER_TAINT_POLICY_CONTROLLER,
  concurrency: 5,
  keysFor(change: LoggedChange) {
    const k = change.key;
    if (k.group === CLUSTERS.group && k.resource === CLUSTERS.resource) return change.type === 'DELETED' ? [] : [k.name];
    if (k.group === CLUSTER_TAINT_POLICIES.group && k.resource === CLUSTER_TAINT_POLICIES.resource) return change.type === 'DELETED' ? [] : ['*'];
    return [];
  },
  async reconcile(ctx, key) {
    if (key !== '*') return reconcileCluster(ctx, key);
    // A policy changed: every cluster is looked at (the rule decides which it targets).
    for (const c of await listAll(ctx, CLUSTERS)) await ctx.enqueue(CLUSTER_TAINT_POLICY_CONTROLLER, c.metadata.name ?? '');
  },
  async resync(ctx) {
    return (await listAll(ctx, CLUSTERS)).map((c) => c.metadata.name ?? '');
  },
};
