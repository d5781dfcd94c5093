import type { Resource } from '../object-writes.js';

/** The resources the simulated controllers read and write. */
export const PODS: Resource = { group: '', resource: 'pods' };
export const NODES: Resource = { group: '', resource: 'nodes' };
export const SERVICES: Resource = { group: '', resource: 'services' };
export const CLAIMS: Resource = { group: '', resource: 'persistentvolumeclaims' };
export const REPLICA_SETS: Resource = { group: 'apps', resource: 'replicasets' };
export const DEPLOYMENTS: Resource = { group: 'apps', resource: 'deployments' };
export const STATEFUL_SETS: Resource = { group: 'apps', resource: 'statefulsets' };
export const DAEMON_SETS: Resource = { group: 'apps', resource: 'daemonsets' };
export const JOBS: Resource = { group: 'batch', resource: 'jobs' };
export const INGRESSES: Resource = { group: 'networking.k8s.io', resource: 'ingresses' };
