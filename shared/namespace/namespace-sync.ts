// Karmada's namespace sync: every namespace a user creates on the control plane is created
// in every member cluster, through one Work per cluster, unless it is one of the reserved
// ones, `default`, or labelled to opt out. Only ClusterOverridePolicies apply to it.

import type { Cluster } from '../karmada/cluster.js';
import type { ClusterOverridePolicy } from '../karmada/override-policy.js';
import type { ClusterPropagationPolicy } from '../karmada/propagation-policy.js';
import { pruneManifest } from '../karmada/prune.js';
import type { KubeObject } from '../object.js';
import { applyOverrides, encodeAppliedOverrides, APPLIED_CLUSTER_OVERRIDES_ANNOTATION } from '../overriders/index.js';
import { MANAGED_LABEL } from '../binding/work-manifest.js';
import { isReservedNamespace, matchingPolicies } from '../detector/policy-selection.js';
import { claimOf } from '../detector/claim.js';

/** A namespace labelled with this set to "true" (any case) is not propagated automatically. */
export const NAMESPACE_SKIP_AUTO_PROPAGATION_LABEL = 'namespace.karmada.io/skip-auto-propagation';

/** namespaceShouldBeSynced, by name: never `default` nor a reserved namespace. */
export function namespaceNameSynced(name: string): boolean {
  return name !== '' && name !== 'default' && !isReservedNamespace(name);
}

/** Whether the namespace goes to every member on its own (a deleting one is left to the garbage collector). */
export function namespaceShouldBeSynced(ns: Pick<KubeObject, 'metadata'>): boolean {
  if (!namespaceNameSynced(ns.metadata.name ?? '')) return false;
  if (ns.metadata.deletionTimestamp) return false;
  return (ns.metadata.labels?.[NAMESPACE_SKIP_AUTO_PROPAGATION_LABEL] ?? '').toLowerCase() !== 'true';
}

/**
 * Whether a ClusterPropagationPolicy holds (or is about to hold) the namespace: then its
 * placement decides where the namespace goes and the detector's binding writes the Works.
 * Checking the policies as well as the claim mark keeps the two writers apart even before
 * the detector has claimed a new namespace.
 */
export function namespaceClaimedByPolicy(ns: KubeObject, cpps: readonly ClusterPropagationPolicy[]): boolean {
  if (claimOf(ns)?.kind === 'ClusterPropagationPolicy') return true;
  const selectable = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.metadata.name ?? '', labels: ns.metadata.labels ?? {} } };
  return matchingPolicies(selectable, [], cpps).cpp.length > 0;
}

export interface NamespaceWork {
  manifest: KubeObject;
  /** Annotations for the Work (the ClusterOverridePolicies applied). */
  workAnnotations: Record<string, string>;
}

/** What one cluster's Work for the namespace holds. */
export function namespaceWorkManifest(ns: KubeObject, cluster: Cluster, clusterOverridePolicies: readonly ClusterOverridePolicy[]): NamespaceWork {
  const pruned = pruneManifest({ ...(structuredClone(ns) as unknown as Record<string, unknown>), apiVersion: 'v1', kind: 'Namespace' }) as unknown as KubeObject;
  // The member's namespace controller owns spec.finalizers; sending ours would only fight it.
  delete (pruned as { spec?: unknown }).spec;
  const result = applyOverrides({ manifest: pruned, cluster, clusterOverridePolicies: [...clusterOverridePolicies], overridePolicies: [] });
  const manifest = { ...result.manifest, metadata: { ...result.manifest.metadata, labels: { ...(result.manifest.metadata.labels ?? {}), [MANAGED_LABEL]: 'true' } } };
  const cop = encodeAppliedOverrides(result.appliedClusterOverrides);
  return { manifest, workAnnotations: cop ? { [APPLIED_CLUSTER_OVERRIDES_ANNOTATION]: cop } : {} };
}
