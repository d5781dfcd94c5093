import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.js';

// Client-side `kubectl apply`, `patch`, `edit`, `diff` and `replace` against Flotilla: apply
// sends strategic merge patches with $setElementOrder and `$patch: delete` items computed
// from the last-applied annotation, so list items someone else added must survive it.

interface Container {
  name: string;
  image: string;
  env?: Array<{ name: string; value: string }>;
  ports?: Array<{ containerPort: number; name?: string; protocol?: string }>;
}

const NS = 'apply-demo';

function deployment(containers: Container[], replicas = 1): string {
  return stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: NS, labels: { app: 'web' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers } },
    },
  });
}

const app = (image: string, env: Record<string, string>): Container => ({
  name: 'app',
  image,
  env: Object.entries(env).map(([name, value]) => ({ name, value })),
  ports: [{ containerPort: 80, name: 'http' }],
});
const sidecar: Container = { name: 'sidecar', image: 'proxy:1' };

describe('client-side kubectl apply, patch, edit, diff and replace', () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await startControlPlane();
    await k('create', 'namespace', NS);
  });
  afterAll(async () => {
    await cp?.stop();
  });

  async function k(...args: string[]): Promise<string> {
    return (await cp.kubectl(args)).stdout;
  }
  const apply = async (manifest: string) => (await cp.kubectl(['apply', '-f', '-'], { input: manifest })).stdout;
  const get = async (): Promise<any> => JSON.parse(await k('-n', NS, 'get', 'deployment', 'web', '-o', 'json'));
  const containers = async (): Promise<Container[]> => (await get()).spec.template.spec.containers;
  const ports = (c: Container): string[] => (c.ports ?? []).map((p) => `${p.containerPort}/${p.name ?? ''}`);
  const byName = (list: Container[], name: string): Container => {
    const c = list.find((x) => x.name === name);
    if (!c) throw new Error(`no container ${name} in ${JSON.stringify(list)}`);
    return c;
  };

  /** `kubectl edit` with a sed script as the editor. */
  function edit(sedScript: string): Promise<{ code: number; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(cp.kubectlPath, ['--kubeconfig', cp.kubeconfig, '-n', NS, 'edit', 'deployment', 'web'], {
        env: { ...process.env, KUBE_EDITOR: `sed -i -e '${sedScript}'` },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
    });
  }

  it('applies three times, keeping list items others added and following the manifest’s removals and order', async () => {
    expect(await apply(deployment([app('app:1', { MODE: 'fast', DEBUG: '1' }), sidecar]))).toContain('deployment.apps/web created');

    // Between applies someone else adds a metrics port with `kubectl patch` (strategic: merged
    // into the container by name, into its ports by containerPort). The last-applied
    // annotation does not know it, so no later apply may remove it.
    await k('-n', NS, 'patch', 'deployment', 'web', '-p', JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'app', ports: [{ containerPort: 9090, name: 'metrics' }] }] } } } }));
    expect(ports(byName(await containers(), 'app'))).toEqual(['9090/metrics', '80/http']);

    // Second apply: DEBUG removed from the manifest, image bumped.
    expect(await apply(deployment([app('app:2', { MODE: 'fast' }), sidecar]))).toContain('deployment.apps/web configured');
    let list = await containers();
    expect(list.map((c) => c.name)).toEqual(['app', 'sidecar']);
    expect(byName(list, 'app').image).toBe('app:2');
    expect(byName(list, 'app').env).toEqual([{ name: 'MODE', value: 'fast' }]);
    expect(ports(byName(list, 'app'))).toEqual(['9090/metrics', '80/http']);

    // Third apply: containers reordered, a variable added.
    expect(await apply(deployment([sidecar, app('app:2', { MODE: 'fast', LEVEL: '3' })]))).toContain('deployment.apps/web configured');
    list = await containers();
    expect(list.map((c) => c.name)).toEqual(['sidecar', 'app']);
    expect(byName(list, 'app').env).toEqual([
      { name: 'MODE', value: 'fast' },
      { name: 'LEVEL', value: '3' },
    ]);
    expect(ports(byName(list, 'app'))).toEqual(['9090/metrics', '80/http']);

    // The same manifest again: kubectl still sends `$setElementOrder/ports` (the live ports are
    // not in the manifest's order) and says "configured", but the server writes nothing.
    const rv = (await get()).metadata.resourceVersion;
    expect(await apply(deployment([sidecar, app('app:2', { MODE: 'fast', LEVEL: '3' })]))).toContain('deployment.apps/web');
    expect((await get()).metadata.resourceVersion).toBe(rv);
  });

  it('patches containers by name with the default strategic type, with --type=json and --type=merge, and through kubectl edit', async () => {
    await k('-n', NS, 'patch', 'deployment', 'web', '-p', JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'proxy:3' }] } } } }));
    let list = await containers();
    expect(list.map((c) => [c.name, c.image])).toEqual([
      ['sidecar', 'proxy:3'],
      ['app', 'app:2'],
    ]);

    await k('-n', NS, 'patch', 'deployment', 'web', '--type=json', '-p', JSON.stringify([{ op: 'replace', path: '/spec/replicas', value: 2 }]));
    expect((await get()).spec.replicas).toBe(2);

    await k('-n', NS, 'patch', 'deployment', 'web', '--type=merge', '-p', JSON.stringify({ metadata: { labels: { tier: 'front' } } }));
    expect((await get()).metadata.labels).toEqual({ app: 'web', tier: 'front' });

    // `kubectl edit` sends a two-way strategic merge patch of what the editor changed.
    const edited = await edit('s/image: proxy:3/image: proxy:4/');
    expect(edited.code, edited.stderr).toBe(0);
    expect(byName(await containers(), 'sidecar').image).toBe('proxy:4');
    expect(byName(await containers(), 'app').env).toHaveLength(2);

    // A merge patch replaces lists whole; a strategic one can delete a single item.
    await k('-n', NS, 'patch', 'deployment', 'web', '-p', JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } }));
    list = await containers();
    expect(list.map((c) => c.name)).toEqual(['app']);

    const bad = await cp.kubectl(['-n', NS, 'patch', 'deployment', 'web', '-p', JSON.stringify({ spec: { template: { spec: { containers: [{ image: 'x' }] } } } })], { allowFail: true });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('does not contain declared merge key: name');
  });

  it('diffs a changed manifest without changing the object (server dry-run)', async () => {
    const before = await get();
    const r = await cp.kubectl(['diff', '-f', '-'], { input: deployment([sidecar, app('app:3', { MODE: 'slow' })]), allowFail: true });
    // kubectl diff exits 1 when there are differences, >1 on errors.
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^-\s+image: app:2$/m);
    expect(r.stdout).toMatch(/^\+\s+image: app:3$/m);
    expect(r.stdout).toMatch(/^\+\s+value: slow$/m);
    const after = await get();
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(byName(after.spec.template.spec.containers, 'app').image).toBe('app:2');
  });

  it('replaces the whole object with kubectl replace -f', async () => {
    const out = await cp.kubectl(['replace', '-f', '-'], { input: deployment([app('app:4', { ONLY: 'me' })], 3) });
    expect(out.stdout).toContain('deployment.apps/web replaced');
    const obj = await get();
    expect(obj.spec.replicas).toBe(3);
    expect(obj.spec.template.spec.containers).toHaveLength(1);
    expect(obj.spec.template.spec.containers[0].env).toEqual([{ name: 'ONLY', value: 'me' }]);
    expect(ports(obj.spec.template.spec.containers[0])).toEqual(['80/http']);
  });

  it('answers a strategic merge patch of a custom resource (Karmada’s kinds) with 415, as kube-apiserver does', async () => {
    const policy = stringify({
      apiVersion: 'policy.karmada.io/v1alpha1',
      kind: 'PropagationPolicy',
      metadata: { name: 'web', namespace: NS },
      spec: {
        resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }],
        placement: { clusterAffinity: { clusterNames: ['member1'] } },
      },
    });
    expect(await apply(policy)).toContain('propagationpolicy.policy.karmada.io/web created');
    const smp = await cp.kubectl(['-n', NS, 'patch', 'propagationpolicies.policy.karmada.io', 'web', '-p', '{"spec":{"priority":3}}'], { allowFail: true });
    expect(smp.code).not.toBe(0);
    expect(smp.stderr).toContain('application/strategic-merge-patch+json is not supported by policy.karmada.io/v1alpha1, Kind=PropagationPolicy');
    await k('-n', NS, 'patch', 'propagationpolicies.policy.karmada.io', 'web', '--type=merge', '-p', '{"spec":{"priority":3}}');
    // Client-side apply of a kind kubectl has no Go type for falls back to a JSON merge patch.
    expect(await apply(policy.replace('member1', 'member2'))).toContain('propagationpolicy.policy.karmada.io/web configured');
    const got = JSON.parse(await k('-n', NS, 'get', 'propagationpolicies.policy.karmada.io', 'web', '-o', 'json'));
    expect(got.spec.priority).toBe(3);
    expect(got.spec.placement.clusterAffinity.clusterNames).toEqual(['member2']);
  });
});
