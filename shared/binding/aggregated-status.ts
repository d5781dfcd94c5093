// A binding's status.aggregatedStatus and FullyApplied condition, from its Works, as
// Karmada's binding status controller assembles them: one item per target cluster, sorted by
// name; a Work not (yet) applied reports applied false and health Unknown.

import type { ResourceBinding } from '../karmada/resource-binding.js';
import { WORK_CONDITION_APPLIED, type Work } from '../karmada/work.js';
import type { KubeObject } from '../object.js';

export type AggregatedStatusItem = NonNullable<NonNullable<ResourceBinding['status']>['aggregatedStatus']>[number];

export interface FullyAppliedCondition {
  type: 'FullyApplied';
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export function aggregatedStatus(binding: ResourceBinding, worksByCluster: ReadonlyMap<string, Work>): { items: AggregatedStatusItem[]; fullyApplied: FullyAppliedCondition } {
  const res = binding.spec.resource;
  const items: AggregatedStatusItem[] = [];
  for (const target of [...(binding.spec.clusters ?? [])].sort((a, b) => a.name.localeCompare(b.name))) {
    const work = worksByCluster.get(target.name);
    const applied = work?.status?.conditions?.find((c) => c.type === WORK_CONDITION_APPLIED);
    if (!work || applied?.status !== 'True') {
      items.push({ clusterName: target.name, applied: false, ...(applied?.message ? { appliedMessage: applied.message } : {}), health: 'Unknown' });
      continue;
    }
    const ms = work.status?.manifestStatuses?.find((m) => m.identifier.kind === res.kind && m.identifier.name === res.name && (m.identifier.namespace ?? '') === (res.namespace ?? ''));
    items.push({ clusterName: target.name, ...(ms?.status ? { status: ms.status } : {}), applied: true, health: ms?.health ?? 'Unknown' });
  }
  const all = items.length > 0 && items.every((i) => i.applied);
  return {
    items,
    fullyApplied: all
      ? { type: 'FullyApplied', status: 'True', reason: 'FullyAppliedSuccess', message: 'All works have been successfully applied' }
      : { type: 'FullyApplied', status: 'False', reason: 'FullyAppliedFailed', message: 'Failed to apply all works, see status.aggregatedStatus for details' },
  };
}

/** The template with its aggregated status, for the interpreter's aggregation to fill. */
export type TemplateWithStatus = KubeObject & { status?: Record<string, unknown> };
