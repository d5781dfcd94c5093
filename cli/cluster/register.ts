// `flotilla register`: registers a member in Pull mode from where the member is, as karmadactl
// register does, with a bootstrap token instead of CSR client certificates (Flotilla's front
// door takes bearer tokens only).
//
// 1. Discovery: read kube-public/cluster-info anonymously (no secret is sent before the CA is
//    trusted) and check its CA against --discovery-token-ca-cert-hash.
// 2. With the bootstrap token over TLS pinned to that CA: create the Cluster (syncMode Pull),
//    its execution namespace, the agent's ServiceAccount, its narrow roles and its Lease, and
//    exchange the bootstrap token for the agent's own ServiceAccount token.
// 3. Write the agent's kubeconfig (a file, and the Secret karmada-system/karmada-kubeconfig
//    in the member, where Karmada keeps it).

import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import type { Cluster } from '../../shared/karmada/cluster.js';
import { CLUSTER_GROUP, CLUSTER_VERSION } from '../../shared/karmada/cluster.js';
import type { KubeObject } from '../../shared/object.js';
import { caCertHash, caMatchesPins } from './ca-hash.js';
import type { Progress } from './join.js';
import { KubeClient } from './kube-client.js';
import {
  CLUSTERS_PATH,
  FIELD_MANAGER,
  MEMBER_CREDENTIALS_NAMESPACE,
  agentServiceAccountName,
  clusterNameProblem,
  clusterPath,
  executionNamespace,
} from './names.js';
import { CLUSTER_INFO_PATH, agentRbacObjects, applyAll } from './registration-rbac.js';

/** Karmada's agent defaults: the Lease lasts 40 s and is renewed every quarter of that. */
export const LEASE_DURATION_SECONDS = 40;
/** A year: the agent's token is revoked by deleting its ServiceAccount, not by waiting. */
const AGENT_TOKEN_SECONDS = 365 * 24 * 3600;

export interface RegisterOptions {
  /** The control plane's URL (https://host:port). */
  server: string;
  bootstrapToken: string;
  caHashes: string[];
  unsafeSkipCaVerification: boolean;
  name: string;
  member: KubeClient;
  provider?: string | undefined;
  region?: string | undefined;
  zones?: string[] | undefined;
  progress: Progress;
}

export interface RegisterResult {
  /** The agent's kubeconfig (YAML), with its ServiceAccount token and the pinned CA. */
  agentKubeconfig: string;
  caHash: string;
  cluster: Cluster;
}

/** A kubeconfig for one server, CA and bearer token. */
export function tokenKubeconfig(server: string, caPem: string, user: string, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'karmada-apiserver', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: user, context: { cluster: 'karmada-apiserver', user } }],
    'current-context': user,
  });
}

function clientFor(server: string, caPem: string, token: string, name: string): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromString(tokenKubeconfig(server, caPem, name, token));
  return new KubeClient(kc, 'the control plane');
}

/** GET over TLS without verifying the server: only for cluster-info, and with no credential. */
function insecureGet(url: URL): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'GET', rejectUnauthorized: false, headers: { accept: 'application/json' }, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url.host} within 15 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** The CA (PEM) published in the control plane's kube-public/cluster-info. */
export async function discoverCa(server: string): Promise<string> {
  const url = new URL(CLUSTER_INFO_PATH, server);
  let res: { status: number; body: string };
  try {
    res = await insecureGet(url);
  } catch (e) {
    throw new Error(`cannot reach the control plane at ${server}: ${(e as Error).message}`);
  }
  if (res.status === 404) throw new Error(`the control plane at ${server} publishes no kube-public/cluster-info; run 'flotilla token create' there first`);
  if (res.status !== 200) throw new Error(`reading kube-public/cluster-info from ${server} failed: HTTP ${res.status}`);
  const cm = JSON.parse(res.body) as { data?: { kubeconfig?: string } };
  const config = parse(cm.data?.kubeconfig ?? '') as { clusters?: Array<{ cluster?: { 'certificate-authority-data'?: string } }> } | null;
  const caData = config?.clusters?.[0]?.cluster?.['certificate-authority-data'];
  if (!caData) throw new Error('kube-public/cluster-info holds no certificate-authority-data');
  return Buffer.from(caData, 'base64').toString('utf8');
}

export async function registerCluster(opts: RegisterOptions): Promise<RegisterResult> {
  const { name, progress, member } = opts;
  const problem = clusterNameProblem(name);
  if (problem) throw new Error(problem);
  const server = opts.server.replace(/\/+$/, '');

  const caPem = await progress.step(`Discovering the control plane's CA at ${server}`, () => discoverCa(server), (pem) => caCertHash(pem));
  const caHash = caCertHash(caPem);
  if (!opts.unsafeSkipCaVerification && !caMatchesPins(caPem, opts.caHashes)) {
    throw new Error(`the control plane's CA (${caHash}) matches none of --discovery-token-ca-cert-hash; refusing to send it the token`);
  }
  const cp = clientFor(server, caPem, opts.bootstrapToken, 'bootstrap');

  const memberInfo = await progress.step(
    'Reaching the member',
    async () => {
      const version = await member.call<{ gitVersion?: string }>('GET', '/version');
      const kubeSystem = await member.get<KubeObject>('/api/v1/namespaces/kube-system');
      return { version: version.gitVersion ?? 'unknown', id: kubeSystem?.metadata.uid };
    },
    (r) => `Kubernetes ${r.version}`,
  );

  const cluster = await progress.step(`Registering cluster ${name} (Pull)`, async () => {
    const existing = await cp.get<Cluster>(clusterPath(name));
    if (existing && existing.spec.syncMode !== 'Pull') {
      throw new Error(`cluster ${name} is already registered in ${existing.spec.syncMode} mode; unjoin it first`);
    }
    if (existing && memberInfo.id && existing.spec.id && existing.spec.id !== memberInfo.id) {
      throw new Error(`cluster ${name} is already registered for another cluster (id ${existing.spec.id}); pick another name`);
    }
    const spec: Cluster['spec'] = {
      syncMode: 'Pull',
      ...(memberInfo.id ? { id: memberInfo.id } : {}),
      ...(opts.provider ? { provider: opts.provider } : {}),
      ...(opts.region ? { region: opts.region } : {}),
      ...(opts.zones?.length ? { zones: opts.zones } : {}),
    };
    if (existing) return cp.mergePatch<Cluster>(clusterPath(name), { spec });
    return cp.create<Cluster>(CLUSTERS_PATH, { apiVersion: `${CLUSTER_GROUP}/${CLUSTER_VERSION}`, kind: 'Cluster', metadata: { name }, spec });
  });

  const sa = agentServiceAccountName(name);
  const agentToken = await progress.step("Creating the agent's identity and permissions", async () => {
    const ns = MEMBER_CREDENTIALS_NAMESPACE;
    await cp.ensure('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: executionNamespace(name) } });
    await cp.ensure(`/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: ns } });
    await applyAll(cp, agentRbacObjects(name, sa));
    await cp.ensure(`/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: ns },
      spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS },
    });
    const tr = await cp.create<{ status?: { token?: string } }>(`/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: AGENT_TOKEN_SECONDS },
    });
    if (!tr.status?.token) throw new Error('the control plane issued no token for the agent');
    return tr.status.token;
  });

  const agentKubeconfig = tokenKubeconfig(server, caPem, `karmada-agent-${name}`, agentToken);
  await progress.step("Storing the agent's kubeconfig in the member (karmada-system/karmada-kubeconfig)", async () => {
    await member.ensure('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'karmada-system' } });
    await member.apply('/api/v1/namespaces/karmada-system/secrets/karmada-kubeconfig', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'karmada-kubeconfig', namespace: 'karmada-system' },
      data: { 'karmada-kubeconfig': Buffer.from(agentKubeconfig).toString('base64') },
    }, FIELD_MANAGER);
  });
  return { agentKubeconfig, caHash, cluster };
}
