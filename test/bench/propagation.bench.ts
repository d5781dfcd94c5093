/**
 * Propagation end to end, on `flotilla up --members N` (simulated members, auto-joined):
 *  - latency: a ConfigMap template created on the control plane → its ADDED event in
 *    member1's own watch (median, p99), 3 members, one template at a time;
 *  - the same latency with one more Cluster whose endpoint accepts TCP and never replies;
 *  - throughput: a batch of templates, each sent to every member, from the first create to
 *    every Work Applied (a watch on Works), with 3 and 100 members;
 *  - bulk: BENCH_BULK Deployments (default 10,000) Duplicated to 3 members, created into a
 *    freshly started plane, to every Work Applied, with the peak RSS of `up`'s process tree.
 * Run: npx tsx test/bench/propagation.bench.ts
 *   (BENCH_SAMPLES=50 BENCH_BATCH=300 BENCH_BATCH_100=30 BENCH_BULK=10000 BENCH_DEADLINE_S=900 BENCH_PHASES=latency,throughput,bulk)
 */
import { request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { spawnUp, type UpProcess } from '../helpers/control-plane.js';
import { call, treeRssBytes, type Target } from './bench-kit.js';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 50);
const BATCH = Number(process.env.BENCH_BATCH ?? 300);
const BATCH_100 = Number(process.env.BENCH_BATCH_100 ?? 30);
const BULK = Number(process.env.BENCH_BULK ?? 10_000);
const DEADLINE_S = Number(process.env.BENCH_DEADLINE_S ?? 900);
const PHASES = new Set((process.env.BENCH_PHASES ?? 'latency,throughput,bulk').split(','));
const CREATE_CONCURRENCY = 16;

interface WatchedObject {
  metadata: { name: string; namespace?: string; resourceVersion: string };
  status?: { conditions?: Array<{ type: string; status: string }> };
}

/** A watch that reopens from the last revision it saw; `onEvent` gets every event with its arrival time. */
function watch(t: Target, path: string, onEvent: (type: string, o: WatchedObject, at: number) => void): { opened: Promise<void>; stop: () => void } {
  let stopped = false;
  let res: IncomingMessage | undefined;
  let markOpened: () => void = () => {};
  const opened = new Promise<void>((r) => (markOpened = r));
  const open = (rv: string): void => {
    if (stopped) return;
    const opts: RequestOptions = { ca: t.ca, headers: { authorization: `Bearer ${t.token}`, accept: 'application/json' } };
    const sep = path.includes('?') ? '&' : '?';
    const req = request(new URL(`${path}${sep}watch=1&allowWatchBookmarks=true${rv ? `&resourceVersion=${rv}` : ''}`, t.base), opts, (r) => {
      res = r;
      markOpened();
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
          const ev = JSON.parse(line) as { type: string; object: WatchedObject };
          if (ev.object?.metadata?.resourceVersion) last = ev.object.metadata.resourceVersion;
          if (ev.type !== 'BOOKMARK' && ev.type !== 'ERROR') onEvent(ev.type, ev.object, at);
        }
      });
      r.on('end', () => open(last));
      r.on('error', () => open(last));
    });
    req.on('error', () => setTimeout(() => open(rv), 200));
    req.end();
  };
  void (async () => {
    const list = await call<{ metadata: { resourceVersion: string } }>(t, `${path}${path.includes('?') ? '&' : '?'}limit=1`);
    open(list.metadata.resourceVersion);
  })();
  return {
    opened,
    stop: () => {
      stopped = true;
      res?.destroy();
    },
  };
}


function rssSampler(root: number): { peak: () => number; stop: () => void } {
  let peak = 0;
  const tick = (): void => {
    peak = Math.max(peak, treeRssBytes(root));
  };
  tick();
  const timer = setInterval(tick, 500);
  return { peak: () => peak, stop: () => clearInterval(timer) };
}

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

interface Plane {
  up: UpProcess;
  cp: Target;
  members: Map<string, Target>;
  dir: string;
  stop(): Promise<void>;
}

async function startPlane(members: number): Promise<Plane> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-propagation-bench-'));
  // Members listen on port+1…port+N, so the port is picked from a range with room above it.
  const up = spawnUp(['--data-dir', join(dir, 'data'), '--port', String(20_000 + Math.floor(Math.random() * 20_000)), '--members', String(members)]);
  const { port, kubeconfig } = await up.running(30 * 60_000);
  const cfg = parse(readFileSync(kubeconfig, 'utf8')) as { users: Array<{ user: { token: string } }> };
  const cp: Target = { base: `https://127.0.0.1:${port}`, ca: readFileSync(join(dir, 'data/pki/ca.crt'), 'utf8'), token: cfg.users[0]!.user.token };
  const mc = parse(readFileSync(join(dir, 'data/members.config'), 'utf8')) as {
    clusters: Array<{ name: string; cluster: { server: string; 'certificate-authority-data': string } }>;
    users: Array<{ name: string; user: { token: string } }>;
    contexts: Array<{ name: string; context: { cluster: string; user: string } }>;
  };
  const map = new Map<string, Target>();
  for (const c of mc.contexts) {
    const cl = mc.clusters.find((x) => x.name === c.context.cluster)!;
    const u = mc.users.find((x) => x.name === c.context.user)!;
    map.set(c.name, { base: cl.cluster.server, ca: Buffer.from(cl.cluster['certificate-authority-data'], 'base64').toString(), token: u.user.token });
  }
  for (;;) {
    const list = await call<{ items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }> }>(cp, '/apis/cluster.karmada.io/v1alpha1/clusters');
    if (list.items.filter((c) => c.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).length >= members) break;
    await sleep(300);
  }
  return {
    up,
    cp,
    members: map,
    dir,
    async stop() {
      up.child.kill('SIGTERM');
      await up.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const POLICIES = '/apis/policy.karmada.io/v1alpha1/namespaces/default/propagationpolicies';

async function policy(t: Target, name: string, selector: Record<string, unknown>, placement: Record<string, unknown>): Promise<void> {
  await call(t, POLICIES, 'POST', { apiVersion: 'policy.karmada.io/v1alpha1', kind: 'PropagationPolicy', metadata: { name, namespace: 'default' }, spec: { resourceSelectors: [selector], placement } });
}

/** Template created → ADDED in member1's watch, one at a time. */
async function latency(p: Plane, label: string, samples: number): Promise<{ median: number; p99: number }> {
  const seen = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const w = watch(p.members.get('member1')!, `/api/v1/namespaces/default/configmaps?labelSelector=bench%3D${label}`, (type, o, at) => {
    if (type !== 'ADDED') return;
    seen.set(o.metadata.name, at);
    waiters.get(o.metadata.name)?.();
  });
  await w.opened;
  await policy(p.cp, `lat-${label}`, { apiVersion: 'v1', kind: 'ConfigMap', labelSelector: { matchLabels: { bench: label } } }, { clusterAffinity: { clusterNames: ['member1'] } });
  const times: number[] = [];
  // A warm-up template, not counted: the first one pays for caches and connections.
  for (let i = -1; i < samples; i++) {
    const name = `${label}-${i + 1}`;
    const arrived = new Promise<void>((r) => waiters.set(name, r));
    const t0 = performance.now();
    await call(p.cp, '/api/v1/namespaces/default/configmaps', 'POST', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { bench: label } }, data: { i: String(i) } });
    await Promise.race([arrived, sleep(30_000).then(() => Promise.reject(new Error(`${name} did not reach member1 within 30 s`)))]);
    if (i >= 0) times.push(seen.get(name)! - t0);
    await sleep(50);
  }
  w.stop();
  return { median: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

/** Works Applied=True, kept current by a watch on every execution namespace. */
function appliedWorks(p: Plane): { count: () => number; opened: Promise<void>; stop: () => void } {
  const applied = new Set<string>();
  const w = watch(p.cp, '/apis/work.karmada.io/v1alpha1/works', (type, o) => {
    const key = `${o.metadata.namespace}/${o.metadata.name}`;
    if (type !== 'DELETED' && o.status?.conditions?.some((c) => c.type === 'Applied' && c.status === 'True')) applied.add(key);
    else applied.delete(key);
  });
  return { count: () => applied.size, opened: w.opened, stop: w.stop };
}

async function carry(p: Plane, label: string, count: number, members: number, deadlineS: number, template: (name: string) => Record<string, unknown>, path: string, placement: Record<string, unknown>): Promise<{ done: number; seconds: number; createdS: number; complete: boolean }> {
  const works = appliedWorks(p);
  await works.opened;
  const before = works.count();
  await policy(p.cp, `carry-${label}`, { apiVersion: (template('x').apiVersion as string), kind: template('x').kind as string, labelSelector: { matchLabels: { bench: label } } }, placement);
  const t0 = performance.now();
  const deadline = t0 + deadlineS * 1000;
  let createdS = NaN;
  const creating = pool(
    Array.from({ length: count }, (_, i) => `${label}-${i}`),
    CREATE_CONCURRENCY,
    async (name) => {
      await call(p.cp, path, 'POST', template(name));
    },
  ).then(() => (createdS = (performance.now() - t0) / 1000));
  const want = count * members;
  let lastLog = t0;
  for (;;) {
    const done = works.count() - before;
    const now = performance.now();
    if (done >= want || now > deadline) {
      await creating.catch(() => {});
      works.stop();
      return { done: Math.floor(done / members), seconds: (now - t0) / 1000, createdS, complete: done >= want };
    }
    if (now - lastLog > 15_000) {
      lastLog = now;
      console.log(`  … ${label}: ${done}/${want} Works Applied after ${((now - t0) / 1000).toFixed(0)} s (load ${loadavg()[0]!.toFixed(1)})`);
    }
    await sleep(100);
  }
}

const configMapTemplate = (label: string) => (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels: { bench: label } }, data: { name } });
const deploymentTemplate = (label: string) => (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default', labels: { bench: label } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '1m', memory: '1Mi' } } }] } },
  },
});

/** A Cluster whose endpoint accepts connections and never answers. */
async function silentCluster(p: Plane): Promise<() => void> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => s.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const m1 = p.members.get('member1')!;
  await call(p.cp, '/api/v1/namespaces/karmada-cluster/secrets', 'POST', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bench-silent' }, data: { token: Buffer.from(m1.token).toString('base64'), caBundle: Buffer.from(m1.ca).toString('base64') } });
  await call(p.cp, '/apis/cluster.karmada.io/v1alpha1/clusters', 'POST', { apiVersion: 'cluster.karmada.io/v1alpha1', kind: 'Cluster', metadata: { name: 'bench-silent' }, spec: { syncMode: 'Push', apiEndpoint: `https://127.0.0.1:${port}`, secretRef: { namespace: 'karmada-cluster', name: 'bench-silent' } } });
  return () => {
    for (const s of sockets) s.destroy();
    server.close();
  };
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

if (PHASES.has('latency') || PHASES.has('throughput')) {
  const p = await startPlane(3);
  try {
    if (PHASES.has('latency')) {
      const plain = await latency(p, 'lat', SAMPLES);
      console.log(`3 members: template created → ADDED in member1: median ${plain.median.toFixed(0)} ms, p99 ${plain.p99.toFixed(0)} ms (${SAMPLES} samples)`);
      const close = await silentCluster(p);
      // Let the silent Cluster's first probes start (and time out) while we measure.
      await sleep(2_000);
      const silent = await latency(p, 'silent', SAMPLES);
      console.log(`3 members + 1 silent Cluster: median ${silent.median.toFixed(0)} ms, p99 ${silent.p99.toFixed(0)} ms (${(((silent.median - plain.median) / plain.median) * 100).toFixed(0)}% on the median)`);
      await call(p.cp, '/apis/cluster.karmada.io/v1alpha1/clusters/bench-silent', 'DELETE');
      close();
    }
    if (PHASES.has('throughput')) {
      const r = await carry(p, 'tput3', BATCH, 3, DEADLINE_S, configMapTemplate('tput3'), '/api/v1/namespaces/default/configmaps', { clusterAffinity: { clusterNames: ['member1', 'member2', 'member3'] } });
      console.log(`3 members: ${r.done} ConfigMap templates × 3 members in ${r.seconds.toFixed(1)} s → ${(r.done / r.seconds).toFixed(1)} templates/s, ${((r.done * 3) / r.seconds).toFixed(0)} Works/s (created in ${r.createdS.toFixed(1)} s)${r.complete ? '' : ' — deadline hit'}`);
    }
  } finally {
    await p.stop();
  }
}

if (PHASES.has('throughput')) {
  const p = await startPlane(100);
  try {
    const names = [...p.members.keys()];
    const r = await carry(p, 'tput100', BATCH_100, names.length, DEADLINE_S, configMapTemplate('tput100'), '/api/v1/namespaces/default/configmaps', { clusterAffinity: { clusterNames: names } });
    console.log(`${names.length} members: ${r.done} ConfigMap templates × ${names.length} members in ${r.seconds.toFixed(1)} s → ${(r.done / r.seconds).toFixed(2)} templates/s, ${((r.done * names.length) / r.seconds).toFixed(0)} Works/s${r.complete ? '' : ' — deadline hit'}`);
  } finally {
    await p.stop();
  }
}

if (PHASES.has('bulk')) {
  const started = performance.now();
  const p = await startPlane(3);
  const rss = rssSampler(p.up.child.pid!);
  try {
    console.log(`bulk: plane with 3 members Ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const r = await carry(p, 'bulk', BULK, 3, DEADLINE_S, deploymentTemplate('bulk'), '/apis/apps/v1/namespaces/default/deployments', { clusterAffinity: { clusterNames: ['member1', 'member2', 'member3'] } });
    console.log(
      `bulk: ${r.done}/${BULK} Deployments × 3 members all Applied in ${r.seconds.toFixed(1)} s → ${(r.done / r.seconds).toFixed(1)} Deployments/s (templates created in ${r.createdS.toFixed(1)} s); peak RSS of up's process tree ${mib(rss.peak())}${r.complete ? '' : ' — deadline hit'}`,
    );
  } finally {
    rss.stop();
    await p.stop();
  }
}
