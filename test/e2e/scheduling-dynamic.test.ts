// Karmada's scheduling scenarios that depend on what the members can still hold, or on the
// clusters changing under a binding: division by free capacity (S15), Aggregated (S16), spread
// constraints (S17), ordered clusterAffinities (S18), reacting to clusters joining, leaving and
// being relabelled (S20) and WorkloadRebalancer (S21).
//
// Every member has two nodes of 4 cpu, so a pod requesting 1 cpu fits 8 times per member; a
// "filler" Deployment applied straight to a member takes room the control plane did not place.
// Karmada's default resource models grade a node by its scarcest resource, so a 4 cpu / 8Gi node
// lands in grade 1 (cpu 1-2, memory 4-16Gi) and counts as holding a single 1-cpu pod; the
// Clusters here get models graded by whole cpus instead (a user's `spec.resourceModels`), and the
// pods request cpu only, so the estimate is the free cpu count.
// The control plane learns a member's free room from its Cluster status, which the cluster
// controller refreshes every 10 s: each step waits for the Cluster to show the room it expects
// before asking the scheduler anything that depends on it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { kubectlOk } from '../helpers/control-plane.js';
import { eventually, json, startKarmadaPlane, type KarmadaPlane, readyClusters, runFlotilla } from '../helpers/karmada-e2e.js';
import { memberLane } from '../helpers/members.js';
import { parseQuantity } from '../../shared/quantity.js';

const MEMBERS = ['member1', 'member2', 'member3'];

/** Cluster resource models graded by whole cpus: a node with n cpus free holds n 1-cpu pods. */
const CPU_GRADED_MODELS = JSON.stringify({
  spec: {
    resourceModels: [0, 1, 2, 3, 4].map((grade) => ({ grade, ranges: [{ name: 'cpu', min: String(grade), max: grade === 4 ? '9223372036854775807' : String(grade + 1) }] })),
  },
});

/** A Deployment whose pods each request one cpu, so one member holds eight. */
function deployment(name: string, replicas: number, extraLabels = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default, labels: {app: ${name}${extraLabels}}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: nginx, resources: {requests: {cpu: '1'}}}]}
`;
}

function policy(name: string, selectors: string, placement: string): string {
  const indent = (text: string, pad: string): string =>
    text
      .trim()
      .split('\n')
      .map((l) => `${pad}${l}`)
      .join('\n');
  return `apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: ${name}, namespace: default}
spec:
  resourceSelectors:
${indent(selectors, '  ')}
  placement:
${indent(placement, '    ')}
`;
}

const selectDeployment = (name: string): string => `- {apiVersion: apps/v1, kind: Deployment, name: ${name}}`;

const DYNAMIC = `replicaScheduling:
  replicaSchedulingType: Divided
  replicaDivisionPreference: Weighted
  weightPreference: {dynamicWeight: AvailableReplicas}`;

const AGGREGATED = `replicaScheduling:
  replicaSchedulingType: Divided
  replicaDivisionPreference: Aggregated`;

interface TargetCluster {
  name: string;
  replicas?: number;
}

interface BindingView {
  spec: { clusters?: TargetCluster[]; rescheduleTriggeredAt?: string };
  status?: { schedulerObservingAffinityName?: string; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}

describe(`dynamic scheduling on ${memberLane()} members`, () => {
  let k: KarmadaPlane;

  async function apply(yaml: string): Promise<void> {
    await kubectlOk(k.cp, ['apply', '-f', '-'], { input: yaml });
  }

  async function binding(name: string, kind = 'deployment'): Promise<BindingView> {
    return JSON.parse(await kubectlOk(k.cp, ['get', 'rb', `${name}-${kind}`, '-n', 'default', '-o', 'json'])) as BindingView;
  }

  /** The binding's result as `{cluster: replicas}`, which is what `kubectl get rb -o json` shows a user. */
  async function bindingSpread(name: string, kind = 'deployment'): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const t of (await binding(name, kind)).spec.clusters ?? []) out[t.name] = t.replicas ?? 0;
    return out;
  }

  /** Replicas of the Deployment in each member (absent: not there). */
  async function spread(name: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const m of MEMBERS) {
      const r = await k.member(m, ['get', 'deployment', name, '-n', 'default', '-o', 'json'], { allowFail: true });
      if (r.code === 0) out[m] = json<{ spec: { replicas: number } }>(r).spec.replicas;
    }
    return out;
  }

  /** Waits until both the members and the binding show `want`. */
  async function expectSpread(name: string, want: Record<string, number>): Promise<void> {
    const key = JSON.stringify(want);
    await eventually(`${name} spread as ${key}`, async () => (JSON.stringify(await spread(name)) === key ? true : undefined), 90_000, 500);
    expect(await bindingSpread(name)).toEqual(want);
  }

  /** Members holding the ConfigMap. */
  async function holdersOfConfigMap(name: string): Promise<string[]> {
    const out: string[] = [];
    for (const m of MEMBERS) {
      const r = await k.member(m, ['get', 'configmap', name, '-n', 'default'], { allowFail: true });
      if (r.code === 0) out.push(m);
    }
    return out;
  }

  /** Whole cpus the Cluster status says are still free (allocatable less allocated and allocating). */
  async function freeCpu(member: string): Promise<number> {
    const c = JSON.parse(await kubectlOk(k.cp, ['get', 'cluster', member, '-o', 'json'])) as {
      status?: { resourceSummary?: { allocatable?: Record<string, string>; allocated?: Record<string, string>; allocating?: Record<string, string> } };
    };
    const s = c.status?.resourceSummary ?? {};
    const cpu = (l: Record<string, string> | undefined): number => parseQuantity(l?.cpu ?? '0') ?? 0;
    return Math.round(cpu(s.allocatable) - cpu(s.allocated) - cpu(s.allocating));
  }

  async function expectFreeCpu(want: Record<string, number>): Promise<void> {
    const key = JSON.stringify(want);
    await eventually(
      `free cpu ${key}`,
      async () => {
        const got: Record<string, number> = {};
        for (const m of Object.keys(want)) got[m] = await freeCpu(m);
        return JSON.stringify(got) === key ? true : undefined;
      },
      60_000,
      500,
    );
  }

  /** Takes `cpus` cpus of a member with a Deployment the control plane knows nothing about. */
  async function fill(member: string, name: string, cpus: number): Promise<void> {
    const r = await k.member(member, ['apply', '-f', '-'], { input: deployment(name, cpus) });
    if (r.code !== 0) throw new Error(`filling ${member}: ${r.stderr}`);
    await eventually(`${name} ready in ${member}`, async () => {
      const d = await k.member(member, ['get', 'deployment', name, '-n', 'default', '-o', 'json'], { allowFail: true });
      return d.code === 0 && json<{ status?: { readyReplicas?: number } }>(d).status?.readyReplicas === cpus ? true : undefined;
    }, 60_000, 300);
  }

  async function unfill(member: string, name: string): Promise<void> {
    const r = await k.member(member, ['delete', 'deployment', name, '-n', 'default', '--wait=false'], { allowFail: true });
    if (r.code !== 0 && !/NotFound/.test(r.stderr)) throw new Error(`unfilling ${member}: ${r.stderr}`);
  }

  /** Deletes a propagated Deployment and its policy, and waits until no member holds it. */
  async function remove(name: string): Promise<void> {
    await kubectlOk(k.cp, ['delete', 'deployment', name, '-n', 'default', '--ignore-not-found', '--wait=false']);
    await kubectlOk(k.cp, ['delete', 'pp', name, '-n', 'default', '--ignore-not-found', '--wait=false']);
    await eventually(`${name} gone from every member`, async () => (Object.keys(await spread(name)).length === 0 ? true : undefined), 90_000, 500);
  }

  const flotilla = (args: string[]) => runFlotilla(k, args);

  beforeAll(async () => {
    k = await startKarmadaPlane();
    await readyClusters(k);
    for (const m of MEMBERS) await kubectlOk(k.cp, ['patch', 'cluster', m, '--type', 'merge', '-p', CPU_GRADED_MODELS]);
    // Every member starts empty: 8 cpus free each.
    await expectFreeCpu({ member1: 8, member2: 8, member3: 8 });
  });
  afterAll(async () => {
    await k?.stop();
  });

  // S15 and S21 share one workload: the rebalancer's fresh division is told apart from the
  // steady one S15 ends with.
  it('S15 dynamicWeight AvailableReplicas follows free capacity; scale-up divides only the added replicas, scale-down shrinks proportionally', async () => {
    await fill('member1', 's15-filler', 6);
    await expectFreeCpu({ member1: 2, member2: 8 });
    await apply(deployment('s15', 10) + '---\n' + policy('s15', selectDeployment('s15'), `clusterAffinity: {clusterNames: [member1, member2]}\n${DYNAMIC}`));
    // Room 2 and 8 for 10 replicas.
    await expectSpread('s15', { member1: 2, member2: 8 });

    // Scaling down shrinks in proportion to what each cluster has: 10 at 2:8 to 5 is 1 and 4.
    await kubectlOk(k.cp, ['scale', 'deployment/s15', '-n', 'default', '--replicas=5']);
    await expectSpread('s15', { member1: 1, member2: 4 });

    // member1 frees up; a fresh division of 10 would now be 5 and 5, but a scale-up keeps what
    // is placed and divides only the 5 added replicas by the room left (7 and 4): 3 and 2.
    await unfill('member1', 's15-filler');
    await expectFreeCpu({ member1: 7, member2: 4 });
    await kubectlOk(k.cp, ['scale', 'deployment/s15', '-n', 'default', '--replicas=10']);
    await expectSpread('s15', { member1: 4, member2: 6 });
    const b = await binding('s15');
    expect(b.status?.conditions?.find((c) => c.type === 'Scheduled')).toMatchObject({ status: 'True', reason: 'Success' });
  });

  it('S21 a WorkloadRebalancer divides the replicas afresh', async () => {
    await expectFreeCpu({ member1: 4, member2: 2 });
    const before = await binding('s15');
    expect(before.spec.rescheduleTriggeredAt).toBeUndefined();
    await apply(`apiVersion: apps.karmada.io/v1alpha1
kind: WorkloadRebalancer
metadata: {name: s21}
spec:
  workloads:
  - {apiVersion: apps/v1, kind: Deployment, name: s15, namespace: default}
`);
    // Room plus what each runs is 8 and 8: the 10 replicas are divided as if placed anew.
    await expectSpread('s15', { member1: 5, member2: 5 });
    const after = await binding('s15');
    expect(after.spec.rescheduleTriggeredAt).toBeTruthy();
    const rebalancer = await eventually('rebalancer finished', async () => {
      const r = JSON.parse(await kubectlOk(k.cp, ['get', 'workloadrebalancer', 's21', '-o', 'json'])) as {
        status?: { finishTime?: string; observedWorkloads?: Array<{ workload: { name: string }; result?: string }> };
      };
      return r.status?.finishTime ? r : undefined;
    });
    expect(rebalancer.status?.observedWorkloads).toEqual([expect.objectContaining({ workload: expect.objectContaining({ name: 's15' }), result: 'Successful' })]);
    await remove('s15');
    await expectFreeCpu({ member1: 8, member2: 8 });
  });

  it('S16 Aggregated uses as few clusters as their room allows', async () => {
    await fill('member1', 's16-filler', 6);
    await fill('member3', 's16-filler', 4);
    await expectFreeCpu({ member1: 2, member2: 8, member3: 4 });
    // Six fit in member2 alone.
    await apply(deployment('s16-small', 6) + '---\n' + policy('s16-small', selectDeployment('s16-small'), AGGREGATED));
    await expectSpread('s16-small', { member2: 6 });
    await remove('s16-small');
    await expectFreeCpu({ member1: 2, member2: 8, member3: 4 });
    // Twelve need two clusters: the roomiest (member2, 8), then the next (member3, 4); member1 gets none.
    await apply(deployment('s16', 12) + '---\n' + policy('s16', selectDeployment('s16'), AGGREGATED));
    await expectSpread('s16', { member2: 8, member3: 4 });
    await remove('s16');
    await unfill('member1', 's16-filler');
    await unfill('member3', 's16-filler');
    await expectFreeCpu({ member1: 8, member2: 8, member3: 8 });
  });

  it('S18 clusterAffinities: the first term cannot hold the replicas, so the next one is used and named in the status', async () => {
    const placement = `clusterAffinities:
- {affinityName: local, clusterNames: [member1]}
- {affinityName: burst, clusterNames: [member2, member3]}
${DYNAMIC}`;
    // Four fit in member1: the first term is used.
    await apply(deployment('s18-fits', 4) + '---\n' + policy('s18-fits', selectDeployment('s18-fits'), placement));
    await expectSpread('s18-fits', { member1: 4 });
    expect((await binding('s18-fits')).status?.schedulerObservingAffinityName).toBe('local');
    await remove('s18-fits');
    await expectFreeCpu({ member1: 8 });
    // Twelve do not fit in member1 (8): the second term takes them.
    await apply(deployment('s18', 12) + '---\n' + policy('s18', selectDeployment('s18'), placement));
    await expectSpread('s18', { member2: 6, member3: 6 });
    const b = await binding('s18');
    expect(b.status?.schedulerObservingAffinityName).toBe('burst');
    expect(b.status?.conditions?.find((c) => c.type === 'Scheduled')).toMatchObject({ status: 'True', reason: 'Success' });
    await remove('s18');
  });

  it('S17 spreadConstraints by cluster and by region select the right number of clusters', async () => {
    const dup = 'replicaScheduling: {replicaSchedulingType: Duplicated}';
    await apply(
      deployment('s17-clusters', 1) + '---\n' + policy('s17-clusters', selectDeployment('s17-clusters'), `spreadConstraints: [{spreadByField: cluster, minGroups: 1, maxGroups: 2}]\n${dup}`),
    );
    await apply(
      deployment('s17-regions', 1) +
        '---\n' +
        policy('s17-regions', selectDeployment('s17-regions'), `spreadConstraints: [{spreadByField: region, minGroups: 2, maxGroups: 2}, {spreadByField: cluster, minGroups: 2, maxGroups: 2}]\n${dup}`),
    );
    await apply(
      deployment('s17-one-region', 1) +
        '---\n' +
        policy('s17-one-region', selectDeployment('s17-one-region'), `spreadConstraints: [{spreadByField: region, minGroups: 1, maxGroups: 1}, {spreadByField: cluster, minGroups: 2, maxGroups: 2}]\n${dup}`),
    );
    const placed = async (name: string): Promise<string[]> =>
      eventually(`${name} placed`, async () => {
        const clusters = Object.keys(await bindingSpread(name)).sort();
        const inMembers = Object.keys(await spread(name)).sort();
        return clusters.length > 0 && JSON.stringify(clusters) === JSON.stringify(inMembers) ? clusters : undefined;
      }, 90_000, 500);
    // At most two clusters, whichever they are.
    expect(await placed('s17-clusters')).toHaveLength(2);
    // Two regions and two clusters: member3 (the only one in r2) and one of r1's.
    const regions = await placed('s17-regions');
    expect(regions).toHaveLength(2);
    expect(regions).toContain('member3');
    // One region that can give two clusters: only r1 can.
    expect(await placed('s17-one-region')).toEqual(['member1', 'member2']);
    for (const name of ['s17-clusters', 's17-regions', 's17-one-region']) await remove(name);
  });

  it('S20 clusters joining, leaving and relabelled move Duplicated and non-workload bindings; a Divided one moves only off a deleted cluster or on a replica change', async () => {
    const selectors = `${selectDeployment('s20-dup')}\n- {apiVersion: v1, kind: ConfigMap, name: s20-cm}`;
    const affinity = 'clusterAffinity: {labelSelector: {matchLabels: {tier: s20}}}';
    await apply(
      deployment('s20-dup', 1) +
        '---\n' +
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s20-cm, namespace: default}\ndata: {k: v}\n` +
        '---\n' +
        policy('s20-dup', selectors, `${affinity}\nreplicaScheduling: {replicaSchedulingType: Duplicated}`),
    );
    await apply(deployment('s20-div', 2) + '---\n' + policy('s20-div', selectDeployment('s20-div'), `${affinity}\nreplicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted}`));

    // No cluster carries the label yet.
    for (const name of ['s20-dup', 's20-div']) {
      await eventually(`${name} NoClusterFit`, async () => {
        const c = (await binding(name).catch(() => undefined))?.status?.conditions?.find((x) => x.type === 'Scheduled');
        return c?.status === 'False' && c.reason === 'NoClusterFit' ? c : undefined;
      });
    }
    expect(await spread('s20-div')).toEqual({});

    // A cluster that fits appears: both are placed at once.
    await kubectlOk(k.cp, ['label', 'cluster', 'member3', 'tier=s20']);
    await expectSpread('s20-dup', { member3: 1 });
    await expectSpread('s20-div', { member3: 2 });
    await eventually('ConfigMap in member3', async () => (JSON.stringify(await holdersOfConfigMap('s20-cm')) === '["member3"]' ? true : undefined), 60_000, 500);

    // Another cluster fits: the Duplicated binding and the ConfigMap's follow; the Divided one stays.
    await kubectlOk(k.cp, ['label', 'cluster', 'member1', 'tier=s20']);
    await expectSpread('s20-dup', { member1: 1, member3: 1 });
    await eventually('ConfigMap in member1 and member3', async () => (JSON.stringify(await holdersOfConfigMap('s20-cm')) === '["member1","member3"]' ? true : undefined), 60_000, 500);
    expect(await bindingSpread('s20-div')).toEqual({ member3: 2 });
    expect(await spread('s20-div')).toEqual({ member3: 2 });

    // A cluster stops matching: the Duplicated binding leaves it, the Divided one does not.
    await kubectlOk(k.cp, ['label', 'cluster', 'member1', 'tier-']);
    await expectSpread('s20-dup', { member3: 1 });
    expect(await bindingSpread('s20-div')).toEqual({ member3: 2 });

    // A replica change reschedules the Divided binding over the clusters that match now.
    await kubectlOk(k.cp, ['label', 'cluster', 'member2', 'tier=s20']);
    await expectSpread('s20-dup', { member2: 1, member3: 1 });
    expect(await bindingSpread('s20-div')).toEqual({ member3: 2 });
    await kubectlOk(k.cp, ['scale', 'deployment/s20-div', '-n', 'default', '--replicas=4']);
    await expectSpread('s20-div', { member2: 2, member3: 2 });

    // member1 matches again, then member3 leaves: the Divided binding moves off it onto what matches.
    await kubectlOk(k.cp, ['label', 'cluster', 'member1', 'tier=s20']);
    await expectSpread('s20-dup', { member1: 1, member2: 1, member3: 1 });
    expect(await bindingSpread('s20-div')).toEqual({ member2: 2, member3: 2 });
    await kubectlOk(k.cp, ['delete', 'cluster', 'member3', '--wait=false']);
    await eventually('s20-div off member3', async () => {
      const s = await bindingSpread('s20-div');
      return !('member3' in s) && Object.values(s).reduce((a, b) => a + b, 0) === 4 ? s : undefined;
    }, 90_000, 500);
    await eventually('s20-dup off member3', async () => (JSON.stringify(await bindingSpread('s20-dup')) === JSON.stringify({ member1: 1, member2: 1 }) ? true : undefined), 90_000, 500);
    const divAfterLeave = await bindingSpread('s20-div');
    expect(Object.keys(divAfterLeave).sort()).toEqual(['member1', 'member2']);
    await eventually('member3 gone', async () => ((await k.cp.kubectl(['get', 'cluster', 'member3'], { allowFail: true })).code !== 0 ? true : undefined), 120_000, 500);

    // member3 joins again with the label: the Duplicated binding and the ConfigMap's reach it; the Divided one stays put.
    const membersConfig = join(k.cp.dataDir, 'members.config');
    const joined = await flotilla(['join', 'member3', '--cluster-kubeconfig', membersConfig, '--cluster-context', 'member3', '--region', 'r2', '--provider', 'sim']);
    expect(joined.code, joined.stderr).toBe(0);
    await kubectlOk(k.cp, ['label', 'cluster', 'member3', 'tier=s20', '--overwrite']);
    await expectSpread('s20-dup', { member1: 1, member2: 1, member3: 1 });
    await eventually('ConfigMap back in member3', async () => (JSON.stringify(await holdersOfConfigMap('s20-cm')) === '["member1","member2","member3"]' ? true : undefined), 60_000, 500);
    expect(await bindingSpread('s20-div')).toEqual(divAfterLeave);
  });
});
