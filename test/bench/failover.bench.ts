/**
 * Failover timings on simulated members: `flotilla up --members N`, then for each round a
 * one-replica Deployment placed by a policy (Divided, Aggregated: one cluster) is made to
 * leave its cluster, two ways:
 *  - taint: an untolerated NoExecute taint is put on the cluster by hand;
 *  - death: the Cluster is pointed at a closed port (what a dead API server looks like), the
 *    default ClusterTaintPolicy taints it, and the policy tolerates not-ready for 0 s, so the
 *    figure is detection + taint + eviction + scheduling + apply, without the toleration.
 * Each is timed from the event to the Deployment ready in another member, with the
 * intermediate steps (Ready=False seen, taint added, binding moved).
 *
 * Run: npx tsx test/bench/failover.bench.ts. BENCH_MEMBERS (default "3,50") and BENCH_ROUNDS
 * (default 3). Figures are for comparison, never assertions.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.js';

const MEMBER_COUNTS = (process.env.BENCH_MEMBERS ?? '3,50').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const POLL_MS = 100;

interface Row {
  members: number;
  mode: 'taint' | 'death';
  notReadyMs?: number;
  taintedMs?: number;
  movedMs: number;
  readyMs: number;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 300_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function manifests(name: string, members: number): string {
  const names = Array.from({ length: members }, (_, i) => `member${i + 1}`).join(', ');
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: default, labels: { app: ${name} } }
spec:
  replicas: 1
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: main, image: nginx }] }
---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: { name: ${name}, namespace: default }
spec:
  resourceSelectors: [{ apiVersion: apps/v1, kind: Deployment, name: ${name} }]
  placement:
    clusterAffinity: { clusterNames: [${names}] }
    clusterTolerations:
      - { key: cluster.karmada.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 0 }
    replicaScheduling: { replicaSchedulingType: Divided, replicaDivisionPreference: Aggregated }
  failover:
    cluster: { purgeMode: Directly }
`;
}

async function json<T>(cp: ControlPlane, args: string[]): Promise<T | undefined> {
  const r = await cp.kubectl([...args, '-o', 'json'], { allowFail: true });
  return r.code === 0 ? (JSON.parse(r.stdout) as T) : undefined;
}

async function placement(cp: ControlPlane, name: string): Promise<string | undefined> {
  const b = await json<{ spec: { clusters?: Array<{ name: string }> } }>(cp, ['get', 'rb', `${name}-deployment`, '-n', 'default']);
  return b?.spec.clusters?.length === 1 ? b.spec.clusters[0]!.name : undefined;
}

async function readyIn(cp: ControlPlane, member: string, name: string): Promise<boolean> {
  const d = await json<{ status?: { readyReplicas?: number } }>(cp, ['--kubeconfig', join(cp.dataDir, 'members.config'), '--context', member, 'get', 'deployment', name, '-n', 'default']);
  return (d?.status?.readyReplicas ?? 0) >= 1;
}

async function clusterState(cp: ControlPlane, name: string): Promise<{ ready?: string; noExecute: boolean; endpoint: string }> {
  const c = await json<{ spec: { apiEndpoint: string; taints?: Array<{ key: string; effect: string }> }; status?: { conditions?: Array<{ type: string; status: string }> } }>(cp, ['get', 'cluster', name]);
  if (!c) throw new Error(`no cluster ${name}`);
  return {
    ready: c.status?.conditions?.find((x) => x.type === 'Ready')?.status,
    noExecute: (c.spec.taints ?? []).some((t) => t.key === 'cluster.karmada.io/not-ready' && t.effect === 'NoExecute'),
    endpoint: c.spec.apiEndpoint,
  };
}

async function placed(cp: ControlPlane, name: string, members: number): Promise<string> {
  const r = await cp.kubectl(['apply', '-f', '-'], { input: manifests(name, members) });
  if (r.code !== 0) throw new Error(r.stderr);
  const at = await until(`${name} scheduled`, () => placement(cp, name));
  await until(`${name} ready`, async () => ((await readyIn(cp, at, name)) ? true : undefined));
  return at;
}

async function moved(cp: ControlPlane, name: string, from: string, t0: number): Promise<{ movedMs: number; readyMs: number }> {
  const to = await until(`${name} moved`, async () => {
    const p = await placement(cp, name);
    return p && p !== from ? p : undefined;
  });
  const movedMs = Date.now() - t0;
  await until(`${name} ready in ${to}`, async () => ((await readyIn(cp, to, name)) ? true : undefined));
  return { movedMs, readyMs: Date.now() - t0 };
}

async function roundTaint(cp: ControlPlane, members: number, i: number): Promise<Row> {
  const name = `taint-${i}`;
  const from = await placed(cp, name, members);
  const t0 = Date.now();
  await cp.kubectl(['patch', 'cluster', from, '--type=merge', '-p', JSON.stringify({ spec: { taints: [{ key: 'bench/evict', effect: 'NoExecute' }] } })]);
  const m = await moved(cp, name, from, t0);
  await cp.kubectl(['patch', 'cluster', from, '--type=json', '-p', JSON.stringify([{ op: 'remove', path: '/spec/taints' }])], { allowFail: true });
  return { members, mode: 'taint', ...m };
}

async function roundDeath(cp: ControlPlane, members: number, i: number): Promise<Row> {
  const name = `death-${i}`;
  const from = await placed(cp, name, members);
  const { endpoint } = await clusterState(cp, from);
  const t0 = Date.now();
  await cp.kubectl(['patch', 'cluster', from, '--type=merge', '-p', JSON.stringify({ spec: { apiEndpoint: `https://127.0.0.1:${await closedPort()}` } })]);
  let notReadyMs: number | undefined;
  let taintedMs: number | undefined;
  const watch = (async () => {
    while (taintedMs === undefined) {
      const s = await clusterState(cp, from).catch(() => undefined);
      if (s && s.ready !== 'True' && notReadyMs === undefined) notReadyMs = Date.now() - t0;
      if (s?.noExecute) taintedMs = Date.now() - t0;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();
  const m = await moved(cp, name, from, t0);
  await watch;
  await cp.kubectl(['patch', 'cluster', from, '--type=merge', '-p', JSON.stringify({ spec: { apiEndpoint: endpoint } })]);
  await until(`${from} Ready again`, async () => ((await clusterState(cp, from)).ready === 'True' && !(await clusterState(cp, from)).noExecute ? true : undefined));
  return { members, mode: 'death', ...(notReadyMs !== undefined ? { notReadyMs } : {}), ...(taintedMs !== undefined ? { taintedMs } : {}), ...m };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};
const sec = (ms: number | undefined): string => (ms === undefined || Number.isNaN(ms) ? '—' : `${(ms / 1000).toFixed(1)} s`);

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const rows: Row[] = [];
  for (const members of MEMBER_COUNTS) {
    const started = Date.now();
    const cp = await startControlPlane({ members, startTimeoutMs: 600_000, env: { FLOTILLA_CRON_INTERVAL: '1', FLOTILLA_SIM_POD_START_DELAY: '0.3' } });
    try {
      await until(`${members} Ready clusters`, async () => {
        const list = await json<{ items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }> }>(cp, ['get', 'clusters']);
        const ready = (list?.items ?? []).filter((c) => c.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).length;
        return ready === members ? true : undefined;
      }, 600_000);
      console.log(`${members} members: up and Ready in ${sec(Date.now() - started)}`);
      for (let i = 0; i < ROUNDS; i++) {
        const t = await roundTaint(cp, members, i);
        console.log(`  taint round ${i + 1}: moved ${sec(t.movedMs)}, ready elsewhere ${sec(t.readyMs)}`);
        rows.push(t);
        const d = await roundDeath(cp, members, i);
        console.log(`  death round ${i + 1}: Ready≠True ${sec(d.notReadyMs)}, tainted ${sec(d.taintedMs)}, moved ${sec(d.movedMs)}, ready elsewhere ${sec(d.readyMs)}`);
        rows.push(d);
      }
    } finally {
      await cp.stop();
    }
  }
  console.log('\nmedians (cron tick 1 s; death: policy toleration 0 s, the default would add 300 s)');
  console.log('members  event  Ready≠True  tainted  moved   ready elsewhere');
  for (const members of MEMBER_COUNTS) {
    for (const mode of ['taint', 'death'] as const) {
      const rs = rows.filter((r) => r.members === members && r.mode === mode);
      const m = (f: (r: Row) => number | undefined): number | undefined => {
        const xs = rs.map(f).filter((x): x is number => x !== undefined);
        return xs.length ? median(xs) : undefined;
      };
      console.log(`${String(members).padEnd(8)} ${mode.padEnd(6)} ${sec(m((r) => r.notReadyMs)).padEnd(11)} ${sec(m((r) => r.taintedMs)).padEnd(8)} ${sec(m((r) => r.movedMs)).padEnd(7)} ${sec(m((r) => r.readyMs))}`);
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
