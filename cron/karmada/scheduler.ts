// Karmada's scheduler as a reconciler: it owns a binding's spec.clusters, the
// applied-placement annotation and the Scheduled condition with its status fields
// (DESIGN.md's table), and records ScheduleBindingSucceed / ScheduleBindingFailed events. It
// schedules only on Karmada's triggers; a Cluster's change of labels, spec or deletion wakes
// the bindings whose affinity matched the cluster before or after the change.

import { rfc3339 } from '../../shared/time.js';
import type { Reconciler, ReconcileContext, ReconcileResult } from '../reconciler.js';
import type { LoggedChange } from '../../db/store.js';
import { previousVersion } from '../../db/object-history.js';
import type { KubeObject } from '../../shared/object.js';
import type { Cluster } from '../../shared/karmada/cluster.js';
import type { ResourceBinding } from '../../shared/karmada/resource-binding.js';
import { BINDING_CONDITION_SCHEDULED } from '../../shared/karmada/resource-binding.js';
import { PROPAGATION_POLICY_PERMANENT_ID_LABEL, CLUSTER_PROPAGATION_POLICY_PERMANENT_ID_LABEL, DEFAULT_SCHEDULER_NAME } from '../../shared/karmada/propagation-policy.js';
import {
  APPLIED_PLACEMENT_ANNOTATION,
  bindingConcernsCluster,
  clusterChange,
  rescheduleRequested,
  schedulePriority,
  schedulingRetryDelayMs,
  schedulingTrigger,
} from '../../shared/binding/scheduling-triggers.js';
import { readNodeSnapshots } from '../../shared/cluster/node-snapshots.js';
import { schedule } from '../../shared/scheduler/schedule.js';
import type { ClusterDiagnosis, ScheduleResult, ScheduledCluster, NodeSnapshot } from '../../shared/scheduler/types.js';
import { setCondition, type Condition } from '../../shared/simulator/conditions.js';
import { controllerSettings } from '../../shared/controller-settings.js';
import { jsonEqual } from '../../shared/json-equal.js';
import { keyOf, writeObject, writeSpecAndStatus, splitNamespacedName, type Resource } from '../object-writes.js';
import { recordEvent } from '../event-recorder.js';
import { CLUSTERS, CLUSTER_RESOURCE_BINDINGS, RESOURCE_BINDINGS } from './resources.js';
import { schedulingRound } from './scheduling-queue.js';

export const SCHEDULER = 'scheduler';

export const EVENT_REASON_SCHEDULE_SUCCEED = 'ScheduleBindingSucceed';
export const EVENT_REASON_SCHEDULE_FAILED = 'ScheduleBindingFailed';
export const SCHEDULE_SUCCESS_MESSAGE = 'Binding has been scheduled successfully.';

/** A scheduling outcome: the pure scheduler's, or SchedulerError when it could not run. */
export type SchedulingOutcome = ScheduleResult | { ok: false; reason: 'SchedulerError'; message: string; affinityName?: string; diagnosis: ClusterDiagnosis[] };

export function bindingKey(r: Resource, namespace: string, name: string): string {
  return `${r === RESOURCE_BINDINGS ? 'rb' : 'crb'}/${namespace}/${name}`;
}

function parseBindingKey(key: string): { r: Resource; namespace: string; name: string } {
  const [kind, rest] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
  const { namespace, name } = splitNamespacedName(rest);
  return { r: kind === 'rb' ? RESOURCE_BINDINGS : CLUSTER_RESOURCE_BINDINGS, namespace, name };
}

/** `cluster/<revision>/<name>`: the change's revision lets the reconcile read the cluster as it was before it. */
function clusterKey(revision: number, name: string): string {
  return `cluster/${revision}/${name}`;
}

async function listAll<T>(ctx: ReconcileContext, r: Resource): Promise<T[]> {
  const scope = { group: r.group, resource: r.resource };
  return (ctx.cache ? (await ctx.cache.list(scope)).items : (await ctx.store.list(scope)).items) as T[];
}


/** The scheduler's view of a binding (Karmada ignores bindings that no policy claims, or that another scheduler owns). */
export function schedulable(b: ResourceBinding): boolean {
  const labels = b.metadata.labels ?? {};
  const claimed = Boolean(labels[PROPAGATION_POLICY_PERMANENT_ID_LABEL] || labels[CLUSTER_PROPAGATION_POLICY_PERMANENT_ID_LABEL]);
  return claimed && (b.spec.schedulerName || DEFAULT_SCHEDULER_NAME) === DEFAULT_SCHEDULER_NAME && !b.metadata.deletionTimestamp;
}

/** Node snapshots the cluster controller recorded, for the node-level estimator. */
export function nodeSnapshots(all: readonly Cluster[]): Record<string, NodeSnapshot[]> {
  const nodes: Record<string, NodeSnapshot[]> = {};
  for (const c of all) {
    const snaps = readNodeSnapshots(c.metadata.annotations ?? undefined);
    if (snaps) nodes[c.metadata.name ?? ''] = snaps as NodeSnapshot[];
  }
  return nodes;
}

/** The pure scheduler on a binding, with the control plane's settings; also what `placement` shows. */
export function runSchedule(
  binding: Pick<ResourceBinding, 'spec' | 'status'>,
  all: Cluster[],
  opts: { fresh: boolean; settings: ReturnType<typeof controllerSettings>; nodes?: Record<string, NodeSnapshot[]>; assumed?: ReadonlyMap<string, number> },
): SchedulingOutcome {
  try {
    return schedule({
      spec: binding.spec,
      ...(binding.status ? { status: binding.status } : {}),
      clusters: all,
      nodes: opts.nodes ?? nodeSnapshots(all),
      fresh: opts.fresh,
      ...(opts.settings.schedulingOvercommitProtection && opts.assumed?.size ? { assumed: Object.fromEntries(opts.assumed) } : {}),
      options: { enableSchedulerEstimator: opts.settings.enableSchedulerEstimator, overcommitProtection: opts.settings.schedulingOvercommitProtection },
    });
  } catch (err) {
    return { ok: false, reason: 'SchedulerError', message: (err as Error)?.message ?? String(err), diagnosis: [] };
  }
}

/** Karmada's event wording for a result: `{member1:1, member2:1}`. */
export function targetClustersText(targets: readonly ScheduledCluster[]): string {
  return `{${targets.map((t) => `${t.name}:${t.replicas ?? 0}`).join(', ')}}`;
}

async function recordOutcome(ctx: ReconcileContext, binding: ResourceBinding, outcome: SchedulingOutcome): Promise<void> {
  const type = outcome.ok ? 'Normal' : 'Warning';
  const reason = outcome.ok ? EVENT_REASON_SCHEDULE_SUCCEED : EVENT_REASON_SCHEDULE_FAILED;
  const message = outcome.ok ? `${SCHEDULE_SUCCESS_MESSAGE} Result: ${targetClustersText(outcome.clusters)}` : outcome.message;
  const component = binding.spec.schedulerName || DEFAULT_SCHEDULER_NAME;
  const res = binding.spec.resource;
  await recordEvent(ctx, {
    involved: { apiVersion: binding.apiVersion, kind: binding.kind, namespace: binding.metadata.namespace, name: binding.metadata.name, uid: binding.metadata.uid },
    type,
    reason,
    message,
    component,
  });
  // As Karmada's, the template hears of it too.
  await recordEvent(ctx, { involved: { apiVersion: res.apiVersion, kind: res.kind, namespace: res.namespace, name: res.name, uid: res.uid }, type, reason, message, component });
}

async function reconcileBinding(ctx: ReconcileContext, key: string): Promise<ReconcileResult | void> {
  const round = schedulingRound(ctx.cache);
  const ticket = round.arrive();
  try {
    return await scheduleBinding(ctx, key, round, ticket);
  } finally {
    ticket.leave();
  }
}

async function scheduleBinding(
  ctx: ReconcileContext,
  key: string,
  round: ReturnType<typeof schedulingRound>,
  ticket: ReturnType<ReturnType<typeof schedulingRound>['arrive']>,
): Promise<ReconcileResult | void> {
  const { r, namespace, name } = parseBindingKey(key);
  const bKey = keyOf(r, namespace, name);
  const binding = (await ctx.store.get(bKey)) as ResourceBinding | undefined;
  if (!binding || !schedulable(binding) || binding.spec.suspension?.scheduling) return;
  const all = await listAll<Cluster>(ctx, CLUSTERS);
  const present = new Set(all.filter((c) => !c.metadata.deletionTimestamp).map((c) => c.metadata.name ?? ''));
  // A target cluster being deleted, or already gone, moves the binding (Karmada's allClustersInReadyState).
  const leaving = new Set((binding.spec.clusters ?? []).map((t) => t.name).filter((n) => !present.has(n)));
  const trigger = schedulingTrigger(binding, leaving);
  const now = rfc3339(ctx.now());
  if (!trigger) {
    ticket.leave();
    // Nothing to schedule; the scheduler has still seen this generation.
    const gen = binding.metadata.generation;
    if (gen !== undefined && binding.status?.schedulerObservedGeneration !== gen) {
      const out = await writeObject(ctx, bKey, binding as KubeObject, { ...binding, status: { ...(binding.status ?? {}), schedulerObservedGeneration: gen } } as KubeObject);
      if (out === 'stale') return { requeue: true };
    }
    return;
  }
  const fresh = rescheduleRequested(binding);
  const settings = controllerSettings(ctx);
  await ticket.turn(schedulePriority(binding));
  const result = runSchedule(binding, all, { fresh, settings, assumed: round.assumed });
  if (result.ok) round.assume(binding.spec.clusters ?? [], result.clusters);

  const placementJson = JSON.stringify(binding.spec.placement ?? {});
  let next = binding;
  if (result.ok || result.reason === 'NoClusterFit') {
    // A fit error empties the result, as Karmada patches an empty one; other failures keep the old.
    const targets = result.ok ? result.clusters : [];
    const annotations = { ...(binding.metadata.annotations ?? {}), [APPLIED_PLACEMENT_ANNOTATION]: placementJson };
    next = { ...binding, metadata: { ...binding.metadata, annotations }, spec: { ...binding.spec, clusters: targets.length ? targets : undefined } };
  }
  const moved = !jsonEqual(next.spec.clusters ?? [], binding.spec.clusters ?? []);
  const condition = result.ok
    ? { type: BINDING_CONDITION_SCHEDULED, status: 'True' as const, reason: 'Success', message: SCHEDULE_SUCCESS_MESSAGE }
    : { type: BINDING_CONDITION_SCHEDULED, status: 'False' as const, reason: result.reason, message: result.message };
  const conditions = setCondition((binding.status?.conditions ?? []) as Condition[], condition, now);
  const conditionChanged = !jsonEqual(conditions.find((c) => c.type === BINDING_CONDITION_SCHEDULED), binding.status?.conditions?.find((c) => c.type === BINDING_CONDITION_SCHEDULED));
  // Karmada patches the result, then the status; here both go in one write (DESIGN.md: the scheduler owns both).
  const out = await writeSpecAndStatus(ctx, r, binding as KubeObject, next as KubeObject, (updated) => {
    const status = {
      ...(binding.status ?? {}),
      conditions: conditions as NonNullable<ResourceBinding['status']>['conditions'],
      ...(updated.metadata.generation !== undefined ? { schedulerObservedGeneration: updated.metadata.generation } : {}),
    } as NonNullable<ResourceBinding['status']>;
    // lastScheduledTime moves only when the result moved or a reschedule asked for it, so a steady binding stays quiet.
    if (result.ok && (moved || fresh || !binding.status?.lastScheduledTime)) status.lastScheduledTime = now;
    if (result.affinityName) status.schedulerObservingAffinityName = result.affinityName;
    return status;
  });
  if (out === 'stale') return { requeue: true };
  // Every failure is told; a success only when it changed something (a Duplicated binding is scheduled on every look).
  if (!result.ok || moved || conditionChanged || fresh) await recordOutcome(ctx, binding, result);
  if (!result.ok) {
    const since = conditions.find((c) => c.type === BINDING_CONDITION_SCHEDULED)?.lastTransitionTime;
    return { requeueAfterMs: schedulingRetryDelayMs(since, ctx.now()) };
  }
}

/**
 * A Cluster changed. Only a change of labels, of spec (generation) or the start of its deletion
 * concerns scheduling; then every binding whose affinity matched the cluster before or after
 * the change is looked at again, and those placed there too (their triggers decide).
 */
async function reconcileClusterChange(ctx: ReconcileContext, revision: number, clusterName: string): Promise<void> {
  const key = keyOf(CLUSTERS, '', clusterName);
  const history = await previousVersion(ctx.store.client, key, revision);
  let versions: Cluster[];
  if (history.known) {
    const current = history.type === 'DELETED' ? undefined : (history.current as Cluster);
    if (!clusterChange(history.previous as Cluster | undefined, current)) return;
    versions = [history.previous, history.current].filter((c): c is Cluster => c !== undefined) as Cluster[];
  } else {
    // The log no longer holds the change: assume it mattered, and hold bindings against the cluster as it is now.
    const now = (await ctx.store.get(key)) as Cluster | undefined;
    versions = now ? [now] : [];
  }
  for (const r of [RESOURCE_BINDINGS, CLUSTER_RESOURCE_BINDINGS]) {
    for (const b of await listAll<ResourceBinding>(ctx, r)) {
      if (!schedulable(b) || b.spec.suspension?.scheduling) continue;
      const placedThere = (b.spec.clusters ?? []).some((t) => t.name === clusterName);
      if (placedThere || versions.some((c) => bindingConcernsCluster(b, c))) {
        await ctx.enqueue(SCHEDULER, bindingKey(r, b.metadata.namespace ?? '', b.metadata.name ?? ''));
      }
    }
  }
}

/** The triggers visible in the binding alone: placement against the applied one, replicas against the result, a reschedule request. */
function specTrigger(b: ResourceBinding): boolean {
  if (!b.spec) return false;
  const trigger = schedulingTrigger(b, new Set());
  return trigger === 'PlacementChanged' || trigger === 'ReplicasChanged' || trigger === 'RescheduleTriggered';
}

export const scheduler: Reconciler = {
  name: SCHEDULER,
  // Decisions of one batch are taken in turn (scheduling-queue.ts); reads and writes overlap.
  concurrency: 16,
  maxConcurrentFlag: 'scheduler-concurrency',
  keysFor(change: LoggedChange) {
    const k = change.key;
    if (k.group === RESOURCE_BINDINGS.group && (k.resource === RESOURCE_BINDINGS.resource || k.resource === CLUSTER_RESOURCE_BINDINGS.resource)) {
      if (change.type === 'DELETED') return [];
      const b = change.object as ResourceBinding;
      if (!schedulable(b) || b.spec?.suspension?.scheduling) return [];
      // As Karmada's event handler: an update that did not change the spec (generation) is no news to the scheduler.
      // A writer that changes the spec without moving the generation is still caught by the triggers that read the spec.
      if (change.type === 'MODIFIED' && b.metadata.generation === b.status?.schedulerObservedGeneration && !specTrigger(b)) return [];
      return [bindingKey(k.resource === RESOURCE_BINDINGS.resource ? RESOURCE_BINDINGS : CLUSTER_RESOURCE_BINDINGS, k.namespace, k.name)];
    }
    if (k.group === CLUSTERS.group && k.resource === CLUSTERS.resource) return [clusterKey(change.revision, k.name)];
    return [];
  },
  async reconcile(ctx, key) {
    if (key.startsWith('cluster/')) {
      const rest = key.slice('cluster/'.length);
      const slash = rest.indexOf('/');
      await reconcileClusterChange(ctx, Number(rest.slice(0, slash)), rest.slice(slash + 1));
      return;
    }
    return reconcileBinding(ctx, key);
  },
};
