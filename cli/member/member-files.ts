// Where the demo members keep what they must find again after a restart, inside the control
// plane's data dir:
//   DIR/members.config                  kubeconfig with one context per member (0600)
//   DIR/members/members.json            the member set (member-set.ts)
//   DIR/members/<name>/state.db         the member's own database
//   DIR/members/<name>/apiserver.crt|key  its serving certificate, from the control plane's CA
//   DIR/members/<name>/admin-token.sha256 its admin token's hash (the token is in members.config)
//   DIR/members/<name>/token-signing.key  its ServiceAccount token key

import { join } from 'node:path';

export interface MemberFiles {
  dir: string;
  database: string;
  servingCert: string;
  servingKey: string;
  adminTokenHash: string;
  tokenSigningKey: string;
}

export function membersDir(dataDir: string): string {
  return join(dataDir, 'members');
}

export function membersRecordFile(dataDir: string): string {
  return join(membersDir(dataDir), 'members.json');
}

export function membersKubeconfigFile(dataDir: string): string {
  return join(dataDir, 'members.config');
}

export function memberFiles(dataDir: string, name: string): MemberFiles {
  const dir = join(membersDir(dataDir), name);
  return {
    dir,
    database: join(dir, 'state.db'),
    servingCert: join(dir, 'apiserver.crt'),
    servingKey: join(dir, 'apiserver.key'),
    adminTokenHash: join(dir, 'admin-token.sha256'),
    tokenSigningKey: join(dir, 'token-signing.key'),
  };
}
