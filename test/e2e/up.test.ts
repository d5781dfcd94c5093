// `flotilla up` as a user meets it: the running line, the kubeconfig, TLS with the generated
// CA, bearer authentication, the data-dir lock, restarts that keep credentials and data, and
// a clean stop on SIGTERM.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpsGet } from '../../cli/launcher/readiness.js';
import { spawnUp, startControlPlane, type ControlPlane } from '../helpers/control-plane.js';

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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** workerd processes whose parent is `parent` (Linux /proc; empty elsewhere). */
function workerdChildren(parent: number): number[] {
  if (!existsSync('/proc')) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      if (comm === 'workerd' && ppid === parent) pids.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return pids;
}

const token = (kubeconfig: string): string => /token: (\S+)/.exec(readFileSync(kubeconfig, 'utf8'))?.[1] ?? '';

describe('flotilla up', () => {
  let cp: ControlPlane;
  // Our own dir, so that it outlives stop() and the last test can look at what is left.
  const dataDir = join(mkdtempSync(join(tmpdir(), 'flotilla-up-')), 'data');
  beforeAll(async () => {
    const started = Date.now();
    cp = await startControlPlane({ dataDir });
    console.info(`cold start (fresh data dir, until running): ${Date.now() - started} ms`);
  });
  afterAll(async () => {
    await cp?.stop();
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('prints the running line and the export line only once /readyz answers', async () => {
    const out = cp.output();
    const ready = out.indexOf('✓ ready');
    const running = out.indexOf('Flotilla is running at');
    const exported = out.indexOf(`export KUBECONFIG=${cp.kubeconfig}`);
    expect(ready, out).toBeGreaterThan(-1);
    expect(running).toBeGreaterThan(ready);
    expect(exported).toBeGreaterThan(running);
    expect(cp.kubeconfig).toBe(join(cp.dataDir, 'karmada-apiserver.config'));
    expect(statSync(cp.kubeconfig).mode & 0o777).toBe(0o600);
    const res = await httpsGet(`${cp.url}/readyz`, cp.ca, 5_000);
    expect(res.status).toBe(200);
  });

  it('serves TLS for 127.0.0.1 and localhost from the generated CA', async () => {
    expect((await httpsGet(`${cp.url}/readyz`, cp.ca, 5_000)).status).toBe(200);
    expect((await httpsGet(`https://localhost:${cp.port}/readyz`, cp.ca, 5_000)).status).toBe(200);
    // Without our CA the chain does not verify.
    await expect(httpsGet(`${cp.url}/readyz`, '', 5_000)).rejects.toThrow(/certificate|self.signed|issuer/i);
  });

  it('gives kubectl a working kubeconfig', async () => {
    const version = JSON.parse((await cp.kubectl(['version', '-o', 'json'])).stdout) as {
      serverVersion?: { gitVersion?: string };
    };
    expect(version.serverVersion?.gitVersion).toMatch(/^v1\.33\./);
    const ns = await cp.kubectl(['get', 'namespaces', '-o', 'name']);
    expect(ns.stdout).toContain('namespace/default');
  });

  it('answers 401 without the bearer token or with a wrong one', async () => {
    const none = await httpsGet(`${cp.url}/api/v1/namespaces`, cp.ca, 5_000);
    expect(none.status).toBe(401);
    const wrong = await httpsGet(`${cp.url}/api/v1/namespaces`, cp.ca, 5_000, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const right = await httpsGet(`${cp.url}/api/v1/namespaces`, cp.ca, 5_000, {
      authorization: `Bearer ${token(cp.kubeconfig)}`,
    });
    expect(right.status).toBe(200);
  });

  it('keeps the plaintext admin token out of the data dir except in the kubeconfig', () => {
    const secret = token(cp.kubeconfig);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    for (const file of ['admin-token.sha256', 'token-signing.key', 'flotilla.lock']) {
      expect(readFileSync(join(cp.dataDir, file), 'utf8')).not.toContain(secret);
    }
  });

  it('refuses a second up on the same data dir, naming the pid and the dir', async () => {
    const second = spawnUp(['--data-dir', cp.dataDir, '--port', '0', '--members', '0']);
    const { code } = await second.exited;
    expect(code).toBe(1);
    expect(second.output()).toContain(`pid ${cp.pid}`);
    expect(second.output()).toContain(cp.dataDir);
    // The first one is untouched.
    expect(JSON.parse(readFileSync(join(cp.dataDir, 'flotilla.lock'), 'utf8')).pid).toBe(cp.pid);
    expect((await httpsGet(`${cp.url}/readyz`, cp.ca, 5_000)).status).toBe(200);
  });

  it('keeps the CA, the token, the kubeconfig and the data across a restart', async () => {
    await cp.kubectl(['create', 'namespace', 'survives-restart']);
    const before = {
      kubeconfig: readFileSync(cp.kubeconfig, 'utf8'),
      ca: readFileSync(join(cp.dataDir, 'pki/ca.crt'), 'utf8'),
      hash: readFileSync(join(cp.dataDir, 'admin-token.sha256'), 'utf8'),
      port: cp.port,
    };
    const started = Date.now();
    await cp.restart();
    const warm = Date.now() - started;
    expect(cp.port).toBe(before.port);
    expect(readFileSync(cp.kubeconfig, 'utf8')).toBe(before.kubeconfig);
    expect(readFileSync(join(cp.dataDir, 'pki/ca.crt'), 'utf8')).toBe(before.ca);
    expect(readFileSync(join(cp.dataDir, 'admin-token.sha256'), 'utf8')).toBe(before.hash);
    expect(cp.output()).toMatch(/CA reused/);
    expect(cp.output()).toMatch(/kubeconfig — unchanged/);
    const ns = await cp.kubectl(['get', 'namespace', 'survives-restart', '-o', 'name']);
    expect(ns.stdout.trim()).toBe('namespace/survives-restart');
    console.info(`warm restart (stop + start until running): ${warm} ms`);
  });

  it('stops everything on SIGTERM and exits 0', async () => {
    const apiPort = cp.port;
    const dbPort = Number(/libSQL server — http:\/\/127\.0\.0\.1:(\d+)/.exec(cp.output())?.[1]);
    expect(dbPort).toBeGreaterThan(0);
    const workerd = workerdChildren(cp.pid);
    if (existsSync('/proc')) expect(workerd.length).toBeGreaterThan(0);
    const lockFile = join(cp.dataDir, 'flotilla.lock');
    expect(existsSync(lockFile)).toBe(true);
    const code = await cp.stop();
    expect(code).toBe(0);
    expect(await portIsClosed(apiPort)).toBe(true);
    expect(await portIsClosed(dbPort)).toBe(true);
    for (const pid of workerd) expect(isAlive(pid), `workerd ${pid}`).toBe(false);
    expect(existsSync(lockFile)).toBe(false);
    // Miniflare's scratch folder (kept in the data dir, not /tmp) is gone too.
    expect(existsSync(join(cp.dataDir, 'cache/miniflare'))).toBe(false);
  });
});

describe('flotilla up on a fresh data dir', () => {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-up-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('takes over the lock of a dead pid, and reports a taken port clearly', async () => {
    const dataDir = join(root, 'stale');
    mkdirSync(dataDir, { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(dataDir, 'flotilla.lock'), JSON.stringify({ pid: dead, nonce: 'old', startedAt: '' }));
    const cp = await startControlPlane({ dataDir });
    try {
      expect(cp.output()).toContain(`took over the lock of pid ${dead}`);
      const other = join(root, 'other');
      const clash = spawnUp(['--data-dir', other, '--port', String(cp.port), '--members', '0']);
      const { code } = await clash.exited;
      expect(code).toBe(1);
      expect(clash.output()).toMatch(new RegExp(`port ${cp.port} on 127\\.0\\.0\\.1 is already in use`));
      expect(existsSync(join(other, 'flotilla.lock'))).toBe(false);
    } finally {
      expect(await cp.stop()).toBe(0);
    }
  });
});
