// Karmada's NoExecute taint manager: a binding on a cluster with a NoExecute taint it does not
// tolerate is evicted from it at once; one tolerating the taint for tolerationSeconds is
// evicted when that time has run out (a delayed key, durable like every timer here). Evicting
// is adding a graceful eviction task, which takes the cluster out of spec.clusters in the same
// write, so the scheduler places the workload elsewhere. Every eviction passes the brake
// (shared/failover/eviction-brake.ts): spaced by the eviction rate, and none while too much of
// the fleet is not ready.

import type { Reconciler, ReconcileContext } from '../reconciler.js';
import type { LoggedChange } from '../../db/store.js';
import type { KubeObject } from '../../shared/object.js';
import type { Cluster } from '../../shared/karmada/cluster.js';
import type { ResourceBinding } from '../../shared/karmada/resource-binding.js';
import type { Placement } from '../../shared/karmada/placement.js';
import { APPLIED_PLACEMENT_ANNOTATION } from '../../shared/binding/scheduling-triggers.js';
import { failoverSettings } from '../../shared/failover/settings.js';
import { clusterPurgeMode, noExecuteTaints, taintEvictionDecision, withDefaultTolerations } from '../../shared/failover/taint-eviction.js';
import { EVICTION_PRODUCER_TAINT_MANAGER, EVICTION_REASON_TAINT_UNTOLERATED, gracefulEvictCluster } from '../../shared/failover/eviction-task.js';
import { buildPreservedLabelState } from '../../shared/failover/preserved-label-state.js';
import {
  BRAKE_MESSAGE_KEY,
  BRAKE_NEXT_SLOT_KEY,
  BRAKE_STATE_KEY,
  EVICTION_BRAKE_NAME,
  EVICTION_BRAKE_NAMESPACE,
  brakeState,
  readStoredBrake,
  takeEvictionSlot,
  type BrakeState,
} from '../../shared/failover/eviction-brake.js';
import { EVENT_REASON_EVICTION_HALTED, EVENT_REASON_EVICTION_RESUMED, EVENT_REASON_EVICT_WORKLOAD_FROM_CLUSTER_SUCCEED } from '../../shared/failover/events.js';
import { bindingKey, parseBindingKey, type BindingRef } from '../../shared/failover/binding-keys.js';
import { createObject, isDeleting, keyOf, writeObject, writeSpec, type Resource } from '../object-writes.js';
import { CLUSTERS, CLUSTER_RESOURCE_BINDINGS, RESOURCE_BINDINGS } from './resources.js';
import { recordEvent } from './failover-events.js';

export const TAINT_MANAGER = 'taint-manager';
const CONFIG_MAPS: Resource = { group: '', resource: 'configmaps' };

/** A lost race on the brake or the binding: look again soon. */
const RETRY_MS = 1_000;

function resourceOf(ref: BindingRef): Resource {
  return ref.kind === 'rb' ? RESOURCE_BINDINGS : CLUSTER_RESOURCE_BINDINGS;
}

async function listAll(ctx: ReconcileContext, r: Resource): Promise<KubeObject[]> {
  const scope = { group: r.group, resource: r.resource };
  return ctx.cache ? (await ctx.cache.list(scope)).items : (await ctx.store.list(scope)).items;
}

/** The tolerations the scheduler applied (Karmada reads the applied-placement annotation), else the spec's. */
function tolerationsOf(binding: ResourceBinding): NonNullable<Placement['clusterTolerations']> {
  const applied = binding.metadata.annotations?.[APPLIED_PLACEMENT_ANNOTATION];
  if (applied) {
    try {
      return ((JSON.parse(applied) as Placement).clusterTolerations ?? []) as NonNullable<Placement['clusterTolerations']>;
    } catch {
      // A malformed annotation is the scheduler's to rewrite; the spec says the same until then.
    }
  }
  return binding.spec.placement?.clusterTolerations ?? [];
}

const brakeKey = keyOf(CONFIG_MAPS, EVICTION_BRAKE_NAMESPACE, EVICTION_BRAKE_NAME);

/**
 * Records the brake's mode when it changed (with an Event), so users and `flotilla placement`
 * see it. Returns true when it moved from Halted to Released.
 */
async function recordBrake(ctx: ReconcileContext, state: BrakeState): Promise<boolean> {
  const current = await ctx.store.get(brakeKey);
  const stored = readStoredBrake(current as { data?: Record<string, string> } | undefined);
  if (stored.mode === state.mode || (!current && state.mode === 'Released')) return false;
  const data = { ...((current?.data as Record<string, string> | undefined) ?? {}), [BRAKE_STATE_KEY]: state.mode, [BRAKE_MESSAGE_KEY]: state.message };
  let about: KubeObject | undefined;
  if (current) {
    if ((await writeObject(ctx, brakeKey, current, { ...current, data } as KubeObject)) !== 'written') return false;
    about = current;
  } else {
    about = await createObject(ctx, CONFIG_MAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: EVICTION_BRAKE_NAME, namespace: EVICTION_BRAKE_NAMESPACE }, data } as KubeObject);
    if (!about) return false;
  }
  await recordEvent(ctx, {
    about: { ...about, apiVersion: 'v1', kind: 'ConfigMap' },
    type: state.mode === 'Halted' ? 'Warning' : 'Normal',
    reason: state.mode === 'Halted' ? EVENT_REASON_EVICTION_HALTED : EVENT_REASON_EVICTION_RESUMED,
    message: state.message,
    component: TAINT_MANAGER,
  });
  return state.mode === 'Released' && stored.mode === 'Halted';
}

/** Takes one eviction slot from the shared brake; the wait in ms when none is free yet. */
async function takeSlot(ctx: ReconcileContext, rate: number): Promise<{ ok: true } | { ok: false; waitMs: number }> {
  const current = await ctx.store.get(brakeKey);
  const stored = readStoredBrake(current as { data?: Record<string, string> } | undefined);
  const now = ctx.now();
  const slot = takeEvictionSlot(stored.nextSlotMs, now, rate);
  if (!slot.ok) return slot;
  const data = { ...((current?.data as Record<string, string> | undefined) ?? {}), [BRAKE_NEXT_SLOT_KEY]: new Date(slot.nextSlotMs).toISOString() };
  if (current) {
    if ((await writeObject(ctx, brakeKey, current, { ...current, data } as KubeObject)) !== 'written') return { ok: false, waitMs: RETRY_MS };
  } else {
    const made = await createObject(ctx, CONFIG_MAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: EVICTION_BRAKE_NAME, namespace: EVICTION_BRAKE_NAMESPACE }, data: { [BRAKE_STATE_KEY]: 'Released', ...data } } as KubeObject);
    if (!made) return { ok: false, waitMs: RETRY_MS };
  }
  return { ok: true };
}

async function reconcileBinding(ctx: ReconcileContext, ref: BindingRef): Promise<void> {
  const settings = failoverSettings(ctx);
  if (!settings.enableNoExecuteTaintEviction) return;
  const r = resourceOf(ref);
  const binding = (await ctx.store.get(keyOf(r, ref.namespace, ref.name))) as ResourceBinding | undefined;
  if (!binding || isDeleting(binding as KubeObject) || !binding.spec.clusters?.length) return;
  const clusters = (await listAll(ctx, CLUSTERS)) as Cluster[];
  const byName = new Map(clusters.map((c) => [c.metadata.name ?? '', c]));
  const tolerations = withDefaultTolerations(tolerationsOf(binding), settings.defaultNotReadyTolerationSeconds);
  const now = ctx.now();
  const due: Array<{ cluster: string; why: string }> = [];
  let laterMs: number | undefined;
  for (const target of binding.spec.clusters) {
    const cluster = byName.get(target.name);
    if (!cluster || noExecuteTaints(cluster.spec.taints).length === 0) continue;
    const d = taintEvictionDecision(cluster.spec.taints, tolerations, now);
    if (d.kind === 'now') due.push({ cluster: target.name, why: d.why });
    else if (d.kind === 'later' && (laterMs === undefined || d.delayMs < laterMs)) laterMs = d.delayMs;
  }
  const key = bindingKey(ref);
  // The toleration's end is a timer: the key comes back then, whatever else happens.
  if (laterMs !== undefined) await ctx.enqueue(TAINT_MANAGER, key, laterMs + 1_000);
  if (due.length === 0) return;

  const brake = brakeState(clusters, settings);
  if (brake.mode === 'Halted') {
    // Released again by a cluster change (recordBrake), which wakes every tainted cluster's bindings.
    await recordBrake(ctx, brake);
    return;
  }
  const slot = await takeSlot(ctx, brake.rate);
  if (!slot.ok) {
    if (Number.isFinite(slot.waitMs)) await ctx.enqueue(TAINT_MANAGER, key, slot.waitMs + Math.floor(Math.random() * 250));
    return;
  }

  const purgeMode = clusterPurgeMode(binding.spec.failover, settings.noExecuteTaintEvictionPurgeMode);
  const clustersBefore = binding.spec.clusters.map((t) => t.name);
  let spec = binding.spec;
  const evicted: Array<{ cluster: string; why: string }> = [];
  for (const { cluster, why } of due) {
    let preservedLabelState: Record<string, string> | undefined;
    const rules = binding.spec.failover?.cluster?.statePreservation?.rules ?? [];
    if (rules.length) {
      const status = binding.status?.aggregatedStatus?.find((a) => a.clusterName === cluster)?.status;
      try {
        if (status === undefined || status === null) throw new Error(`the application status has not yet been collected from cluster ${cluster}`);
        preservedLabelState = buildPreservedLabelState(rules, status);
      } catch (e) {
        console.error(`taint manager: ${ref.kind} ${ref.namespace}/${ref.name} on ${cluster}: ${(e as Error).message}`);
        continue;
      }
    }
    spec = gracefulEvictCluster(spec, cluster, {
      purgeMode,
      producer: EVICTION_PRODUCER_TAINT_MANAGER,
      reason: EVICTION_REASON_TAINT_UNTOLERATED,
      message: why,
      ...(preservedLabelState ? { preservedLabelState, clustersBeforeFailover: clustersBefore } : {}),
    });
    evicted.push({ cluster, why });
  }
  if (evicted.length === 0) return;
  const outcome = await writeSpec(ctx, r, binding as KubeObject, { ...binding, spec } as KubeObject);
  if (outcome === 'stale') {
    await ctx.enqueue(TAINT_MANAGER, key, RETRY_MS);
    return;
  }
  if (outcome !== 'written') return;
  const remaining = (spec.clusters ?? []).map((t) => t.name);
  for (const { cluster, why } of evicted) {
    await recordEvent(ctx, {
      about: { ...binding, apiVersion: 'work.karmada.io/v1alpha2', kind: ref.kind === 'rb' ? 'ResourceBinding' : 'ClusterResourceBinding' },
      type: 'Warning',
      reason: EVENT_REASON_EVICT_WORKLOAD_FROM_CLUSTER_SUCCEED,
      message: `Evicted ${binding.spec.resource.kind} ${binding.spec.resource.namespace ? `${binding.spec.resource.namespace}/` : ''}${binding.spec.resource.name} from cluster ${cluster} (${EVICTION_REASON_TAINT_UNTOLERATED}: ${why}); purgeMode ${purgeMode}; ${remaining.length ? `still on ${remaining.join(', ')}, ` : ''}the scheduler places the evicted replicas elsewhere`,
      component: TAINT_MANAGER,
    });
  }
}

function bindingsOn(items: readonly KubeObject[], cluster: string): KubeObject[] {
  return items.filter((b) => ((b as unknown as ResourceBinding).spec?.clusters ?? []).some((t) => t.name === cluster));
}

/** A Cluster changed: its bindings are looked at when it has NoExecute taints; the brake is recorded. */
async function reconcileCluster(ctx: ReconcileContext, name: string): Promise<void> {
  const settings = failoverSettings(ctx);
  if (!settings.enableNoExecuteTaintEviction) return;
  const clusters = (await listAll(ctx, CLUSTERS)) as Cluster[];
  const released = await recordBrake(ctx, brakeState(clusters, settings));
  // Bindings held back by the brake are on every tainted cluster, not only the one that changed.
  const tainted = clusters.filter((c) => noExecuteTaints(c.spec.taints).length > 0 && (released || c.metadata.name === name));
  if (tainted.length === 0) return;
  const rbs = await listAll(ctx, RESOURCE_BINDINGS);
  const crbs = await listAll(ctx, CLUSTER_RESOURCE_BINDINGS);
  const keys = new Set<string>();
  for (const c of tainted) {
    for (const b of bindingsOn(rbs, c.metadata.name ?? '')) keys.add(bindingKey({ kind: 'rb', namespace: b.metadata.namespace ?? '', name: b.metadata.name ?? '' }));
    for (const b of bindingsOn(crbs, c.metadata.name ?? '')) keys.add(bindingKey({ kind: 'crb', namespace: '', name: b.metadata.name ?? '' }));
  }
  for (const k of keys) await ctx.enqueue(TAINT_MANAGER, k);
}

export const taintManager: Reconciler = {
  name: TAINT_MANAGER,
  concurrency: 5,
  keysFor(change: LoggedChange) {
    const k = change.key;
    if (change.type === 'DELETED') return [];
    if (k.group === CLUSTERS.group && k.resource === CLUSTERS.resource) return [`cluster/${k.name}`];
    if (k.group === RESOURCE_BINDINGS.group && k.resource === RESOURCE_BINDINGS.resource) return [bindingKey({ kind: 'rb', namespace: k.namespace, name: k.name })];
    if (k.group === CLUSTER_RESOURCE_BINDINGS.group && k.resource === CLUSTER_RESOURCE_BINDINGS.resource) return [bindingKey({ kind: 'crb', namespace: '', name: k.name })];
    return [];
  },
  async reconcile(ctx, key) {
    if (key.startsWith('cluster/')) return reconcileCluster(ctx, key.slice('cluster/'.length));
    const ref = parseBindingKey(key);
    if (ref) await reconcileBinding(ctx, ref);
  },
  // Lost timers and a brake released while no cluster changed are found again here.
  async resync(ctx) {
    const clusters = (await listAll(ctx, CLUSTERS)) as Cluster[];
    return clusters.filter((c) => noExecuteTaints(c.spec.taints).length > 0).map((c) => `cluster/${c.metadata.name ?? ''}`);
  },
  resyncPeriodMs: 60_000,
};
