// The names join, register, unjoin and the agent give to what they create, as karmadactl does
// (pkg/util/names): a reader who knows Karmada finds the same objects under the same names.

import { CLUSTER_GROUP, CLUSTER_NAME_MAX_LENGTH, CLUSTER_VERSION } from '../../shared/karmada/cluster.js';
import { MEMBER_CREDENTIALS_NAMESPACE } from '../../shared/security/member-credentials.js';

export { MEMBER_CREDENTIALS_NAMESPACE };

export const EXECUTION_SPACE_PREFIX = 'karmada-es-';
export const IMPERSONATOR_SERVICE_ACCOUNT = 'karmada-impersonator';
/** The field manager of every write the cluster commands and the agent make. */
export const FIELD_MANAGER = 'flotilla';

export const CLUSTERS_PATH = `/apis/${CLUSTER_GROUP}/${CLUSTER_VERSION}/clusters`;

export function clusterPath(name: string): string {
  return `${CLUSTERS_PATH}/${encodeURIComponent(name)}`;
}

export function executionNamespace(cluster: string): string {
  return `${EXECUTION_SPACE_PREFIX}${cluster}`;
}

/** The ServiceAccount in the member whose token the control plane uses (`karmada-<cluster>`). */
export function memberServiceAccountName(cluster: string): string {
  return `karmada-${cluster}`;
}

/** The ClusterRole (and its binding) in the member for a ServiceAccount of join's. */
export function memberClusterRoleName(serviceAccount: string): string {
  return `system:karmada:${serviceAccount}`;
}

export function impersonatorSecretName(cluster: string): string {
  return `${cluster}-impersonator`;
}

/** The ServiceAccount on the control plane a Pull cluster's agent authenticates as. */
export function agentServiceAccountName(cluster: string): string {
  return `karmada-agent-${cluster}`;
}

/** The per-cluster ClusterRole (and binding) giving an agent its own Cluster, and the Role for its Lease. */
export function agentRoleName(cluster: string): string {
  return `system:karmada:agent:${cluster}`;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why `name` cannot name a Cluster, or undefined when it can. */
export function clusterNameProblem(name: string): string | undefined {
  if (!name) return 'a cluster name is required';
  if (name.length > CLUSTER_NAME_MAX_LENGTH) return `cluster name ${JSON.stringify(name)} is longer than ${CLUSTER_NAME_MAX_LENGTH} characters`;
  if (!DNS1123_LABEL.test(name)) {
    return `cluster name ${JSON.stringify(name)} must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit`;
  }
  return undefined;
}
