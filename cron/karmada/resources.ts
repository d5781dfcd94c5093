import type { Resource } from '../object-writes.js';

/** The stored resources Karmada's controllers read and write. */
export const CLUSTERS: Resource = { group: 'cluster.karmada.io', resource: 'clusters' };
export const SECRETS: Resource = { group: '', resource: 'secrets' };
export const NAMESPACES: Resource = { group: '', resource: 'namespaces' };
export const LEASES: Resource = { group: 'coordination.k8s.io', resource: 'leases' };
export const PROPAGATION_POLICIES: Resource = { group: 'policy.karmada.io', resource: 'propagationpolicies' };
export const CLUSTER_PROPAGATION_POLICIES: Resource = { group: 'policy.karmada.io', resource: 'clusterpropagationpolicies' };
export const OVERRIDE_POLICIES: Resource = { group: 'policy.karmada.io', resource: 'overridepolicies' };
export const CLUSTER_OVERRIDE_POLICIES: Resource = { group: 'policy.karmada.io', resource: 'clusteroverridepolicies' };
export const RESOURCE_BINDINGS: Resource = { group: 'work.karmada.io', resource: 'resourcebindings' };
export const CLUSTER_RESOURCE_BINDINGS: Resource = { group: 'work.karmada.io', resource: 'clusterresourcebindings' };
export const WORKS: Resource = { group: 'work.karmada.io', resource: 'works' };
