// The cluster reconciler against real HTTP members: a healthy one (a tiny fake API server), one
// that refuses connections, and one that accepts TCP and never answers. Health, conditions,
// taints and summaries come out right, nothing is written when nothing changed, and the
// silent member does not hold up the others.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { freshStore, type TestDb } from '../helpers/db.js';
import { createBuiltinRegistry } from '../../shared/registry/index.js';
import type { ReconcileContext } from '../../cron/reconciler.js';
import { FetchMemberClients } from '../../shared/member/fetch-member-client.js';
import { reconcileCluster } from '../../cron/karmada/cluster.js';
import { karmadaPeriodic } from '../../cron/karmada/periodic.js';
import { defaultControllerSettings } from '../../shared/controller-settings.js';
import type { Cluster } from '../../shared/karmada/cluster.js';

const registry = createBuiltinRegistry();
let db: TestDb;
let healthy: Server;
let silent: TcpServer;
const sockets: Socket[] = [];
let ready = true;

function fakeMember(): Server {
  return createServer((req, res) => {
    const json = (body: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== 'Bearer member-token') {
      res.writeHead(401);
      return res.end();
    }
    const path = (req.url ?? '').split('?')[0];
    if (path === '/readyz') {
      res.writeHead(ready ? 200 : 500);
      return res.end(ready ? 'ok' : '[-]etcd failed');
    }
    if (path === '/version') return json({ gitVersion: 'v1.33.4' });
    if (path === '/api') return json({ kind: 'APIGroupDiscoveryList', items: [{ metadata: { name: '' }, versions: [{ version: 'v1', resources: [{ resource: 'pods', responseKind: { kind: 'Pod' } }] }] }] });
    if (path === '/apis') return json({ kind: 'APIGroupDiscoveryList', items: [{ metadata: { name: 'apps' }, versions: [{ version: 'v1', resources: [{ resource: 'deployments', responseKind: { kind: 'Deployment' } }] }] }] });
    if (path === '/api/v1/nodes') return json({ items: [{ metadata: { name: 'n1' }, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] } }] });
    if (path === '/api/v1/pods') return json({ items: [] });
    res.writeHead(404);
    res.end();
  });
}

async function listen(s: Server | TcpServer): Promise<number> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return (s.address() as AddressInfo).port;
}

function ctxWith(timeoutMs: number): ReconcileContext {
  return {
    store: db.store,
    registry,
    now: Date.now,
    enqueue: async () => undefined,
    arm: async () => undefined,
    members: new FetchMemberClients(),
    settings: { ...defaultControllerSettings, memberTimeoutMs: timeoutMs },
  };
}

async function addCluster(name: string, port: number): Promise<void> {
  await db.store.create({ group: '', resource: 'secrets', namespace: 'karmada-cluster', name }, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'karmada-cluster', uid: `s-${name}` },
    data: { token: Buffer.from('member-token').toString('base64') },
  });
  await db.store.create({ group: 'cluster.karmada.io', resource: 'clusters', namespace: '', name }, {
    apiVersion: 'cluster.karmada.io/v1alpha1',
    kind: 'Cluster',
    metadata: { name, uid: `c-${name}`, generation: 1, creationTimestamp: new Date().toISOString() },
    spec: { syncMode: 'Push', apiEndpoint: `http://127.0.0.1:${port}`, secretRef: { namespace: 'karmada-cluster', name } },
  });
}

const get = async (name: string): Promise<Cluster> => (await db.store.get({ group: 'cluster.karmada.io', resource: 'clusters', namespace: '', name })) as Cluster;
const readyOf = (c: Cluster) => c.status?.conditions?.find((x) => x.type === 'Ready');

beforeAll(async () => {
  db = await freshStore({ fieldsOf: registry.fieldsOf });
  healthy = fakeMember();
  silent = createTcpServer((s) => sockets.push(s));
  const closed = createTcpServer();
  const closedPort = await listen(closed);
  await new Promise<void>((r) => closed.close(() => r()));
  await addCluster('good', await listen(healthy));
  await addCluster('silent', await listen(silent));
  await addCluster('refused', closedPort);
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  healthy?.close();
  silent?.close();
  await db?.close();
});

describe('cluster controller', () => {
  it('a healthy member: Ready, version, API enablements, summaries, execution namespace, no not-ready taint', async () => {
    await reconcileCluster(ctxWith(2000), 'good');
    const c = await get('good');
    expect(readyOf(c)).toMatchObject({ status: 'True', reason: 'ClusterReady' });
    expect(c.status?.kubernetesVersion).toBe('v1.33.4');
    expect(c.status?.apiEnablements?.map((a) => a.groupVersion)).toEqual(['apps/v1', 'v1']);
    expect(c.status?.nodeSummary).toEqual({ totalNum: 1, readyNum: 1 });
    expect(c.status?.resourceSummary?.allocatable).toEqual({ cpu: '4', memory: '8Gi', pods: '110' });
    expect(c.spec.taints ?? []).toEqual([]);
    expect(c.metadata.finalizers).toContain('karmada.io/cluster-controller');
    expect(await db.store.get({ group: '', resource: 'namespaces', namespace: '', name: 'karmada-es-good' })).toBeDefined();
  });

  it('writes nothing when the member is unchanged', async () => {
    const before = await db.store.currentRevision();
    await reconcileCluster(ctxWith(2000), 'good');
    await reconcileCluster(ctxWith(2000), 'good');
    expect(await db.store.currentRevision()).toBe(before);
  });

  it('a member that refuses connections is ClusterNotReachable and tainted not-ready', async () => {
    await reconcileCluster(ctxWith(2000), 'refused');
    const c = await get('refused');
    expect(readyOf(c)).toMatchObject({ status: 'False', reason: 'ClusterNotReachable' });
    expect(c.spec.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual(['cluster.karmada.io/not-ready:NoSchedule']);
  });

  it('a failing health check turns Ready False; recovery clears the taint', async () => {
    ready = false;
    await reconcileCluster(ctxWith(2000), 'good');
    let c = await get('good');
    expect(readyOf(c)).toMatchObject({ status: 'False', reason: 'ClusterNotReady' });
    expect(c.spec.taints?.map((t) => t.key)).toEqual(['cluster.karmada.io/not-ready']);
    ready = true;
    await reconcileCluster(ctxWith(2000), 'good');
    c = await get('good');
    expect(readyOf(c)?.status).toBe('True');
    expect(c.spec.taints ?? []).toEqual([]);
  });

  it('a member that accepts TCP and never answers costs only its own deadline', async () => {
    const ctx = ctxWith(1500);
    const started = Date.now();
    let goodDone = 0;
    const silentProbe = reconcileCluster(ctx, 'silent').then(() => Date.now() - started);
    await reconcileCluster(ctx, 'good').then(() => (goodDone = Date.now() - started));
    const silentDone = await silentProbe;
    // The healthy member's probe finished while the silent one still waited for its deadline.
    expect(goodDone).toBeLessThan(silentDone);
    expect(silentDone).toBeGreaterThanOrEqual(1400);
    expect(readyOf(await get('silent'))).toMatchObject({ status: 'False', reason: 'ClusterNotReachable' });
    expect(readyOf(await get('silent'))?.message).toMatch(/did not answer/);
  });

  it('the periodic pass probes every cluster side by side', async () => {
    ready = false;
    await karmadaPeriodic(ctxWith(1500));
    expect(readyOf(await get('good'))?.status).toBe('False');
    ready = true;
    await karmadaPeriodic(ctxWith(1500));
    expect(readyOf(await get('good'))?.status).toBe('True');
  });
});
