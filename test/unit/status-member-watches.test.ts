// The member watches of the Node side: which gateway traffic starts a watch, what an event
// means (a status refresh or drift), batching into the worker's member-events route, resuming
// after a 410, stopping when idle; and the worker's route itself.

import { afterEach, describe, expect, it } from 'vitest';
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDrift, watchCollectionOf, workKeyOf } from '../../cli/member-gateway/watch-targets.js';
import { MemberWatches, type MemberRoute, type OpenedStream } from '../../cli/member-gateway/member-watches.js';
import { createMemberGateway } from '../../cli/member-gateway/gateway.js';
import { encodeGatewayEndpoint, GATEWAY_ENDPOINT_HEADER } from '../../shared/member/gateway-protocol.js';
import { handleMemberEvents } from '../../functions/member-events.js';
import { MEMBER_EVENTS_PATH, type MemberEvents } from '../../shared/member/member-events.js';
import { sha256Hex } from '../../shared/service-account-token.js';
import type { KubeObject } from '../../shared/object.js';

describe('watchCollectionOf', () => {
  it.each([
    ['PATCH', '/apis/apps/v1/namespaces/default/deployments/nginx?fieldManager=flotilla&force=true', '/apis/apps/v1/deployments'],
    ['PATCH', '/api/v1/namespaces/default/configmaps/c?fieldManager=flotilla', '/api/v1/configmaps'],
    ['PATCH', '/api/v1/namespaces/demo?fieldManager=flotilla', '/api/v1/namespaces'],
    ['PATCH', '/apis/rbac.authorization.k8s.io/v1/clusterroles/r?fieldManager=flotilla', '/apis/rbac.authorization.k8s.io/v1/clusterroles'],
    ['GET', '/apis/apps/v1/deployments?limit=500&labelSelector=karmada.io%2Fmanaged%3Dtrue', '/apis/apps/v1/deployments'],
    ['GET', '/api/v1/services?labelSelector=app%3Dx%2Ckarmada.io%2Fmanaged%3Dtrue', '/api/v1/services'],
    ['GET', '/apis/example.io/v1/namespaces/ns/widgets/w/status?labelSelector=karmada.io%2Fmanaged%3Dtrue', '/apis/example.io/v1/widgets'],
  ])('%s %s watches %s', (method, path, want) => {
    expect(watchCollectionOf(method, path)).toBe(want);
  });

  it.each([
    ['GET', '/api/v1/nodes'],
    ['GET', '/readyz'],
    ['GET', '/apis/apps/v1'],
    ['GET', '/api/v1/namespaces/default/pods/p'],
    ['PATCH', '/apis/apps/v1/namespaces/default/deployments/nginx?fieldManager=kubectl'],
    ['GET', '/apis/apps/v1/deployments?watch=1&labelSelector=karmada.io%2Fmanaged%3Dtrue'],
    ['GET', '/apis/apps/v1/deployments?labelSelector=karmada.io%2Fmanaged%3Dfalse'],
    ['DELETE', '/apis/apps/v1/namespaces/default/deployments/nginx'],
  ])('%s %s watches nothing', (method, path) => {
    expect(watchCollectionOf(method, path)).toBeUndefined();
  });
});

function obj(opts: { uid?: string; generation?: number; templateGeneration?: string; work?: boolean; rv?: string; deleting?: boolean } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'nginx',
      namespace: 'default',
      uid: opts.uid ?? 'u1',
      resourceVersion: opts.rv ?? '1',
      ...(opts.generation !== undefined ? { generation: opts.generation } : {}),
      annotations: {
        ...(opts.work === false ? {} : { 'work.karmada.io/namespace': 'karmada-es-member1', 'work.karmada.io/name': 'nginx-687f7fb96f' }),
        ...(opts.templateGeneration ? { 'resourcetemplate.karmada.io/generation': opts.templateGeneration } : {}),
      },
    },
  };
}

describe('what a watch event means', () => {
  it('names the Work from the annotations execution stamps', () => {
    expect(workKeyOf(obj())).toBe('karmada-es-member1/nginx-687f7fb96f');
    expect(workKeyOf(obj({ work: false }))).toBeUndefined();
  });

  it('calls a deletion, or a spec change that did not come with a new template generation, drift', () => {
    const before = { generation: 2, templateGeneration: '3' };
    expect(isDrift('DELETED', before, obj())).toBe(true);
    expect(isDrift('DELETED', undefined, obj())).toBe(true);
    expect(isDrift('MODIFIED', before, obj({ generation: 3, templateGeneration: '3' }))).toBe(true);
    // Flotilla's own apply moves both; a status change moves neither.
    expect(isDrift('MODIFIED', before, obj({ generation: 3, templateGeneration: '4' }))).toBe(false);
    expect(isDrift('MODIFIED', before, obj({ generation: 2, templateGeneration: '3' }))).toBe(false);
    expect(isDrift('MODIFIED', undefined, obj({ generation: 9 }))).toBe(false);
    expect(isDrift('ADDED', before, obj({ generation: 3, templateGeneration: '3' }))).toBe(false);
  });
});

/** A member collection as the watches see it: a list answer and a watch stream the test writes to. */
class FakeMember {
  readonly requests: Array<{ cluster: string; auth?: string; path: string }> = [];
  listRv = '10';
  items: KubeObject[] = [];
  watchStatus = 200;
  private streams: Array<{ push(s: string): void; end(): void }> = [];
  private waiters: Array<() => void> = [];

  open = async (route: MemberRoute, path: string, signal: AbortSignal): Promise<OpenedStream> => {
    this.requests.push({ cluster: route.endpoint.cluster, ...(route.authorization ? { auth: route.authorization } : {}), path });
    if (!path.includes('watch=1')) return { status: 200, body: [JSON.stringify({ metadata: { resourceVersion: this.listRv }, items: this.items })] };
    if (this.watchStatus !== 200) {
      const s = this.watchStatus;
      this.watchStatus = 200;
      return { status: s, body: ['{}'] };
    }
    const queue: string[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    const stream = {
      push: (s: string) => {
        queue.push(s);
        wake?.();
      },
      end: () => {
        ended = true;
        wake?.();
      },
    };
    signal.addEventListener('abort', () => stream.end());
    this.streams.push(stream);
    for (const w of this.waiters.splice(0)) w();
    async function* body(): AsyncGenerator<string> {
      for (;;) {
        while (queue.length) yield queue.shift()!;
        if (ended) return;
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    }
    return { status: 200, body: body() };
  };

  async stream(n = 0): Promise<{ push(s: string): void; end(): void }> {
    while (!this.streams[n]) await new Promise<void>((r) => this.waiters.push(r));
    return this.streams[n]!;
  }

  event(n: number, type: string, o: KubeObject): Promise<void> {
    return this.stream(n).then((s) => s.push(JSON.stringify({ type, object: o }) + '\n'));
  }
}

const route: MemberRoute = { endpoint: { cluster: 'member1', apiEndpoint: 'https://127.0.0.1:1' }, authorization: 'Bearer t1' };
const APPLY = '/apis/apps/v1/namespaces/default/deployments/nginx?fieldManager=flotilla&force=true';

async function until<T>(probe: () => T | undefined, ms = 2000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('MemberWatches', () => {
  let watches: MemberWatches | undefined;
  afterEach(() => watches?.close());

  it('starts nothing before it has somewhere to deliver', () => {
    const m = new FakeMember();
    watches = new MemberWatches({ open: m.open });
    watches.observe(route, 'PATCH', APPLY);
    expect(watches.active()).toEqual([]);
    expect(m.requests).toEqual([]);
  });

  it('lists, watches from the list revision, and batches events into Work keys', async () => {
    const m = new FakeMember();
    m.items = [obj({ generation: 1, templateGeneration: '1' })];
    const got: MemberEvents[] = [];
    watches = new MemberWatches({ open: m.open, batchMs: 10 });
    watches.deliverTo(async (e) => void got.push(e));
    watches.observe(route, 'PATCH', APPLY);
    watches.observe(route, 'GET', '/apis/apps/v1/deployments?labelSelector=karmada.io%2Fmanaged%3Dtrue');
    expect(watches.active()).toHaveLength(1);
    await m.stream();
    expect(m.requests[0]).toEqual({ cluster: 'member1', auth: 'Bearer t1', path: '/apis/apps/v1/deployments?labelSelector=karmada.io%2Fmanaged%3Dtrue' });
    const w = new URL(m.requests[1]!.path, 'http://x').searchParams;
    expect(w.get('watch')).toBe('1');
    expect(w.get('resourceVersion')).toBe('10');
    expect(w.get('labelSelector')).toBe('karmada.io/managed=true');

    // Two status changes of one object and one of another Work: one post, each key once.
    await m.event(0, 'MODIFIED', obj({ generation: 1, templateGeneration: '1', rv: '11' }));
    await m.event(0, 'MODIFIED', obj({ generation: 1, templateGeneration: '1', rv: '12' }));
    const other = obj({ uid: 'u2', rv: '13' });
    other.metadata.annotations!['work.karmada.io/name'] = 'other-1';
    await m.event(0, 'ADDED', other);
    await m.event(0, 'ADDED', obj({ uid: 'u3', work: false, rv: '14' }));
    await until(() => (got.length ? got : undefined));
    expect(got).toEqual([{ workStatus: ['karmada-es-member1/nginx-687f7fb96f', 'karmada-es-member1/other-1'], drift: [] }]);

    // Someone scales the member copy by hand: drift; then it is deleted: drift again.
    await m.event(0, 'MODIFIED', obj({ generation: 2, templateGeneration: '1', rv: '15' }));
    await until(() => (got.length === 2 ? got : undefined));
    expect(got[1]).toEqual({ workStatus: [], drift: ['karmada-es-member1/nginx-687f7fb96f'] });
    await m.event(0, 'DELETED', obj({ generation: 2, templateGeneration: '1', rv: '16' }));
    await until(() => (got.length === 3 ? got : undefined));
    expect(got[2]!.drift).toEqual(['karmada-es-member1/nginx-687f7fb96f']);
  });

  it('resumes from the last revision when the stream ends, and lists again after 410 Gone', async () => {
    const m = new FakeMember();
    watches = new MemberWatches({ open: m.open, batchMs: 5, maxBackoffMs: 20 });
    watches.deliverTo(async () => undefined);
    watches.observe(route, 'PATCH', APPLY);
    await m.event(0, 'BOOKMARK', { metadata: { resourceVersion: '42' } } as KubeObject);
    (await m.stream(0)).end();
    await m.stream(1);
    const lists = () => m.requests.filter((r) => !r.path.includes('watch=1')).length;
    expect(lists()).toBe(1);
    expect(new URL(m.requests.at(-1)!.path, 'http://x').searchParams.get('resourceVersion')).toBe('42');

    m.listRv = '100';
    await m.stream(1).then((s) => s.push(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } }) + '\n'));
    await m.stream(2);
    expect(lists()).toBe(2);
    expect(new URL(m.requests.at(-1)!.path, 'http://x').searchParams.get('resourceVersion')).toBe('100');
  });

  it('retries a watch the member refuses, with backoff, and reports it', async () => {
    const m = new FakeMember();
    const errors: string[] = [];
    // Refused twice, then accepted: the first refusal could be a blip, the second is reported.
    const open = m.open;
    let refusals = 2;
    m.open = async (r, path, signal) => (path.includes('watch=1') && refusals-- > 0 ? { status: 403, body: ['{}'] } : open(r, path, signal));
    watches = new MemberWatches({ open: m.open, maxBackoffMs: 10, onError: (e) => errors.push(e) });
    watches.deliverTo(async () => undefined);
    watches.observe(route, 'PATCH', APPLY);
    await m.stream(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/watch \/apis\/apps\/v1\/deployments on cluster member1: watch answered 403/);
    await until(() => (watches!.active()[0]?.connected ? true : undefined));
  });

  it('backs off from a member that ends every watch at once', async () => {
    const m = new FakeMember();
    const open = m.open;
    // Every watch stream is empty: it ends as soon as it opens.
    m.open = async (r, path, signal) => (path.includes('watch=1') ? (m.requests.push({ cluster: r.endpoint.cluster, path }), { status: 200, body: [] }) : open(r, path, signal));
    watches = new MemberWatches({ open: m.open, maxBackoffMs: 40 });
    watches.deliverTo(async () => undefined);
    watches.observe(route, 'PATCH', APPLY);
    await new Promise((r) => setTimeout(r, 400));
    const opened = m.requests.filter((r) => r.path.includes('watch=1')).length;
    expect(opened).toBeGreaterThan(1);
    expect(opened).toBeLessThan(20);
  });

  it('stops a watch no traffic renews', async () => {
    const m = new FakeMember();
    watches = new MemberWatches({ open: m.open, idleMs: 40 });
    watches.deliverTo(async () => undefined);
    watches.observe(route, 'PATCH', APPLY);
    watches.observe({ ...route, authorization: 'Bearer other' }, 'PATCH', APPLY);
    expect(watches.active()).toHaveLength(2);
    await m.stream(0);
    // The sweep runs at most once a second.
    await until(() => (watches!.active().length === 0 ? true : undefined), 3000);
  });
});

describe('the worker route', () => {
  const token = 'admin-token';
  const post = (body: unknown, auth = `Bearer ${token}`) =>
    new Request(`https://cp${MEMBER_EVENTS_PATH}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('queues work-status keys and drift keys for execution, each once', async () => {
    const queued: string[] = [];
    const woken: string[] = [];
    const res = await handleMemberEvents(
      post({ workStatus: ['karmada-es-member1/a-1', 'karmada-es-member1/a-1', 'karmada-es-member2/b-2'], drift: ['karmada-es-member2/b-2'] }),
      await sha256Hex(token),
      async (keys) => void queued.push(...keys.map((x) => `${x.reconciler} ${x.key}`)),
      (names) => woken.push(...names),
    );
    expect(res.status).toBe(202);
    expect(queued).toEqual(['execution drift:karmada-es-member2/b-2', 'work-status karmada-es-member1/a-1']);
    // Both reconcilers run at once, after the keys are durable.
    expect(woken).toEqual(['execution', 'work-status']);
  });

  it('refuses anyone but the admin, and keys outside the execution namespaces', async () => {
    const queued: string[] = [];
    const enqueue = async (keys: ReadonlyArray<{ reconciler: string; key: string }>) => void queued.push(...keys.map((x) => `${x.reconciler} ${x.key}`));
    const sha = await sha256Hex(token);
    expect((await handleMemberEvents(post({ workStatus: [] }, 'Bearer wrong'), sha, enqueue)).status).toBe(401);
    expect((await handleMemberEvents(post({ workStatus: [] }, ''), sha, enqueue)).status).toBe(401);
    expect((await handleMemberEvents(post({ workStatus: ['default/x'] }), sha, enqueue)).status).toBe(400);
    expect((await handleMemberEvents(post({ workStatus: ['karmada-es-m/../x'] }), sha, enqueue)).status).toBe(400);
    const get = new Request(`https://cp${MEMBER_EVENTS_PATH}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await handleMemberEvents(get, sha, enqueue)).status).toBe(405);
    expect(queued).toEqual([]);
  });
});

describe('the gateway learns what to watch from its traffic', () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });
  const listen = async (s: Server): Promise<number> => {
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return (s.address() as AddressInfo).port;
  };

  it('watches the collection an apply touched, with the caller credentials, and reports its events', async () => {
    const seen: Array<{ method: string; url: string; auth?: string }> = [];
    let watchRes: ServerResponse | undefined;
    const member = createServer((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) });
      res.setHeader('content-type', 'application/json');
      if (req.url?.includes('watch=1')) {
        res.writeHead(200);
        res.flushHeaders();
        watchRes = res;
        return;
      }
      if (req.method === 'GET') return res.end(JSON.stringify({ kind: 'DeploymentList', metadata: { resourceVersion: '7' }, items: [] }));
      res.end(JSON.stringify(obj()));
    });
    const memberPort = await listen(member);
    const gateway = createMemberGateway();
    const front = createServer((req, res) => void gateway.handle(req, res));
    const frontPort = await listen(front);
    const got: MemberEvents[] = [];
    gateway.watchMembers(async (e) => void got.push(e));
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port: frontPort, method: 'PATCH', path: APPLY, headers: { authorization: 'Bearer member-token', [GATEWAY_ENDPOINT_HEADER]: encodeGatewayEndpoint({ cluster: 'member1', apiEndpoint: `http://127.0.0.1:${memberPort}` }) } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
      expect(status).toBe(200);
      await until(() => watchRes);
      await until(() => (gateway.watches()[0]?.connected ? true : undefined));
      expect(gateway.watches()).toEqual([{ cluster: 'member1', collection: '/apis/apps/v1/deployments', connected: true }]);
      const w = seen.find((s) => s.url.includes('watch=1'))!;
      expect(w.auth).toBe('Bearer member-token');
      expect(w.url).toContain('resourceVersion=7');
      watchRes!.write(JSON.stringify({ type: 'MODIFIED', object: obj({ rv: '8' }) }) + '\n');
      await until(() => (got.length ? got : undefined));
      expect(got[0]).toEqual({ workStatus: ['karmada-es-member1/nginx-687f7fb96f'], drift: [] });
    } finally {
      gateway.close();
      watchRes?.end();
    }
  });
});
