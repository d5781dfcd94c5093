// Cluster lifecycle through the CLI, as a user drives it: `flotilla join` (Push) and
// `flotilla token create` + `flotilla register` + `flotilla agent` (Pull) end with the cluster
// Ready in `kubectl get clusters` and receiving work (S30); `flotilla cordon` taints it (the
// cordon part of S19); `flotilla unjoin` removes the cluster, its execution namespace, its
// Works and its credentials (S34).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOTILLA_BIN, PROJECT_ROOT, startControlPlane, type ControlPlane } from '../helpers/control-plane.js';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
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
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('clusters: join, register, cordon, unjoin through the flotilla CLI', () => {
  let cp: ControlPlane;
  let agent: ChildProcess | undefined;
  let agentOutput = '';
  const scratch = mkdtempSync(join(tmpdir(), 'flotilla-clusters-'));
  const membersConfig = (): string => join(cp.dataDir, 'members.config');

  const flotilla = (args: string[]): Promise<CliResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [FLOTILLA_BIN, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, KUBECONFIG: cp.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? 1, stdout, stderr });
      });
    });
  const ok = async (args: string[]): Promise<string> => {
    const r = await flotilla(args);
    if (r.code !== 0) throw new Error(`flotilla ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const kubectl = async (args: string[], input?: string): Promise<string> => (await cp.kubectl(args, input !== undefined ? { input } : {})).stdout;
  const member = (context: string, args: string[]) => cp.kubectl(['--kubeconfig', membersConfig(), '--context', context, ...args], { allowFail: true });
  const clusterRow = async (name: string): Promise<string[] | undefined> => {
    const out = await kubectl(['get', 'clusters', '--no-headers']);
    return out.split('\n').map((l) => l.trim().split(/\s+/)).find((cols) => cols[0] === name);
  };
  const workManifest = (cluster: string, name: string) =>
    JSON.stringify({
      apiVersion: 'work.karmada.io/v1alpha1',
      kind: 'Work',
      metadata: { name, namespace: `karmada-es-${cluster}` },
      spec: { workload: { manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels: { 'karmada.io/managed': 'true' } }, data: { from: 'flotilla' } }] } },
    });

  /** Starts from a cluster not registered: `up` may have joined its members already. */
  const forget = async (name: string): Promise<void> => {
    if ((await cp.kubectl(['get', 'cluster', name], { allowFail: true })).code !== 0) return;
    await ok(['unjoin', name, '--cluster-kubeconfig', membersConfig(), '--cluster-context', name, '--timeout', '60s', '--force']);
  };

  beforeAll(async () => {
    cp = await startControlPlane({ members: 3, env: { FLOTILLA_SIM_POD_START_DELAY: '0.3' } });
  });
  afterAll(async () => {
    if (agent && agent.exitCode === null) {
      agent.kill('SIGTERM');
      await new Promise((r) => agent!.once('exit', r));
    }
    await cp?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('every cluster command answers --help', async () => {
    for (const c of ['join', 'unjoin', 'cordon', 'uncordon', 'taint', 'token', 'register', 'agent']) {
      const out = await ok([c, '--help']);
      expect(out).toContain(`Usage: flotilla ${c}`);
    }
    const usage = await flotilla(['join']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('NAME is required');
  });

  it('S30 flotilla join (Push): member2 becomes Ready with VERSION, MODE and READY columns', async () => {
    await forget('member2');
    const out = await ok(['join', 'member2', '--cluster-kubeconfig', membersConfig(), '--cluster-context', 'member2', '--region', 'r1', '--provider', 'sim', '--zones', 'z1,z2']);
    expect(out).toContain('cluster(member2) is joined successfully');
    const cluster = JSON.parse(await kubectl(['get', 'cluster', 'member2', '-o', 'json'])) as { spec: Record<string, unknown> };
    expect(cluster.spec).toMatchObject({
      syncMode: 'Push',
      secretRef: { namespace: 'karmada-cluster', name: 'member2' },
      impersonatorSecretRef: { namespace: 'karmada-cluster', name: 'member2-impersonator' },
      provider: 'sim',
      region: 'r1',
      zones: ['z1', 'z2'],
    });
    const secret = JSON.parse(await kubectl(['get', 'secret', '-n', 'karmada-cluster', 'member2', '-o', 'json'])) as { data: Record<string, string> };
    expect(Object.keys(secret.data).sort()).toEqual(['caBundle', 'token']);
    // The credential works against the member, and only through join's ServiceAccount.
    const token = Buffer.from(secret.data.token!, 'base64').toString();
    const me = await member('member2', ['--token', token, 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
    expect(me.stdout).toBe('system:serviceaccount:karmada-cluster:karmada-member2');

    const row = await eventually('member2 Ready in kubectl get clusters', async () => {
      const r = await clusterRow('member2');
      return r && r[3] === 'True' ? r : undefined;
    });
    expect(row).toEqual(['member2', 'v1.33.4', 'Push', 'True', expect.any(String)]);
    const again = await flotilla(['join', 'member2', '--cluster-kubeconfig', membersConfig(), '--cluster-context', 'member2']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
  });

  it('S30 flotilla register (Pull, bootstrap token) and flotilla agent: member3 becomes Ready and applies its Works', async () => {
    await forget('member3');
    const command = (await ok(['token', 'create', '--print-register-command', '--ttl', '1h'])).trim();
    const m = /^flotilla register (\S+) --token (\S+) --discovery-token-ca-cert-hash (sha256:[0-9a-f]{64}) /.exec(command);
    expect(m, command).not.toBeNull();
    const [, url, token, hash] = m!;
    const wrong = await flotilla(['register', url!, '--token', token!, '--discovery-token-ca-cert-hash', `sha256:${'0'.repeat(64)}`, '--cluster-name', 'member3', '--cluster-kubeconfig', membersConfig(), '--cluster-context', 'member3', '--print-only']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('matches none of --discovery-token-ca-cert-hash');

    const agentConfig = join(scratch, 'agent-member3.config');
    const registered = await ok(['register', url!, '--token', token!, '--discovery-token-ca-cert-hash', hash!, '--cluster-name', 'member3', '--cluster-kubeconfig', membersConfig(), '--cluster-context', 'member3', '--agent-kubeconfig', agentConfig, '--print-only']);
    expect(registered).toContain('cluster(member3) is registered (Pull)');
    expect(registered).toContain('flotilla agent --kubeconfig');

    agent = spawn(process.execPath, [FLOTILLA_BIN, 'agent', '--kubeconfig', agentConfig, '--cluster-name', 'member3', '--cluster-kubeconfig', membersConfig(), '--cluster-context', 'member3', '--cluster-status-update-frequency', '2s'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, KUBECONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    agent.stdout!.on('data', (d: Buffer) => (agentOutput += d.toString()));
    agent.stderr!.on('data', (d: Buffer) => (agentOutput += d.toString()));

    const row = await eventually('member3 Ready (Pull)', async () => {
      const r = await clusterRow('member3');
      return r && r[3] === 'True' ? r : undefined;
    }).catch((e: Error) => Promise.reject(new Error(`${e.message}\nagent:\n${agentOutput}`)));
    expect(row.slice(0, 4)).toEqual(['member3', 'v1.33.4', 'Pull', 'True']);
    const lease = JSON.parse(await kubectl(['get', 'lease', '-n', 'karmada-cluster', 'member3', '-o', 'json'])) as { spec: { renewTime?: string; leaseDurationSeconds?: number } };
    expect(lease.spec.leaseDurationSeconds).toBe(40);
    expect(Date.now() - Date.parse(lease.spec.renewTime ?? '')).toBeLessThan(30_000);

    await kubectl(['create', '-f', '-'], workManifest('member3', 'pulled'));
    await eventually('the agent applies the Work in member3', async () => {
      const r = await member('member3', ['get', 'configmap', 'pulled', '-n', 'default', '-o', 'jsonpath={.data.from}']);
      return r.code === 0 && r.stdout === 'flotilla' ? true : undefined;
    });
    await eventually('Work Applied=True', async () => {
      const applied = await kubectl(['get', 'work', '-n', 'karmada-es-member3', 'pulled', '-o', 'jsonpath={.status.conditions[?(@.type=="Applied")].status}']);
      return applied === 'True' ? true : undefined;
    });
    await kubectl(['delete', 'work', '-n', 'karmada-es-member3', 'pulled', '--timeout=60s']);
    await eventually('the agent removes what the Work placed', async () => ((await member('member3', ['get', 'configmap', 'pulled', '-n', 'default'])).code !== 0 ? true : undefined));
  });

  it('S19 flotilla cordon taints the cluster unschedulable; uncordon and taint change it as kubectl taint would', async () => {
    const taints = async () => JSON.parse((await kubectl(['get', 'cluster', 'member2', '-o', 'jsonpath={.spec.taints}'])) || '[]') as Array<{ key: string; effect: string; value?: string }>;
    expect(await ok(['cordon', 'member2'])).toContain('cluster/member2 cordoned');
    expect(await ok(['cordon', 'member2'])).toContain('cluster/member2 already cordoned');
    expect(await taints()).toContainEqual({ key: 'cluster.karmada.io/unschedulable', effect: 'NoSchedule' });
    expect(await ok(['taint', 'member2', 'dedicated=gpu:NoSchedule'])).toContain('cluster/member2 tainted');
    const clash = await flotilla(['taint', 'member2', 'dedicated=cpu:NoSchedule']);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain('--overwrite is false');
    expect(await ok(['taint', 'member2', 'dedicated-'])).toContain('cluster/member2 untainted');
    expect(await ok(['uncordon', 'member2'])).toContain('cluster/member2 uncordoned');
    expect((await taints()).filter((t) => t.key === 'cluster.karmada.io/unschedulable' || t.key === 'dedicated')).toEqual([]);
  });

  it('S34 flotilla unjoin removes the cluster, its execution namespace, its Works, its Secrets and its member credentials', async () => {
    await kubectl(['create', '-f', '-'], workManifest('member2', 'pushed'));
    await eventually('the Work reaches member2', async () => {
      const r = await member('member2', ['get', 'configmap', 'pushed', '-n', 'default']);
      return r.code === 0 ? true : undefined;
    });
    const out = await ok(['unjoin', 'member2', '--cluster-kubeconfig', membersConfig(), '--cluster-context', 'member2', '--timeout', '60s']);
    expect(out).toContain('cluster(member2) is unjoined successfully');
    expect((await member('member2', ['get', 'configmap', 'pushed', '-n', 'default'])).code).not.toBe(0);
    expect((await cp.kubectl(['get', 'cluster', 'member2'], { allowFail: true })).code).not.toBe(0);
    await eventually('karmada-es-member2 gone', async () => ((await cp.kubectl(['get', 'namespace', 'karmada-es-member2'], { allowFail: true })).code !== 0 ? true : undefined));
    expect(await kubectl(['get', 'secrets', '-n', 'karmada-cluster', '-o', 'name'])).not.toMatch(/secret\/member2(-impersonator)?\n/);
    expect((await member('member2', ['get', 'serviceaccount', '-n', 'karmada-cluster', 'karmada-member2'])).code).not.toBe(0);
    expect((await member('member2', ['get', 'clusterrole', 'system:karmada:karmada-member2'])).code).not.toBe(0);
    await eventually("member2's karmada-cluster namespace gone", async () => ((await member('member2', ['get', 'namespace', 'karmada-cluster'])).code !== 0 ? true : undefined));
  });
});
