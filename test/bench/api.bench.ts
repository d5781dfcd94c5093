/**
 * The API side by side with kube-apiserver: Flotilla (`flotilla up`, workerd via Miniflare, the
 * local libSQL server) and one real kube-apiserver v1.33 with etcd (the real-member binaries),
 * driven in one run by the same client: HTTPS with keep-alive, JSON, an admin bearer token.
 * For each concurrency it creates, gets, lists (with and without a label selector), reads then
 * replaces, and patches 300 ConfigMaps, and measures how long a create takes to reach open
 * watches. Prints the machine and a table of Flotilla vs kube-apiserver with ratios.
 *
 * kube-apiserver runs as a real member runs it (etcd, static admin token, RBAC, --watch-cache=false),
 * without its controllers. Run: npm run bench:api. BENCH_TARGETS=flotilla measures Flotilla alone; BENCH_CONCURRENCY
 * (e.g. "1,8,32"), BENCH_OBJECTS and BENCH_WATCHES change the workload.
 * Figures are for comparison, never assertions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { createServer } from 'node:net';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ensureCertificates } from '../../cli/launcher/certificates.js';
import { cacheRoot, ensureRealMemberBinaries } from '../../cli/member/real-member-binaries.js';
import { startControlPlane } from '../helpers/control-plane.js';

const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,8,32').split(',').map(Number);
const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 300);
const LISTS = Number(process.env.BENCH_LISTS ?? 60);
const WATCHES = Number(process.env.BENCH_WATCHES ?? 100);
const WATCH_SAMPLES = Number(process.env.BENCH_WATCH_SAMPLES ?? 50);
const TARGETS = (process.env.BENCH_TARGETS ?? 'flotilla,kube-apiserver').split(',');

interface Target {
  name: string;
  port: number;
  token: string;
  ca: string;
  agent: Agent;
}

interface Reply {
  status: number;
  text: string;
}

function call(t: Target, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: t.port,
        method,
        path,
        agent: t.agent,
        headers: {
          authorization: `Bearer ${t.token}`,
          accept: 'application/json',
          ...(payload !== undefined ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function ok(t: Target, method: string, path: string, body?: unknown, contentType?: string): Promise<Reply> {
  const r = await call(t, method, path, body, contentType);
  if (r.status >= 300) throw new Error(`${t.name}: ${method} ${path} → ${r.status} ${r.text.slice(0, 300)}`);
  return r;
}

/** `total` operations through `n` concurrent callers; operations per second. */
async function parallel(n: number, total: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < total) await fn(next++);
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}

/** An open watch whose events are handed to `onEvent` as they arrive. */
function openWatch(t: Target, path: string, onEvent: (ev: { type: string; object: { metadata: { name: string } } }) => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: t.port,
        method: 'GET',
        path,
        // Watches get sockets of their own so they never queue behind the measured requests.
        agent: false,
        ca: t.ca,
        headers: { authorization: `Bearer ${t.token}`, accept: 'application/json' },
      },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`${t.name}: watch ${path} → ${res.statusCode}`));
          return;
        }
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          buf += d;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (line) onEvent(JSON.parse(line) as { type: string; object: { metadata: { name: string } } });
          }
        });
        res.on('error', () => undefined);
        resolve(() => req.destroy());
      },
    );
    req.on('error', () => undefined);
    req.end();
  });
}

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

function configMap(ns: string, i: number): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `cm-${i}`, namespace: ns, labels: { app: `a${i % 10}`, bench: 'api' } },
    data: { index: String(i), payload: 'x'.repeat(200) },
  };
}

type Figures = Record<string, number>;

/** One concurrency level against one target, in its own namespace. */
async function measure(t: Target, c: number, run: string): Promise<Figures> {
  const ns = `bench-${run}-c${c}`;
  await ok(t, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const base = `/api/v1/namespaces/${ns}/configmaps`;
  const f: Figures = {};
  f['create'] = await parallel(c, OBJECTS, (i) => ok(t, 'POST', base, configMap(ns, i)));
  f['get'] = await parallel(c, OBJECTS, (i) => ok(t, 'GET', `${base}/cm-${i}`));
  f['list'] = await parallel(c, LISTS, () => ok(t, 'GET', `${base}?limit=500`));
  f['list -l'] = await parallel(c, LISTS * 4, (i) => ok(t, 'GET', `${base}?labelSelector=${encodeURIComponent(`app=a${i % 10}`)}`));
  f['update'] = await parallel(c, OBJECTS, async (i) => {
    const cur = JSON.parse((await ok(t, 'GET', `${base}/cm-${i}`)).text) as { data: Record<string, string> };
    cur.data.index = `${i}-u`;
    await ok(t, 'PUT', `${base}/cm-${i}`, cur);
  });
  f['patch'] = await parallel(c, OBJECTS, (i) => ok(t, 'PATCH', `${base}/cm-${i}`, { data: { patched: String(i) } }, 'application/merge-patch+json'));

  // create → event on one open watch, with c creators at once: from the create's response (the
  // commit is known) to the event, 0 when the event came first.
  const acked = new Map<string, number>();
  const seenAt = new Map<string, number>();
  let expected = 0;
  let resolveAll: () => void = () => undefined;
  const allSeen = new Promise<void>((r) => (resolveAll = r));
  const list = JSON.parse((await ok(t, 'GET', `${base}?limit=1`)).text) as { metadata: { resourceVersion: string } };
  const close = await openWatch(t, `${base}?watch=true&resourceVersion=${list.metadata.resourceVersion}&labelSelector=bench%3Dwatch`, (ev) => {
    if (ev.type !== 'ADDED' || !ev.object.metadata.name.startsWith('w-')) return;
    seenAt.set(ev.object.metadata.name, performance.now());
    if (seenAt.size === expected) resolveAll();
  });
  expected = Math.max(WATCH_SAMPLES, c);
  await parallel(c, expected, async (i) => {
    const obj = configMap(ns, i);
    (obj.metadata as { name: string; labels: Record<string, string> }).name = `w-${i}`;
    (obj.metadata as { labels: Record<string, string> }).labels.bench = 'watch';
    await ok(t, 'POST', base, obj);
    acked.set(`w-${i}`, performance.now());
  });
  await Promise.race([allSeen, new Promise((r) => setTimeout(r, 10_000))]);
  close();
  const lat = [...acked].map(([name, at]) => Math.max(0, (seenAt.get(name) ?? Infinity) - at));
  f['watch p50 ms'] = percentile(lat, 50);
  f['watch p99 ms'] = percentile(lat, 99);
  return f;
}

/** create → event with WATCHES open watches on one namespace, creates one at a time. */
async function fanOut(t: Target, run: string): Promise<Figures> {
  const ns = `bench-${run}-fanout`;
  await ok(t, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const base = `/api/v1/namespaces/${ns}/configmaps`;
  const rv = (JSON.parse((await ok(t, 'GET', `${base}?limit=1`)).text) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const arrivals: number[] = [];
  const lat: number[] = [];
  let pending = 0;
  let wake: () => void = () => undefined;
  const closers: Array<() => void> = [];
  for (let w = 0; w < WATCHES; w++) {
    closers.push(
      await openWatch(t, `${base}?watch=true&resourceVersion=${rv}`, (ev) => {
        if (ev.type !== 'ADDED') return;
        arrivals.push(performance.now());
        if (--pending === 0) wake();
      }),
    );
  }
  for (let i = 0; i < WATCH_SAMPLES; i++) {
    const seen = new Promise<void>((r) => (wake = r));
    pending = WATCHES;
    arrivals.length = 0;
    await ok(t, 'POST', base, configMap(ns, i));
    const acked = performance.now();
    await Promise.race([seen, new Promise((r) => setTimeout(r, 5_000))]);
    // A watch that missed the event counts as the whole wait.
    for (let w = 0; w < WATCHES; w++) lat.push(Math.max(0, (arrivals[w] ?? performance.now()) - acked));
  }
  for (const close of closers) close();
  return { [`${WATCHES} watches p50 ms`]: percentile(lat, 50), [`${WATCHES} watches p99 ms`]: percentile(lat, 99) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * etcd and kube-apiserver from the real-member binaries, as a real member runs them (static
 * admin token, RBAC, `--watch-cache=false`), without the controllers and kwok, which an API
 * benchmark does not exercise.
 */
async function startKubeApiserver(dir: string): Promise<{ port: number; token: string; ca: string; stop(): Promise<void> }> {
  const bin = join(cacheRoot(), 'bin');
  if (!existsSync(join(bin, 'kube-apiserver')) || !existsSync(join(bin, 'etcd'))) {
    console.log('building the real-member binaries first (a cold build takes many minutes)…');
    await ensureRealMemberBinaries((l) => console.log(`  ${l}`));
  }
  const pki = join(dir, 'pki');
  mkdirSync(pki, { recursive: true });
  const certs = await ensureCertificates({ caCert: join(pki, 'ca.crt'), caKey: join(pki, 'ca.key'), servingCert: join(pki, 'apiserver.crt'), servingKey: join(pki, 'apiserver.key') });
  const token = randomBytes(24).toString('hex');
  writeFileSync(join(pki, 'tokens.csv'), `${token},admin,admin,"system:masters"\n`, { mode: 0o600 });
  const [port, client, peer] = [await freePort(), await freePort(), await freePort()];
  const children: ChildProcess[] = [];
  const start = (name: string, args: string[]): void => {
    const child = spawn(join(bin, name), args, { stdio: ['ignore', 'ignore', openSync(join(dir, `${name}.log`), 'w')] });
    child.on('error', (e) => console.log(`${name}: ${e.message}`));
    children.push(child);
  };
  start('etcd', [
    '--name=default', `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=http://127.0.0.1:${client}`, `--advertise-client-urls=http://127.0.0.1:${client}`,
    `--listen-peer-urls=http://127.0.0.1:${peer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
    `--initial-cluster=default=http://127.0.0.1:${peer}`, '--unsafe-no-fsync', '--log-level=warn',
  ]);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(join(pki, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(join(pki, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  start('kube-apiserver', [
    `--etcd-servers=http://127.0.0.1:${client}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1',
    `--secure-port=${port}`, `--cert-dir=${join(dir, 'cert-dir')}`,
    `--tls-cert-file=${join(pki, 'apiserver.crt')}`, `--tls-private-key-file=${join(pki, 'apiserver.key')}`, `--client-ca-file=${join(pki, 'ca.crt')}`,
    `--token-auth-file=${join(pki, 'tokens.csv')}`, '--authorization-mode=RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local', `--service-account-key-file=${join(pki, 'sa.pub')}`, `--service-account-signing-key-file=${join(pki, 'sa.key')}`,
    '--service-cluster-ip-range=10.96.0.0/16', '--enable-priority-and-fairness=false', '--watch-cache=false', '--v=0',
  ]);
  const stop = async (): Promise<void> => {
    for (const c of children.reverse()) {
      if (c.exitCode !== null) continue;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await exited;
    }
  };
  const probe: Target = { name: 'kube-apiserver', port, token, ca: certs.caCertPem, agent: agentFor(certs.caCertPem) };
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ready = await call(probe, 'GET', '/readyz').then((r) => r.status === 200, () => false);
    if (ready) break;
    if (Date.now() > deadline || children.some((c) => c.exitCode !== null)) {
      await stop();
      const logs = ['etcd', 'kube-apiserver'].map((n) => `${n}: ${readFileSync(join(dir, `${n}.log`), 'utf8').slice(-1500)}`).join('\n');
      throw new Error(`kube-apiserver did not become ready:\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  probe.agent.destroy();
  return { port, token, ca: certs.caCertPem, stop };
}

function kubeconfigToken(file: string): string {
  const doc = parse(readFileSync(file, 'utf8')) as { users: Array<{ user: { token: string } }> };
  return doc.users[0]!.user.token;
}

function agentFor(ca: string): Agent {
  return new Agent({ keepAlive: true, maxSockets: 64, ca });
}

function fmt(n: number, ms: boolean): string {
  if (!Number.isFinite(n)) return '–';
  return ms ? n.toFixed(1) : String(Math.round(n));
}

async function main(): Promise<void> {
  const cpu = cpus();
  console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`${OBJECTS} ConfigMaps per concurrency, ${LISTS} lists (${LISTS * 4} with a selector), watch samples ${WATCH_SAMPLES}, ${WATCHES} watches for fan-out\n`);
  const stops: Array<() => Promise<unknown>> = [];
  const targets: Target[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'flotilla-api-bench-'));
  try {
    if (TARGETS.includes('flotilla')) {
      const cp = await startControlPlane({ members: 0 });
      stops.push(() => cp.stop());
      targets.push({ name: 'Flotilla', port: cp.port, token: kubeconfigToken(cp.kubeconfig), ca: cp.ca, agent: agentFor(cp.ca) });
    }
    if (TARGETS.includes('kube-apiserver')) {
      const kube = await startKubeApiserver(join(scratch, 'kube'));
      stops.push(() => kube.stop());
      targets.push({ name: 'kube-apiserver', port: kube.port, token: kube.token, ca: kube.ca, agent: agentFor(kube.ca) });
    }
    const run = Date.now().toString(36);
    const results = new Map<string, Map<number | 'fan-out', Figures>>();
    for (const t of targets) results.set(t.name, new Map());
    // Warm-up: connections, caches and JIT on both sides before anything is timed.
    for (const t of targets) await measure(t, 4, `${run}w`).catch((e: Error) => console.log(`warm-up: ${e.message}`));
    for (const c of CONCURRENCY) {
      for (const t of targets) results.get(t.name)!.set(c, await measure(t, c, run));
    }
    for (const t of targets) results.get(t.name)!.set('fan-out', await fanOut(t, run));

    const [a, b] = targets;
    const verbs = Object.keys(results.get(a!.name)!.get(CONCURRENCY[0]!)!);
    const header = ['per second (ms where marked)', ...CONCURRENCY.map((c) => `concurrency ${c}`)];
    const rows: string[][] = [];
    for (const v of verbs) {
      const ms = v.includes('ms');
      rows.push([
        v,
        ...CONCURRENCY.map((c) => {
          const x = results.get(a!.name)!.get(c)![v]!;
          if (!b) return fmt(x, ms);
          const y = results.get(b.name)!.get(c)![v]!;
          // Ratios read "how many times kube-apiserver's": above 1 is better for throughput, below 1 for latency.
          return `${fmt(x, ms)} vs ${fmt(y, ms)} (${(x / y).toFixed(2)}×)`;
        }),
      ]);
    }
    for (const v of Object.keys(results.get(a!.name)!.get('fan-out')!)) {
      const x = results.get(a!.name)!.get('fan-out')![v]!;
      const y = b ? results.get(b.name)!.get('fan-out')![v]! : NaN;
      rows.push([`create → event, ${v}`, b ? `${fmt(x, true)} vs ${fmt(y, true)} (${(x / y).toFixed(2)}×)` : fmt(x, true), '', '']);
    }
    console.log(`\n${targets.map((t) => t.name).join(' vs ')}\n`);
    console.log(`| ${header.join(' | ')} |`);
    console.log(`|${header.map(() => '---').join('|')}|`);
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  } finally {
    for (const s of stops.reverse()) await s().catch((e: Error) => console.log(`stopping: ${e.message}`));
    for (const t of targets) t.agent.destroy();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
