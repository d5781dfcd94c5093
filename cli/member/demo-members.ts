// What `flotilla up --members N` does about members, once the control plane answers: brings
// the recorded member set to N, starts the member host and waits for every member's /readyz.
// (Joining them to the control plane is a later step.)

import { readFileSync } from 'node:fs';
import type { SimulatorSettings } from '../../shared/simulator/settings.js';
import { layout } from '../launcher/data-dir.js';
import type { StatusReporter } from '../launcher/status.js';
import { startMemberHost, type MemberHost } from './member-host-process.js';
import type { MemberRecord } from './member-set.js';
import { prepareMembers, readMemberSet } from './prepare-members.js';

export interface DemoMembersOptions {
  /** The control plane's data dir: its CA signs the members' certificates. */
  dataDir: string;
  count: number;
  /** The API's port: new members take the ports after it. */
  apiPort: number;
  delays: MemberHostDelays;
  readyTimeoutMs: number;
  reporter: StatusReporter;
  signal: AbortSignal;
  onOutput: (line: string) => void;
}

export type MemberHostDelays = Partial<Pick<SimulatorSettings, 'podStartDelayMs' | 'jobDurationMs' | 'loadBalancerDelayMs' | 'volumeBindDelayMs'>>;

export interface DemoMembers {
  members: MemberRecord[];
  /** DIR/members.config; undefined with no members. */
  kubeconfig?: string;
  stop(): Promise<void>;
}

function portRange(members: readonly MemberRecord[]): string {
  const ports = members.map((m) => m.port).sort((a, b) => a - b);
  const contiguous = ports.every((p, i) => i === 0 || p === ports[i - 1]! + 1);
  return contiguous && ports.length > 1 ? `ports ${ports[0]}–${ports[ports.length - 1]}` : `port${ports.length > 1 ? 's' : ''} ${ports.join(', ')}`;
}

export async function startDemoMembers(opts: DemoMembersOptions): Promise<DemoMembers> {
  const r = opts.reporter;
  const files = layout(opts.dataDir);
  // No members asked for and none recorded: nothing to say or do.
  if (opts.count === 0 && readMemberSet(files.root).length === 0) return { members: [], stop: async () => undefined };
  const prepared = await r.step('member set', () => prepareMembers(files, opts.count, opts.apiPort), (p) => {
    const parts = [`${p.members.length} member${p.members.length === 1 ? '' : 's'}`];
    if (p.added.length) parts.push(`added ${p.added.join(', ')}`);
    if (p.removed.length) parts.push(`removed ${p.removed.join(', ')} (data deleted)`);
    return parts.join(', ');
  });
  if (prepared.members.length === 0) return { members: [], stop: async () => undefined };
  opts.signal.throwIfAborted();
  const host: MemberHost = await r.step(
    'members serving',
    () =>
      startMemberHost({
        dataDir: files.root,
        members: prepared.members,
        caCertPem: readFileSync(files.caCert, 'utf8'),
        delays: opts.delays,
        readyTimeoutMs: opts.readyTimeoutMs,
        signal: opts.signal,
        onOutput: opts.onOutput,
      }),
    (h) => `${prepared.members.map((m) => m.name).join(', ')} on ${portRange(prepared.members)} (simulated, one process: pid ${h.pid})`,
  );
  return { members: prepared.members, ...(prepared.kubeconfig ? { kubeconfig: prepared.kubeconfig } : {}), stop: () => host.stop() };
}
