import type { ResourceTypeInput, Verb } from '../registry/resource-type.js';
import { CLUSTER_GROUP } from './cluster.js';
import { POLICY_GROUP } from './propagation-policy.js';
import { WORK_GROUP } from './resource-binding.js';
import { APPS_GROUP } from './workload-rebalancer.js';

/**
 * Karmada's kinds as registry entries: names, short names and categories as Karmada's CRDs
 * (and its aggregated Cluster API) declare them. Every Karmada kind keeps
 * metadata.generation, as CRDs do.
 */

const ALL: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const KARMADA_CATEGORY = 'karmada-io';
const CRD_LIKE = { verbs: ALL, generation: 'spec' } as const;

export const karmadaResourceTypes: ResourceTypeInput[] = [
  // cluster.karmada.io/v1alpha1 (Karmada's aggregated API server)
  {
    group: CLUSTER_GROUP, versions: ['v1alpha1'], resource: 'clusters', kind: 'Cluster', singular: 'cluster',
    namespaced: false, subresources: ['status'], nameRule: 'dns1123Label', initialStatus: {}, ...CRD_LIKE,
  },
  // policy.karmada.io/v1alpha1
  {
    group: POLICY_GROUP, versions: ['v1alpha1'], resource: 'propagationpolicies', kind: 'PropagationPolicy',
    singular: 'propagationpolicy', shortNames: ['pp'], categories: [KARMADA_CATEGORY], namespaced: true, ...CRD_LIKE,
  },
  {
    group: POLICY_GROUP, versions: ['v1alpha1'], resource: 'clusterpropagationpolicies', kind: 'ClusterPropagationPolicy',
    singular: 'clusterpropagationpolicy', shortNames: ['cpp'], categories: [KARMADA_CATEGORY], namespaced: false, ...CRD_LIKE,
  },
  {
    group: POLICY_GROUP, versions: ['v1alpha1'], resource: 'overridepolicies', kind: 'OverridePolicy',
    singular: 'overridepolicy', shortNames: ['op'], categories: [KARMADA_CATEGORY], namespaced: true, ...CRD_LIKE,
  },
  {
    group: POLICY_GROUP, versions: ['v1alpha1'], resource: 'clusteroverridepolicies', kind: 'ClusterOverridePolicy',
    singular: 'clusteroverridepolicy', shortNames: ['cop'], categories: [KARMADA_CATEGORY], namespaced: false, ...CRD_LIKE,
  },
  {
    group: POLICY_GROUP, versions: ['v1alpha1'], resource: 'clustertaintpolicies', kind: 'ClusterTaintPolicy',
    singular: 'clustertaintpolicy', namespaced: false, ...CRD_LIKE,
  },
  // work.karmada.io: bindings stored as v1alpha2, v1alpha1 converted; Work is v1alpha1 only
  {
    group: WORK_GROUP, versions: ['v1alpha2', 'v1alpha1'], storageVersion: 'v1alpha2', resource: 'resourcebindings',
    kind: 'ResourceBinding', singular: 'resourcebinding', shortNames: ['rb'], categories: [KARMADA_CATEGORY],
    namespaced: true, subresources: ['status'], initialStatus: {}, ...CRD_LIKE,
  },
  {
    group: WORK_GROUP, versions: ['v1alpha2', 'v1alpha1'], storageVersion: 'v1alpha2', resource: 'clusterresourcebindings',
    kind: 'ClusterResourceBinding', singular: 'clusterresourcebinding', shortNames: ['crb'], categories: [KARMADA_CATEGORY],
    namespaced: false, subresources: ['status'], initialStatus: {}, ...CRD_LIKE,
  },
  {
    group: WORK_GROUP, versions: ['v1alpha1'], resource: 'works', kind: 'Work', singular: 'work', shortNames: ['wk'],
    categories: [KARMADA_CATEGORY], namespaced: true, subresources: ['status'], initialStatus: {}, ...CRD_LIKE,
  },
  // apps.karmada.io/v1alpha1
  {
    group: APPS_GROUP, versions: ['v1alpha1'], resource: 'workloadrebalancers', kind: 'WorkloadRebalancer',
    singular: 'workloadrebalancer', namespaced: false, subresources: ['status'], initialStatus: {}, ...CRD_LIKE,
  },
];

/** Karmada's groups, after the built-in ones in discovery. */
export const karmadaGroups: string[] = [CLUSTER_GROUP, POLICY_GROUP, WORK_GROUP, APPS_GROUP];
