// Karmada's scheduler as a reconciler: it owns a binding's spec.clusters, the
// applied-placement annotation and the Scheduled condition with its status fields
// (DESIGN.md's table). It schedules only on Karmada's triggers; a Cluster's change wakes
// the bindings it could concern.

import type { Reconciler, ReconcileContext } from '../reconciler.js';
import type { LoggedChange } from '../../db/store.js';
import type { KubeObject } from '../../shared/object.js';
import type { Cluster } from '../../shared/karmada/cluster.js';
import type { ResourceBinding } from '../../shared/karmada/resource-binding.js';
import { BINDING_CONDITION_SCHEDULED } from '../../shared/karmada/resource-binding.js';
import { PROPAGATION_POLICY_PERMANENT_ID_LABEL, CLUSTER_PROPAGATION_POLICY_PERMANENT_ID_LABEL, DEFAULT_SCHEDULER_NAME } from '../../shared/karmada/propagation-policy.js';
import { APPLIED_PLACEMENT_ANNOTATION, schedulingTrigger } from '../../shared/binding/scheduling-triggers.js';
import { readNodeSnapshots } from '../../shared/cluster/node-snapshots.js';
import { schedule } from '../../shared/scheduler/schedule.js';
import type { ScheduleResult } from '../../shared/scheduler/types.js';
import type { NodeSnapshot } from '../../shared/scheduler/types.js';
import { clusterMatchesAffinity } from '../../shared/policy/cluster-affinity.js';
import { setCondition, type Condition } from '../../shared/simulator/conditions.js';
import { controllerSettings } from '../../shared/controller-settings.js';
import { jsonEqual } from '../../shared/json-equal.js';
import { keyOf, writeObject, writeSpec, splitNamespacedName, type Resource } from '../object-writes.js';
import { CLUSTERS, CLUSTER_RESOURCE_BINDINGS, RESOURCE_BINDINGS } from './resources.js';

export const SCHEDULER = 'scheduler';

function bindingKey(r: Resource, namespace: string, name: string): string {
  return `${r === RESOURCE_BINDINGS ? 'rb' : 'crb'}/${namespace}/${name}`;
}

function parseBindingKey(key: string): { r: Resource; namespace: string; name: string } {
  const [kind, rest] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
  const { namespace, name } = splitNamespacedName(rest);
  return { r: kind === 'rb' ? RESOURCE_BINDINGS : CLUSTER_RESOURCE_BINDINGS, namespace, name };
}

async function clusters(ctx: ReconcileContext): Promise<Cluster[]> {
  const scope = { group: CLUSTERS.group, resource: CLUSTERS.resource };
  return (ctx.cache ? (await ctx.cache.list(scope)).items : (await ctx.store.list(scope)).items) as Cluster[];
}

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The scheduler's view of a binding (Karmada ignores bindings that no policy claims, or that another scheduler owns). */
export function schedulable(b: ResourceBinding): boolean {
  const labels = b.metadata.labels ?? {};
  const claimed = Boolean(labels[PROPAGATION_POLICY_PERMANENT_ID_LABEL] || labels[CLUSTER_PROPAGATION_POLICY_PERMANENT_ID_LABEL]);
  return claimed && (b.spec.schedulerName ?? DEFAULT_SCHEDULER_NAME) === DEFAULT_SCHEDULER_NAME && !b.metadata.deletionTimestamp;
}

export async function runSchedule(ctx: ReconcileContext, binding: ResourceBinding, all: Cluster[], fresh: boolean): Promise<ScheduleResult> {
  const nodes: Record<string, NodeSnapshot[]> = {};
  for (const c of all) {
    const snaps = readNodeSnapshots(c.metadata.annotations ?? undefined);
    if (snaps) nodes[c.metadata.name ?? ''] = snaps as NodeSnapshot[];
  }
  const settings = controllerSettings(ctx);
  return schedule({
    spec: binding.spec,
    ...(binding.status ? { status: binding.status } : {}),
    clusters: all,
    nodes,
    fresh,
    options: { enableSchedulerEstimator: settings.enableSchedulerEstimator, overcommitProtection: settings.schedulingOvercommitProtection },
  });
}

async function reconcileBinding(ctx: ReconcileContext, key: string): Promise<void> {
  const { r, namespace, name } = parseBindingKey(key);
  const bKey = keyOf(r, namespace, name);
  const binding = (await ctx.store.get(bKey)) as ResourceBinding | undefined;
  if (!binding || !schedulable(binding) || binding.spec.suspension?.scheduling) return;
  const all = await clusters(ctx);
  const deleting = new Set(all.filter((c) => c.metadata.deletionTimestamp).map((c) => c.metadata.name ?? ''));
  const trigger = schedulingTrigger(binding, deleting);
  const now = isoSeconds(ctx.now());
  if (!trigger) {
    // Nothing to schedule; the scheduler has still seen this generation.
    const gen = binding.metadata.generation;
    if (gen !== undefined && binding.status?.schedulerObservedGeneration !== gen) {
      await writeObject(ctx, bKey, binding as KubeObject, { ...binding, status: { ...(binding.status ?? {}), schedulerObservedGeneration: gen } } as KubeObject);
    }
    return;
  }
  const fresh = trigger === 'RescheduleTriggered';
  const result = await runSchedule(ctx, binding, all, fresh);

  const placementJson = JSON.stringify(binding.spec.placement ?? {});
  let written = binding;
  if (result.ok || result.reason === 'NoClusterFit') {
    // A fit error empties the result, as Karmada patches an empty one; too few replicas keeps the old.
    const targets = result.ok ? result.clusters : [];
    const annotations = { ...(binding.metadata.annotations ?? {}), [APPLIED_PLACEMENT_ANNOTATION]: placementJson };
    const next = { ...binding, metadata: { ...binding.metadata, annotations }, spec: { ...binding.spec, clusters: targets.length ? targets : undefined } };
    if (!jsonEqual(next, binding)) {
      if ((await writeSpec(ctx, r, binding as KubeObject, next as KubeObject)) !== 'written') return;
      written = (await ctx.store.get(bKey)) as ResourceBinding;
      if (!written) return;
    }
  }
  const condition = result.ok
    ? { type: BINDING_CONDITION_SCHEDULED, status: 'True' as const, reason: 'Success', message: 'Binding has been scheduled successfully.' }
    : { type: BINDING_CONDITION_SCHEDULED, status: 'False' as const, reason: result.reason, message: result.message };
  const status = {
    ...(written.status ?? {}),
    conditions: setCondition((written.status?.conditions ?? []) as Condition[], condition, now) as NonNullable<ResourceBinding['status']>['conditions'],
    ...(written.metadata.generation !== undefined ? { schedulerObservedGeneration: written.metadata.generation } : {}),
    ...(result.ok ? { lastScheduledTime: now } : {}),
  } as NonNullable<ResourceBinding['status']>;
  if (result.affinityName) status.schedulerObservingAffinityName = result.affinityName;
  // lastScheduledTime moves only when the result moved or a reschedule asked for it, so a steady binding stays quiet.
  if (result.ok && jsonEqual(written.spec.clusters ?? [], binding.spec.clusters ?? []) && binding.status?.lastScheduledTime && !fresh) status.lastScheduledTime = binding.status.lastScheduledTime;
  if (!jsonEqual(status, written.status ?? {})) await writeObject(ctx, bKey, written as KubeObject, { ...written, status } as KubeObject);
  // Karmada retries failures with backoff; the runtime's per-key backoff does it here.
  if (!result.ok) throw new SchedulingFailure(result.message);
}

class SchedulingFailure extends Error {
  override readonly name = 'SchedulingFailure';
}

/** A Cluster changed: the bindings it could concern are looked at (their triggers decide). */
async function reconcileClusterChange(ctx: ReconcileContext, clusterName: string): Promise<void> {
  const cluster = (await ctx.store.get(keyOf(CLUSTERS, '', clusterName))) as Cluster | undefined;
  for (const r of [RESOURCE_BINDINGS, CLUSTER_RESOURCE_BINDINGS]) {
    const scope = { group: r.group, resource: r.resource };
    const items = (ctx.cache ? (await ctx.cache.list(scope)).items : (await ctx.store.list(scope)).items) as ResourceBinding[];
    for (const b of items) {
      if (!schedulable(b)) continue;
      const placedThere = (b.spec.clusters ?? []).some((t) => t.name === clusterName);
      const affinities = b.spec.placement?.clusterAffinities?.length ? b.spec.placement.clusterAffinities : [b.spec.placement?.clusterAffinity];
      const matches = cluster ? affinities.some((a) => clusterMatchesAffinity(cluster, a)) : false;
      if (placedThere || matches) await ctx.enqueue(SCHEDULER, bindingKey(r, b.metadata.namespace ?? '', b.metadata.name ?? ''));
    }
  }
}

export const scheduler: Reconciler = {
  name: SCHEDULER,
  concurrency: 5,
  maxConcurrentFlag: 'scheduler-concurrency',
  keysFor(change: LoggedChange) {
    const k = change.key;
    if (k.group === RESOURCE_BINDINGS.group && (k.resource === RESOURCE_BINDINGS.resource || k.resource === CLUSTER_RESOURCE_BINDINGS.resource)) {
      if (change.type === 'DELETED') return [];
      return [bindingKey(k.resource === RESOURCE_BINDINGS.resource ? RESOURCE_BINDINGS : CLUSTER_RESOURCE_BINDINGS, k.namespace, k.name)];
    }
    if (k.group === CLUSTERS.group && k.resource === CLUSTERS.resource) return [`cluster/${k.name}`];
    return [];
  },
  async reconcile(ctx, key) {
    if (key.startsWith('cluster/')) await reconcileClusterChange(ctx, key.slice('cluster/'.length));
    else await reconcileBinding(ctx, key);
  },
};
