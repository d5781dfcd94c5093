// What runs in the members comes back to the control plane: the template's status aggregated
// per kind as Karmada's default interpreter does (S27), observedGeneration held back until
// every member has caught up so `kubectl rollout status` waits correctly (S28), and the
// printer columns of bindings and Works (S29). A member copy edited by hand is put back at
// once: only the member watches can see that.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlOk } from '../helpers/control-plane.js';
import { eventually, json, startKarmadaPlane, type KarmadaPlane } from '../helpers/karmada-e2e.js';
import { memberLane } from '../helpers/members.js';

type Obj = {
  metadata: { name: string; generation?: number };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & { conditions?: Array<{ type: string; status: string; reason?: string }>; observedGeneration?: number };
};

const apply = (k: KarmadaPlane, yaml: string): Promise<string> => kubectlOk(k.cp, ['apply', '-f', '-'], { input: yaml });

async function cpGet(k: KarmadaPlane, kind: string, name: string): Promise<Obj> {
  return json<Obj>(await k.cp.kubectl(['get', kind, name, '-n', 'default', '-o', 'json']));
}

async function memberGet(k: KarmadaPlane, member: string, kind: string, name: string): Promise<Obj | undefined> {
  const r = await k.member(member, ['get', kind, name, '-n', 'default', '-o', 'json'], { allowFail: true });
  return r.code === 0 ? json<Obj>(r) : undefined;
}

function condition(o: Obj | undefined, type: string): string | undefined {
  return o?.status?.conditions?.find((c) => c.type === type)?.status;
}

const policy = (name: string, selectors: string, scheduling: 'Duplicated' | 'Divided', extra = ''): string => `
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: { name: ${name}, namespace: default }
spec:
  resourceSelectors:
${selectors}
  placement:
    clusterAffinity: { clusterNames: [member1, member2] }
    replicaScheduling:
      replicaSchedulingType: ${scheduling}
${scheduling === 'Divided' ? '      replicaDivisionPreference: Weighted\n      weightPreference: { staticWeightList: [{ targetCluster: { clusterNames: [member1] }, weight: 1 }, { targetCluster: { clusterNames: [member2] }, weight: 1 }] }' : ''}
${extra}`;

describe(`status and health on ${memberLane()} members`, () => {
  let k: KarmadaPlane;

  beforeAll(async () => {
    k = await startKarmadaPlane({ env: { FLOTILLA_SIM_JOB_DURATION: '2' } });
  });
  afterAll(async () => {
    await k?.stop();
  });

  it('S27 aggregates Deployment, StatefulSet and DaemonSet status across the members', async () => {
    await apply(k, `
apiVersion: apps/v1
kind: Deployment
metadata: { name: s27-deploy, namespace: default }
spec:
  replicas: 4
  selector: { matchLabels: { app: s27-deploy } }
  template: { metadata: { labels: { app: s27-deploy } }, spec: { containers: [{ name: c, image: nginx }] } }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: s27-sts, namespace: default }
spec:
  replicas: 2
  serviceName: s27-sts
  selector: { matchLabels: { app: s27-sts } }
  template: { metadata: { labels: { app: s27-sts } }, spec: { containers: [{ name: c, image: nginx }] } }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: s27-ds, namespace: default }
spec:
  selector: { matchLabels: { app: s27-ds } }
  template: { metadata: { labels: { app: s27-ds } }, spec: { containers: [{ name: c, image: nginx }] } }
---
${policy('s27-divided', '    - { apiVersion: apps/v1, kind: Deployment, name: s27-deploy }\n    - { apiVersion: apps/v1, kind: StatefulSet, name: s27-sts }', 'Divided')}
---
${policy('s27-ds', '    - { apiVersion: apps/v1, kind: DaemonSet, name: s27-ds }', 'Duplicated')}
`);
    const d = await eventually('Deployment 4/4', async () => {
      const o = await cpGet(k, 'deployment', 's27-deploy');
      return o.status?.readyReplicas === 4 && o.status?.availableReplicas === 4 ? o : undefined;
    });
    expect(d.status).toMatchObject({ replicas: 4, readyReplicas: 4, updatedReplicas: 4, availableReplicas: 4, observedGeneration: d.metadata.generation });
    for (const m of ['member1', 'member2']) expect((await memberGet(k, m, 'deployment', 's27-deploy'))?.spec?.replicas).toBe(2);

    const sts = await eventually('StatefulSet 2 ready', async () => {
      const o = await cpGet(k, 'statefulset', 's27-sts');
      return o.status?.readyReplicas === 2 ? o : undefined;
    });
    expect(sts.status).toMatchObject({ replicas: 2, readyReplicas: 2, currentReplicas: 2, updatedReplicas: 2, availableReplicas: 2 });

    // Two members, each with its own nodes: the template counts them all.
    const perMember = await Promise.all(['member1', 'member2'].map((m) => eventually(`DaemonSet in ${m}`, async () => {
      const o = await memberGet(k, m, 'daemonset', 's27-ds');
      return typeof o?.status?.numberReady === 'number' && o.status.numberReady > 0 && o.status.numberReady === o.status.desiredNumberScheduled ? o : undefined;
    })));
    const want = perMember.reduce((n, o) => n + (o.status!.desiredNumberScheduled as number), 0);
    const ds = await eventually('DaemonSet summed', async () => {
      const o = await cpGet(k, 'daemonset', 's27-ds');
      return o.status?.numberReady === want ? o : undefined;
    });
    expect(ds.status).toMatchObject({ desiredNumberScheduled: want, currentNumberScheduled: want, numberAvailable: want, updatedNumberScheduled: want });
  });

  it('S27 marks a Job Complete only once every member completed it', async () => {
    await apply(k, `
apiVersion: batch/v1
kind: Job
metadata: { name: s27-job, namespace: default }
spec:
  completions: 2
  parallelism: 2
  template: { spec: { restartPolicy: Never, containers: [{ name: c, image: busybox, command: ['true'] }] } }
---
${policy('s27-job', '    - { apiVersion: batch/v1, kind: Job, name: s27-job }', 'Divided')}
---
# member2 holds its half back until this policy goes.
apiVersion: policy.karmada.io/v1alpha1
kind: OverridePolicy
metadata: { name: s27-job-hold, namespace: default }
spec:
  resourceSelectors: [{ apiVersion: batch/v1, kind: Job, name: s27-job }]
  overrideRules:
    - targetCluster: { clusterNames: [member2] }
      overriders: { plaintext: [{ path: /spec/suspend, operator: add, value: true }] }
`);
    await eventually('member1 completed its half', async () => (condition(await memberGet(k, 'member1', 'job', 's27-job'), 'Complete') === 'True' ? true : undefined));
    const half = await eventually('template counts one success', async () => {
      const o = await cpGet(k, 'job', 's27-job');
      return o.status?.succeeded === 1 ? o : undefined;
    });
    expect(condition(half, 'Complete')).toBeUndefined();
    expect((await memberGet(k, 'member2', 'job', 's27-job'))?.spec?.suspend).toBe(true);

    await kubectlOk(k.cp, ['delete', 'op', 's27-job-hold', '-n', 'default']);
    const done = await eventually('template Complete', async () => {
      const o = await cpGet(k, 'job', 's27-job');
      return condition(o, 'Complete') === 'True' ? o : undefined;
    });
    expect(done.status?.succeeded).toBe(2);
    expect(condition(done, 'SuccessCriteriaMet')).toBe('True');
    expect(done.status?.completionTime).toBeTruthy();
    expect(condition(done, 'Failed')).toBeUndefined();
  });

  it('S27 unions LoadBalancer ingress of Services and Ingresses, and sums PodDisruptionBudgets', async () => {
    await apply(k, `
apiVersion: v1
kind: Service
metadata: { name: s27-lb, namespace: default }
spec: { type: LoadBalancer, selector: { app: s27-deploy }, ports: [{ port: 80 }] }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: s27-ing, namespace: default }
spec:
  rules: [{ host: s27.example, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: s27-lb, port: { number: 80 } } } }] } }]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: s27-pdb, namespace: default }
spec: { minAvailable: 1, selector: { matchLabels: { app: s27-deploy } } }
---
${policy('s27-net', '    - { apiVersion: v1, kind: Service, name: s27-lb }\n    - { apiVersion: networking.k8s.io/v1, kind: Ingress, name: s27-ing }\n    - { apiVersion: policy/v1, kind: PodDisruptionBudget, name: s27-pdb }', 'Duplicated')}
`);
    type Lb = { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } };
    // Simulated members hand out addresses; real ones here have no load-balancer provider, so
    // their (empty) ingress lists must add up to an empty one on the template.
    const provider = k.lane === 'simulated';
    const memberIngress = async (kind: string, name: string): Promise<string[]> => {
      const all: string[] = [];
      for (const m of ['member1', 'member2']) {
        const o = await eventually(`${kind} ingress in ${m}`, async () => {
          const x = await memberGet(k, m, kind, name);
          return x && (!provider || ((x.status as Lb | undefined)?.loadBalancer?.ingress?.length ?? 0) > 0) ? x : undefined;
        });
        for (const i of (o.status as Lb | undefined)?.loadBalancer?.ingress ?? []) all.push(i.ip ?? i.hostname ?? '');
      }
      return [...new Set(all)].sort();
    };
    for (const [kind, name] of [['service', 's27-lb'], ['ingress', 's27-ing']] as const) {
      const want = await memberIngress(kind, name);
      const got = await eventually(`${kind} ingress union on the template`, async () => {
        const o = await cpGet(k, kind, name);
        const ing = ((o.status as Lb | undefined)?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '');
        return ing.length === want.length ? ing : undefined;
      });
      expect(got).toEqual(want);
    }

    // The members' PDB counters, whatever their controllers make of them, add up on the template.
    const sums = await eventually('PDB statuses in both members', async () => {
      const both = await Promise.all(['member1', 'member2'].map((m) => memberGet(k, m, 'pdb', 's27-pdb')));
      return both.every((o) => o) ? both : undefined;
    });
    const field = (f: string) => sums.reduce((n, o) => n + ((o!.status?.[f] as number | undefined) ?? 0), 0);
    const pdb = await eventually('PDB summed on the template', async () => {
      const o = await cpGet(k, 'pdb', 's27-pdb');
      return o.status && (o.status.expectedPods ?? 0) === field('expectedPods') && (o.status.currentHealthy ?? 0) === field('currentHealthy') ? o : undefined;
    });
    expect(pdb.status?.desiredHealthy ?? 0).toBe(field('desiredHealthy'));
  });

  it('S28 advances observedGeneration only once every member has caught up, and rollout status waits for it', async () => {
    await apply(k, `
apiVersion: apps/v1
kind: Deployment
metadata: { name: s28, namespace: default }
spec:
  replicas: 2
  selector: { matchLabels: { app: s28 } }
  template: { metadata: { labels: { app: s28 } }, spec: { containers: [{ name: c, image: nginx:1.25 }] } }
---
${policy('s28', '    - { apiVersion: apps/v1, kind: Deployment, name: s28 }', 'Divided')}
`);
    const first = await eventually('s28 ready and observed', async () => {
      const o = await cpGet(k, 'deployment', 's28');
      return o.status?.readyReplicas === 2 && o.status.observedGeneration === o.metadata.generation ? o : undefined;
    });
    await kubectlOk(k.cp, ['rollout', 'status', 'deployment/s28', '--timeout=60s']);

    // member2 stops receiving updates; the template changes.
    await apply(k, policy('s28', '    - { apiVersion: apps/v1, kind: Deployment, name: s28 }', 'Divided', '  suspension: { dispatchingOnClusters: { clusterNames: [member2] } }'));
    await eventually('member2 Work suspended', async () => {
      const works = json<{ items: Array<{ metadata: { namespace: string; name: string }; spec: { suspendDispatching?: boolean } }> }>(await k.cp.kubectl(['get', 'work', '-n', 'karmada-es-member2', '-o', 'json']));
      return works.items.find((w) => w.metadata.name.startsWith('s28-'))?.spec.suspendDispatching ? true : undefined;
    });
    await kubectlOk(k.cp, ['set', 'image', 'deployment/s28', 'c=nginx:1.27']);
    const generation = (await cpGet(k, 'deployment', 's28')).metadata.generation!;
    expect(generation).toBeGreaterThan(first.metadata.generation!);
    await eventually('member1 observed the new generation', async () => {
      const o = await memberGet(k, 'member1', 'deployment', 's28');
      const c = (o?.spec as { template: { spec: { containers: Array<{ image: string }> } } } | undefined)?.template.spec.containers[0]?.image;
      return c === 'nginx:1.27' && o?.status?.observedGeneration === o?.metadata.generation ? true : undefined;
    });
    // member1's status has come back (its Work reflects the new generation), yet the template holds.
    await eventually('member1 Work reports the new template generation', async () => {
      const rb = json<{ status?: { aggregatedStatus?: Array<{ clusterName: string; status?: { resourceTemplateGeneration?: number } }> } }>(await k.cp.kubectl(['get', 'rb', 's28-deployment', '-n', 'default', '-o', 'json']));
      return rb.status?.aggregatedStatus?.find((a) => a.clusterName === 'member1')?.status?.resourceTemplateGeneration === generation ? true : undefined;
    });
    const held = await cpGet(k, 'deployment', 's28');
    expect(held.status?.observedGeneration).toBe(first.metadata.generation);
    const waiting = await k.cp.kubectl(['rollout', 'status', 'deployment/s28', '--timeout=2s'], { allowFail: true });
    expect(waiting.code).not.toBe(0);

    // member2 resumes: the template catches up and the rollout finishes.
    await apply(k, policy('s28', '    - { apiVersion: apps/v1, kind: Deployment, name: s28 }', 'Divided'));
    await kubectlOk(k.cp, ['rollout', 'status', 'deployment/s28', '--timeout=60s'], { timeoutMs: 70_000 });
    const caught = await cpGet(k, 'deployment', 's28');
    expect(caught.status?.observedGeneration).toBe(generation);
  });

  it('S29 shows SCHEDULED and FULLYAPPLIED on bindings and WORKLOAD-KIND and APPLIED on Works', async () => {
    await apply(k, `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: s29-reader }
rules: [{ apiGroups: [''], resources: [pods], verbs: [get] }]
---
apiVersion: policy.karmada.io/v1alpha1
kind: ClusterPropagationPolicy
metadata: { name: s29 }
spec:
  resourceSelectors: [{ apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, name: s29-reader }]
  placement: { clusterAffinity: { clusterNames: [member1, member2] } }
`);
    const crb = await eventually('crb fully applied', async () => {
      const out = await kubectlOk(k.cp, ['get', 'crb', 's29-reader-clusterrole']);
      return /\bTrue\s+True\b/.test(out) ? out : undefined;
    });
    expect(crb).toMatch(/^NAME\s+SCHEDULED\s+FULLYAPPLIED\s+AGE\s*$/m);
    const rb = await kubectlOk(k.cp, ['get', 'rb', 's28-deployment', '-n', 'default']);
    expect(rb).toMatch(/^NAME\s+SCHEDULED\s+FULLYAPPLIED\s+AGE\s*$/m);
    expect(rb).toMatch(/^s28-deployment\s+True\s+True\s+\d+/m);
    const works = await kubectlOk(k.cp, ['get', 'work', '-A']);
    expect(works).toMatch(/^NAMESPACE\s+NAME\s+WORKLOAD-KIND\s+APPLIED\s+AGE\s*$/m);
    expect(works).toMatch(/^karmada-es-member1\s+s29-reader-\S+\s+ClusterRole\s+True\s+\d+/m);
    expect(works).toMatch(/^karmada-es-member2\s+s28-\S+\s+Deployment\s+True\s+\d+/m);
  });

  it('S27 writes nothing once the members are steady: the global revision stops rising with workloads running', async () => {
    const revision = async () => Number(json<{ metadata: { resourceVersion: string } }>(await k.cp.kubectl(['get', '--raw', '/api/v1/namespaces?limit=1'])).metadata.resourceVersion);
    // Converged first (a busy machine can leave real members' pods starting for a while),
    // then steady: a window of several cron ticks (1 s here) with no write at all.
    await eventually('s27-deploy ready on the control plane', async () => ((await cpGet(k, 'deployment', 's27-deploy')).status?.readyReplicas === 4 ? true : undefined), 90_000);
    const quiet = await eventually(
      'a quiet window',
      async () => {
        const before = await revision();
        await new Promise((r) => setTimeout(r, 6000));
        const after = await revision();
        return after === before ? { before, after } : undefined;
      },
      90_000,
      0,
    );
    expect(quiet.after).toBe(quiet.before);
    // What the quiet control plane shows is what the members hold. (Real members' fake nodes
    // can go NotReady on a loaded machine, taking their pods' readiness with them: the sum
    // then is smaller, and the template must say so too.)
    const memberReady = async (): Promise<number> => {
      let sum = 0;
      for (const m of ['member1', 'member2']) sum += ((await memberGet(k, m, 'deployment', 's27-deploy'))?.status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0;
      return sum;
    };
    const shown = await eventually('the template showing the members\' ready replicas', async () => {
      const want = await memberReady();
      const got = (await cpGet(k, 'deployment', 's27-deploy')).status?.readyReplicas ?? 0;
      return got === want ? got : undefined;
    }, 30_000);
    if (k.lane === 'simulated') expect(shown).toBe(4);
  });

  it('puts back a member copy edited by hand, without waiting for a poll', async () => {
    await eventually('s27-deploy settled in member1', async () => ((await memberGet(k, 'member1', 'deployment', 's27-deploy'))?.spec?.replicas === 2 ? true : undefined));
    await k.member('member1', ['scale', 'deployment/s27-deploy', '-n', 'default', '--replicas=5']);
    await eventually('replicas back to 2', async () => ((await memberGet(k, 'member1', 'deployment', 's27-deploy'))?.spec?.replicas === 2 ? true : undefined), 10_000, 100);
  });
});
