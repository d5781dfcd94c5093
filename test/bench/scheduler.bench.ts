/**
 * Scheduler throughput: bindings scheduled per second by the pure schedule() function against
 * 10, 100 and 1,000 member clusters, as medians of several rounds, over a mix of placements
 * (Duplicated, static weights, dynamic weights spread over clusters, Aggregated spread over
 * regions, a ConfigMap). Run: npx tsx test/bench/scheduler.bench.ts. Prints the machine it ran on;
 * figures are for comparison, not assertions.
 */
import { cpus, totalmem } from 'node:os';
import type { Cluster } from '../../shared/karmada/cluster.js';
import { bindingSpec, type BindingSpec } from '../../shared/karmada/resource-binding.js';
import { schedule } from '../../shared/scheduler/schedule.js';
import type { NodeSnapshot, ScheduleInput } from '../../shared/scheduler/types.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SIZES = (process.env.BENCH_CLUSTERS ?? '10,100,1000').split(',').map(Number);
const MIN_ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 400);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function makeClusters(n: number): Cluster[] {
  return Array.from({ length: n }, (_, i) => ({
    apiVersion: 'cluster.karmada.io/v1alpha1',
    kind: 'Cluster',
    metadata: { name: `member-${String(i).padStart(4, '0')}`, labels: { env: i % 4 === 0 ? 'staging' : 'prod', tier: `t${i % 3}` } },
    spec: {
      syncMode: i % 2 ? 'Pull' : 'Push',
      provider: `p${i % 3}`,
      region: `region-${i % 10}`,
      zones: [`zone-${i % 10}-a`],
      ...(i % 17 === 0 ? { taints: [{ key: 'cluster.karmada.io/not-ready', effect: 'NoSchedule' }] } : {}),
    },
    status: {
      apiEnablements: [
        { groupVersion: 'apps/v1', resources: [{ name: 'deployments', kind: 'Deployment' }] },
        { groupVersion: 'v1', resources: [{ name: 'configmaps', kind: 'ConfigMap' }] },
      ],
      resourceSummary: {
        allocatable: { cpu: `${64 + (i % 7) * 16}`, memory: `${256 + (i % 5) * 64}Gi`, pods: '1100' },
        allocated: { cpu: `${(i * 7) % 40}`, memory: `${(i * 13) % 128}Gi`, pods: `${(i * 11) % 400}` },
      },
    },
  }));
}

// A tenth of the clusters expose their nodes to the node-level estimator.
function makeNodes(clusters: Cluster[]): Record<string, NodeSnapshot[]> {
  const out: Record<string, NodeSnapshot[]> = {};
  clusters.forEach((c, i) => {
    if (i % 10 !== 0) return;
    out[c.metadata.name!] = Array.from({ length: 8 }, (_, j) => ({
      name: `node-${j}`,
      labels: { 'kubernetes.io/arch': 'amd64' },
      taints: [],
      allocatable: { cpu: '16', memory: '64Gi', pods: '110' },
      requested: { cpu: `${j}`, memory: `${j * 4}Gi` },
      pods: j * 5,
      ready: true,
    }));
  });
  return out;
}

function makeBindings(): BindingSpec[] {
  const deployment = (name: string, replicas: number, placement: object) =>
    bindingSpec.parse({
      resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'bench', name, uid: `uid-${name}` },
      replicas,
      replicaRequirements: { resourceRequest: { cpu: '500m', memory: '1Gi' } },
      placement,
    });
  return [
    deployment('duplicated', 3, { clusterAffinity: { labelSelector: { matchLabels: { env: 'prod' } } } }),
    deployment('static', 40, {
      replicaScheduling: {
        replicaSchedulingType: 'Divided',
        replicaDivisionPreference: 'Weighted',
        weightPreference: { staticWeightList: [{ targetCluster: { labelSelector: { matchLabels: { tier: 't0' } } }, weight: 2 }, { targetCluster: { labelSelector: { matchLabels: { tier: 't1' } } }, weight: 1 }] },
      },
    }),
    deployment('dynamic', 120, {
      spreadConstraints: [{ spreadByField: 'cluster', minGroups: 2, maxGroups: 5 }],
      replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { dynamicWeight: 'AvailableReplicas' } },
    }),
    deployment('aggregated', 200, {
      spreadConstraints: [{ spreadByField: 'region', minGroups: 2, maxGroups: 3 }, { spreadByField: 'cluster', minGroups: 2, maxGroups: 6 }],
      replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Aggregated' },
    }),
    bindingSpec.parse({ resource: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'bench', name: 'cfg', uid: 'uid-cfg' }, placement: { clusterTolerations: [{ operator: 'Exists' }] } }),
  ];
}

function measure(inputs: ScheduleInput[]): number {
  let done = 0;
  let failed = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < MIN_ROUND_MS) {
    for (const input of inputs) {
      if (!schedule(input).ok) failed++;
      done++;
    }
  }
  if (failed > 0) throw new Error(`${failed} of ${done} bindings did not schedule`);
  return done / ((performance.now() - t0) / 1000);
}

function main(): void {
  const cpu = cpus();
  console.log(`machine: ${cpu[0]?.model ?? 'unknown'} × ${cpu.length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`rounds: ${ROUNDS} × ≥${MIN_ROUND_MS} ms, placements: duplicated, static weight, dynamic weight + cluster spread, aggregated + region spread, configmap`);
  const rows: Array<Record<string, string | number>> = [];
  for (const n of SIZES) {
    const clusters = makeClusters(n);
    const nodes = makeNodes(clusters);
    const inputs: ScheduleInput[] = makeBindings().map((spec) => ({ spec, clusters, nodes }));
    measure(inputs); // warm up
    const rates: number[] = [];
    for (let r = 0; r < ROUNDS; r++) rates.push(measure(inputs));
    const perSecond = median(rates);
    rows.push({ clusters: n, 'bindings/s (median)': Math.round(perSecond), 'ms/binding': +(1000 / perSecond).toFixed(3), 'min..max bindings/s': `${Math.round(Math.min(...rates))}..${Math.round(Math.max(...rates))}` });
  }
  console.table(rows);
}

main();
