import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { kubectlOk, startControlPlane, type ControlPlane } from '../helpers/control-plane.js';
import { spawn } from 'node:child_process';

/** Polls `fn` until it returns true or the deadline passes; no fixed sleeps. */
async function eventually(fn: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('kubectl against flotilla up', () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await startControlPlane();
  });
  afterAll(async () => {
    await cp?.stop();
  });

  const k = (...args: string[]) => kubectlOk(cp, args);
  const kFail = async (...args: string[]) => {
    const r = await cp.kubectl(args, { allowFail: true });
    expect(r.code, `kubectl ${args.join(' ')} should fail`).not.toBe(0);
    return r.stderr;
  };
  const json = async (...args: string[]) => JSON.parse(await k(...args, '-o', 'json'));

  it('creates namespaces, configmaps and deployments from imperative commands (protobuf bodies)', async () => {
    expect(await k('create', 'namespace', 'demo')).toContain('namespace/demo created');
    expect(await k('-n', 'demo', 'create', 'configmap', 'settings', '--from-literal=mode=fast', '--from-literal=level=3')).toContain('configmap/settings created');
    expect(await k('-n', 'demo', 'create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2')).toContain('deployment.apps/web created');
    const cm = await json('-n', 'demo', 'get', 'configmap', 'settings');
    expect(cm.data).toEqual({ mode: 'fast', level: '3' });
    const dep = await json('-n', 'demo', 'get', 'deployment', 'web');
    expect(dep.spec.replicas).toBe(2);
    expect(dep.spec.template.spec.containers[0].image).toBe('nginx:1.27');
    expect(dep.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(dep.metadata.generation).toBe(1);
  });

  it('creates from files, prints yaml, lists across namespaces', async () => {
    await k('create', '-f', 'samples/basics/configmap.yaml');
    const yaml = await k('get', 'configmap', 'app-config', '-o', 'yaml');
    expect(yaml).toContain('LOG_LEVEL: info');
    expect(yaml).toMatch(/resourceVersion: "\d+"/);
    const all = await k('get', 'configmaps', '-A');
    expect(all).toMatch(/default\s+app-config/);
    expect(all).toMatch(/demo\s+settings/);
  });

  it('labels, annotates and selects by label', async () => {
    await k('-n', 'demo', 'label', 'configmap', 'settings', 'tier=backend');
    await k('-n', 'demo', 'annotate', 'configmap', 'settings', 'owner=team-a');
    await k('-n', 'demo', 'create', 'configmap', 'other', '--from-literal=x=y');
    const cm = await json('-n', 'demo', 'get', 'configmap', 'settings');
    expect(cm.metadata.labels).toEqual({ tier: 'backend' });
    expect(cm.metadata.annotations).toMatchObject({ owner: 'team-a' });
    const names = (await k('-n', 'demo', 'get', 'configmaps', '-l', 'tier=backend', '-o', 'name')).trim().split('\n');
    expect(names).toEqual(['configmap/settings']);
    const notBackend = (await k('-n', 'demo', 'get', 'configmaps', '-l', 'tier!=backend', '-o', 'name')).trim().split('\n');
    expect(notBackend).toContain('configmap/other');
    expect(notBackend).not.toContain('configmap/settings');
  });

  it('refuses a replace with a stale resourceVersion', async () => {
    const cm = await json('-n', 'demo', 'get', 'configmap', 'other');
    await k('-n', 'demo', 'label', 'configmap', 'other', 'bump=1');
    cm.data = { x: 'stale' };
    const r = await cp.kubectl(['replace', '-f', '-'], { input: JSON.stringify(cm), allowFail: true });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('the object has been modified; please apply your changes to the latest version and try again');
    expect((await json('-n', 'demo', 'get', 'configmap', 'other')).data).toEqual({ x: 'y' });
  });

  it('scales a deployment through its scale subresource', async () => {
    expect(await k('-n', 'demo', 'scale', 'deployment', 'web', '--replicas=4')).toContain('deployment.apps/web scaled');
    const dep = await json('-n', 'demo', 'get', 'deployment', 'web');
    expect(dep.spec.replicas).toBe(4);
    expect(dep.metadata.generation).toBe(2);
    const scale = JSON.parse(await k('get', '--raw', '/apis/apps/v1/namespaces/demo/deployments/web/scale'));
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 4 } });
    await k('-n', 'demo', 'scale', 'deployment', 'web', '--replicas=2');
  });

  it('lists in chunks', async () => {
    for (let i = 0; i < 5; i++) await k('-n', 'demo', 'create', 'configmap', `chunk-${i}`, `--from-literal=i=${i}`);
    const chunked = (await k('-n', 'demo', 'get', 'configmaps', '--chunk-size=2', '-o', 'name')).trim().split('\n');
    const whole = (await k('-n', 'demo', 'get', 'configmaps', '-o', 'name')).trim().split('\n');
    expect(chunked).toEqual(whole);
    expect(chunked.filter((n) => n.startsWith('configmap/chunk-'))).toHaveLength(5);
  });

  it('watches ADDED, MODIFIED and DELETED events', async () => {
    const watcher = spawn(cp.kubectlPath, ['--kubeconfig', cp.kubeconfig, '-n', 'demo', 'get', 'configmaps', '-w', '--output-watch-events', '-o', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    watcher.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      // The initial list arrives as ADDED events; wait for it before changing anything.
      await eventually(async () => out.includes('"ADDED"'), 'the initial ADDED events');
      await k('-n', 'demo', 'create', 'configmap', 'watched', '--from-literal=a=1');
      await k('-n', 'demo', 'label', 'configmap', 'watched', 'seen=yes');
      await k('-n', 'demo', 'delete', 'configmap', 'watched');
      await eventually(async () => /"type":\s*"DELETED"[\s\S]*?"name":\s*"watched"/.test(out), 'the DELETED event for watched');
      expect(out).toMatch(/"type":\s*"MODIFIED"/);
    } finally {
      watcher.kill();
    }
  });

  it('delete --wait returns once the object is gone', async () => {
    await k('-n', 'demo', 'create', 'configmap', 'doomed', '--from-literal=a=1');
    await k('-n', 'demo', 'delete', 'configmap', 'doomed', '--wait=true');
    expect(await kFail('-n', 'demo', 'get', 'configmap', 'doomed')).toContain('NotFound');
  });

  it('foreground deletion of an owner removes its dependents first', async () => {
    const owner = await json('-n', 'demo', 'get', 'configmap', 'settings');
    const dependent = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'settings-child',
        namespace: 'demo',
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', uid: owner.metadata.uid, blockOwnerDeletion: true }],
      },
      data: { a: '1' },
    };
    await cp.kubectl(['create', '-f', '-'], { input: JSON.stringify(dependent) });
    await k('-n', 'demo', 'delete', 'configmap', 'settings', '--cascade=foreground', '--wait=true');
    expect(await kFail('-n', 'demo', 'get', 'configmap', 'settings-child')).toContain('NotFound');
    expect(await kFail('-n', 'demo', 'get', 'configmap', 'settings')).toContain('NotFound');
  });

  it('deleting a namespace removes its contents, then the namespace', async () => {
    await k('create', 'namespace', 'scratch');
    await k('-n', 'scratch', 'create', 'configmap', 'a', '--from-literal=a=1');
    await k('-n', 'scratch', 'create', 'secret', 'generic', 's', '--from-literal=k=v');
    await k('delete', 'namespace', 'scratch', '--wait=true', '--timeout=60s');
    expect(await kFail('get', 'namespace', 'scratch')).toContain('NotFound');
    expect(await k('get', 'configmaps', '-A', '-o', 'name', '--field-selector', 'metadata.namespace=scratch')).toBe('');
  });

  it('refuses requests without a valid token', async () => {
    // --token overrides the kubeconfig's admin token.
    const r = await cp.kubectl(['get', 'ns', '--token', 'not-the-token'], { allowFail: true });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Unauthorized|provide credentials/);
  });

  it('keeps every object across a restart', async () => {
    const before = await k('get', 'configmaps', '-A', '-o', 'name');
    await cp.restart();
    expect(await k('get', 'configmaps', '-A', '-o', 'name')).toBe(before);
    expect((await json('-n', 'demo', 'get', 'deployment', 'web')).spec.replicas).toBe(2);
  });
});
