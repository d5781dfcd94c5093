// A binding's status.aggregatedStatus and FullyApplied condition, from its Works, as
// Karmada's binding status controllers assemble them (pkg/util/helper/workstatus.go): one item
// per Work that is not being deleted, sorted by cluster name; a Work not applied reports
// applied false with its Applied condition's message and health Unknown; an applied Work
// reports its resource's reflected status and health (Unknown until the member copy is seen).
// FullyApplied holds once every cluster the binding's spec places on has an applied Work, and
// no other cluster has one (health is reported per item, not required here).

import type { ResourceBinding } from '../karmada/resource-binding.js';
import { EXECUTION_SPACE_PREFIX, WORK_CONDITION_APPLIED, type Work } from '../karmada/work.js';
import type { KubeObject } from '../object.js';

export type AggregatedStatusItem = NonNullable<NonNullable<ResourceBinding['status']>['aggregatedStatus']>[number];

export interface FullyAppliedCondition {
  type: 'FullyApplied';
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export const FULLY_APPLIED_SUCCESS: FullyAppliedCondition = { type: 'FullyApplied', status: 'True', reason: 'FullyAppliedSuccess', message: 'All works have been successfully applied' };
export const FULLY_APPLIED_FAILED: FullyAppliedCondition = {
  type: 'FullyApplied',
  status: 'False',
  reason: 'FullyAppliedFailed',
  message: 'Failed to apply all works, see status.aggregatedStatus for details',
};

/**
 * The clusters a binding's spec still holds: its placement, the clusters of the bindings that
 * require it, and those of eviction tasks that keep their Work for now (all but Immediately).
 */
export function bindingSpecClusters(spec: ResourceBinding['spec']): Set<string> {
  const out = new Set((spec.clusters ?? []).map((c) => c.name));
  for (const r of spec.requiredBy ?? []) for (const c of r.clusters ?? []) out.add(c.name);
  for (const t of spec.gracefulEvictionTasks ?? []) if (t.purgeMode !== 'Immediately') out.add(t.fromCluster);
  return out;
}

function splitApiVersion(apiVersion: string): [string, string] {
  return apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
}

function itemFor(work: Work, res: ResourceBinding['spec']['resource']): AggregatedStatusItem {
  const clusterName = (work.metadata.namespace ?? '').slice(EXECUTION_SPACE_PREFIX.length);
  const applied = work.status?.conditions?.find((c) => c.type === WORK_CONDITION_APPLIED);
  if (applied?.status !== 'True') {
    return { clusterName, applied: false, ...(applied?.message ? { appliedMessage: applied.message } : {}), health: 'Unknown' };
  }
  const manifests = (work.spec.workload?.manifests ?? []) as KubeObject[];
  const ns = res.namespace ?? '';
  const ordinal = manifests.findIndex((m) => m.apiVersion === res.apiVersion && m.kind === res.kind && (m.metadata?.namespace ?? '') === ns && m.metadata?.name === res.name);
  const [group, version] = splitApiVersion(res.apiVersion);
  const ms =
    ordinal < 0
      ? undefined
      : work.status?.manifestStatuses?.find((m) => {
          const id = m.identifier;
          return id.ordinal === ordinal && id.group === group && id.version === version && id.kind === res.kind && (id.namespace ?? '') === ns && id.name === res.name;
        });
  return { clusterName, ...(ms?.status ? { status: ms.status } : {}), applied: true, health: ms?.health ?? 'Unknown' };
}

export function aggregatedStatus(binding: ResourceBinding, works: readonly Work[]): { items: AggregatedStatusItem[]; fullyApplied: FullyAppliedCondition } {
  const res = binding.spec.resource;
  const items = works.filter((w) => !w.metadata.deletionTimestamp).map((w) => itemFor(w, res));
  items.sort((a, b) => (a.clusterName < b.clusterName ? -1 : a.clusterName > b.clusterName ? 1 : 0));
  const clusters = bindingSpecClusters(binding.spec);
  const full = clusters.size > 0 && clusters.size === items.length && items.every((i) => i.applied && clusters.has(i.clusterName));
  return { items, fullyApplied: full ? FULLY_APPLIED_SUCCESS : FULLY_APPLIED_FAILED };
}

/** The template with its aggregated status, for the interpreter's aggregation to fill. */
export type TemplateWithStatus = KubeObject & { status?: Record<string, unknown> };
