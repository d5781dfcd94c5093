/**
 * Clusters at scale: `flotilla up --members N` (simulated, auto-joined), then
 *  - the time until every Cluster is Ready,
 *  - steady state with every member healthy: writes per second to the control plane (the
 *    global revision's rise) and the CPU share of the whole process tree, over a window,
 *  - the time from a member's API server going silent (a relay in front of it closes) to its
 *    Cluster turning Ready=False.
 * Run: npx tsx test/bench/clusters.bench.ts   (BENCH_CLUSTERS=100,1000 BENCH_WINDOW_S=30)
 */
import { createServer, connect, type Server, type Socket, type AddressInfo } from 'node:net';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { spawnUp } from '../helpers/control-plane.js';
import { call, machine, treeCpuSeconds } from './bench-kit.js';

const SIZES = (process.env.BENCH_CLUSTERS ?? '100').split(',').map(Number);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 30);

function api<T>(base: string, ca: string, token: string, path: string, method = 'GET', body?: unknown): Promise<T> {
  return call<T>({ base, ca, token }, path, method, body);
}

interface ClusterList {
  metadata: { resourceVersion: string };
  items: Array<{ metadata: { name: string }; status?: { conditions?: Array<{ type: string; status: string }> } }>;
}

const readyCount = (l: ClusterList) => l.items.filter((c) => c.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).length;

async function run(n: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-clusters-bench-'));
  const started = Date.now();
  const up = spawnUp(['--data-dir', join(dir, 'data'), '--port', process.env.BENCH_PORT ?? String(10_000 + Math.floor(Math.random() * 3000)), '--members', String(n), '--ready-timeout', String(Math.max(90, n))]);
  try {
    const { port, kubeconfig } = await up.running(30 * 60_000);
    const cfg = parse(readFileSync(kubeconfig, 'utf8')) as { users: Array<{ user: { token: string } }> };
    const token = cfg.users[0]!.user.token;
    const ca = readFileSync(join(dir, 'data/pki/ca.crt'), 'utf8');
    const base = `https://127.0.0.1:${port}`;
    let list: ClusterList;
    for (;;) {
      list = await api<ClusterList>(base, ca, token, '/apis/cluster.karmada.io/v1alpha1/clusters');
      if (readyCount(list) === n) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const allReadyS = (Date.now() - started) / 1000;
    // Let the first status writes settle, then measure a quiet window.
    await new Promise((r) => setTimeout(r, 10_000));
    const rev0 = Number((await api<ClusterList>(base, ca, token, '/apis/cluster.karmada.io/v1alpha1/clusters?limit=1')).metadata.resourceVersion);
    const cpu0 = treeCpuSeconds(up.child.pid!);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
    const rev1 = Number((await api<ClusterList>(base, ca, token, '/apis/cluster.karmada.io/v1alpha1/clusters?limit=1')).metadata.resourceVersion);
    const cpu1 = treeCpuSeconds(up.child.pid!);
    const wall = (Date.now() - t0) / 1000;

    // A silent member: a relay in front of member1 that we close.
    const membersCfg = parse(readFileSync(join(dir, 'data/members.config'), 'utf8')) as {
      clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>;
      users: Array<{ user: { token: string } }>;
    };
    const target = Number(new URL(membersCfg.clusters[0]!.cluster.server).port);
    const sockets = new Set<Socket>();
    const relay: Server = createServer((c) => {
      const u = connect(target, '127.0.0.1');
      for (const s of [c, u]) {
        sockets.add(s);
        s.on('error', () => s.destroy());
      }
      c.pipe(u).pipe(c);
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()));
    const relayPort = (relay.address() as AddressInfo).port;
    await api(base, ca, token, '/api/v1/namespaces/karmada-cluster/secrets', 'POST', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bench-silent' }, data: { token: Buffer.from(membersCfg.users[0]!.user.token).toString('base64'), caBundle: membersCfg.clusters[0]!.cluster['certificate-authority-data'] } });
    await api(base, ca, token, '/apis/cluster.karmada.io/v1alpha1/clusters', 'POST', { apiVersion: 'cluster.karmada.io/v1alpha1', kind: 'Cluster', metadata: { name: 'bench-silent' }, spec: { syncMode: 'Push', apiEndpoint: `https://127.0.0.1:${relayPort}`, secretRef: { namespace: 'karmada-cluster', name: 'bench-silent' } } });
    const isReady = async (want: string) => {
      const c = await api<ClusterList['items'][number]>(base, ca, token, '/apis/cluster.karmada.io/v1alpha1/clusters/bench-silent');
      return c.status?.conditions?.some((x) => x.type === 'Ready' && x.status === want) ?? false;
    };
    while (!(await isReady('True'))) await new Promise((r) => setTimeout(r, 200));
    for (const s of sockets) s.destroy();
    relay.close();
    const stoppedAt = Date.now();
    while (!(await isReady('False'))) await new Promise((r) => setTimeout(r, 100));
    const detectS = (Date.now() - stoppedAt) / 1000;
    console.log(
      `${n} members: all Ready ${allReadyS.toFixed(1)} s after start; steady: ${((rev1 - rev0) / wall).toFixed(2)} writes/s, CPU ${(((cpu1 - cpu0) / wall) * 100).toFixed(1)}% of one core (process tree, ${wall.toFixed(0)} s window); silent member → Ready=False in ${detectS.toFixed(1)} s`,
    );
  } finally {
    up.child.kill('SIGTERM');
    await up.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`machine: ${machine()}`);
for (const n of SIZES) await run(n);
