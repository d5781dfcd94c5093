// Karmada's execution controller: each Work of a Push cluster applied to its member
// through MemberClient, the Applied and Dispatching conditions kept, the member's copies
// removed with the Work (unless it preserves them). A Work already applied at its
// generation is not sent again unless its member copy drifted (a member watch says so).

import { rfc3339 } from '../../shared/time.js';
import type { Reconciler, ReconcileContext } from '../reconciler.js';
import type { LoggedChange } from '../../db/store.js';
import type { KubeObject } from '../../shared/object.js';
import type { Cluster } from '../../shared/karmada/cluster.js';
import { releaseFinalizer } from './finalizers.js';
import { CLUSTER_CONDITION_READY } from '../../shared/karmada/cluster.js';
import { EXECUTION_CONTROLLER_FINALIZER, EXECUTION_SPACE_PREFIX, WORK_CONDITION_APPLIED, WORK_CONDITION_DISPATCHING, type Work } from '../../shared/karmada/work.js';
import type { Registry } from '../../shared/registry/index.js';
import type { ResourceInfo } from '../../shared/member/member-api.js';
import { isMemberError } from '../../shared/member/member-client.js';
import { setCondition, type Condition } from '../../shared/simulator/conditions.js';
import { jsonEqual } from '../../shared/json-equal.js';
import { isDeleting, keyOf, splitNamespacedName, writeObject } from '../object-writes.js';
import { manifestStatuses, type ManifestStatus } from '../../shared/binding/work-status.js';
import { applyWork, removeWorkManifests, type ResourceResolver } from './execution-apply.js';
import { memberClientFor } from './member-endpoint.js';
import { CLUSTERS, WORKS } from './resources.js';

export const EXECUTION = 'execution';
/** A key queued because the member's copy changed: apply even if the generation was applied. */
export const DRIFT_PREFIX = 'drift:';

export function registryResolver(registry: Registry): ResourceResolver {
  return (apiVersion, kind) => {
    const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
    const type = registry.byKind(kind, group)[0];
    return type ? ({ group, version, resource: type.resource, namespaced: type.namespaced } satisfies ResourceInfo) : undefined;
  };
}


function clusterOf(work: Work): string {
  return (work.metadata.namespace ?? '').slice(EXECUTION_SPACE_PREFIX.length);
}

function isReady(c: Cluster | undefined): boolean {
  return c?.status?.conditions?.some((x) => x.type === CLUSTER_CONDITION_READY && x.status === 'True') ?? false;
}

export function appliedAtGeneration(work: Work): boolean {
  const c = work.status?.conditions?.find((x) => x.type === WORK_CONDITION_APPLIED);
  return c?.status === 'True' && c.observedGeneration === work.metadata.generation;
}

async function writeConditions(ctx: ReconcileContext, work: Work, updates: Array<Omit<Condition, 'lastTransitionTime'>>, statuses?: ManifestStatus[]): Promise<void> {
  let conditions = (work.status?.conditions ?? []) as Condition[];
  const now = rfc3339(ctx.now());
  for (const u of updates) conditions = setCondition(conditions, u as Condition, now);
  // The apply's answer is the member's copy: its status goes in at once, before any poll or watch.
  const status = { ...(work.status ?? {}), conditions, ...(statuses ? { manifestStatuses: statuses } : {}) };
  if (jsonEqual(status, work.status ?? {})) return;
  await writeObject(ctx, keyOf(WORKS, work.metadata.namespace ?? '', work.metadata.name ?? ''), work as KubeObject, { ...work, status } as KubeObject);
}

async function reconcileWork(ctx: ReconcileContext, rawKey: string): Promise<import('../reconciler.js').ReconcileResult | void> {
  const drift = rawKey.startsWith(DRIFT_PREFIX);
  const { namespace, name } = splitNamespacedName(drift ? rawKey.slice(DRIFT_PREFIX.length) : rawKey);
  const wKey = keyOf(WORKS, namespace, name);
  let work = (await ctx.store.get(wKey)) as Work | undefined;
  if (!work || !namespace.startsWith(EXECUTION_SPACE_PREFIX)) return;
  const cluster = (await ctx.store.get(keyOf(CLUSTERS, '', clusterOf(work)))) as Cluster | undefined;
  const resolve = registryResolver(ctx.registry);

  if (isDeleting(work as KubeObject)) {
    if (!work.metadata.finalizers?.includes(EXECUTION_CONTROLLER_FINALIZER)) return;
    // The pull agent cleans its own member and releases the Work; the control plane steps in only once its Cluster is going.
    if (cluster?.spec.syncMode === 'Pull' && !isDeleting(cluster as KubeObject)) return;
    if (cluster?.spec.syncMode === 'Push' && !work.spec.preserveResourcesOnDeletion) {
      if (isReady(cluster)) {
        const client = await memberClientFor(ctx, cluster);
        if (client) await removeWorkManifests(work, client, resolve);
      } else if (!isDeleting(cluster as KubeObject)) {
        // Karmada waits for the member to come back rather than leave its copies behind.
        return { requeue: true };
      }
      // A Cluster being removed whose member no longer answers: release the Work (unjoin --force).
    }
    await releaseFinalizer(ctx, wKey, work as KubeObject, EXECUTION_CONTROLLER_FINALIZER);
    return;
  }
  if (!cluster || cluster.spec.syncMode === 'Pull') return;
  if (!work.metadata.finalizers?.includes(EXECUTION_CONTROLLER_FINALIZER)) {
    const next = { ...work, metadata: { ...work.metadata, finalizers: [...(work.metadata.finalizers ?? []), EXECUTION_CONTROLLER_FINALIZER] } };
    if ((await writeObject(ctx, wKey, work as KubeObject, next as KubeObject)) !== 'written') return;
    work = (await ctx.store.get(wKey)) as Work | undefined;
    if (!work) return;
  }
  if (work.spec.suspendDispatching) {
    await writeConditions(ctx, work, [{ type: WORK_CONDITION_DISPATCHING, status: 'False', reason: 'SuspendDispatching', message: 'Work dispatching is in a suspended state.' }]);
    return;
  }
  const dispatching = { type: WORK_CONDITION_DISPATCHING, status: 'True' as const, reason: 'Dispatching', message: 'Work is being dispatched to member clusters.' };
  if (appliedAtGeneration(work) && !drift) {
    await writeConditions(ctx, work, [dispatching]);
    return;
  }
  // Karmada waits for a ready cluster rather than pile errors on one that is down.
  if (!isReady(cluster)) return { requeue: true };
  const client = await memberClientFor(ctx, cluster);
  if (!client) return { requeue: true };
  let outcome;
  try {
    outcome = await applyWork(work, client, resolve);
  } catch (e) {
    if (isMemberError(e, 'unreachable') || isMemberError(e, 'timeout')) return { requeue: true };
    throw e;
  }
  await writeConditions(ctx, work, [
    dispatching,
    { type: WORK_CONDITION_APPLIED, status: outcome.applied ? 'True' : 'False', reason: outcome.reason, message: outcome.message, ...(work.metadata.generation !== undefined ? { observedGeneration: work.metadata.generation } : {}) } as Omit<Condition, 'lastTransitionTime'>,
  ], outcome.applied ? manifestStatuses(work, outcome.objects, resolve) : undefined);
}

/** A Cluster turned Ready: its Works that are not applied at their generation are tried again. */
async function reconcileClusterReady(ctx: ReconcileContext, name: string): Promise<void> {
  const cluster = (await ctx.store.get(keyOf(CLUSTERS, '', name))) as Cluster | undefined;
  if (!cluster || !isReady(cluster) || cluster.spec.syncMode === 'Pull') return;
  const { items } = await ctx.store.list({ group: WORKS.group, resource: WORKS.resource, namespace: `${EXECUTION_SPACE_PREFIX}${name}` });
  for (const w of items as Work[]) if (!appliedAtGeneration(w) || isDeleting(w as KubeObject)) await ctx.enqueue(EXECUTION, `${w.metadata.namespace}/${w.metadata.name}`);
}

export const executionController: Reconciler = {
  name: EXECUTION,
  concurrency: 5,
  maxConcurrentFlag: 'concurrent-work-syncs',
  keysFor(change: LoggedChange) {
    const k = change.key;
    if (k.group === WORKS.group && k.resource === WORKS.resource) return change.type === 'DELETED' ? [] : [`${k.namespace}/${k.name}`];
    if (k.group === CLUSTERS.group && k.resource === CLUSTERS.resource && change.type !== 'DELETED') return [`cluster/${k.name}`];
    return [];
  },
  async reconcile(ctx, key) {
    if (key.startsWith('cluster/')) return reconcileClusterReady(ctx, key.slice('cluster/'.length));
    return reconcileWork(ctx, key);
  },
};
