// What the binding step sends one cluster: the template without the control plane's own
// fields, its replicas revised to that cluster's share (Divided placements), a Job's
// completions divided alike, overrides applied, and Karmada's marks stamped so the member's
// copy can be traced back and is recognised as managed.

import type { Cluster } from '../karmada/cluster.js';
import type { ClusterOverridePolicy, OverridePolicy } from '../karmada/override-policy.js';
import type { BindingSpec } from '../karmada/resource-binding.js';
import type { KubeObject } from '../object.js';
import { pruneManifest } from '../karmada/prune.js';
import { reviseReplica } from '../interpreter/index.js';
import { applyOverrides, encodeAppliedOverrides, APPLIED_OVERRIDES_ANNOTATION, APPLIED_CLUSTER_OVERRIDES_ANNOTATION } from '../overriders/index.js';
import { divideByWeights } from '../scheduler/divide.js';
import { isWorkload } from './scheduling-triggers.js';

export const MANAGED_LABEL = 'karmada.io/managed';
export const TEMPLATE_GENERATION_ANNOTATION = 'resourcetemplate.karmada.io/generation';
export const CONFLICT_RESOLUTION_ANNOTATION = 'work.karmada.io/conflict-resolution';
export const BINDING_NAME_ANNOTATION = 'resourcebinding.karmada.io/name';
export const BINDING_NAMESPACE_ANNOTATION = 'resourcebinding.karmada.io/namespace';
export const CLUSTER_BINDING_NAME_ANNOTATION = 'clusterresourcebinding.karmada.io/name';

export interface WorkManifestInput {
  template: KubeObject;
  spec: BindingSpec;
  cluster: Cluster;
  clusterOverridePolicies: ClusterOverridePolicy[];
  overridePolicies: OverridePolicy[];
}

export interface WorkManifest {
  manifest: KubeObject;
  /** Annotations for the Work itself (applied overrides). */
  workAnnotations: Record<string, string>;
}

function isDivided(spec: BindingSpec): boolean {
  return spec.placement?.replicaScheduling?.replicaSchedulingType === 'Divided';
}

/** A Job's completions split across clusters in proportion to the replicas each got (Karmada's divideReplicasByJobCompletions). */
function jobCompletions(spec: BindingSpec, template: KubeObject, cluster: string): number | undefined {
  const completions = (template.spec as { completions?: number } | undefined)?.completions;
  if (template.kind !== 'Job' || completions === undefined) return undefined;
  const weights = (spec.clusters ?? []).map((t) => ({ name: t.name, weight: t.replicas ?? 0 }));
  return divideByWeights(completions, weights, spec.resource.uid).find((r) => r.name === cluster)?.replicas ?? 0;
}

export function buildWorkManifest(input: WorkManifestInput): WorkManifest {
  const { template, spec, cluster } = input;
  const name = cluster.metadata.name ?? '';
  let manifest = pruneManifest(structuredClone(template) as Record<string, unknown>) as unknown as KubeObject;
  const target = (spec.clusters ?? []).find((t) => t.name === name);
  if (isWorkload(spec) && isDivided(spec) && target?.replicas !== undefined) {
    manifest = reviseReplica(manifest, target.replicas);
    const completions = jobCompletions(spec, template, name);
    if (completions !== undefined) manifest = { ...manifest, spec: { ...(manifest.spec as object), completions } };
  }
  const result = applyOverrides({ manifest, cluster, clusterOverridePolicies: input.clusterOverridePolicies, overridePolicies: input.overridePolicies });
  manifest = result.manifest;
  const labels = { ...(manifest.metadata.labels ?? {}), [MANAGED_LABEL]: 'true' };
  const annotations = {
    ...(manifest.metadata.annotations ?? {}),
    ...(template.metadata.generation !== undefined ? { [TEMPLATE_GENERATION_ANNOTATION]: String(template.metadata.generation) } : {}),
    [CONFLICT_RESOLUTION_ANNOTATION]: (spec.conflictResolution ?? 'Abort').toLowerCase(),
  };
  manifest = { ...manifest, metadata: { ...manifest.metadata, labels, annotations } };
  const workAnnotations: Record<string, string> = {};
  const op = encodeAppliedOverrides(result.appliedOverrides);
  const cop = encodeAppliedOverrides(result.appliedClusterOverrides);
  if (op) workAnnotations[APPLIED_OVERRIDES_ANNOTATION] = op;
  if (cop) workAnnotations[APPLIED_CLUSTER_OVERRIDES_ANNOTATION] = cop;
  return { manifest, workAnnotations };
}
