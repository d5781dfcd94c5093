/**
 * Starts one real Kubernetes cluster on loopback from the binaries of binaries.ts: etcd,
 * kube-apiserver (TLS with its own CA, a static admin token, RBAC), kube-controller-manager,
 * kube-scheduler, and kwok playing the kubelets of fake nodes. Nothing runs in the pods:
 * kwok moves their status as a kubelet would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ensureCertificates } from '../launcher/certificates.js';
import type { RealMemberBinaries } from './real-member-binaries.js';

export interface FakeNode {
  name: string;
  cpu: string;
  memory: string;
  pods: string;
  labels?: Record<string, string>;
}

export interface RealClusterOptions {
  name: string;
  dir: string;
  /** The API server's HTTPS port; 0 picks a free one. */
  port: number;
  binaries: RealMemberBinaries;
  nodes?: FakeNode[];
  progress?: (line: string) => void;
}

export interface RealCluster {
  name: string;
  server: string;
  port: number;
  token: string;
  caCertPem: string;
  kubeconfig: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function kubeconfigYaml(name: string, server: string, caPem: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${name}`,
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}`,
    'users:',
    `- name: ${name}-admin`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    `- name: ${name}`,
    '  context:',
    `    cluster: ${name}`,
    `    user: ${name}-admin`,
    `current-context: ${name}`,
    '',
  ].join('\n');
}

/** One HTTPS call to the cluster with its CA and the admin token. */
function call(
  c: { port: number; token: string; caCertPem: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: c.port,
        method,
        path,
        ca: c.caCertPem,
        headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json', accept: 'application/json' },
        timeout: 5000,
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

async function until(what: string, ms: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  let delay = 50;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 1000);
  }
  throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
}

export async function startRealCluster(opts: RealClusterOptions): Promise<RealCluster> {
  const say = opts.progress ?? (() => {});
  const dir = opts.dir;
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const pki = join(dir, 'pki');
  mkdirSync(pki, { recursive: true });
  const certs = await ensureCertificates({
    caCert: join(pki, 'ca.crt'),
    caKey: join(pki, 'ca.key'),
    servingCert: join(pki, 'apiserver.crt'),
    servingKey: join(pki, 'apiserver.key'),
  });
  // ServiceAccount tokens need an RSA signing key; kept so tokens survive restarts.
  const saKey = join(pki, 'sa.key');
  const saPub = join(pki, 'sa.pub');
  if (!existsSync(saKey)) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(saKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(saPub, publicKey.export({ type: 'spki', format: 'pem' }));
  }
  const tokenFile = join(pki, 'tokens.csv');
  if (!existsSync(tokenFile)) {
    writeFileSync(tokenFile, `${randomBytes(24).toString('hex')},admin,admin,"system:masters"\n`, { mode: 0o600 });
  }
  const token = readFileSync(tokenFile, 'utf8').split(',')[0]!;
  const port = opts.port || (await freePort());
  const [etcdClient, etcdPeer] = [await freePort(), await freePort()];
  const server = `https://127.0.0.1:${port}`;
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigYaml(opts.name, server, certs.caCertPem, token), { mode: 0o600 });

  const children: Array<{ name: string; proc: ChildProcess }> = [];
  const start = (name: string, bin: string, args: string[]): void => {
    const log = createWriteStream(join(dir, 'logs', `${name}.log`));
    const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout?.pipe(log);
    proc.stderr?.pipe(log);
    children.push({ name, proc });
  };
  const stop = async (): Promise<void> => {
    for (const { proc } of [...children].reverse()) {
      if (proc.exitCode !== null) continue;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
  };
  const failedEarly = (): string | undefined => children.find((c) => c.proc.exitCode !== null)?.name;

  try {
    start('etcd', opts.binaries.etcd, [
      '--name=default',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      '--unsafe-no-fsync',
      '--quota-backend-bytes=1073741824',
      '--log-level=warn',
    ]);
    start('kube-apiserver', opts.binaries.kubeApiserver, [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${port}`,
      `--cert-dir=${join(dir, 'cert-dir')}`,
      `--tls-cert-file=${join(pki, 'apiserver.crt')}`,
      `--tls-private-key-file=${join(pki, 'apiserver.key')}`,
      `--client-ca-file=${join(pki, 'ca.crt')}`,
      `--token-auth-file=${tokenFile}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--allow-privileged=true',
      // Loopback test clusters: flow control and the watch cache only cost memory here.
      '--enable-priority-and-fairness=false',
      '--watch-cache=false',
      '--v=0',
    ]);
    say(`… ${opts.name}: waiting for kube-apiserver on ${server}`);
    await until(`${opts.name} kube-apiserver /readyz`, 120_000, async () => {
      const bad = failedEarly();
      if (bad) throw new Error(`${opts.name}: ${bad} exited; see ${join(dir, 'logs', `${bad}.log`)}`);
      return (await call({ port, token, caCertPem: certs.caCertPem }, 'GET', '/readyz')).status === 200;
    }).catch((e: Error) => {
      const bad = failedEarly();
      throw bad ? new Error(`${opts.name}: ${bad} exited; see ${join(dir, 'logs', `${bad}.log`)}`) : e;
    });
    start('kube-controller-manager', opts.binaries.kubeControllerManager, [
      `--kubeconfig=${kubeconfig}`,
      '--leader-elect=false',
      '--secure-port=0',
      `--service-account-private-key-file=${saKey}`,
      `--root-ca-file=${join(pki, 'ca.crt')}`,
      '--use-service-account-credentials=false',
      // nodelifecycle stays on: it lifts the not-ready taint admission puts on every new node.
      '--controllers=*,-nodeipam,-cloud-node-lifecycle,-route,-service',
      // The nodes are kwok's: a heartbeat late because a loaded laptop starved kwok says
      // nothing about the workloads, yet after the default 50 s the node would turn NotReady,
      // take new pods no more and evict the old. Two minutes rides out such a stall; a kwok
      // that stopped for good still shows after that.
      '--node-monitor-grace-period=2m',
      '--v=0',
    ]);
    start('kube-scheduler', opts.binaries.kubeScheduler, [`--kubeconfig=${kubeconfig}`, '--leader-elect=false', '--secure-port=0', '--v=0']);
    start('kwok', opts.binaries.kwok, [`--kubeconfig=${kubeconfig}`, '--manage-all-nodes=true', '--node-lease-duration-seconds=40', '--server-address=', '--v=0']);

    for (const n of opts.nodes ?? [{ name: `${opts.name}-node-1`, cpu: '8', memory: '32Gi', pods: '110' }]) {
      const node = {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: n.name,
          labels: { 'kubernetes.io/hostname': n.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'kwok', ...(n.labels ?? {}) },
          annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
        },
        spec: {},
        status: {
          allocatable: { cpu: n.cpu, memory: n.memory, pods: n.pods },
          capacity: { cpu: n.cpu, memory: n.memory, pods: n.pods },
          nodeInfo: { kubeletVersion: 'fake', kubeProxyVersion: 'fake', architecture: 'amd64', operatingSystem: 'linux' },
        },
      };
      const res = await call({ port, token, caCertPem: certs.caCertPem }, 'POST', '/api/v1/nodes', node);
      if (res.status !== 201 && res.status !== 409) throw new Error(`${opts.name}: creating node ${n.name}: ${res.status} ${res.text}`);
    }
    say(`… ${opts.name}: waiting for its nodes to be Ready`);
    await until(`${opts.name} nodes Ready`, 60_000, async () => {
      const res = await call({ port, token, caCertPem: certs.caCertPem }, 'GET', '/api/v1/nodes');
      const items = (JSON.parse(res.text) as { items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }> }).items;
      return items.length > 0 && items.every((i) => i.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    });
    say(`✓ ${opts.name}: Kubernetes on ${server}`);
    return { name: opts.name, server, port, token, caCertPem: certs.caCertPem, kubeconfig, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
