// `up --real-members N`: real Kubernetes clusters (kube-apiserver, controller-manager,
// scheduler, etcd and kwok built from the upstream Go modules) as member1…memberN, on the
// ports after the API's, with their data kept in DIR/real-members/<name> across restarts.

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StatusReporter } from '../launcher/status.js';
import { renderMembersKubeconfig } from './members-kubeconfig.js';
import { memberName } from './member-set.js';

export interface RealMembersOptions {
  dataDir: string;
  count: number;
  apiPort: number;
  reporter: StatusReporter;
}

export interface RunningRealMembers {
  members: Array<{ name: string; server: string }>;
  kubeconfig: string;
  stop(): Promise<void>;
}

export async function startRealMembers(opts: RealMembersOptions): Promise<RunningRealMembers> {
  // Loaded only when asked for: a plain `up` never needs the Go build or the cluster starter.
  const { ensureRealMemberBinaries } = await import('./real-member-binaries.js');
  const { startRealCluster } = await import('./real-cluster.js');
  const binaries = await opts.reporter.step('real member binaries', () => ensureRealMemberBinaries((l) => opts.reporter.info(`  ${l}`)));
  const started: Array<Awaited<ReturnType<typeof startRealCluster>>> = [];
  const stop = async (): Promise<void> => {
    for (const c of started.reverse()) await c.stop();
  };
  try {
    for (let i = 1; i <= opts.count; i++) {
      const name = memberName(i);
      started.push(
        await opts.reporter.step(`real member ${name}`, () =>
          startRealCluster({
            name,
            dir: join(opts.dataDir, 'real-members', name),
            port: opts.apiPort + i,
            binaries,
            nodes: [1, 2].map((n) => ({ name: `${name}-node-${n}`, cpu: '4', memory: '8Gi', pods: '110' })),
          }),
          (c) => c.server,
        ),
      );
    }
  } catch (e) {
    await stop();
    throw e;
  }
  const kubeconfig = join(opts.dataDir, 'members.config');
  writeFileSync(
    kubeconfig,
    renderMembersKubeconfig(
      started.map((c) => ({ name: c.name, server: c.server, token: c.token, caCertPem: c.caCertPem })),
      '',
    ),
    { mode: 0o600 },
  );
  return {
    members: started.map((c) => ({ name: c.name, server: c.server })),
    kubeconfig,
    async stop() {
      await stop();
      rmSync(kubeconfig, { force: true });
    },
  };
}
