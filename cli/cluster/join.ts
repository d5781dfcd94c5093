// `flotilla join`: registers a member cluster in Push mode, the way karmadactl join does
// (pkg/karmadactl/join, pkg/util/credential.go).
//
// In the member: namespace karmada-cluster, ServiceAccount karmada-<cluster> bound to a
// ClusterRole with */*/* and non-resource get, ServiceAccount karmada-impersonator allowed to
// impersonate (the Cluster proxy speaks as the caller through it), and a token Secret for each.
// On the control plane: Secret <cluster> (token, caBundle) and <cluster>-impersonator (token)
// in karmada-cluster, then the Cluster, which then owns both Secrets.

import type { StatusReporter } from '../launcher/status.js';
import type { Cluster } from '../../shared/karmada/cluster.js';
import { CLUSTER_GROUP, CLUSTER_VERSION } from '../../shared/karmada/cluster.js';
import type { KubeObject } from '../../shared/object.js';
import type { KubeClient } from './kube-client.js';
import type { MemberAccess } from './member-kubeconfig.js';
import {
  CLUSTERS_PATH,
  FIELD_MANAGER,
  IMPERSONATOR_SERVICE_ACCOUNT,
  MEMBER_CREDENTIALS_NAMESPACE,
  clusterNameProblem,
  clusterPath,
  impersonatorSecretName,
  memberClusterRoleName,
  memberServiceAccountName,
} from './names.js';

export type Progress = Pick<StatusReporter, 'step' | 'info' | 'warn'>;

export interface JoinOptions {
  name: string;
  controlPlane: KubeClient;
  member: KubeClient;
  access: MemberAccess;
  provider?: string | undefined;
  region?: string | undefined;
  zones?: string[] | undefined;
  /** Labels for the Cluster (karmadactl has no flag for them; `up` passes the members' own). */
  labels?: Record<string, string> | undefined;
  progress: Progress;
  /** How long to wait for the member to fill a token Secret. */
  tokenTimeoutMs?: number;
}

export interface JoinResult {
  cluster: Cluster;
  secretName: string;
  impersonatorSecretName: string;
}

const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const TOKEN_SECRET_TYPE = 'kubernetes.io/service-account-token';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string | undefined): string | undefined => (s === undefined ? undefined : Buffer.from(s, 'base64').toString('utf8'));

/** What Flotilla needs of a member: everything, as karmadactl's ClusterPolicyRules. */
export const MEMBER_POLICY_RULES = [
  { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
  { nonResourceURLs: ['*'], verbs: ['get'] },
];

/**
 * What the impersonator may do: speak as any user, group or ServiceAccount. The control plane
 * only ever impersonates the caller it authenticated and authorized for `clusters/proxy`; the
 * member's own RBAC then decides what that caller may do there.
 */
export const IMPERSONATOR_POLICY_RULES = [
  { apiGroups: [''], resources: ['users', 'groups', 'serviceaccounts'], verbs: ['impersonate'] },
  { apiGroups: ['authentication.k8s.io'], resources: ['*'], verbs: ['impersonate'] },
];

function tokenSecretName(serviceAccount: string): string {
  return `${serviceAccount}-token`;
}

/** Makes the ServiceAccount, its ClusterRole and binding, and a token Secret; resolves to that Secret's token and ca.crt. */
async function serviceAccountCredential(
  member: KubeClient,
  serviceAccount: string,
  rules: object[],
  timeoutMs: number,
): Promise<{ token: string; caCrt?: string }> {
  const ns = MEMBER_CREDENTIALS_NAMESPACE;
  await member.ensure(`/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: serviceAccount, namespace: ns } });
  const role = memberClusterRoleName(serviceAccount);
  await member.apply(`${RBAC}/clusterroles/${encodeURIComponent(role)}`, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: role }, rules }, FIELD_MANAGER);
  await member.apply(`${RBAC}/clusterrolebindings/${encodeURIComponent(role)}`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: role },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace: ns }],
  }, FIELD_MANAGER);
  const secretName = tokenSecretName(serviceAccount);
  await member.ensure(`/api/v1/namespaces/${ns}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    type: TOKEN_SECRET_TYPE,
    metadata: { name: secretName, namespace: ns, annotations: { 'kubernetes.io/service-account.name': serviceAccount } },
  });
  // The member's token controller fills the Secret; it takes a moment.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const secret = await member.get<{ data?: Record<string, string> }>(`/api/v1/namespaces/${ns}/secrets/${secretName}`);
    const token = unb64(secret?.data?.token);
    if (token) {
      const caCrt = unb64(secret?.data?.['ca.crt']);
      return { token, ...(caCrt ? { caCrt } : {}) };
    }
    if (Date.now() > deadline) {
      throw new Error(`the member did not put a token into Secret ${ns}/${secretName} within ${Math.round(timeoutMs / 1000)} s (is its token controller running?)`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function joinCluster(opts: JoinOptions): Promise<JoinResult> {
  const { name, controlPlane, member, access, progress } = opts;
  const problem = clusterNameProblem(name);
  if (problem) throw new Error(problem);
  const tokenTimeoutMs = opts.tokenTimeoutMs ?? 60_000;

  const existing = await progress.step('Checking the control plane', () => controlPlane.get<Cluster>(clusterPath(name)));
  if (existing) throw new Error(`cluster ${name} already exists (mode ${existing.spec.syncMode}); unjoin it first`);

  const memberInfo = await progress.step(
    `Reaching the member at ${access.apiEndpoint}`,
    async () => {
      const version = await member.call<{ gitVersion?: string }>('GET', '/version');
      const kubeSystem = await member.get<KubeObject>('/api/v1/namespaces/kube-system');
      return { version: version.gitVersion ?? 'unknown', id: kubeSystem?.metadata.uid };
    },
    (r) => `Kubernetes ${r.version}`,
  );

  const credentials = await progress.step(`Creating the credentials in the member (namespace ${MEMBER_CREDENTIALS_NAMESPACE})`, async () => {
    await member.ensure('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: MEMBER_CREDENTIALS_NAMESPACE } });
    const impersonator = await serviceAccountCredential(member, IMPERSONATOR_SERVICE_ACCOUNT, IMPERSONATOR_POLICY_RULES, tokenTimeoutMs);
    const main = await serviceAccountCredential(member, memberServiceAccountName(name), MEMBER_POLICY_RULES, tokenTimeoutMs);
    return { impersonator, main };
  });

  const ns = MEMBER_CREDENTIALS_NAMESPACE;
  const secretName = name;
  const impersonatorName = impersonatorSecretName(name);
  const caBundle = credentials.main.caCrt ?? access.caPem;
  const cluster = await progress.step('Registering the cluster with the control plane', async () => {
    await controlPlane.ensure('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await controlPlane.apply(`/api/v1/namespaces/${ns}/secrets/${encodeURIComponent(secretName)}`, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: secretName, namespace: ns },
      data: { token: b64(credentials.main.token), ...(caBundle ? { caBundle: b64(caBundle) } : {}) },
    }, FIELD_MANAGER);
    await controlPlane.apply(`/api/v1/namespaces/${ns}/secrets/${encodeURIComponent(impersonatorName)}`, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: impersonatorName, namespace: ns },
      data: { token: b64(credentials.impersonator.token) },
    }, FIELD_MANAGER);
    const spec: Cluster['spec'] = {
      syncMode: 'Push',
      apiEndpoint: access.apiEndpoint,
      secretRef: { namespace: ns, name: secretName },
      impersonatorSecretRef: { namespace: ns, name: impersonatorName },
      ...(memberInfo.id ? { id: memberInfo.id } : {}),
      ...(access.insecureSkipTLSVerification ? { insecureSkipTLSVerification: true } : {}),
      ...(access.proxyURL ? { proxyURL: access.proxyURL } : {}),
      ...(opts.provider ? { provider: opts.provider } : {}),
      ...(opts.region ? { region: opts.region } : {}),
      ...(opts.zones?.length ? { zones: opts.zones } : {}),
    };
    const created = await controlPlane.create<Cluster>(CLUSTERS_PATH, {
      apiVersion: `${CLUSTER_GROUP}/${CLUSTER_VERSION}`,
      kind: 'Cluster',
      metadata: { name, ...(opts.labels && Object.keys(opts.labels).length ? { labels: opts.labels } : {}) },
      spec,
    });
    // Owned by the Cluster, the Secrets go when it goes (garbage collector).
    const owner = { apiVersion: `${CLUSTER_GROUP}/${CLUSTER_VERSION}`, kind: 'Cluster', name, uid: created.metadata.uid, controller: true };
    for (const s of [secretName, impersonatorName]) {
      await controlPlane.mergePatch(`/api/v1/namespaces/${ns}/secrets/${encodeURIComponent(s)}`, { metadata: { ownerReferences: [owner] } });
    }
    return created;
  });
  return { cluster, secretName, impersonatorSecretName: impersonatorName };
}
