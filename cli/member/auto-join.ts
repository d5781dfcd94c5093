// `flotilla up` joins the members it starts (Push mode), so a new user's `kubectl get
// clusters` lists them: for each context of DIR/members.config, a Secret in karmada-cluster
// with the member's token and CA (Karmada's `token` and `caBundle` keys) and a Cluster with
// its endpoint and the labels, region, zones and provider recorded for it.

import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { defaultMember, memberIndex, type MemberRecord } from './member-set.js';
import { readMemberSet } from './prepare-members.js';

export interface ControlPlaneAccess {
  url: string;
  caCertPem: string;
  token: string;
}

interface MemberContext {
  name: string;
  server: string;
  token: string;
  caCertPem?: string;
}

/** The members of a kubeconfig written by `up` (one cluster, user and context per member). */
export function readMembersKubeconfig(file: string): MemberContext[] {
  const config = parse(readFileSync(file, 'utf8')) as {
    clusters?: Array<{ name: string; cluster: { server: string; 'certificate-authority-data'?: string } }>;
    users?: Array<{ name: string; user: { token?: string } }>;
    contexts?: Array<{ name: string; context: { cluster: string; user: string } }>;
  };
  return (config.contexts ?? []).map((c) => {
    const cluster = config.clusters?.find((x) => x.name === c.context.cluster);
    const user = config.users?.find((x) => x.name === c.context.user);
    const ca = cluster?.cluster['certificate-authority-data'];
    return { name: c.name, server: cluster?.cluster.server ?? '', token: user?.user.token ?? '', ...(ca ? { caCertPem: Buffer.from(ca, 'base64').toString('utf8') } : {}) };
  });
}

async function apply(cp: ControlPlaneAccess, path: string, body: unknown): Promise<void> {
  const url = new URL(`${path}?fieldManager=flotilla-up&force=true`, cp.url);
  const payload = JSON.stringify(body);
  await new Promise<void>((resolve, reject) => {
    const req = request(
      url,
      { method: 'PATCH', ca: cp.caCertPem, headers: { authorization: `Bearer ${cp.token}`, 'content-type': 'application/apply-patch+yaml', accept: 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => ((res.statusCode ?? 500) < 300 ? resolve() : reject(new Error(`PATCH ${url.pathname}: ${res.statusCode} ${text.slice(0, 300)}`))));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export async function joinMembers(cp: ControlPlaneAccess, dataDir: string, membersKubeconfig: string): Promise<string[]> {
  const records = new Map<string, MemberRecord>(readMemberSet(dataDir).map((r) => [r.name, r]));
  const members = readMembersKubeconfig(membersKubeconfig);
  await apply(cp, '/api/v1/namespaces/karmada-cluster', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'karmada-cluster' } });
  for (const [i, m] of members.entries()) {
    const record = records.get(m.name) ?? defaultMember(memberIndex({ name: m.name }, i + 1), Number(new URL(m.server).port));
    const caBundle = m.caCertPem ?? cp.caCertPem;
    await apply(cp, `/api/v1/namespaces/karmada-cluster/secrets/${m.name}`, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: m.name, namespace: 'karmada-cluster' },
      type: 'Opaque',
      data: { token: b64(m.token), caBundle: b64(caBundle) },
    });
    await apply(cp, `/apis/cluster.karmada.io/v1alpha1/clusters/${m.name}`, {
      apiVersion: 'cluster.karmada.io/v1alpha1',
      kind: 'Cluster',
      metadata: { name: m.name, labels: record.labels },
      spec: {
        syncMode: 'Push',
        apiEndpoint: m.server,
        secretRef: { namespace: 'karmada-cluster', name: m.name },
        provider: record.provider,
        ...(record.region ? { region: record.region } : {}),
        ...((record as { zones?: string[] }).zones?.length ? { zones: (record as { zones?: string[] }).zones } : {}),
      },
    });
  }
  return members.map((m) => m.name);
}
