// `flotilla up --members N` as a user meets it: DIR/members.config with a context per member
// that works with the real kubectl, simulated workloads that behave like a cluster's
// (Deployments get Running pods and READY n/n, pods beyond capacity stay Pending, Jobs
// complete), and a restart with fewer members that drops the others and keeps the rest.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startControlPlane, type ControlPlane, type KubectlResult } from '../helpers/control-plane.js';

interface Kubeconfig {
  clusters: Array<{ name: string; cluster: { server: string } }>;
  contexts: Array<{ name: string; context: { cluster: string; user: string } }>;
  users: Array<{ name: string; user: { token: string } }>;
}

function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/**
 * A port P with P…P+n-1 free, below the ephemeral range (32768+): members listen on the ports
 * after the API's, and there an outgoing connection of any process could take one first.
 */
async function freePortBlock(n: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 10_000);
    const free = await Promise.all(Array.from({ length: n }, (_, i) => portIsClosed(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no block of free ports found');
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last: ${last})` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('flotilla up --members', () => {
  let cp: ControlPlane;
  const dataDir = join(mkdtempSync(join(tmpdir(), 'flotilla-members-')), 'data');
  const membersConfig = join(dataDir, 'members.config');
  const member = (context: string, args: string[], opts: { input?: string; allowFail?: boolean } = {}): Promise<KubectlResult> =>
    cp.kubectl(['--kubeconfig', membersConfig, '--context', context, ...args], opts);
  const json = async <T>(context: string, args: string[]): Promise<T> => JSON.parse((await member(context, [...args, '-o', 'json'])).stdout) as T;

  beforeAll(async () => {
    cp = await startControlPlane({
      dataDir,
      port: await freePortBlock(3),
      members: 2,
      env: { FLOTILLA_SIM_POD_START_DELAY: '0.5', FLOTILLA_SIM_JOB_DURATION: '1' },
    });
  });
  afterAll(async () => {
    await cp?.stop();
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('writes DIR/members.config with a working context per member, on the ports after the API', async () => {
    expect(cp.output()).toMatch(/^ {2}members: {5}member1, member2 \(simulated: nothing runs\)/m);
    const config = parse(readFileSync(membersConfig, 'utf8')) as Kubeconfig;
    expect(config.contexts.map((c) => c.name)).toEqual(['member1', 'member2']);
    expect(config.clusters.map((c) => c.cluster.server)).toEqual([`https://127.0.0.1:${cp.port + 1}`, `https://127.0.0.1:${cp.port + 2}`]);
    const recorded = JSON.parse(readFileSync(join(dataDir, 'members/members.json'), 'utf8')) as { members: Array<Record<string, unknown>> };
    expect(recorded.members.map(({ name, labels, region, provider }) => ({ name, labels, region, provider }))).toEqual([
      { name: 'member1', labels: { location: 'east' }, region: 'r1', provider: 'sim' },
      { name: 'member2', labels: { location: 'west' }, region: 'r1', provider: 'sim' },
    ]);
    for (const context of ['member1', 'member2']) {
      const nodes = await json<{ items: Array<{ metadata: { name: string }; status: { conditions: Array<{ type: string; status: string }> } }> }>(context, [
        'get',
        'nodes',
      ]);
      expect(nodes.items.map((n) => n.metadata.name)).toEqual([`${context}-node-1`, `${context}-node-2`]);
      expect(nodes.items.every((n) => n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'))).toBe(true);
    }
    // Each member has its own token: member1's does not open member2.
    const wrong = await cp.kubectl(
      ['--server', config.clusters[1]!.cluster.server, '--token', config.users[0]!.user.token, '--certificate-authority', join(dataDir, 'pki/ca.crt'), 'get', 'ns'],
      { allowFail: true },
    );
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/Unauthorized|must be logged in/);
  });

  it('runs a Deployment: pods bind and turn Running, and the Deployment shows READY 3/3', async () => {
    await member('member1', ['create', 'deployment', 'web', '--image=nginx', '--replicas=3']);
    await eventually('deployment web ready', async () => {
      const d = await json<{ status?: { readyReplicas?: number } }>('member1', ['get', 'deployment', 'web']);
      return d.status?.readyReplicas === 3 ? d : undefined;
    });
    const pods = await json<{ items: Array<{ spec: { nodeName?: string }; status: { phase: string; podIP?: string } }> }>('member1', ['get', 'pods', '-l', 'app=web']);
    expect(pods.items.map((p) => p.status.phase)).toEqual(['Running', 'Running', 'Running']);
    expect(pods.items.every((p) => /^member1-node-\d$/.test(p.spec.nodeName ?? '') && /^10\.1\./.test(p.status.podIP ?? ''))).toBe(true);
    const table = (await member('member1', ['get', 'deployment', 'web'])).stdout;
    expect(table).toMatch(/^web\s+3\/3\s+3\s+3\s/m);
    // member2 is another cluster: none of this is there.
    expect((await member('member2', ['get', 'deployments'])).stdout + (await member('member2', ['get', 'deployments'])).stderr).toMatch(/No resources found/);
  });

  it('leaves pods beyond the nodes\' capacity Pending, saying why', async () => {
    // Two nodes of 4 cpu: two pods asking 3 cpu each fit, two more do not.
    const big = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'big', namespace: 'default' },
      spec: {
        replicas: 4,
        selector: { matchLabels: { app: 'big' } },
        template: { metadata: { labels: { app: 'big' } }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '3' } } }] } },
      },
    };
    await member('member2', ['create', '-f', '-'], { input: JSON.stringify(big) });
    type Pod = { spec: { nodeName?: string }; status: { phase: string; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> } };
    const pods = await eventually('2 Running and 2 Pending', async () => {
      const list = await json<{ items: Pod[] }>('member2', ['get', 'pods', '-l', 'app=big']);
      const running = list.items.filter((p) => p.status.phase === 'Running');
      const pending = list.items.filter((p) => p.status.phase === 'Pending' && p.status.conditions?.some((c) => c.reason === 'Unschedulable'));
      return running.length === 2 && pending.length === 2 ? { running, pending } : undefined;
    });
    expect(new Set(pods.running.map((p) => p.spec.nodeName))).toEqual(new Set(['member2-node-1', 'member2-node-2']));
    for (const p of pods.pending) {
      expect(p.spec.nodeName).toBeUndefined();
      expect(p.status.conditions?.find((c) => c.type === 'PodScheduled')?.message).toBe('0/2 nodes are available: 2 Insufficient cpu.');
    }
    const d = await json<{ status: { readyReplicas?: number; unavailableReplicas?: number } }>('member2', ['get', 'deployment', 'big']);
    expect(d.status).toMatchObject({ readyReplicas: 2, unavailableReplicas: 2 });
  });

  it('completes a Job after the configured duration (kubectl wait watches it)', async () => {
    await member('member1', ['create', 'job', 'pi', '--image=busybox']);
    const waited = await member('member1', ['wait', '--for=condition=complete', 'job/pi', '--timeout=60s']);
    expect(waited.stdout).toMatch(/job\.batch\/pi condition met/);
    const job = await json<{ status: { succeeded?: number; completionTime?: string } }>('member1', ['get', 'job', 'pi']);
    expect(job.status.succeeded).toBe(1);
    expect(job.status.completionTime).toBeTruthy();
    const pods = await json<{ items: Array<{ status: { phase: string } }> }>('member1', ['get', 'pods', '-l', 'job-name=pi']);
    expect(pods.items.map((p) => p.status.phase)).toEqual(['Succeeded']);
  });

  it('a restart with --members 1 removes member2, its data and its port, and keeps member1 as it was', async () => {
    const member2Port = cp.port + 2;
    await cp.restart({ members: 1 });
    expect(cp.output()).toMatch(/member set — 1 member, removed member2/);
    const config = parse(readFileSync(membersConfig, 'utf8')) as Kubeconfig;
    expect(config.contexts.map((c) => c.name)).toEqual(['member1']);
    expect(existsSync(join(dataDir, 'members/member2'))).toBe(false);
    expect(await portIsClosed(member2Port)).toBe(true);
    const d = await json<{ status?: { readyReplicas?: number } }>('member1', ['get', 'deployment', 'web']);
    expect(d.status?.readyReplicas).toBe(3);
    expect((await json<{ items: unknown[] }>('member1', ['get', 'pods', '-l', 'app=web'])).items).toHaveLength(3);

    // Stopping `up` stops the member host with it.
    const member1Port = cp.port + 1;
    await cp.restart({ members: 0 });
    expect(await portIsClosed(member1Port)).toBe(true);
    expect(existsSync(membersConfig)).toBe(false);
  });
});
