// Brings the data dir's member set to what `up --members N` asks for, before any member
// starts: drops members beyond N (their data goes with them), records new ones, finds their
// ports, issues each a serving certificate from the control plane's CA and an admin token,
// and writes DIR/members.config.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { ensureCertificates } from '../launcher/certificates.js';
import type { DataDirLayout } from '../launcher/data-dir.js';
import { readIfExists, writeFileAtomic } from '../launcher/files.js';
import { assertPortFree, LOOPBACK } from '../launcher/ports.js';
import { ensureAdminToken, ensureTokenSigningKey } from '../launcher/tokens.js';
import { memberFiles, membersDir, membersKubeconfigFile, membersRecordFile } from './member-files.js';
import { duplicatePorts, membersFileSchema, planMemberSet, type MemberRecord } from './member-set.js';
import { readMemberTokens, renderMembersKubeconfig } from './members-kubeconfig.js';
import { freePort } from './free-port.js';

export interface PreparedMembers {
  members: MemberRecord[];
  added: string[];
  removed: string[];
  /** DIR/members.config, or undefined when there are no members. */
  kubeconfig?: string;
}

export function readMemberSet(dataDir: string): MemberRecord[] {
  const file = membersRecordFile(dataDir);
  const text = readIfExists(file);
  if (text === undefined) return [];
  try {
    return membersFileSchema.parse(JSON.parse(text)).members;
  } catch (err) {
    throw new Error(`${file} is not a valid member set (${(err as Error).message.split('\n')[0]}); fix it or delete it to start the members afresh`);
  }
}

export async function prepareMembers(files: Pick<DataDirLayout, 'root' | 'caCert' | 'caKey'>, count: number, apiPort: number): Promise<PreparedMembers> {
  const dataDir = files.root;
  const plan = planMemberSet(readMemberSet(dataDir), count, apiPort);
  for (const gone of plan.removed) rmSync(memberFiles(dataDir, gone.name).dir, { recursive: true, force: true });

  const conflicts = duplicatePorts(plan.members, apiPort);
  if (conflicts.length) throw new Error(`member ports clash: ${conflicts.join('; ')}. Edit ${membersRecordFile(dataDir)}`);
  const members: MemberRecord[] = [];
  for (const m of plan.members) {
    const port = m.port === 0 ? await freePort(LOOPBACK) : m.port;
    try {
      await assertPortFree(LOOPBACK, port);
    } catch (err) {
      throw new Error(`${m.name}: ${(err as Error).message.replace(/, or pass --port 0 for a free port$/, '')}`);
    }
    members.push({ ...m, port });
  }

  mkdirSync(membersDir(dataDir), { recursive: true, mode: 0o700 });
  const kubeconfig = membersKubeconfigFile(dataDir);
  const tokens = readMemberTokens(kubeconfig);
  const credentials = [];
  const persist: Array<() => void> = [];
  let caCertPem = '';
  for (const m of members) {
    const f = memberFiles(dataDir, m.name);
    mkdirSync(f.dir, { recursive: true, mode: 0o700 });
    const certs = await ensureCertificates({ caCert: files.caCert, caKey: files.caKey, servingCert: f.servingCert, servingKey: f.servingKey });
    caCertPem = certs.caCertPem;
    const admin = ensureAdminToken(f.adminTokenHash, tokens.get(m.name));
    ensureTokenSigningKey(f.tokenSigningKey);
    persist.push(() => admin.persist());
    credentials.push({ name: m.name, server: `https://${LOOPBACK}:${m.port}`, token: admin.token });
  }
  writeFileAtomic(membersRecordFile(dataDir), JSON.stringify({ members }, null, 2) + '\n', 0o600);
  if (members.length) {
    writeFileAtomic(kubeconfig, renderMembersKubeconfig(credentials, caCertPem), 0o600);
    // Hashes only once the tokens they stand for are safely in the kubeconfig.
    for (const p of persist) p();
  } else if (existsSync(kubeconfig)) {
    rmSync(kubeconfig, { force: true });
  }
  return {
    members,
    added: plan.added,
    removed: plan.removed.map((m) => m.name),
    ...(members.length ? { kubeconfig } : {}),
  };
}
