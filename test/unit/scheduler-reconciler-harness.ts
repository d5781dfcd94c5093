// A store-level world for the scheduler reconciler: Clusters and bindings written as the API
// would, the change log fanned out to the scheduler's keysFor exactly as the dispatcher does,
// and every round of keys reconciled together under one batch cache (one scheduling round).

import { freshStore, type TestDb } from '../helpers/db.js';
import { createBuiltinRegistry } from '../../shared/registry/index.js';
import { createBatchCache } from '../../cron/runtime/batch-cache.js';
import type { ReconcileContext, ReconcileResult, Reconciler } from '../../cron/reconciler.js';
import { createObject, keyOf, writeObject, writeSpec } from '../../cron/object-writes.js';
import { CLUSTERS, CLUSTER_RESOURCE_BINDINGS, RESOURCE_BINDINGS } from '../../cron/karmada/resources.js';
import { scheduler } from '../../cron/karmada/scheduler.js';
import type { Cluster } from '../../shared/karmada/cluster.js';
import type { ResourceBinding, BindingSpec } from '../../shared/karmada/resource-binding.js';
import { PROPAGATION_POLICY_PERMANENT_ID_LABEL } from '../../shared/karmada/propagation-policy.js';
import { defaultControllerSettings, type ControllerSettings } from '../../shared/controller-settings.js';
import type { KubeObject } from '../../shared/object.js';

export const T0 = Date.parse('2025-03-01T10:00:00Z');

export interface ClusterFixture {
  labels?: Record<string, string>;
  region?: string;
  provider?: string;
  zones?: string[];
  taints?: Array<{ key: string; value?: string; effect: string }>;
  /** Pods the cluster can still take (the general estimator's bound without requests). */
  freePods?: number;
}

export interface World {
  db: TestDb;
  ctx(cache?: ReturnType<typeof createBatchCache>): ReconcileContext;
  now(): number;
  advance(ms: number): void;
  addCluster(name: string, f?: ClusterFixture): Promise<Cluster>;
  cluster(name: string): Promise<Cluster>;
  editCluster(name: string, edit: (c: Cluster) => void, part?: 'spec' | 'metadata' | 'status'): Promise<void>;
  addBinding(name: string, spec: Partial<BindingSpec>, opts?: { labels?: Record<string, string>; namespace?: string; cluster?: boolean }): Promise<ResourceBinding>;
  binding(name: string, namespace?: string): Promise<ResourceBinding>;
  editBinding(name: string, edit: (b: ResourceBinding) => void, namespace?: string): Promise<void>;
  /** One reconcile of the scheduler, outside any batch. */
  schedulerReconcile(key: string): Promise<ReconcileResult | void>;
  /** Reconciles `keys` together, as one batch (one cache, one scheduling round). */
  batch(keys: string[]): Promise<Map<string, ReconcileResult | void>>;
  /** Fans out the change log and reconciles until nothing is left to do; returns the results by key. */
  settle(): Promise<Map<string, ReconcileResult | void>>;
  /** Keys the scheduler put on its own queue (cluster changes); tests clear it as they need. */
  enqueued: Set<string>;
  events(namespace?: string): Promise<Array<KubeObject & { reason: string; message: string; type: string; count: number; involvedObject: { kind: string; name: string } }>>;
  close(): Promise<void>;
}

export function clusterObject(name: string, f: ClusterFixture = {}): Cluster {
  return {
    apiVersion: 'cluster.karmada.io/v1alpha1',
    kind: 'Cluster',
    metadata: { name, labels: f.labels ?? {} },
    spec: {
      syncMode: 'Push',
      provider: f.provider ?? 'sim',
      ...(f.region ? { region: f.region } : {}),
      ...(f.zones ? { zones: f.zones } : {}),
      ...(f.taints ? { taints: f.taints } : {}),
    },
  } as Cluster;
}

export function clusterStatus(f: ClusterFixture = {}): Cluster['status'] {
  return {
    conditions: [{ type: 'Ready', status: 'True', reason: 'ClusterReady', message: 'cluster is healthy and ready to accept workloads', lastTransitionTime: '2025-03-01T09:00:00Z' }],
    apiEnablements: [
      { groupVersion: 'apps/v1', resources: [{ name: 'deployments', kind: 'Deployment' }] },
      { groupVersion: 'v1', resources: [{ name: 'configmaps', kind: 'ConfigMap' }] },
    ],
    resourceSummary: { allocatable: { cpu: '64', memory: '256Gi', pods: String(f.freePods ?? 100) }, allocated: { cpu: '0', memory: '0', pods: '0' } },
  } as Cluster['status'];
}

export function deploymentSpec(name: string, replicas: number, placement: BindingSpec['placement']): Partial<BindingSpec> {
  return {
    resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name, uid: `uid-${name}`, resourceVersion: '1' },
    replicas,
    placement,
  } as Partial<BindingSpec>;
}

export async function schedulingWorld(settings: Partial<ControllerSettings> = {}, reconcilers: Reconciler[] = [scheduler]): Promise<World> {
  const registry = createBuiltinRegistry();
  const db = await freshStore({ fieldsOf: registry.fieldsOf.bind(registry) });
  let now = T0;
  const enqueued = new Set<string>();
  const queued = new Map<string, Set<string>>();
  const ctx = (cache?: ReturnType<typeof createBatchCache>): ReconcileContext => ({
    store: db.store,
    registry,
    now: () => now,
    settings: { ...defaultControllerSettings, ...settings },
    async enqueue(r, key) {
      if (r === scheduler.name) enqueued.add(key);
      if (!queued.has(r)) queued.set(r, new Set());
      queued.get(r)!.add(key);
    },
    async arm(r, key) {
      if (!queued.has(r)) queued.set(r, new Set());
      queued.get(r)!.add(key);
    },
    ...(cache ? { cache } : {}),
  });
  let cursor = await db.store.currentRevision();
  const base = ctx();
  const bindingResource = (cluster?: boolean) => (cluster ? CLUSTER_RESOURCE_BINDINGS : RESOURCE_BINDINGS);

  const world: World = {
    db,
    ctx,
    enqueued,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    async addCluster(name, f = {}) {
      const created = (await createObject(base, CLUSTERS, clusterObject(name, f) as KubeObject))!;
      await writeObject(base, keyOf(CLUSTERS, '', name), created, { ...created, status: clusterStatus(f) } as KubeObject);
      return world.cluster(name);
    },
    async cluster(name) {
      return (await db.store.get(keyOf(CLUSTERS, '', name))) as Cluster;
    },
    async editCluster(name, edit, part = 'spec') {
      const read = await world.cluster(name);
      const next = structuredClone(read);
      edit(next);
      if (part === 'spec') await writeSpec(base, CLUSTERS, read as KubeObject, next as KubeObject);
      else await writeObject(base, keyOf(CLUSTERS, '', name), read as KubeObject, next as KubeObject);
    },
    async addBinding(name, spec, opts = {}) {
      const r = bindingResource(opts.cluster);
      const obj = {
        apiVersion: 'work.karmada.io/v1alpha2',
        kind: opts.cluster ? 'ClusterResourceBinding' : 'ResourceBinding',
        metadata: { name, ...(opts.cluster ? {} : { namespace: opts.namespace ?? 'default' }), labels: opts.labels ?? { [PROPAGATION_POLICY_PERMANENT_ID_LABEL]: 'pp-id' } },
        spec,
      };
      await createObject(base, r, obj as unknown as KubeObject);
      return world.binding(name, opts.cluster ? '' : (opts.namespace ?? 'default'));
    },
    async binding(name, namespace = 'default') {
      const r = namespace ? RESOURCE_BINDINGS : CLUSTER_RESOURCE_BINDINGS;
      return (await db.store.get(keyOf(r, namespace, name))) as ResourceBinding;
    },
    async editBinding(name, edit, namespace = 'default') {
      const r = namespace ? RESOURCE_BINDINGS : CLUSTER_RESOURCE_BINDINGS;
      const read = await world.binding(name, namespace);
      const next = structuredClone(read);
      edit(next);
      await writeSpec(base, r, read as KubeObject, next as KubeObject);
    },
    schedulerReconcile: (key) => scheduler.reconcile(ctx(), key),
    async batch(keys) {
      const cache = createBatchCache(db.store);
      const results = new Map<string, ReconcileResult | void>();
      await Promise.all(keys.map(async (k) => results.set(k, await scheduler.reconcile(ctx(cache), k))));
      return results;
    },
    async settle() {
      const results = new Map<string, ReconcileResult | void>();
      for (let round = 0; round < 30; round++) {
        const changes = await db.store.changeLog(cursor, 10_000);
        if (changes.length) cursor = changes[changes.length - 1]!.revision;
        let any = false;
        for (const rec of reconcilers) {
          const keys = new Set(queued.get(rec.name) ?? []);
          queued.delete(rec.name);
          for (const c of changes) for (const k of rec.keysFor(c)) keys.add(k);
          if (keys.size === 0) continue;
          any = true;
          const cache = createBatchCache(db.store);
          await Promise.all(
            [...keys].map(async (k) => {
              results.set(k, await rec.reconcile(ctx(cache), k));
            }),
          );
        }
        if (!any) return results;
      }
      throw new Error('the scheduler did not settle');
    },
    async events(namespace = 'default') {
      const list = await db.store.list({ group: '', resource: 'events', namespace });
      return list.items as Awaited<ReturnType<World['events']>>;
    },
    close: () => db.close(),
  };
  return world;
}
