// What Pull-mode registration may do, as RBAC objects.
//
// A bootstrap token (group system:bootstrappers) may register one cluster: create or update a
// Cluster and its status, its execution namespace, the agent's ServiceAccount and a token for
// it in karmada-cluster, the Lease there, and the agent's narrow roles — which RBAC's own
// escalation check lets it write only because it holds what they grant (or, for Works, may
// `bind` the one fixed role flotilla:agent-work). It reads no Secret and no Work itself.
// Like a Karmada bootstrap token (which can get any agent's certificate approved), it can act
// for any cluster name: keep its TTL short.
//
// An agent (the ServiceAccount karmada-agent-<cluster> in karmada-cluster) may then read and
// update only its own Cluster and its status, its own Lease, and the Works (with their status)
// in its own karmada-es-<cluster>.

import type { KubeClient } from './kube-client.js';
import {
  CLUSTERS_PATH,
  FIELD_MANAGER,
  MEMBER_CREDENTIALS_NAMESPACE,
  agentRoleName,
  executionNamespace,
} from './names.js';

const RBAC_API = 'rbac.authorization.k8s.io';
const RBAC = `/apis/${RBAC_API}/v1`;
const CLUSTER_GROUP = 'cluster.karmada.io';

export const BOOTSTRAPPER_ROLE = 'flotilla:agent-bootstrapper';
export const AGENT_WORK_ROLE = 'flotilla:agent-work';
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';
export const CLUSTER_INFO_ROLE = 'kubeadm:bootstrap-signer-clusterinfo';

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
}

/** One object to apply, at its path. */
export interface RbacWrite {
  path: string;
  object: Record<string, unknown>;
}

const role = (kind: 'Role' | 'ClusterRole', name: string, namespace: string | undefined, rules: Rule[]): RbacWrite => ({
  path: namespace ? `${RBAC}/namespaces/${namespace}/roles/${encodeURIComponent(name)}` : `${RBAC}/clusterroles/${encodeURIComponent(name)}`,
  object: { apiVersion: `${RBAC_API}/v1`, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, rules },
});

const binding = (
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  name: string,
  namespace: string | undefined,
  roleRef: { kind: 'Role' | 'ClusterRole'; name: string },
  subjects: Array<Record<string, string>>,
): RbacWrite => ({
  path: namespace ? `${RBAC}/namespaces/${namespace}/rolebindings/${encodeURIComponent(name)}` : `${RBAC}/clusterrolebindings/${encodeURIComponent(name)}`,
  object: { apiVersion: `${RBAC_API}/v1`, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, roleRef: { apiGroup: RBAC_API, ...roleRef }, subjects },
});

const bootstrappers = [{ apiGroup: RBAC_API, kind: 'Group', name: BOOTSTRAPPERS_GROUP }];

/** The objects `flotilla token create` makes (as cluster-admin) so that bootstrap tokens can register clusters. */
export function registrationSetupObjects(): RbacWrite[] {
  const ns = MEMBER_CREDENTIALS_NAMESPACE;
  return [
    role('ClusterRole', AGENT_WORK_ROLE, undefined, [
      { apiGroups: ['work.karmada.io'], resources: ['works'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
      { apiGroups: ['work.karmada.io'], resources: ['works/status'], verbs: ['get', 'update', 'patch'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
    ]),
    role('ClusterRole', BOOTSTRAPPER_ROLE, undefined, [
      { apiGroups: [CLUSTER_GROUP], resources: ['clusters'], verbs: ['get', 'create', 'update', 'patch'] },
      { apiGroups: [CLUSTER_GROUP], resources: ['clusters/status'], verbs: ['get', 'update', 'patch'] },
      { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'create'] },
      { apiGroups: [RBAC_API], resources: ['clusterroles', 'clusterrolebindings', 'rolebindings'], verbs: ['get', 'create', 'update', 'patch'] },
      { apiGroups: [RBAC_API], resources: ['clusterroles'], resourceNames: [AGENT_WORK_ROLE], verbs: ['bind'] },
      // So that karmadactl register, which asks for a client certificate, hears why it cannot have one.
      { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create'] },
    ]),
    binding('ClusterRoleBinding', BOOTSTRAPPER_ROLE, undefined, { kind: 'ClusterRole', name: BOOTSTRAPPER_ROLE }, bootstrappers),
    role('Role', BOOTSTRAPPER_ROLE, ns, [
      { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get', 'create'] },
      { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update', 'patch'] },
      { apiGroups: [RBAC_API], resources: ['roles', 'rolebindings'], verbs: ['get', 'create', 'update', 'patch'] },
    ]),
    binding('RoleBinding', BOOTSTRAPPER_ROLE, ns, { kind: 'Role', name: BOOTSTRAPPER_ROLE }, bootstrappers),
    // kubeadm's discovery: anyone may read the control plane's CA from kube-public/cluster-info.
    role('Role', CLUSTER_INFO_ROLE, 'kube-public', [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['cluster-info'], verbs: ['get'] }]),
    binding('RoleBinding', CLUSTER_INFO_ROLE, 'kube-public', { kind: 'Role', name: CLUSTER_INFO_ROLE }, [
      { apiGroup: RBAC_API, kind: 'User', name: 'system:anonymous' },
      { apiGroup: RBAC_API, kind: 'Group', name: 'system:unauthenticated' },
      { apiGroup: RBAC_API, kind: 'Group', name: 'system:authenticated' },
    ]),
  ];
}

/** The agent's own permissions for `cluster`: only its Cluster, its Lease and its execution namespace's Works. */
export function agentRbacObjects(cluster: string, serviceAccount: string): RbacWrite[] {
  const ns = MEMBER_CREDENTIALS_NAMESPACE;
  const name = agentRoleName(cluster);
  const agent = [{ kind: 'ServiceAccount', name: serviceAccount, namespace: ns }];
  return [
    role('ClusterRole', name, undefined, [
      { apiGroups: [CLUSTER_GROUP], resources: ['clusters'], resourceNames: [cluster], verbs: ['get', 'update', 'patch'] },
      { apiGroups: [CLUSTER_GROUP], resources: ['clusters/status'], resourceNames: [cluster], verbs: ['get', 'update', 'patch'] },
    ]),
    binding('ClusterRoleBinding', name, undefined, { kind: 'ClusterRole', name }, agent),
    role('Role', name, ns, [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [cluster], verbs: ['get', 'update', 'patch'] }]),
    binding('RoleBinding', name, ns, { kind: 'Role', name }, agent),
    binding('RoleBinding', name, executionNamespace(cluster), { kind: 'ClusterRole', name: AGENT_WORK_ROLE }, agent),
  ];
}

export async function applyAll(client: KubeClient, writes: readonly RbacWrite[]): Promise<void> {
  for (const w of writes) await client.apply(w.path, w.object, FIELD_MANAGER);
}

/** kube-public/cluster-info: a kubeconfig with only the server and its CA, as kubeadm publishes it. */
export function clusterInfoConfigMap(server: string, caPem: string): RbacWrite {
  const kubeconfig = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: ""',
    '  cluster:',
    `    certificate-authority-data: ${Buffer.from(caPem, 'utf8').toString('base64')}`,
    `    server: ${server}`,
    'contexts: []',
    'current-context: ""',
    'preferences: {}',
    'users: []',
    '',
  ].join('\n');
  return {
    path: '/api/v1/namespaces/kube-public/configmaps/cluster-info',
    object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cluster-info', namespace: 'kube-public' }, data: { kubeconfig } },
  };
}

export const CLUSTER_INFO_PATH = '/api/v1/namespaces/kube-public/configmaps/cluster-info';
export { CLUSTERS_PATH };
