// Karmada's application failover controllers: a workload Unhealthy in a cluster for the
// policy's decisionConditions.tolerationSeconds is evicted from it through a graceful eviction
// task (purgeMode Directly, Gracefully or Never; statePreservation carried in the task). When
// the clock started is kept on the binding (shared/failover/application-failover.ts), and the
// key comes back when it runs out. Evictions wait while the brake is halted (a fleet-wide
// outage makes every application unhealthy at once).

import type { Reconciler, ReconcileContext } from '../reconciler.js';
import type { LoggedChange } from '../../db/store.js';
import type { KubeObject } from '../../shared/object.js';
import type { Cluster } from '../../shared/karmada/cluster.js';
import type { ResourceBinding } from '../../shared/karmada/resource-binding.js';
import { failoverSettings } from '../../shared/failover/settings.js';
import { gracefulEvictCluster, EVICTION_REASON_APPLICATION_FAILURE } from '../../shared/failover/eviction-task.js';
import { applicationEvictionTask, detectApplicationFailures, readUnhealthySince, writeUnhealthySince, UNHEALTHY_SINCE_ANNOTATION } from '../../shared/failover/application-failover.js';
import { brakeState } from '../../shared/failover/eviction-brake.js';
import { EVENT_REASON_EVICT_WORKLOAD_FROM_CLUSTER_FAILED, EVENT_REASON_EVICT_WORKLOAD_FROM_CLUSTER_SUCCEED } from '../../shared/failover/events.js';
import { bindingKey, parseBindingKey, type BindingRef } from '../../shared/failover/binding-keys.js';
import { jsonEqual } from '../../shared/json-equal.js';
import { isDeleting, keyOf, writeObject, writeSpec, type Resource } from '../object-writes.js';
import { CLUSTERS, CLUSTER_RESOURCE_BINDINGS, RESOURCE_BINDINGS } from './resources.js';
import { recordEvent } from './failover-events.js';

export const APPLICATION_FAILOVER_CONTROLLER = 'application-failover';

function resourceOf(ref: BindingRef): Resource {
  return ref.kind === 'rb' ? RESOURCE_BINDINGS : CLUSTER_RESOURCE_BINDINGS;
}

async function listAll(ctx: ReconcileContext, r: Resource): Promise<KubeObject[]> {
  const scope = { group: r.group, resource: r.resource };
  return ctx.cache ? (await ctx.cache.list(scope)).items : (await ctx.store.list(scope)).items;
}

async function reconcileBinding(ctx: ReconcileContext, ref: BindingRef): Promise<void> {
  const r = resourceOf(ref);
  const bKey = keyOf(r, ref.namespace, ref.name);
  const binding = (await ctx.store.get(bKey)) as ResourceBinding | undefined;
  if (!binding || isDeleting(binding as KubeObject)) return;
  const behavior = binding.spec.failover?.application;
  const previous = readUnhealthySince(binding.metadata.annotations);
  // Karmada moves an application only with its dependencies (admission insists on propagateDeps).
  if (!behavior || !binding.spec.propagateDeps) {
    if (Object.keys(previous).length) {
      const annotations = writeUnhealthySince(binding.metadata.annotations, {});
      await writeObject(ctx, bKey, binding as KubeObject, { ...binding, metadata: { ...binding.metadata, annotations } } as KubeObject);
    }
    return;
  }
  const now = ctx.now();
  const tolerationSeconds = behavior.decisionConditions?.tolerationSeconds ?? 300;
  const found = detectApplicationFailures(binding.spec, binding.status?.aggregatedStatus, previous, tolerationSeconds, now);
  const key = bindingKey(ref);

  let spec = binding.spec;
  const evicted: Array<{ cluster: string; purgeMode: string }> = [];
  const held: string[] = [];
  if (found.evict.length) {
    const clusters = (await listAll(ctx, CLUSTERS)) as Cluster[];
    const brake = brakeState(clusters, failoverSettings(ctx));
    const before = (binding.spec.clusters ?? []).map((t) => t.name);
    for (const cluster of found.evict) {
      if (brake.mode === 'Halted') {
        held.push(cluster);
        continue;
      }
      const message = `the workload has been unhealthy on cluster ${cluster} for more than ${tolerationSeconds}s`;
      try {
        const opts = applicationEvictionTask(behavior, binding.status?.aggregatedStatus, cluster, before, message);
        spec = gracefulEvictCluster(spec, cluster, opts);
        evicted.push({ cluster, purgeMode: opts.purgeMode ?? 'Gracefully' });
      } catch (e) {
        held.push(cluster);
        await recordEvent(ctx, {
          about: { ...binding, apiVersion: 'work.karmada.io/v1alpha2', kind: ref.kind === 'rb' ? 'ResourceBinding' : 'ClusterResourceBinding' },
          type: 'Warning',
          reason: EVENT_REASON_EVICT_WORKLOAD_FROM_CLUSTER_FAILED,
          message: `Cannot evict from cluster ${cluster} yet: ${(e as Error).message}`,
          component: APPLICATION_FAILOVER_CONTROLLER,
        });
      }
    }
  }
  // A failure held back keeps its clock, so it goes as soon as it can.
  const since = { ...found.since };
  for (const c of held) since[c] = previous[c] ?? new Date(now).toISOString();
  const annotations = writeUnhealthySince(binding.metadata.annotations, since);
  const next = { ...binding, metadata: { ...binding.metadata, annotations }, spec };
  if (!jsonEqual(next, binding)) {
    const outcome = evicted.length
      ? await writeSpec(ctx, r, binding as KubeObject, next as KubeObject)
      : await writeObject(ctx, bKey, binding as KubeObject, next as KubeObject);
    if (outcome === 'stale') {
      await ctx.enqueue(APPLICATION_FAILOVER_CONTROLLER, key, 1_000);
      return;
    }
    if (outcome === 'written') {
      const remaining = (spec.clusters ?? []).map((t) => t.name);
      const res = binding.spec.resource;
      for (const e of evicted) {
        await recordEvent(ctx, {
          about: { ...binding, apiVersion: 'work.karmada.io/v1alpha2', kind: ref.kind === 'rb' ? 'ResourceBinding' : 'ClusterResourceBinding' },
          type: 'Warning',
          reason: EVENT_REASON_EVICT_WORKLOAD_FROM_CLUSTER_SUCCEED,
          message: `Evicted ${res.kind} ${res.namespace ? `${res.namespace}/` : ''}${res.name} from cluster ${e.cluster} (${EVICTION_REASON_APPLICATION_FAILURE}: unhealthy for more than ${tolerationSeconds}s); purgeMode ${e.purgeMode}; ${remaining.length ? `still on ${remaining.join(', ')}, ` : ''}the scheduler places the evicted replicas elsewhere`,
          component: APPLICATION_FAILOVER_CONTROLLER,
        });
      }
    }
  }
  if (held.length) await ctx.enqueue(APPLICATION_FAILOVER_CONTROLLER, key, 10_000);
  else if (found.recheckMs !== undefined) await ctx.enqueue(APPLICATION_FAILOVER_CONTROLLER, key, found.recheckMs + 1_000);
}

export const applicationFailoverController: Reconciler = {
  name: APPLICATION_FAILOVER_CONTROLLER,
  concurrency: 5,
  keysFor(change: LoggedChange) {
    const k = change.key;
    if (change.type === 'DELETED') return [];
    const b = change.object as unknown as ResourceBinding;
    // Only bindings asking for application failover, or still carrying its clock, matter.
    if (!b.spec?.failover?.application && !b.metadata?.annotations?.[UNHEALTHY_SINCE_ANNOTATION]) return [];
    if (k.group === RESOURCE_BINDINGS.group && k.resource === RESOURCE_BINDINGS.resource) return [bindingKey({ kind: 'rb', namespace: k.namespace, name: k.name })];
    if (k.group === CLUSTER_RESOURCE_BINDINGS.group && k.resource === CLUSTER_RESOURCE_BINDINGS.resource) return [bindingKey({ kind: 'crb', namespace: '', name: k.name })];
    return [];
  },
  async reconcile(ctx, key) {
    const ref = parseBindingKey(key);
    if (ref) await reconcileBinding(ctx, ref);
  },
};
