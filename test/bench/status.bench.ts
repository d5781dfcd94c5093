/**
 * Status round trip: `flotilla up --members N` (simulated, auto-joined), a Deployment with one
 * replica in every member, then repeatedly: delete the pod of one member, and time from that
 * member's Deployment status changing (its own watch event) to the template's status on the
 * control plane saying so (the control plane's watch event). The cron tick stays at its
 * default (5 s), so what is measured is the member-watch path, not the poll.
 * Also: the global revision's rise over a quiet window once everything runs (quiescence).
 * Run: npx tsx test/bench/status.bench.ts   (BENCH_MEMBERS=3,100 BENCH_SAMPLES=30)
 */
import { request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { call, type Target } from './bench-kit.js';
import { spawnUp } from '../helpers/control-plane.js';

const SIZES = (process.env.BENCH_MEMBERS ?? '3,100').split(',').map(Number);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 30);
const QUIET_S = Number(process.env.BENCH_QUIET_S ?? 20);

interface Deploy {
  metadata: { resourceVersion: string };
  status?: { readyReplicas?: number };
}

/** A watch on one Deployment: calls `onReady(readyReplicas, at)` on every event. */
function watchDeployment(t: Target, name: string, onReady: (ready: number, at: number) => void): () => void {
  let stopped = false;
  let res: IncomingMessage | undefined;
  const open = (rv: string): void => {
    if (stopped) return;
    const opts: RequestOptions = { ca: t.ca, headers: { authorization: `Bearer ${t.token}`, accept: 'application/json' } };
    const req = request(new URL(`/apis/apps/v1/namespaces/default/deployments?watch=1&fieldSelector=metadata.name%3D${name}&resourceVersion=${rv}`, t.base), opts, (r) => {
      res = r;
      let buf = '';
      let last = rv;
      r.on('data', (c: Buffer) => {
        const at = performance.now();
        buf += c.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (!line.trim()) continue;
          const ev = JSON.parse(line) as { type: string; object: Deploy };
          last = ev.object.metadata?.resourceVersion ?? last;
          if (ev.type === 'ADDED' || ev.type === 'MODIFIED') onReady(ev.object.status?.readyReplicas ?? 0, at);
        }
      });
      r.on('end', () => open(last));
      r.on('error', () => undefined);
    });
    req.on('error', () => setTimeout(() => open(rv), 200));
    req.end();
  };
  void call<Deploy>(t, `/apis/apps/v1/namespaces/default/deployments/${name}`).then((d) => open(d.metadata.resourceVersion));
  return () => {
    stopped = true;
    res?.destroy();
  };
}

async function until(what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

async function run(n: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-status-bench-'));
  const port = 21_000 + Math.floor(Math.random() * 3000);
  // A 2 s pod start keeps the dip a deletion causes visible long enough to time it.
  const up = spawnUp(['--data-dir', join(dir, 'data'), '--port', String(port), '--members', String(n)], { FLOTILLA_SIM_POD_START_DELAY: '2' });
  try {
    const { kubeconfig } = await up.running(30 * 60_000);
    const cfg = parse(readFileSync(kubeconfig, 'utf8')) as { users: Array<{ user: { token: string } }> };
    const cp: Target = { base: `https://127.0.0.1:${port}`, ca: readFileSync(join(dir, 'data/pki/ca.crt'), 'utf8'), token: cfg.users[0]!.user.token };
    const mcfg = parse(readFileSync(join(dir, 'data/members.config'), 'utf8')) as {
      clusters: Array<{ name: string; cluster: { server: string; 'certificate-authority-data': string } }>;
      users: Array<{ name: string; user: { token: string } }>;
      contexts: Array<{ name: string; context: { cluster: string; user: string } }>;
    };
    const members: Target[] = mcfg.contexts.map((c) => ({
      base: mcfg.clusters.find((x) => x.name === c.context.cluster)!.cluster.server,
      ca: Buffer.from(mcfg.clusters.find((x) => x.name === c.context.cluster)!.cluster['certificate-authority-data'], 'base64').toString(),
      token: mcfg.users.find((u) => u.name === c.context.user)!.user.token,
    }));

    await until('every cluster Ready', async () => {
      const l = await call<{ items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }> }>(cp, '/apis/cluster.karmada.io/v1alpha1/clusters');
      return l.items.filter((c) => c.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).length === n;
    });
    await call(cp, '/apis/apps/v1/namespaces/default/deployments', 'POST', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'bench' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'bench' } }, template: { metadata: { labels: { app: 'bench' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    await call(cp, '/apis/policy.karmada.io/v1alpha1/namespaces/default/propagationpolicies', 'POST', {
      apiVersion: 'policy.karmada.io/v1alpha1',
      kind: 'PropagationPolicy',
      metadata: { name: 'bench' },
      spec: { resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'bench' }], placement: { replicaScheduling: { replicaSchedulingType: 'Duplicated' } } },
    });
    const setupStart = Date.now();
    let cpReady = -1;
    const cpEvents: Array<{ ready: number; at: number }> = [];
    const stopCp = watchDeployment(cp, 'bench', (ready, at) => {
      cpReady = ready;
      cpEvents.push({ ready, at });
    });
    await until(`template READY ${n}/${n}`, () => cpReady === n, 30 * 60_000);
    const setupS = (Date.now() - setupStart) / 1000;

    // Quiet window: everything runs, nothing changes. The Clusters' resource summaries (the
    // new pods' requests) catch up at their next full look, within one status-update period
    // (10 s) plus a tick (5 s): the window starts after that.
    await new Promise((r) => setTimeout(r, 16_000));
    const revision = async () => Number((await call<{ metadata: { resourceVersion: string } }>(cp, '/api/v1/namespaces?limit=1')).metadata.resourceVersion);
    const rev0 = await revision();
    await new Promise((r) => setTimeout(r, QUIET_S * 1000));
    const rev1 = await revision();

    const latencies: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const m = members[i % members.length]!;
      let memberDipAt: number | undefined;
      const stopM = watchDeployment(m, 'bench', (ready, at) => {
        if (ready === 0 && memberDipAt === undefined) memberDipAt = at;
      });
      await new Promise((r) => setTimeout(r, 150));
      const pods = await call<{ items: Array<{ metadata: { name: string } }> }>(m, '/api/v1/namespaces/default/pods?labelSelector=app%3Dbench');
      const before = cpEvents.length;
      await call(m, `/api/v1/namespaces/default/pods/${pods.items[0]!.metadata.name}?gracePeriodSeconds=0`, 'DELETE');
      await until('member dip', () => memberDipAt !== undefined, 30_000);
      await until('template dip', () => cpEvents.slice(before).some((e) => e.ready === n - 1), 30_000);
      const cpAt = cpEvents.slice(before).find((e) => e.ready === n - 1)!.at;
      latencies.push(cpAt - memberDipAt!);
      stopM();
      await until('template recovered', () => cpReady === n, 60_000);
    }
    stopCp();
    console.log(
      `${n} members: template READY ${n}/${n} ${setupS.toFixed(1)} s after the policy; quiet window ${QUIET_S} s: ${rev1 - rev0} writes; ` +
        `member status change → template status (${latencies.length} samples): median ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`,
    );
  } finally {
    up.child.kill('SIGTERM');
    await up.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
for (const n of SIZES) await run(n);
