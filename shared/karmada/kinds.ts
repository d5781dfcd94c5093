import type { z } from 'zod';
import { cluster, CLUSTER_GROUP } from './cluster.js';
import { clusterTaintPolicy } from './cluster-taint-policy.js';
import { clusterOverridePolicy, overridePolicy } from './override-policy.js';
import { clusterPropagationPolicy, POLICY_GROUP, propagationPolicy } from './propagation-policy.js';
import { clusterResourceBinding, resourceBinding, WORK_GROUP } from './resource-binding.js';
import { clusterResourceBindingV1alpha1, resourceBindingV1alpha1 } from './resource-binding-v1alpha1.js';
import { work } from './work.js';
import { APPS_GROUP, workloadRebalancer } from './workload-rebalancer.js';

/** One served version of a Karmada kind and the schema objects of that version follow. */
export interface KarmadaKindVersion {
  group: string;
  version: string;
  kind: string;
  /** `resource.group`, the key the registry, admission and printers share. */
  resourceKey: string;
  schema: z.ZodType;
  /** The version objects are stored in (the schema admission checks writes against). */
  storage: boolean;
}

const v = (group: string, version: string, kind: string, resource: string, schema: z.ZodType, storage = true): KarmadaKindVersion => ({
  group,
  version,
  kind,
  resourceKey: `${resource}.${group}`,
  schema,
  storage,
});

export const karmadaKindVersions: readonly KarmadaKindVersion[] = [
  v(CLUSTER_GROUP, 'v1alpha1', 'Cluster', 'clusters', cluster),
  v(POLICY_GROUP, 'v1alpha1', 'PropagationPolicy', 'propagationpolicies', propagationPolicy),
  v(POLICY_GROUP, 'v1alpha1', 'ClusterPropagationPolicy', 'clusterpropagationpolicies', clusterPropagationPolicy),
  v(POLICY_GROUP, 'v1alpha1', 'OverridePolicy', 'overridepolicies', overridePolicy),
  v(POLICY_GROUP, 'v1alpha1', 'ClusterOverridePolicy', 'clusteroverridepolicies', clusterOverridePolicy),
  v(POLICY_GROUP, 'v1alpha1', 'ClusterTaintPolicy', 'clustertaintpolicies', clusterTaintPolicy),
  v(WORK_GROUP, 'v1alpha2', 'ResourceBinding', 'resourcebindings', resourceBinding),
  v(WORK_GROUP, 'v1alpha1', 'ResourceBinding', 'resourcebindings', resourceBindingV1alpha1, false),
  v(WORK_GROUP, 'v1alpha2', 'ClusterResourceBinding', 'clusterresourcebindings', clusterResourceBinding),
  v(WORK_GROUP, 'v1alpha1', 'ClusterResourceBinding', 'clusterresourcebindings', clusterResourceBindingV1alpha1, false),
  v(WORK_GROUP, 'v1alpha1', 'Work', 'works', work),
  v(APPS_GROUP, 'v1alpha1', 'WorkloadRebalancer', 'workloadrebalancers', workloadRebalancer),
];

/** The schema stored objects of a resource follow, by `resource.group`. */
export function storageSchemaFor(resourceKey: string): z.ZodType | undefined {
  return karmadaKindVersions.find((k) => k.storage && k.resourceKey === resourceKey)?.schema;
}
