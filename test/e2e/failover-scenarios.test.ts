// Failover on the members `up` starts, failover on by default: a NoExecute taint put on by
// hand moves a workload at once (purgeMode Directly) and it stays where it went when the taint
// goes (S32); a member that stops answering is tainted by the default ClusterTaintPolicy and
// its workload moves after the policy's toleration (purgeMode Gracefully) (S32); a workload
// that stays unhealthy in one member is moved away (S33). A simulated member "dies" by having
// its Cluster point at a closed port: the control plane sees exactly what a dead API server
// gives it, a refused connection. With two of three members dead the brake holds every
// eviction until one comes back (S32).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { kubectlOk } from '../helpers/control-plane.js';
import { eventually, eventuallyExplained, json, startKarmadaPlane, type KarmadaPlane } from '../helpers/karmada-e2e.js';
import { memberLane } from '../helpers/members.js';

interface Binding {
  spec: { clusters?: Array<{ name: string; replicas?: number }>; gracefulEvictionTasks?: Array<{ fromCluster: string; purgeMode?: string; reason: string }> };
}
interface KEvent {
  reason: string;
  message: string;
  involvedObject: { kind: string; name: string };
}

function workload(name: string, opts: { cpu?: string } = {}): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: default
  labels: { app: ${name} }
spec:
  replicas: 1
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: main
          image: nginx
${opts.cpu ? `          resources: { requests: { cpu: "${opts.cpu}" } }\n` : ''}`;
}

function policy(name: string, failover: string, extra = '', tolerationSeconds = 3): string {
  return `apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata:
  name: ${name}
  namespace: default
spec:
  resourceSelectors:
    - apiVersion: apps/v1
      kind: Deployment
      name: ${name}
${extra}  placement:
    clusterAffinity:
      clusterNames: [member1, member2, member3]
    clusterTolerations:
      - key: cluster.karmada.io/not-ready
        operator: Exists
        effect: NoExecute
        tolerationSeconds: ${tolerationSeconds}
    replicaScheduling:
      replicaSchedulingType: Divided
      replicaDivisionPreference: Aggregated
  failover:
${failover}`;
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe(`failover on ${memberLane()} members`, () => {
  let k: KarmadaPlane;

  const binding = async (name: string): Promise<Binding> => json<Binding>(await k.cp.kubectl(['get', 'rb', `${name}-deployment`, '-n', 'default', '-o', 'json']));
  const readyIn = async (member: string, name: string): Promise<boolean> => {
    const r = await k.member(member, ['get', 'deployment', name, '-n', 'default', '-o', 'json'], { allowFail: true });
    return r.code === 0 && (json<{ status?: { readyReplicas?: number } }>(r).status?.readyReplicas ?? 0) >= 1;
  };
  /** Waits until `name` has a ready replica in `member`; on timeout, says what the member and the Work show. */
  const becomesReady = (member: string, name: string): Promise<true> =>
    eventuallyExplained(`${name} ready in ${member}`, async () => ((await readyIn(member, name)) ? true : undefined), async () => {
      const show = async (args: string[], on: 'member' | 'cp' = 'member'): Promise<string> => {
        const r = on === 'member' ? await k.member(member, args, { allowFail: true }) : await k.cp.kubectl(args, { allowFail: true });
        return `$ kubectl ${args.join(' ')} (${on === 'member' ? member : 'control plane'})\n${r.stdout}${r.stderr}`;
      };
      return [
        await show(['get', 'deployment,replicaset,pods', '-n', 'default', '-l', `app=${name}`, '-o', 'wide']),
        await show(['get', 'nodes', '-o', 'wide']),
        await show(['get', 'events', '-n', 'default', '--sort-by=.lastTimestamp']),
        await show(['get', 'work', '-A', '-o', 'wide'], 'cp'),
        await show(['get', 'rb', `${name}-deployment`, '-n', 'default', '-o', 'yaml'], 'cp'),
      ].join('\n');
    });
  const existsIn = async (member: string, name: string): Promise<boolean> =>
    (await k.member(member, ['get', 'deployment', name, '-n', 'default'], { allowFail: true })).code === 0;
  const events = async (): Promise<KEvent[]> => json<{ items: KEvent[] }>(await k.cp.kubectl(['get', 'events', '-A', '-o', 'json'])).items;

  /** Applies a workload and waits until it runs in the one cluster Aggregated chose; returns that cluster. */
  async function placed(name: string, manifests: string): Promise<string> {
    await kubectlOk(k.cp, ['apply', '-f', '-'], { input: manifests });
    const at = await eventually(`${name} scheduled`, async () => {
      const b = await binding(name).catch(() => undefined);
      return b?.spec.clusters?.length === 1 ? b.spec.clusters[0]!.name : undefined;
    });
    await becomesReady(at, name);
    return at;
  }

  beforeAll(async () => {
    k = await startKarmadaPlane();
    await eventually('three Ready clusters', async () => {
      const out = await kubectlOk(k.cp, ['get', 'clusters']);
      return (out.match(/\bPush\s+True\b/g) ?? []).length === 3 ? out : undefined;
    });
    // Real members build and start three kube-apiservers with etcd: far slower on a busy machine.
  }, memberLane() === 'real' ? 900_000 : 240_000);
  afterAll(async () => {
    await k?.stop();
  });

  it('S32 installs the default not-ready ClusterTaintPolicy (failover on by default)', async () => {
    const p = json<{ spec: { taints: Array<{ key: string; effect: string }> } }>(await k.cp.kubectl(['get', 'clustertaintpolicy', 'cluster-not-ready', '-o', 'json']));
    expect(p.spec.taints).toEqual([{ key: 'cluster.karmada.io/not-ready', effect: 'NoExecute' }]);
  });

  it('S32 a NoExecute taint by hand moves the workload at once (Directly); it stays when the taint goes', async () => {
    const from = await placed('hand', `${workload('hand')}---\n${policy('hand', '    cluster:\n      purgeMode: Directly\n')}`);
    await kubectlOk(k.cp, ['patch', 'cluster', from, '--type=merge', '-p', JSON.stringify({ spec: { taints: [{ key: 'e2e.flotilla.io/evict', effect: 'NoExecute' }] } })]);
    const to = await eventually('moved to another cluster', async () => {
      const b = await binding('hand');
      const t = b.spec.clusters?.[0]?.name;
      return t && t !== from ? t : undefined;
    });
    await becomesReady(to, 'hand');
    await eventually(`gone from ${from}`, async () => ((await existsIn(from, 'hand')) ? undefined : true));
    const ev = await eventually('an Event saying what moved', async () => (await events()).find((e) => e.reason === 'EvictWorkloadFromClusterSucceed' && e.involvedObject.name === 'hand-deployment'));
    expect(ev.message).toContain(`from cluster ${from}`);
    expect(ev.message).toContain('e2e.flotilla.io/evict:NoExecute');
    // The task ends once the new copy is healthy; then the taint goes, and the workload stays.
    await eventually('eviction task done', async () => ((await binding('hand')).spec.gracefulEvictionTasks?.length ? undefined : true));
    await kubectlOk(k.cp, ['patch', 'cluster', from, '--type=json', '-p', JSON.stringify([{ op: 'remove', path: '/spec/taints' }])]);
    await eventually('taint removed', async () => (/e2e\.flotilla\.io/.test(await kubectlOk(k.cp, ['get', 'cluster', from, '-o', 'json'])) ? undefined : true));
    await kubectlOk(k.cp, ['annotate', 'deployment', 'hand', 'e2e/poke=1', '--overwrite']);
    await eventually('the poke reached the member', async () => {
      const r = await k.member(to, ['get', 'deployment', 'hand', '-n', 'default', '-o', 'json'], { allowFail: true });
      return r.code === 0 && json<{ metadata: { annotations?: Record<string, string> } }>(r).metadata.annotations?.['e2e/poke'] === '1' ? true : undefined;
    });
    expect((await binding('hand')).spec.clusters?.map((c) => c.name)).toEqual([to]);
  });

  it('S32 a member that stops answering is tainted by the default policy; its workload moves after the toleration (Gracefully)', async () => {
    const from = await placed('dead', `${workload('dead')}---\n${policy('dead', '    cluster:\n      purgeMode: Gracefully\n')}`);
    const cluster = json<{ spec: { apiEndpoint: string } }>(await k.cp.kubectl(['get', 'cluster', from, '-o', 'json']));
    const endpoint = cluster.spec.apiEndpoint;
    await kubectlOk(k.cp, ['patch', 'cluster', from, '--type=merge', '-p', JSON.stringify({ spec: { apiEndpoint: `https://127.0.0.1:${await closedPort()}` } })]);
    try {
      await eventually('not-ready:NoExecute on the dead cluster', async () => {
        const c = json<{ spec: { taints?: Array<{ key: string; effect: string }> } }>(await k.cp.kubectl(['get', 'cluster', from, '-o', 'json']));
        return c.spec.taints?.some((t) => t.key === 'cluster.karmada.io/not-ready' && t.effect === 'NoExecute') ? true : undefined;
      });
      const to = await eventually('moved after the toleration', async () => {
        const t = (await binding('dead')).spec.clusters?.[0]?.name;
        return t && t !== from ? t : undefined;
      });
      await becomesReady(to, 'dead');
      const done = await eventually('the graceful eviction finished', async () =>
        (await events()).find((e) => e.reason === 'GracefulEvictionTaskDone' && e.involvedObject.name === 'dead-deployment'),
      );
      expect(done.message).toContain(`from cluster ${from}`);
      expect(done.message).toContain(`now on ${to}`);
      expect((await binding('dead')).spec.gracefulEvictionTasks ?? []).toEqual([]);
    } finally {
      await kubectlOk(k.cp, ['patch', 'cluster', from, '--type=merge', '-p', JSON.stringify({ spec: { apiEndpoint: endpoint } })]);
    }
    await eventually('the cluster recovers and the taint goes', async () => {
      const c = json<{ spec: { taints?: Array<{ key: string; effect: string }> } }>(await k.cp.kubectl(['get', 'cluster', from, '-o', 'json']));
      return (c.spec.taints ?? []).some((t) => t.effect === 'NoExecute') ? undefined : true;
    }, 90_000);
  });

  it('S32 the brake: with two of three members dead nothing is evicted, and eviction resumes when one returns', async () => {
    const from = await placed('braked', `${workload('braked')}---\n${policy('braked', '    cluster:\n      purgeMode: Directly\n', '', 10)}`);
    const other = ['member1', 'member2', 'member3'].find((m) => m !== from)!;
    const endpoints = new Map<string, string>();
    for (const m of [other, from]) {
      endpoints.set(m, json<{ spec: { apiEndpoint: string } }>(await k.cp.kubectl(['get', 'cluster', m, '-o', 'json'])).spec.apiEndpoint);
      await kubectlOk(k.cp, ['patch', 'cluster', m, '--type=merge', '-p', JSON.stringify({ spec: { apiEndpoint: `https://127.0.0.1:${await closedPort()}` } })]);
    }
    try {
      const brake = await eventually('the brake halted', async () => {
        const r = await k.cp.kubectl(['get', 'configmap', 'eviction-brake', '-n', 'karmada-cluster', '-o', 'json'], { allowFail: true });
        const data = r.code === 0 ? json<{ data: Record<string, string> }>(r).data : undefined;
        return data?.state === 'Halted' ? data : undefined;
      });
      expect(brake.message).toContain('2 of 3 clusters are not ready');
      const halted = await eventually('an EvictionHalted Event', async () => (await events()).find((e) => e.reason === 'EvictionHalted'));
      expect(halted.message).toContain('more than the 55% threshold');
      // `flotilla placement` reads the same report: the brake is in it.
      const report = json<{ failover?: string[] }>(await k.cp.kubectl(['get', '--raw', '/apis/work.karmada.io/v1alpha2/namespaces/default/resourcebindings/braked-deployment/placement']));
      expect(report.failover?.at(-1)).toMatch(/^Eviction brake: Halted — evictions halted: 2 of 3 clusters are not ready/);
      const added = await eventually('not-ready:NoExecute on the first cluster', async () => {
        const c = json<{ spec: { taints?: Array<{ key: string; effect: string; timeAdded?: string }> } }>(await k.cp.kubectl(['get', 'cluster', from, '-o', 'json']));
        const t = c.spec.taints?.find((x) => x.key === 'cluster.karmada.io/not-ready' && x.effect === 'NoExecute');
        return t?.timeAdded ? Date.parse(t.timeAdded) : undefined;
      });
      // Past the toleration (10 s) and then some, the binding has not moved.
      const until = added + 15_000;
      await eventually('the toleration has long run out, the binding still in place', async () => {
        const b = await binding('braked');
        expect(b.spec.clusters?.map((c) => c.name)).toEqual([from]);
        expect(b.spec.gracefulEvictionTasks ?? []).toEqual([]);
        return Date.now() > until ? true : undefined;
      }, 60_000, 1_000);
      // One member comes back: 1 of 3 not ready is under the threshold, evictions resume.
      await kubectlOk(k.cp, ['patch', 'cluster', other, '--type=merge', '-p', JSON.stringify({ spec: { apiEndpoint: endpoints.get(other) } })]);
      endpoints.delete(other);
      const to = await eventually('moved once the brake released', async () => {
        const t = (await binding('braked')).spec.clusters?.[0]?.name;
        return t && t !== from ? t : undefined;
      }, 90_000);
      await becomesReady(to, 'braked');
      expect((await events()).some((e) => e.reason === 'EvictionResumed')).toBe(true);
    } finally {
      for (const [m, endpoint] of endpoints) await kubectlOk(k.cp, ['patch', 'cluster', m, '--type=merge', '-p', JSON.stringify({ spec: { apiEndpoint: endpoint } })]);
    }
    await eventually('every cluster Ready again', async () => {
      const out = await kubectlOk(k.cp, ['get', 'clusters']);
      return (out.match(/\bPush\s+True\b/g) ?? []).length === 3 ? out : undefined;
    }, 90_000);
  });

  it('S33 a workload unhealthy in its member for tolerationSeconds is moved away', async () => {
    const app = `    application:\n      decisionConditions:\n        tolerationSeconds: 3\n      purgeMode: Directly\n`;
    const from = await placed('sick', `${workload('sick', { cpu: '100m' })}---\n${policy('sick', app, '  propagateDeps: true\n')}`);
    // Make it unhealthy there: no node takes a new pod, and the running one goes.
    const nodes = (await k.member(from, ['get', 'nodes', '-o', 'name'])).stdout.trim().split('\n');
    for (const n of nodes) await k.member(from, ['cordon', n.replace('node/', '')]);
    try {
      await k.member(from, ['delete', 'pods', '-n', 'default', '-l', 'app=sick', '--wait=false']);
      const to = await eventually('moved away from the unhealthy member', async () => {
        const t = (await binding('sick')).spec.clusters?.[0]?.name;
        return t && t !== from ? t : undefined;
      });
      await becomesReady(to, 'sick');
      await eventually(`gone from ${from}`, async () => ((await existsIn(from, 'sick')) ? undefined : true));
      const ev = (await events()).find((e) => e.reason === 'EvictWorkloadFromClusterSucceed' && e.involvedObject.name === 'sick-deployment');
      expect(ev?.message).toContain('ApplicationFailure');
    } finally {
      for (const n of nodes) await k.member(from, ['uncordon', n.replace('node/', '')], { allowFail: true });
    }
  });
});
