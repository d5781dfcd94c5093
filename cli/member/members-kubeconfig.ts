// DIR/members.config: one cluster, user and context per member, each named as the member's
// Cluster will be (member1…), as Karmada's local-up writes ~/.kube/members.config.

import { parse, stringify } from 'yaml';
import { readIfExists } from '../launcher/files.js';

export interface MemberCredentials {
  name: string;
  server: string;
  token: string;
  /** A member with a CA of its own (a real cluster); others trust the control plane's. */
  caCertPem?: string;
}

export function renderMembersKubeconfig(members: readonly MemberCredentials[], caCertPem: string): string {
  const ca = Buffer.from(caCertPem).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: members.map((m) => ({
      name: m.name,
      cluster: { server: m.server, 'certificate-authority-data': m.caCertPem ? Buffer.from(m.caCertPem).toString('base64') : ca },
    })),
    contexts: members.map((m) => ({ name: m.name, context: { cluster: m.name, user: m.name } })),
    'current-context': members[0]?.name ?? '',
    preferences: {},
    users: members.map((m) => ({ name: m.name, user: { token: m.token } })),
  });
}

/** Each member's token in an existing members.config, by user name. */
export function readMemberTokens(file: string): Map<string, string> {
  const out = new Map<string, string>();
  const text = readIfExists(file);
  if (!text) return out;
  try {
    const config = parse(text) as { users?: Array<{ name?: unknown; user?: { token?: unknown } }> } | null;
    for (const u of config?.users ?? []) {
      if (typeof u.name === 'string' && typeof u.user?.token === 'string' && u.user.token) out.set(u.name, u.user.token);
    }
  } catch {
    // An unreadable file only means new tokens.
  }
  return out;
}
