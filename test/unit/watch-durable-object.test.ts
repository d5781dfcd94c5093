import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { launchControlPlane, PROJECT_ROOT, type ControlPlane } from '../../cli/launcher/launch.js';
import type { StatusReporter } from '../../cli/launcher/status.js';
import { readWranglerConfig } from '../../cli/launcher/wrangler-config.js';

/**
 * The workerd path of the watch fan-out, as `flotilla up` runs it: the worker under Miniflare
 * with its WatchHubObject Durable Object bound, each commit notifying the object, and each
 * watch relayed from it.
 */
const quiet: StatusReporter = { step: (_label, fn) => fn(), info: () => undefined, warn: () => undefined };

describe('watches through the Durable Object (workerd via Miniflare)', () => {
  let scratch: string;
  let plane: ControlPlane;
  let token: string;
  let ca: string;
  const abort = new AbortController();

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'flotilla-watch-do-'));
    plane = await launchControlPlane({
      dataDir: join(scratch, 'data'),
      port: 0,
      cronIntervalMs: 60_000,
      readyTimeoutMs: 60_000,
      verbose: false,
      reporter: quiet,
      signal: abort.signal,
      onWorkerOutput: () => undefined,
    });
    token = (parse(readFileSync(plane.kubeconfig, 'utf8')) as { users: Array<{ user: { token: string } }> }).users[0]!.user.token;
    ca = readFileSync(join(plane.dataDir, 'pki', 'ca.crt'), 'utf8');
  }, 120_000);
  afterAll(async () => {
    await plane?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  const options = (method: string, path: string): RequestOptions => ({
    host: '127.0.0.1',
    port: plane.port,
    method,
    path,
    ca,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
  });

  function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    return new Promise((resolve, reject) => {
      const req = request(options(method, path), (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  /** Opens a watch; `events` fills as lines arrive, `until(n)` waits for n of them. */
  function watch(path: string): Promise<{ events: any[]; until(n: number): Promise<void>; close(): void }> {
    return new Promise((resolve, reject) => {
      const events: any[] = [];
      const waiters = new Set<() => void>();
      const req = request(options('GET', path), (res) => {
        if (res.statusCode !== 200) return reject(new Error(`watch answered ${res.statusCode}`));
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          buf += d;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (line.trim()) events.push(JSON.parse(line));
          }
          for (const w of waiters) w();
        });
        res.on('error', () => undefined);
        resolve({
          events,
          until: (n) =>
            new Promise<void>((done, fail) => {
              if (events.length >= n) return done();
              const timer = setTimeout(() => fail(new Error(`got ${JSON.stringify(events.map((e) => e.type))}, wanted ${n}`)), 20_000);
              const check = (): void => {
                if (events.length < n) return;
                clearTimeout(timer);
                waiters.delete(check);
                done();
              };
              waiters.add(check);
            }),
          close: () => req.destroy(),
        });
      });
      req.on('error', () => undefined);
      req.end();
    });
  }

  it('is what wrangler.toml binds, so Miniflare and Cloudflare run the same class', () => {
    expect(readWranglerConfig(join(PROJECT_ROOT, 'wrangler.toml')).durableObjects).toEqual([{ binding: 'WATCH_HUB', className: 'WatchHubObject' }]);
  });

  it('delivers every change to every watch, in order, filtered by selector, with enter and leave events', async () => {
    expect((await call('POST', '/api/v1/namespaces', { metadata: { name: 'wdo' } })).status).toBe(201);
    const base = '/api/v1/namespaces/wdo/configmaps';
    const rv = (await call('GET', base)).body.metadata.resourceVersion as string;
    const all = await Promise.all([1, 2, 3].map(() => watch(`${base}?watch=true&resourceVersion=${rv}`)));
    const odd = await watch(`${base}?watch=true&resourceVersion=${rv}&labelSelector=tier%3Dodd`);
    const a = await call('POST', base, { metadata: { name: 'a', labels: { tier: 'odd' } } });
    await call('POST', base, { metadata: { name: 'b', labels: { tier: 'even' } } });
    const a2 = await call('PUT', `${base}/a`, { ...a.body, metadata: { ...a.body.metadata, labels: { tier: 'even' } } });
    expect(a2.status).toBe(200);
    await call('DELETE', `${base}/b`);
    for (const w of all) {
      await w.until(4);
      expect(w.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED a', 'ADDED b', 'MODIFIED a', 'DELETED b']);
      const revisions = w.events.map((e) => Number(e.object.metadata.resourceVersion));
      expect([...revisions].sort((x, y) => x - y)).toEqual(revisions);
      expect(new Set(revisions).size).toBe(4);
    }
    await odd.until(2);
    // a entered the selector, then left it: ADDED, then DELETED for this watcher.
    expect(odd.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED a', 'DELETED a']);
    for (const w of [...all, odd]) w.close();
  });

  it('replays current objects for resourceVersion=0, then follows live changes', async () => {
    const base = '/api/v1/namespaces/wdo/configmaps';
    const w = await watch(`${base}?watch=true&resourceVersion=0`);
    await w.until(1);
    expect(w.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED a']);
    await call('POST', base, { metadata: { name: 'c' } });
    await w.until(2);
    expect(w.events[1]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'c' } } });
    w.close();
  });
});
