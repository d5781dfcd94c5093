/**
 * Scheduler reconciler throughput: bindings scheduled per second, store included (a local
 * libSQL file, the batch cache, the spec and status writes, the events), with 10, 100 and
 * 1,000 Clusters. Bindings are reconciled in batches of the reconciler's concurrency, each
 * batch sharing one cluster list, as the runtime does. Run: npx tsx test/bench/scheduler-reconciler.bench.ts.
 * Figures are for comparison, not assertions.
 */
import { cpus, totalmem } from 'node:os';
import { freshStore } from '../helpers/db.js';
import { createBuiltinRegistry } from '../../shared/registry/index.js';
import { createBatchCache } from '../../cron/runtime/batch-cache.js';
import { createObject, keyOf, writeObject } from '../../cron/object-writes.js';
import { CLUSTERS, RESOURCE_BINDINGS } from '../../cron/karmada/resources.js';
import { scheduler } from '../../cron/karmada/scheduler.js';
import type { ReconcileContext } from '../../cron/reconciler.js';
import { defaultControllerSettings } from '../../shared/controller-settings.js';
import { PROPAGATION_POLICY_PERMANENT_ID_LABEL } from '../../shared/karmada/propagation-policy.js';
import type { KubeObject } from '../../shared/object.js';

const SIZES = (process.env.BENCH_CLUSTERS ?? '10,100,1000').split(',').map(Number);
const BINDINGS = Number(process.env.BENCH_BINDINGS ?? 300);
const BATCH = scheduler.concurrency ?? 16;

const placements = [
  { replicaScheduling: { replicaSchedulingType: 'Duplicated' }, clusterAffinity: { labelSelector: { matchLabels: { env: 'prod' } } }, spreadConstraints: [{ spreadByField: 'cluster', maxGroups: 3, minGroups: 1 }] },
  { replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted' }, spreadConstraints: [{ spreadByField: 'cluster', maxGroups: 5, minGroups: 2 }] },
  { replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { dynamicWeight: 'AvailableReplicas' } }, spreadConstraints: [{ spreadByField: 'cluster', maxGroups: 4, minGroups: 1 }] },
  { replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Aggregated' }, spreadConstraints: [{ spreadByField: 'region', maxGroups: 2, minGroups: 1 }, { spreadByField: 'cluster', maxGroups: 4, minGroups: 1 }] },
];

async function round(clusters: number): Promise<number> {
  const registry = createBuiltinRegistry();
  const db = await freshStore({ fieldsOf: registry.fieldsOf.bind(registry) });
  const ctx = (cache?: ReturnType<typeof createBatchCache>): ReconcileContext => ({
    store: db.store,
    registry,
    now: Date.now,
    settings: defaultControllerSettings,
    enqueue: async () => {},
    arm: async () => {},
    ...(cache ? { cache } : {}),
  });
  try {
    for (let i = 0; i < clusters; i++) {
      const name = `member-${String(i).padStart(4, '0')}`;
      const created = (await createObject(ctx(), CLUSTERS, {
        apiVersion: 'cluster.karmada.io/v1alpha1',
        kind: 'Cluster',
        metadata: { name, labels: { env: i % 4 ? 'prod' : 'staging' } },
        spec: { syncMode: 'Push', provider: 'sim', region: `region-${i % 10}` },
      } as KubeObject))!;
      await writeObject(ctx(), keyOf(CLUSTERS, '', name), created, {
        ...created,
        status: {
          apiEnablements: [{ groupVersion: 'apps/v1', resources: [{ name: 'deployments', kind: 'Deployment' }] }],
          resourceSummary: { allocatable: { cpu: '64', memory: '256Gi', pods: '1100' }, allocated: { cpu: `${i % 40}`, pods: `${(i * 11) % 400}` } },
        },
      } as KubeObject);
    }
    const keys: string[] = [];
    for (let i = 0; i < BINDINGS; i++) {
      const name = `app-${i}-deployment`;
      await createObject(ctx(), RESOURCE_BINDINGS, {
        apiVersion: 'work.karmada.io/v1alpha2',
        kind: 'ResourceBinding',
        metadata: { name, namespace: 'default', labels: { [PROPAGATION_POLICY_PERMANENT_ID_LABEL]: 'bench' } },
        spec: { resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: `app-${i}`, uid: `uid-${i}` }, replicas: 3 + (i % 7), placement: placements[i % placements.length] },
      } as unknown as KubeObject);
      keys.push(`rb/default/${name}`);
    }
    const start = performance.now();
    for (let i = 0; i < keys.length; i += BATCH) {
      const cache = createBatchCache(db.store);
      await Promise.all(keys.slice(i, i + BATCH).map((k) => scheduler.reconcile(ctx(cache), k)));
    }
    const seconds = (performance.now() - start) / 1000;
    const scheduled = (await db.store.list({ group: RESOURCE_BINDINGS.group, resource: RESOURCE_BINDINGS.resource })).items.filter((b) => ((b.spec as { clusters?: unknown[] }).clusters ?? []).length > 0).length;
    if (scheduled !== keys.length) console.warn(`  (only ${scheduled} of ${keys.length} bindings got clusters)`);
    return keys.length / seconds;
  } finally {
    await db.close();
  }
}

console.log(`scheduler reconciler bench on ${cpus().length}x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB; ${BINDINGS} bindings, batches of ${BATCH}`);
for (const n of SIZES) {
  const rate = await round(n);
  console.log(`${String(n).padStart(5)} clusters: ${rate.toFixed(1)} bindings scheduled/s (first scheduling: spec, status and events written)`);
}
