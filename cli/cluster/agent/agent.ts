// `flotilla agent`: what karmada-agent does for one Pull cluster, from wherever it runs next to
// the member. Three loops, each on its own schedule: the Lease (every quarter of its
// duration), the Cluster's status (every status interval, written only on change), and the
// Works of karmada-es-<cluster> (watched, plus a periodic resync that brings member-side
// status changes back).

import type { Cluster } from '../../../shared/karmada/cluster.js';
import type { KubeClient } from '../kube-client.js';
import { clusterPath } from '../names.js';
import { renewLease } from './lease.js';
import { MemberResolver } from './member-resolver.js';
import { reportClusterStatus } from './status-report.js';
import { WorkSync } from './work-sync.js';

export interface AgentOptions {
  cluster: string;
  controlPlane: KubeClient;
  member: KubeClient;
  leaseDurationSeconds?: number;
  statusIntervalMs?: number;
  resyncIntervalMs?: number;
  log: (line: string) => void;
  now?: () => number;
}

export interface RunningAgent {
  /** Stops every loop; resolves when they have ended. */
  stop(): Promise<void>;
  readonly works: WorkSync;
}

/** Checks the agent's Cluster is registered for Pull; the agent cannot create one (register does). */
export async function checkRegistration(cp: KubeClient, name: string): Promise<Cluster> {
  const cluster = await cp.get<Cluster>(clusterPath(name));
  if (!cluster) throw new Error(`cluster ${name} is not registered; run 'flotilla register' first`);
  if (cluster.spec.syncMode !== 'Pull') throw new Error(`cluster ${name} is registered in ${cluster.spec.syncMode} mode; the agent serves Pull clusters only`);
  return cluster;
}

/** Repeats `fn` every `intervalMs` (the first run at once) until `signal` aborts; a failure is logged, not fatal. */
function every(intervalMs: number, signal: AbortSignal, what: string, log: (l: string) => void, fn: () => Promise<unknown>): Promise<void> {
  return (async () => {
    while (!signal.aborted) {
      try {
        await fn();
      } catch (e) {
        if (!signal.aborted) log(`${what}: ${(e as Error).message}`);
      }
      await new Promise<void>((resolve) => {
        const onAbort = (): void => {
          clearTimeout(t);
          resolve();
        };
        const t = setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        }, intervalMs);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
  })();
}

export async function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  const now = opts.now ?? Date.now;
  const leaseSeconds = opts.leaseDurationSeconds ?? 40;
  await checkRegistration(opts.controlPlane, opts.cluster);
  const controller = new AbortController();
  const resolver = new MemberResolver(opts.member);
  const works = new WorkSync({ controlPlane: opts.controlPlane, member: opts.member, cluster: opts.cluster, resolver, log: opts.log, now });
  const loops = [
    every((leaseSeconds * 1000) / 4, controller.signal, 'renewing the Lease', opts.log, () => renewLease(opts.controlPlane, opts.cluster, leaseSeconds, now())),
    every(opts.statusIntervalMs ?? 10_000, controller.signal, 'reporting cluster status', opts.log, () => reportClusterStatus(opts.controlPlane, opts.member, opts.cluster, now())),
    every(opts.resyncIntervalMs ?? 30_000, controller.signal, 'resyncing Works', opts.log, async () => {
      resolver.reset();
      await works.resync();
    }),
    works.run(controller.signal),
  ];
  return {
    works,
    async stop() {
      controller.abort();
      await Promise.allSettled(loops);
      await works.idle();
    },
  };
}
