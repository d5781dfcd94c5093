// The part of a ResourceBinding the detector owns, built from a template and its policy.
// The scheduler's spec.clusters, the eviction tasks and requiredBy belong to other writers
// and are carried over untouched (DESIGN.md, "Who writes what on a binding").

import type { BindingSpec } from '../karmada/resource-binding.js';
import type { PropagationSpec } from '../karmada/propagation-policy.js';
import { DEFAULT_SCHEDULER_NAME } from '../karmada/propagation-policy.js';
import type { KubeObject } from '../object.js';
import { getReplicas } from '../interpreter/index.js';

/** Fields of a binding's spec the detector writes; everything else belongs to someone else. */
const DETECTOR_FIELDS = [
  'resource',
  'replicas',
  'replicaRequirements',
  'placement',
  'propagateDeps',
  'conflictResolution',
  'suspension',
  'preserveResourcesOnDeletion',
  'failover',
  'schedulerName',
  'schedulePriority',
] as const;

/**
 * `sameSpecification`: the template differs from the one `previous` was built from only in
 * status or generated metadata, so the binding keeps its resourceVersion and does not change
 * (Karmada's detector ignores such updates: a status write must not reschedule or re-render).
 */
export function detectorBindingSpec(template: KubeObject, policy: PropagationSpec, previous: BindingSpec | undefined, opts: { priorityValue?: number; sameSpecification?: boolean } = {}): BindingSpec {
  const { priorityValue } = opts;
  const { replicas, requirements } = getReplicas(template);
  const keptVersion = opts.sameSpecification && previous?.resource.uid === template.metadata.uid ? previous?.resource.resourceVersion : undefined;
  const resourceVersion = keptVersion ?? template.metadata.resourceVersion;
  const owned: Partial<BindingSpec> = {
    resource: {
      apiVersion: template.apiVersion ?? '',
      kind: template.kind ?? '',
      ...(template.metadata.namespace ? { namespace: template.metadata.namespace } : {}),
      name: template.metadata.name ?? '',
      ...(template.metadata.uid ? { uid: template.metadata.uid } : {}),
      ...(resourceVersion ? { resourceVersion } : {}),
    },
    ...(replicas > 0 ? { replicas } : {}),
    ...(requirements && replicas > 0 ? { replicaRequirements: requirements as BindingSpec['replicaRequirements'] } : {}),
    ...(policy.placement ? { placement: policy.placement } : {}),
    ...(policy.propagateDeps ? { propagateDeps: true } : {}),
    conflictResolution: policy.conflictResolution ?? 'Abort',
    ...(policy.suspension ? { suspension: policy.suspension } : {}),
    ...(policy.preserveResourcesOnDeletion !== undefined ? { preserveResourcesOnDeletion: policy.preserveResourcesOnDeletion } : {}),
    ...(policy.failover ? { failover: policy.failover } : {}),
    schedulerName: policy.schedulerName ?? DEFAULT_SCHEDULER_NAME,
    ...(priorityValue !== undefined ? { schedulePriority: { priority: priorityValue } } : {}),
  };
  const kept: Record<string, unknown> = { ...(previous ?? {}) };
  for (const f of DETECTOR_FIELDS) delete kept[f];
  return { ...(kept as Partial<BindingSpec>), ...owned } as BindingSpec;
}
