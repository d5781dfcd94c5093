// Karmada's graceful eviction controllers (ResourceBinding and ClusterResourceBinding): the
// only writer that removes graceful eviction tasks. A task ends once the workload is Healthy on
// every cluster it is now scheduled to, when its grace period (or --graceful-eviction-timeout)
// has passed, or at once when suppressDeletion is false; then the binding controller deletes
// the old Work. It acts only after the scheduler has seen the eviction (observed generation),
// so "healthy elsewhere" is judged on the new placement.

import type { Reconciler, ReconcileContext } from '../reconciler.js';
import type { LoggedChange } from '../../db/store.js';
import type { KubeObject } from '../../shared/object.js';
import type { ResourceBinding } from '../../shared/karmada/resource-binding.js';
import { failoverSettings } from '../../shared/failover/settings.js';
import { assessEvictionTasks, type TaskAssessment } from '../../shared/failover/eviction-task.js';
import { EVENT_REASON_EVICTION_TASK_DONE } from '../../shared/failover/events.js';
import { bindingKey, parseBindingKey, type BindingRef } from '../../shared/failover/binding-keys.js';
import { isDeleting, keyOf, writeSpec, type Resource } from '../object-writes.js';
import { CLUSTER_RESOURCE_BINDINGS, RESOURCE_BINDINGS } from './resources.js';
import { recordEvent } from './failover-events.js';

export const GRACEFUL_EVICTION_CONTROLLER = 'graceful-eviction';

function resourceOf(ref: BindingRef): Resource {
  return ref.kind === 'rb' ? RESOURCE_BINDINGS : CLUSTER_RESOURCE_BINDINGS;
}

function doneMessage(binding: ResourceBinding, a: TaskAssessment): string {
  const res = binding.spec.resource;
  const what = `${res.kind} ${res.namespace ? `${res.namespace}/` : ''}${res.name}`;
  const now = (binding.spec.clusters ?? []).map((t) => t.name);
  const where = now.length ? `now on ${now.join(', ')}` : 'on no cluster';
  const why =
    a.outcome === 'healthy'
      ? 'the workload is healthy on its new clusters'
      : a.outcome === 'timeout'
        ? 'its grace period ended'
        : 'suppressDeletion was set to false';
  return `Eviction of ${what} from cluster ${a.task.fromCluster} (${a.task.reason}) is done: ${why}; the copy there is removed, ${where}`;
}

async function reconcileBinding(ctx: ReconcileContext, ref: BindingRef): Promise<void> {
  const r = resourceOf(ref);
  const binding = (await ctx.store.get(keyOf(r, ref.namespace, ref.name))) as ResourceBinding | undefined;
  if (!binding || isDeleting(binding as KubeObject) || !binding.spec.gracefulEvictionTasks?.length) return;
  // The scheduler's own status write brings the key back once it has caught up.
  if (binding.metadata.generation !== undefined && binding.status?.schedulerObservedGeneration !== binding.metadata.generation) return;
  const settings = failoverSettings(ctx);
  const result = assessEvictionTasks(binding.spec, binding.status?.aggregatedStatus, settings.gracefulEvictionTimeoutMs, ctx.now());
  const key = bindingKey(ref);
  const changed = result.assessed.some((a) => a.outcome !== 'kept');
  if (changed) {
    const spec = { ...binding.spec, gracefulEvictionTasks: result.kept.length ? result.kept : undefined };
    const outcome = await writeSpec(ctx, r, binding as KubeObject, { ...binding, spec } as KubeObject);
    if (outcome !== 'written') return;
    for (const a of result.assessed) {
      if (a.outcome === 'kept' || a.outcome === 'started') continue;
      await recordEvent(ctx, {
        about: { ...binding, apiVersion: 'work.karmada.io/v1alpha2', kind: ref.kind === 'rb' ? 'ResourceBinding' : 'ClusterResourceBinding' },
        type: 'Normal',
        reason: EVENT_REASON_EVICTION_TASK_DONE,
        message: doneMessage(binding, a),
        component: GRACEFUL_EVICTION_CONTROLLER,
      });
    }
  }
  // A task's deadline is a timer; health changes arrive as binding status writes.
  if (result.recheckMs !== undefined) await ctx.enqueue(GRACEFUL_EVICTION_CONTROLLER, key, result.recheckMs + 1_000);
}

export const gracefulEvictionController: Reconciler = {
  name: GRACEFUL_EVICTION_CONTROLLER,
  concurrency: 5,
  keysFor(change: LoggedChange) {
    const k = change.key;
    if (change.type === 'DELETED') return [];
    const tasks = (change.object as unknown as ResourceBinding).spec?.gracefulEvictionTasks;
    if (!tasks?.length) return [];
    if (k.group === RESOURCE_BINDINGS.group && k.resource === RESOURCE_BINDINGS.resource) return [bindingKey({ kind: 'rb', namespace: k.namespace, name: k.name })];
    if (k.group === CLUSTER_RESOURCE_BINDINGS.group && k.resource === CLUSTER_RESOURCE_BINDINGS.resource) return [bindingKey({ kind: 'crb', namespace: '', name: k.name })];
    return [];
  },
  async reconcile(ctx, key) {
    const ref = parseBindingKey(key);
    if (ref) await reconcileBinding(ctx, ref);
  },
};
