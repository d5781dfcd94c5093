import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.js';

// `kubectl get` prints what the server's Table says: the columns below are kube-apiserver's,
// so these headers and rows are what a real cluster prints for the same objects.

const NS = 'tables';

/** Polls `fn` until it returns true or the deadline passes; no fixed sleeps. */
async function eventually(fn: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** kubectl pads columns with at least three spaces, while headers such as LAST SCHEDULE hold one. */
const columns = (line: string): string[] => line.trim().split(/\s{2,}/);
const headerOf = (out: string): string[] => columns(out.split('\n')[0] ?? '');
const rowOf = (out: string, name: string): string[] => {
  const line = out.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no row for ${name} in:\n${out}`);
  return columns(line);
};
const AGE = /^\d+s$/;

describe('kubectl get prints kube-apiserver columns', () => {
  let cp: ControlPlane;
  const k = async (...args: string[]): Promise<string> => (await cp.kubectl(args)).stdout;
  const kn = (...args: string[]): Promise<string> => k('-n', NS, ...args);

  beforeAll(async () => {
    cp = await startControlPlane();
    await k('create', 'namespace', NS);
  });
  afterAll(async () => {
    await cp?.stop();
  });

  it('prints deployments, and -o wide adds CONTAINERS IMAGES SELECTOR', async () => {
    await kn('create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2');
    const plain = await kn('get', 'deploy');
    expect(headerOf(plain)).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    const row = rowOf(plain, 'web');
    expect(row.slice(0, 4)).toEqual(['web', '0/2', '0', '0']);
    expect(row[4]).toMatch(AGE);

    const wide = await kn('get', 'deploy', '-o', 'wide');
    expect(headerOf(wide)).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
    expect(rowOf(wide, 'web').slice(5)).toEqual(['nginx', 'nginx:1.27', 'app=web']);

    const all = await k('get', 'deploy', '-A');
    expect(headerOf(all)).toEqual(['NAMESPACE', 'NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(rowOf(all, NS).slice(0, 3)).toEqual([NS, 'web', '0/2']);
  });

  it('prints custom columns from the full object', async () => {
    const out = await kn('get', 'deploy', '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.spec.template.spec.containers[0].image');
    expect(out.trim().split('\n').map(columns)).toEqual([
      ['NAME', 'IMAGE'],
      ['web', 'nginx:1.27'],
    ]);
  });

  it('prints services with TYPE CLUSTER-IP EXTERNAL-IP PORT(S), and SELECTOR when wide', async () => {
    await kn('create', 'service', 'clusterip', 'web', '--tcp=80:8080');
    await kn('create', 'service', 'loadbalancer', 'edge', '--tcp=443:8443');
    const out = await kn('get', 'svc');
    expect(headerOf(out)).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    expect(rowOf(out, 'web').slice(0, 5)).toEqual(['web', 'ClusterIP', '<none>', '<none>', '80/TCP']);
    expect(rowOf(out, 'edge').slice(0, 5)).toEqual(['edge', 'LoadBalancer', '<none>', '<pending>', '443/TCP']);
    const wide = await kn('get', 'svc', 'web', '-o', 'wide');
    expect(headerOf(wide)).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
    expect(rowOf(wide, 'web')[6]).toBe('app=web');
  });

  it('prints config maps, secrets and namespaces', async () => {
    await kn('create', 'configmap', 'settings', '--from-literal=a=1', '--from-literal=b=2');
    await kn('create', 'secret', 'generic', 'creds', '--from-literal=user=admin');
    const cm = await kn('get', 'cm', 'settings');
    expect(headerOf(cm)).toEqual(['NAME', 'DATA', 'AGE']);
    expect(rowOf(cm, 'settings').slice(0, 2)).toEqual(['settings', '2']);
    const secret = await kn('get', 'secret', 'creds');
    expect(headerOf(secret)).toEqual(['NAME', 'TYPE', 'DATA', 'AGE']);
    expect(rowOf(secret, 'creds').slice(0, 3)).toEqual(['creds', 'Opaque', '1']);
    const ns = await k('get', 'ns', NS);
    expect(headerOf(ns)).toEqual(['NAME', 'STATUS', 'AGE']);
    expect(rowOf(ns, NS).slice(0, 2)).toEqual([NS, 'Active']);
  });

  it('prints jobs and cron jobs', async () => {
    await kn('create', 'job', 'once', '--image=busybox:1.36');
    await kn('create', 'cronjob', 'tick', '--image=busybox:1.36', '--schedule=*/5 * * * *');
    const jobs = await kn('get', 'jobs');
    expect(headerOf(jobs)).toEqual(['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']);
    expect(rowOf(jobs, 'once').slice(0, 3)).toEqual(['once', 'Running', '0/1']);
    const wideJobs = await kn('get', 'jobs', '-o', 'wide');
    expect(headerOf(wideJobs)).toEqual(['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
    const cron = await kn('get', 'cronjobs');
    expect(headerOf(cron)).toEqual(['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE']);
    expect(rowOf(cron, 'tick').slice(0, 6)).toEqual(['tick', '*/5 * * * *', '<none>', 'False', '0', '<none>']);
    expect(headerOf(await kn('get', 'cronjobs', '-o', 'wide'))).toEqual([
      'NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR',
    ]);
  });

  it('prints pods, nodes and role bindings, with their wide columns', async () => {
    await kn('run', 'solo', '--image=nginx:1.27');
    const pods = await kn('get', 'pods', '-o', 'wide');
    expect(headerOf(pods)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    const pod = rowOf(pods, 'solo');
    expect([...pod.slice(0, 4), ...pod.slice(5)]).toEqual(['solo', '0/1', 'Pending', '0', '<none>', '<none>', '<none>', '<none>']);

    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'member-1', labels: { 'node-role.kubernetes.io/worker': '' } },
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        addresses: [{ type: 'InternalIP', address: '10.1.0.7' }],
        nodeInfo: { kubeletVersion: 'v1.33.1', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.7.24' },
      },
    };
    await cp.kubectl(['create', '-f', '-', '--validate=false'], { input: JSON.stringify(node) });
    const nodes = await k('get', 'nodes', '-o', 'wide');
    expect(headerOf(nodes)).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']);
    const row = rowOf(nodes, 'member-1');
    expect([...row.slice(0, 3), ...row.slice(4)]).toEqual(['member-1', 'Ready', 'worker', 'v1.33.1', '10.1.0.7', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0', 'containerd://1.7.24']);

    await kn('create', 'rolebinding', 'readers', '--clusterrole=view', '--user=alice', '--serviceaccount=tables:bot');
    const bindings = await kn('get', 'rolebinding', 'readers', '-o', 'wide');
    expect(headerOf(bindings)).toEqual(['NAME', 'ROLE', 'AGE', 'USERS', 'GROUPS', 'SERVICEACCOUNTS']);
    const binding = rowOf(bindings, 'readers');
    expect([binding[0], binding[1], binding[3], binding.at(-1)]).toEqual(['readers', 'ClusterRole/view', 'alice', 'tables/bot']);
  });

  it('prints rows as a watch sees changes', async () => {
    const watcher = spawn(cp.kubectlPath, ['--kubeconfig', cp.kubeconfig, '-n', NS, 'get', 'configmaps', '-w'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    watcher.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await eventually(() => /^settings\s+2\s+\d+s/m.test(out), 'the initial rows');
      expect(headerOf(out)).toEqual(['NAME', 'DATA', 'AGE']);
      await kn('create', 'configmap', 'watched', '--from-literal=a=1', '--from-literal=b=2', '--from-literal=c=3');
      await eventually(() => /^watched\s+3\s+\d+s/m.test(out), 'the row of the new config map');
      // Later events carry no column definitions: kubectl must not print the header again.
      expect(out.match(/^NAME\s+DATA\s+AGE/gm)).toHaveLength(1);
    } finally {
      watcher.kill();
    }
  });
});
