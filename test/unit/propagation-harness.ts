// An in-process control plane for propagation tests: a Store, the Karmada controllers (but
// the cluster prober: Clusters are written Ready by hand) and the Kubernetes garbage
// collector, with members that are plain maps of objects behind the MemberClient interface.
// Two drivers: the controller manager as production runs it, and a chaos driver that
// delivers keys at least once, in any order, duplicated and replayed.

import { freshStore, type TestDb } from '../helpers/db.js';
import { MemoryQueue } from '../helpers/memory-queue.js';
import { ControllerManager } from '../../cron/manager.js';
import { readCursor } from '../../cron/dispatcher.js';
import { nextDueAt } from '../../db/work-queue.js';
import type { Reconciler, ReconcileContext } from '../../cron/reconciler.js';
import { karmadaControllers } from '../../cron/karmada/registry.js';
import { garbageCollector } from '../../cron/garbage-collector.js';
import { createBuiltinRegistry, type Registry } from '../../shared/registry/index.js';
import { prepareForCreate, prepareForUpdate } from '../../shared/object-semantics.js';
import type { KubeObject, ObjectKey } from '../../shared/object.js';
import type { MemberClient, MemberClients, MemberRequest, MemberResponse } from '../../shared/member/member-client.js';
import { MemberError } from '../../shared/member/member-client.js';
import { defaultControllerSettings, type ControllerSettings } from '../../shared/controller-settings.js';

/** A member cluster as a map from object path to object; server-side apply replaces what it sends. */
export class FakeMember implements MemberClient {
  readonly objects = new Map<string, KubeObject>();
  requests = 0;
  private rv = 0;
  /** When set, every request fails as an unanswering member would. */
  down = false;
  constructor(readonly cluster: string) {}

  async request(req: MemberRequest): Promise<MemberResponse> {
    this.requests++;
    if (this.down) throw new MemberError(this.cluster, 'timeout', `cluster ${this.cluster}: no answer`);
    const [path = '', query = ''] = req.path.split('?');
    const ok = (status: number, body: unknown): MemberResponse => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const fail = (status: number, reason: string): MemberResponse => ok(status, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message: `${reason}: ${path}`, code: status });
    const existing = this.objects.get(path);
    switch (req.method) {
      case 'GET': {
        if (existing) return ok(200, existing);
        const depth = path.split('/').length;
        const selector = new URLSearchParams(query).get('labelSelector');
        const [lk, lv] = selector ? selector.split('=') : [];
        const items = [...this.objects.entries()]
          .filter(([p, o]) => p.startsWith(`${path}/`) && p.split('/').length === depth + 1 && (!lk || o.metadata.labels?.[lk] === lv))
          .map(([, o]) => o);
        // A collection path answers with a list; an object path with nothing there is a 404.
        return this.looksLikeObject(path) ? fail(404, 'NotFound') : ok(200, { kind: 'List', items, metadata: {} });
      }
      case 'POST': {
        const body = JSON.parse(req.body ?? '{}') as KubeObject;
        const p = `${path}/${body.metadata.name}`;
        if (this.objects.has(p)) return fail(409, 'AlreadyExists');
        const created = { ...body, metadata: { ...body.metadata, uid: crypto.randomUUID(), resourceVersion: String(++this.rv) } };
        this.objects.set(p, created);
        return ok(201, created);
      }
      case 'PATCH': {
        const body = JSON.parse(req.body ?? '{}') as KubeObject;
        const next = {
          ...body,
          metadata: { ...body.metadata, uid: existing?.metadata.uid ?? crypto.randomUUID(), resourceVersion: String(++this.rv) },
          ...(existing && (existing as { status?: unknown }).status ? { status: (existing as { status?: unknown }).status } : {}),
        } as KubeObject;
        this.objects.set(path, next);
        return ok(existing ? 200 : 201, next);
      }
      case 'DELETE': {
        if (!existing) return fail(404, 'NotFound');
        const pre = (JSON.parse(req.body ?? '{}') as { preconditions?: { uid?: string } }).preconditions?.uid;
        if (pre && pre !== existing.metadata.uid) return fail(409, 'Conflict');
        this.objects.delete(path);
        return ok(200, { kind: 'Status', status: 'Success' });
      }
      default:
        return fail(405, 'MethodNotAllowed');
    }
  }

  private looksLikeObject(path: string): boolean {
    // /api/v1/namespaces/NAME and /apis/G/V/namespaces/NS/RES/NAME name one object.
    const parts = path.split('/').filter(Boolean);
    const rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3);
    if (rest[0] === 'namespaces') return rest.length === 2 || rest.length === 4;
    return rest.length === 2;
  }

  /** What the member holds, without what differs from run to run (uids, versions, generated ids). */
  state(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [p, o] of [...this.objects.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const { uid: _u, resourceVersion: _r, ...metadata } = o.metadata;
      const strip = (m: Record<string, string> | undefined) => (m ? Object.fromEntries(Object.entries(m).filter(([k]) => !k.includes('permanent-id'))) : m);
      out[p] = { ...o, metadata: { ...metadata, labels: strip(metadata.labels ?? undefined), annotations: strip(metadata.annotations ?? undefined) } };
    }
    return out;
  }
}

export class FakeMembers implements MemberClients {
  readonly byName = new Map<string, FakeMember>();
  forEndpoint(endpoint: { cluster: string }): MemberClient {
    let m = this.byName.get(endpoint.cluster);
    if (!m) this.byName.set(endpoint.cluster, (m = new FakeMember(endpoint.cluster)));
    return m;
  }
  get(name: string): FakeMember {
    return this.forEndpoint({ cluster: name }) as FakeMember;
  }
}

const API_ENABLEMENTS = [
  { groupVersion: 'v1', resources: ['ConfigMap:configmaps', 'Secret:secrets', 'Service:services', 'ServiceAccount:serviceaccounts', 'PersistentVolumeClaim:persistentvolumeclaims', 'Namespace:namespaces'] },
  { groupVersion: 'apps/v1', resources: ['Deployment:deployments', 'StatefulSet:statefulsets'] },
  { groupVersion: 'batch/v1', resources: ['Job:jobs'] },
  { groupVersion: 'rbac.authorization.k8s.io/v1', resources: ['ClusterRole:clusterroles', 'Role:roles'] },
].map((e) => ({ groupVersion: e.groupVersion, resources: e.resources.map((r) => ({ kind: r.split(':')[0]!, name: r.split(':')[1]! })) }));

export interface Plane {
  db: TestDb;
  registry: Registry;
  members: FakeMembers;
  reconcilers: readonly Reconciler[];
  ctx: ReconcileContext;
  now(): number;
  /** Moves the clock to `t` (never back). */
  setNow(t: number): void;
  /** Creates an object as a client's POST would. */
  create(group: string, resource: string, obj: KubeObject): Promise<KubeObject>;
  /** Replaces an object as a client's PUT would (read-modify-write). */
  update(group: string, resource: string, namespace: string, name: string, change: (o: KubeObject) => KubeObject): Promise<KubeObject>;
  remove(group: string, resource: string, namespace: string, name: string): Promise<void>;
  get(group: string, resource: string, namespace: string, name: string): Promise<KubeObject | undefined>;
  list(group: string, resource: string, namespace?: string): Promise<KubeObject[]>;
  /** A joined, Ready Push cluster. */
  join(name: string, labels?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export const START = Date.parse('2026-02-01T10:00:00Z');

export async function startPlane(opts: { settings?: Partial<ControllerSettings> } = {}): Promise<Plane> {
  let now = START;
  const clock = (): number => now;
  const registry = createBuiltinRegistry();
  const db = await freshStore({ fieldsOf: registry.fieldsOf, now: clock });
  const members = new FakeMembers();
  const reconcilers = [garbageCollector, ...karmadaControllers.filter((r) => r.name !== 'cluster')];
  const settings: ControllerSettings = { ...defaultControllerSettings, enableSchedulerEstimator: false, ...opts.settings };
  const key = (group: string, resource: string, namespace: string, name: string): ObjectKey => ({ group, resource, namespace, name });
  const typeOf = (group: string, resource: string) => registry.byResource(group, resource)!;
  const ctx: ReconcileContext = {
    store: db.store,
    registry,
    now: () => {
      now += 1;
      return now;
    },
    enqueue: async () => undefined,
    arm: async () => undefined,
    members,
    settings,
  };
  const plane: Plane = {
    db,
    registry,
    members,
    reconcilers,
    ctx,
    now: clock,
    setNow(t) {
      now = Math.max(now, t);
    },
    async create(group, resource, obj) {
      const t = typeOf(group, resource);
      const ns = t.namespaced ? (obj.metadata.namespace ?? 'default') : '';
      return db.store.create(key(group, resource, ns, obj.metadata.name!), prepareForCreate(t, obj, { namespace: ns, now, uid: crypto.randomUUID() }));
    },
    async update(group, resource, namespace, name, change) {
      const k = key(group, resource, namespace, name);
      const old = (await db.store.get(k))!;
      return db.store.update(k, prepareForUpdate(typeOf(group, resource), old, change(structuredClone(old))), { resourceVersion: old.metadata.resourceVersion });
    },
    async remove(group, resource, namespace, name) {
      await db.store.delete(key(group, resource, namespace, name));
    },
    get: (group, resource, namespace, name) => db.store.get(key(group, resource, namespace, name)),
    async list(group, resource, namespace) {
      return (await db.store.list({ group, resource, ...(namespace !== undefined ? { namespace } : {}) })).items;
    },
    async join(name, labels = {}) {
      const at = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
      const created = await plane.create('cluster.karmada.io', 'clusters', {
        apiVersion: 'cluster.karmada.io/v1alpha1',
        kind: 'Cluster',
        metadata: { name, labels },
        spec: { syncMode: 'Push', apiEndpoint: `https://${name}.invalid` },
      } as unknown as KubeObject);
      // A create drops status (a subresource): the status a probe would write goes in next.
      await db.store.update(key('cluster.karmada.io', 'clusters', '', name), {
        ...created,
        status: {
          kubernetesVersion: 'v1.33.4',
          conditions: [{ type: 'Ready', status: 'True', reason: 'ClusterReady', message: 'cluster is healthy and ready to accept workloads', lastTransitionTime: at }],
          apiEnablements: API_ENABLEMENTS,
        },
      } as unknown as KubeObject, { resourceVersion: created.metadata.resourceVersion });
      members.get(name);
    },
    close: () => db.close(),
  };
  return plane;
}

/** Runs the plane as production does: the controller manager draining the change log and its queues. */
export async function managed(plane: Plane): Promise<{ manager: ControllerManager; settle(): Promise<void> }> {
  const queue = new MemoryQueue();
  const manager = new ControllerManager({ store: plane.db.store, registry: plane.registry, reconcilers: plane.reconcilers, queue, now: plane.now, members: plane.members, settings: plane.ctx.settings! });
  return {
    manager,
    async settle() {
      for (let i = 0; i < 200; i++) {
        await manager.dispatch();
        queue.take();
        if ((await readCursor(plane.db.client)) >= (await plane.db.store.currentRevision())) {
          // Nothing new in the log: keys backing off come due (the clock jumps to them), then a tick.
          const due = await nextDueAt(plane.db.client);
          if (due !== undefined) {
            plane.setNow(due);
            continue;
          }
          const before = await plane.db.store.currentRevision();
          await manager.onTick();
          if ((await plane.db.store.currentRevision()) === before && (await nextDueAt(plane.db.client)) === undefined) return;
        }
      }
      throw new Error('the control plane did not settle within 200 dispatches');
    },
  };
}

/** A small deterministic generator (mulberry32), so a failing order can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Delivers every key the change log and the reconcilers produce at least once, in a random
 * order, some of them twice, some replayed long after, with several in flight at once, until
 * nothing is left to deliver; then replays every key ever seen until a full pass writes nothing.
 */
export async function chaos(plane: Plane, seed: number, opts: { duplicate?: number; replay?: number; parallel?: number } = {}): Promise<{ deliveries: number }> {
  const random = rng(seed);
  const byName = new Map(plane.reconcilers.map((r) => [r.name, r]));
  const bag: Array<[string, string]> = [];
  const seen = new Map<string, [string, string]>();
  let cursor = 0;
  let deliveries = 0;
  const add = (reconciler: string, key: string): void => {
    bag.push([reconciler, key]);
    seen.set(`${reconciler}\u0000${key}`, [reconciler, key]);
  };
  const ctx: ReconcileContext = { ...plane.ctx, enqueue: async (r, k) => add(r, k), arm: async (r, k) => add(r, k) };
  const drainLog = async (): Promise<void> => {
    for (;;) {
      const changes = await plane.db.store.changeLog(cursor);
      if (!changes.length) return;
      for (const c of changes) {
        cursor = c.revision;
        for (const r of plane.reconcilers) for (const k of r.keysFor(c)) add(r.name, k);
      }
    }
  };
  const retries = new Map<string, number>();
  // A key asking to run again (or failing) goes back in the bag a bounded number of times; a
  // periodic requeueAfterMs is a timer outside this run, covered by the final replay.
  const again = (name: string, key: string): void => {
    const id = `${name}\u0000${key}`;
    const n = (retries.get(id) ?? 0) + 1;
    retries.set(id, n);
    if (n <= 20) add(name, key);
  };
  const deliver = async ([name, key]: [string, string]): Promise<void> => {
    deliveries++;
    try {
      const result = await byName.get(name)!.reconcile(ctx, key);
      if (result?.requeue) again(name, key);
    } catch {
      again(name, key);
    }
  };
  const seenList = (): Array<[string, string]> => [...seen.values()];
  for (let round = 0; round < 5000; round++) {
    await drainLog();
    if (!bag.length) {
      // Quiet: replay everything ever seen, in a fresh order; done when that writes nothing.
      const before = await plane.db.store.currentRevision();
      const all = seenList().sort(() => random() - 0.5);
      for (const item of all) await deliver(item);
      await drainLog();
      // Keys a pass enqueues were all delivered in that same pass against an unchanged world.
      if ((await plane.db.store.currentRevision()) === before) {
        bag.length = 0;
        return { deliveries };
      }
      retries.clear();
      continue;
    }
    const batch: Array<[string, string]> = [];
    const n = 1 + Math.floor(random() * (opts.parallel ?? 3));
    for (let i = 0; i < n && bag.length; i++) {
      const item = bag.splice(Math.floor(random() * bag.length), 1)[0]!;
      batch.push(item);
      if (random() < (opts.duplicate ?? 0.2)) batch.push(item);
    }
    if (random() < (opts.replay ?? 0.1)) {
      const old = seenList();
      batch.push(old[Math.floor(random() * old.length)]!);
    }
    await Promise.all(batch.map(deliver));
  }
  throw new Error(`chaos run (seed ${seed}) did not converge within 5000 rounds`);
}
