// Karmada's cluster controller and cluster status controller in one reconciler: the
// execution namespace, health (probed for Push clusters, from the Lease for Pull ones), the
// Ready condition with its taints, version, API enablements and summaries, and the
// finalizer that lets a Cluster go only after its Works. Status is written only on change.

import { rfc3339 } from '../../shared/time.js';
import type { Reconciler, ReconcileContext } from '../reconciler.js';
import type { Cluster } from '../../shared/karmada/cluster.js';
import { releaseFinalizer } from './finalizers.js';
import { CLUSTER_CONDITION_READY } from '../../shared/karmada/cluster.js';
import { EXECUTION_SPACE_PREFIX } from '../../shared/karmada/work.js';
import { nextClusterStatus, REASON_CLUSTER_READY_UNKNOWN, type ClusterObservation } from '../../shared/cluster/cluster-status.js';
import { taintsForReadiness } from '../../shared/cluster/cluster-taints.js';
import { nodeSnapshots, NODE_SNAPSHOTS_ANNOTATION } from '../../shared/cluster/node-snapshots.js';
import { setCondition, type Condition } from '../../shared/simulator/conditions.js';
import { controllerSettings } from '../../shared/controller-settings.js';
import { jsonEqual } from '../../shared/json-equal.js';
import type { KubeObject } from '../../shared/object.js';
import { createIfMissing, isDeleting, keyOf, writeObject, writeSpec, deleteObject } from '../object-writes.js';
import { probeCluster } from './cluster-probe.js';
import { memberClientFor } from './member-endpoint.js';
import { CLUSTERS, LEASES, NAMESPACES } from './resources.js';

export const CLUSTER_CONTROLLER_FINALIZER = 'karmada.io/cluster-controller';
export const CLUSTER_LEASE_NAMESPACE = 'karmada-cluster';

export function executionNamespace(cluster: string): string {
  return `${EXECUTION_SPACE_PREFIX}${cluster}`;
}


/** A Pull cluster's health: its agent renews a Lease; past duration plus grace, Ready turns Unknown. */
async function pullObservation(ctx: ReconcileContext, cluster: Cluster): Promise<ClusterObservation | undefined> {
  const name = cluster.metadata.name ?? '';
  const lease = await ctx.store.get(keyOf(LEASES, CLUSTER_LEASE_NAMESPACE, name));
  const settings = controllerSettings(ctx);
  const spec = (lease?.spec ?? {}) as { renewTime?: string; leaseDurationSeconds?: number };
  const renewed = spec.renewTime ? Date.parse(spec.renewTime) : Date.parse(cluster.metadata.creationTimestamp ?? '') || ctx.now();
  const duration = (spec.leaseDurationSeconds ?? settings.clusterLeaseDurationMs / 1000) * 1000;
  if (ctx.now() - renewed <= duration + settings.clusterMonitorGracePeriodMs) return undefined;
  return { healthy: false, online: false, message: 'cluster status controller stopped posting cluster status: the agent has not renewed its lease' };
}

function withUnknownReady(cluster: Cluster, message: string, now: string): Cluster['status'] {
  const conditions = setCondition((cluster.status?.conditions ?? []) as Condition[], { type: CLUSTER_CONDITION_READY, status: 'Unknown', reason: REASON_CLUSTER_READY_UNKNOWN, message }, now);
  return { ...(cluster.status ?? {}), conditions: conditions as NonNullable<Cluster['status']>['conditions'] };
}

async function finishDeletion(ctx: ReconcileContext, cluster: Cluster): Promise<void> {
  const name = cluster.metadata.name ?? '';
  const nsKey = keyOf(NAMESPACES, '', executionNamespace(name));
  const ns = await ctx.store.get(nsKey);
  if (ns) {
    // The namespace finalizer deletes the Works; the execution controller releases each one.
    if (!isDeleting(ns)) await deleteObject(ctx.store, ctx.registry, nsKey, ns, 'Background', ctx.now());
    return;
  }
  const key = keyOf(CLUSTERS, '', name);
  await releaseFinalizer(ctx, key, cluster as KubeObject, CLUSTER_CONTROLLER_FINALIZER);
}

/** Reconciles one Cluster; `probe` false skips the member round trips (a change event that touched only spec). */
/**
 * `collect` false (the tick between two --cluster-status-update-frequency periods) probes
 * health only; a cluster that was not Ready is always looked at in full.
 */
export async function reconcileCluster(ctx: ReconcileContext, name: string, collect = true): Promise<void> {
  const key = keyOf(CLUSTERS, '', name);
  let cluster = (await ctx.store.get(key)) as Cluster | undefined;
  if (!cluster) return;
  if (isDeleting(cluster as KubeObject)) {
    if (cluster.metadata.finalizers?.includes(CLUSTER_CONTROLLER_FINALIZER)) await finishDeletion(ctx, cluster);
    return;
  }
  if (!cluster.metadata.finalizers?.includes(CLUSTER_CONTROLLER_FINALIZER)) {
    const next = { ...cluster, metadata: { ...cluster.metadata, finalizers: [...(cluster.metadata.finalizers ?? []), CLUSTER_CONTROLLER_FINALIZER] } };
    if ((await writeObject(ctx, key, cluster as KubeObject, next as KubeObject)) !== 'written') return;
    cluster = (await ctx.store.get(key)) as Cluster | undefined;
    if (!cluster) return;
  }
  await createIfMissing(ctx.store, ctx.registry, keyOf(NAMESPACES, '', executionNamespace(name)), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: executionNamespace(name) } }, ctx.now());

  const now = rfc3339(ctx.now());
  let status: Cluster['status'];
  let snapshots: string | undefined;
  if (cluster.spec.syncMode === 'Pull') {
    const lapsed = await pullObservation(ctx, cluster);
    // The agent reports everything else; the control plane only notices its silence.
    status = lapsed ? withUnknownReady(cluster, lapsed.message ?? '', now) : cluster.status;
  } else {
    const client = await memberClientFor(ctx, cluster);
    if (!client) {
      status = nextClusterStatus(cluster, { healthy: false, online: false, message: 'no credentials or transport to reach the cluster (check spec.apiEndpoint and spec.secretRef)' }, now);
    } else {
      const wasReady = cluster.status?.conditions?.some((c) => c.type === CLUSTER_CONDITION_READY && c.status === 'True') ?? false;
      const obs = await probeCluster(client, controllerSettings(ctx).memberTimeoutMs, collect || !wasReady);
      status = nextClusterStatus(cluster, obs, now);
      if (obs.nodes && obs.pods) snapshots = JSON.stringify(nodeSnapshots(obs.nodes, obs.pods));
    }
  }

  let annotations = cluster.metadata.annotations;
  if (snapshots !== undefined && annotations?.[NODE_SNAPSHOTS_ANNOTATION] !== snapshots) annotations = { ...(annotations ?? {}), [NODE_SNAPSHOTS_ANNOTATION]: snapshots };
  const withStatus: Cluster = { ...cluster, metadata: { ...cluster.metadata, ...(annotations ? { annotations } : {}) }, ...(status ? { status } : {}) };
  const taints = taintsForReadiness(withStatus, now);
  const taintsChanged = !jsonEqual(taints, cluster.spec.taints ?? []);
  if (!jsonEqual(withStatus, cluster)) {
    if ((await writeObject(ctx, key, cluster as KubeObject, withStatus as KubeObject)) !== 'written') return;
    cluster = (await ctx.store.get(key)) as Cluster | undefined;
    if (!cluster) return;
  }
  // Taints are spec: the write moves the generation, which the scheduler watches.
  if (taintsChanged) await writeSpec(ctx, CLUSTERS, cluster as KubeObject, { ...cluster, spec: { ...cluster.spec, taints: taints.length ? taints : undefined } } as KubeObject);
}

/** Every Cluster's name: the tick probes them all, without a durable write unless something changed. */
export async function clusterNames(ctx: ReconcileContext): Promise<string[]> {
  const { items } = await ctx.store.list({ group: CLUSTERS.group, resource: CLUSTERS.resource });
  return items.map((c) => c.metadata.name ?? '');
}

export const clusterController: Reconciler = {
  name: 'cluster',
  concurrency: 5,
  maxConcurrentFlag: 'concurrent-cluster-syncs',
  keysFor(change) {
    const k = change.key;
    if (k.group === CLUSTERS.group && k.resource === CLUSTERS.resource) return change.type === 'DELETED' ? [] : [k.name];
    // The execution namespace going away completes a Cluster's deletion.
    if (k.group === '' && k.resource === 'namespaces' && change.type === 'DELETED' && k.name.startsWith(EXECUTION_SPACE_PREFIX)) return [k.name.slice(EXECUTION_SPACE_PREFIX.length)];
    if (k.group === LEASES.group && k.resource === LEASES.resource && k.namespace === CLUSTER_LEASE_NAMESPACE) return [];
    return [];
  },
  async reconcile(ctx, key) {
    await reconcileCluster(ctx, key);
  },
  resync: clusterNames,
};
