// Karmada's WorkloadRebalancer controller: for each workload a rebalancer names, it stamps the
// workload's binding with spec.rescheduleTriggeredAt (the rebalancer's creation time), which
// makes the scheduler divide the replicas afresh; it records each workload's outcome, the time
// every outcome was known, and deletes the rebalancer ttlSecondsAfterFinished after that.

import { rfc3339 } from '../../shared/time.js';
import type { Reconciler, ReconcileContext, ReconcileResult } from '../reconciler.js';
import type { KubeObject } from '../../shared/object.js';
import type { ResourceBinding } from '../../shared/karmada/resource-binding.js';
import type { WorkloadRebalancer } from '../../shared/karmada/workload-rebalancer.js';
import { APPS_GROUP } from '../../shared/karmada/workload-rebalancer.js';
import { bindingName } from '../../shared/binding/names.js';
import { jsonEqual } from '../../shared/json-equal.js';
import { deleteObject, keyOf, writeObject, writeSpec, type Resource } from '../object-writes.js';
import { CLUSTER_RESOURCE_BINDINGS, RESOURCE_BINDINGS } from './resources.js';

export const WORKLOAD_REBALANCER = 'workload-rebalancer';
export const WORKLOAD_REBALANCERS: Resource = { group: APPS_GROUP, resource: 'workloadrebalancers' };

type Status = NonNullable<WorkloadRebalancer['status']>;
type Observed = NonNullable<Status['observedWorkloads']>[number];
type Workload = Observed['workload'];

const workloadId = (w: Workload): string => `${w.apiVersion} ${w.kind} ${w.namespace ?? ''} ${w.name}`;


/**
 * The status list for the current spec: a workload still listed keeps its outcome; one no
 * longer listed stays only if it succeeded (its reschedule happened); a new one starts
 * without an outcome. Sorted as Karmada sorts it.
 */
export function observedWorkloadsFor(rebalancer: WorkloadRebalancer): Observed[] {
  const wanted = new Map(rebalancer.spec.workloads.map((w) => [workloadId(w), w]));
  const out: Observed[] = [];
  for (const item of rebalancer.status?.observedWorkloads ?? []) {
    const id = workloadId(item.workload);
    if (wanted.has(id)) {
      out.push(item);
      wanted.delete(id);
    } else if (item.result === 'Successful') out.push(item);
  }
  for (const w of wanted.values()) out.push({ workload: w });
  return out.sort((a, b) => (workloadId(a.workload) < workloadId(b.workload) ? -1 : workloadId(a.workload) > workloadId(b.workload) ? 1 : 0));
}

/** Stamps one workload's binding; the outcome, or 'retry' when the write lost a race. */
async function triggerReschedule(ctx: ReconcileContext, w: Workload, at: string): Promise<Observed['result'] | 'retry' | 'missing'> {
  const r = w.namespace ? RESOURCE_BINDINGS : CLUSTER_RESOURCE_BINDINGS;
  const binding = (await ctx.store.get(keyOf(r, w.namespace ?? '', bindingName(w.kind, w.name)))) as ResourceBinding | undefined;
  if (!binding) return 'missing';
  const current = binding.spec.rescheduleTriggeredAt;
  if (current && Date.parse(at) <= Date.parse(current)) return 'Successful';
  const next = { ...binding, spec: { ...binding.spec, rescheduleTriggeredAt: at } };
  const out = await writeSpec(ctx, r, binding as KubeObject, next as KubeObject);
  return out === 'stale' ? 'retry' : 'Successful';
}

async function reconcileRebalancer(ctx: ReconcileContext, name: string): Promise<ReconcileResult | void> {
  const key = keyOf(WORKLOAD_REBALANCERS, '', name);
  const rebalancer = (await ctx.store.get(key)) as WorkloadRebalancer | undefined;
  if (!rebalancer || rebalancer.metadata.deletionTimestamp) return;
  const at = rebalancer.metadata.creationTimestamp ?? rfc3339(ctx.now());
  const observed = observedWorkloadsFor(rebalancer);
  let retries = 0;
  for (const item of observed) {
    if (item.result) continue;
    const outcome = await triggerReschedule(ctx, item.workload, at);
    if (outcome === 'retry') retries++;
    else if (outcome === 'missing') Object.assign(item, { result: 'Failed', reason: 'ReferencedBindingNotFound' });
    else item.result = outcome;
  }
  const old = rebalancer.status ?? {};
  const status: Status = { observedWorkloads: observed, ...(rebalancer.metadata.generation !== undefined ? { observedGeneration: rebalancer.metadata.generation } : {}) };
  if (old.finishTime) status.finishTime = old.finishTime;
  // finishTime moves when the outcomes changed and none is left to retry.
  if (!jsonEqual({ ...old, finishTime: undefined }, { ...status, finishTime: undefined }) && retries === 0) status.finishTime = rfc3339(ctx.now());
  let current: WorkloadRebalancer = rebalancer;
  if (!jsonEqual(status, old)) {
    const out = await writeObject(ctx, key, rebalancer as KubeObject, { ...rebalancer, status } as KubeObject);
    if (out === 'stale') return { requeue: true };
    current = { ...rebalancer, status };
  }
  if (retries > 0) return { requeue: true };
  const ttl = current.spec.ttlSecondsAfterFinished;
  const finished = current.status?.finishTime;
  if (ttl === undefined || !finished) return;
  const left = Date.parse(finished) + ttl * 1000 - ctx.now();
  if (left > 0) return { requeueAfterMs: left };
  const latest = await ctx.store.get(key);
  if (latest) await deleteObject(ctx.store, ctx.registry, key, latest, undefined, ctx.now());
}

export const workloadRebalancerController: Reconciler = {
  name: WORKLOAD_REBALANCER,
  keysFor(change) {
    const k = change.key;
    if (k.group !== WORKLOAD_REBALANCERS.group || k.resource !== WORKLOAD_REBALANCERS.resource || change.type === 'DELETED') return [];
    const r = change.object as WorkloadRebalancer;
    // Its own status writes are no news; a new or changed request is.
    if (change.type === 'MODIFIED' && r.metadata.generation === r.status?.observedGeneration) return [];
    return [k.name];
  },
  reconcile: reconcileRebalancer,
  async resync(ctx) {
    // TTLs outlive a lost timer: finished rebalancers with a TTL are looked at again.
    const items = (await ctx.store.list({ group: WORKLOAD_REBALANCERS.group, resource: WORKLOAD_REBALANCERS.resource })).items as WorkloadRebalancer[];
    return items.filter((r) => r.spec.ttlSecondsAfterFinished !== undefined && r.status?.finishTime).map((r) => r.metadata.name ?? '');
  },
};
