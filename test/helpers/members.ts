import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulatorReconcilers } from '../../cron/simulator/registry.js';
import { ensureCertificates } from '../../cli/launcher/certificates.js';
import { prepareDataDir } from '../../cli/launcher/data-dir.js';
import { LOOPBACK } from '../../cli/launcher/ports.js';
import { memberFiles } from '../../cli/member/member-files.js';
import { startMemberServer } from '../../cli/member/member-server.js';
import { prepareMembers } from '../../cli/member/prepare-members.js';
import { createBuiltinRegistry } from '../../shared/registry/index.js';
import { simulatorSettings } from '../../shared/simulator/settings.js';
import { ensureRealMemberBinaries } from '../real-members/binaries.js';
import { startRealCluster } from '../real-members/cluster.js';

/** Which kind of member cluster the end-to-end suite runs against. */
export type MemberLane = 'simulated' | 'real';

/** The one switch: FLOTILLA_E2E_MEMBERS=simulated|real (simulated by default). */
export function memberLane(): MemberLane {
  const v = process.env.FLOTILLA_E2E_MEMBERS ?? 'simulated';
  if (v !== 'simulated' && v !== 'real') throw new Error(`FLOTILLA_E2E_MEMBERS must be simulated or real, not ${v}`);
  return v;
}

export interface TestMember {
  lane: MemberLane;
  name: string;
  /** A kubeconfig whose current context is this member, with its CA and admin token. */
  kubeconfig: string;
  context: string;
  stop(): Promise<void>;
}

/**
 * Starts one member cluster named `name` with two nodes (`<name>-node-1`, `<name>-node-2`):
 * Flotilla's simulated member, or a real kube-apiserver with kwok nodes. Tests assert the
 * same observable results against either.
 */
export async function startTestMember(name: string, lane: MemberLane = memberLane()): Promise<TestMember> {
  const dir = mkdtempSync(join(tmpdir(), `flotilla-${lane}-member-`));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    if (lane === 'real') {
      const binaries = await ensureRealMemberBinaries((l) => process.stderr.write(`${l}\n`));
      const cluster = await startRealCluster({
        name,
        dir,
        port: 0,
        binaries,
        nodes: [1, 2].map((i) => ({ name: `${name}-node-${i}`, cpu: '4', memory: '8Gi', pods: '110' })),
      });
      return {
        lane,
        name,
        kubeconfig: cluster.kubeconfig,
        context: name,
        async stop() {
          await cluster.stop();
          cleanup();
        },
      };
    }
    const files = prepareDataDir(join(dir, 'data'));
    const certs = await ensureCertificates(files);
    const prepared = await prepareMembers(files, 1, 0);
    const settings = simulatorSettings({ podStartDelayMs: 300, memberIndex: 1 });
    const member = await startMemberServer({
      record: prepared.members[0]!,
      files: memberFiles(files.root, 'member1'),
      settings,
      registry: createBuiltinRegistry(),
      reconcilers: simulatorReconcilers(settings),
      caCertPem: certs.caCertPem,
      host: LOOPBACK,
      log: (line) => process.stderr.write(`${name}: ${line}\n`),
    });
    return {
      lane,
      name: 'member1',
      kubeconfig: prepared.kubeconfig!,
      context: 'member1',
      async stop() {
        await member.close();
        cleanup();
      },
    };
  } catch (e) {
    cleanup();
    throw e;
  }
}
