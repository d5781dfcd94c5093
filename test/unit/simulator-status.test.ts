// Status of the other simulated kinds on a fake clock: Jobs complete after the job duration,
// StatefulSets come up in order with their claims, DaemonSets cover every node, and load
// balancers, ingresses and claims get their addresses and bindings after their delays.

import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/object.js';
import { startSimulatedMember, type SimulatedMember } from '../helpers/simulated-member.js';

const members: SimulatedMember[] = [];
afterEach(async () => {
  await Promise.all(members.splice(0).map((m) => m.close()));
});

async function member(...args: Parameters<typeof startSimulatedMember>): Promise<SimulatedMember> {
  const m = await startSimulatedMember(...args);
  members.push(m);
  return m;
}

const status = (o: KubeObject | undefined): Record<string, unknown> => (o?.status ?? {}) as Record<string, unknown>;
const conditions = (o: KubeObject | undefined) => (status(o).conditions ?? []) as Array<{ type: string; status: string; reason?: string }>;
const template = (labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  metadata: { labels },
  spec: { containers: [{ name: 'main', image: 'busybox' }], ...extra },
});

describe('simulated member: Jobs', () => {
  it('run their pods for the job duration, then complete', async () => {
    const m = await member({ settings: { podStartDelayMs: 1000, jobDurationMs: 5000 } });
    await m.create('batch', 'jobs', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'pi', namespace: 'default' },
      spec: { completions: 2, parallelism: 1, template: template({ app: 'pi' }, { restartPolicy: 'Never' }) },
    });
    await m.settle();
    let job = await m.get('batch', 'jobs', 'default', 'pi');
    expect(status(job)).toMatchObject({ active: 1, ready: 0, startTime: '2026-01-05T10:00:00Z' });
    const [pod] = await m.list('', 'pods', 'default');
    expect(pod!.metadata.labels).toMatchObject({ 'job-name': 'pi', 'batch.kubernetes.io/job-name': 'pi', app: 'pi' });
    expect(pod!.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Job', name: 'pi', controller: true });

    // Running after 1 s, Succeeded 5 s later; then the second completion the same way.
    const elapsed = await m.runUntil(async () => conditions(await m.get('batch', 'jobs', 'default', 'pi')).some((c) => c.type === 'Complete'));
    expect(elapsed).toBe(12_000);
    job = await m.get('batch', 'jobs', 'default', 'pi');
    expect(status(job)).toMatchObject({ succeeded: 2, ready: 0, completionTime: '2026-01-05T10:00:12Z' });
    expect(status(job).active).toBeUndefined();
    expect(conditions(job).map((c) => [c.type, c.status, c.reason])).toEqual([
      ['SuccessCriteriaMet', 'True', 'CompletionsReached'],
      ['Complete', 'True', 'CompletionsReached'],
    ]);
    const pods = await m.list('', 'pods', 'default');
    expect(pods.map((p) => status(p).phase)).toEqual(['Succeeded', 'Succeeded']);
    expect(status(pods[0]).containerStatuses).toEqual([
      expect.objectContaining({ state: { terminated: expect.objectContaining({ exitCode: 0, reason: 'Completed' }) } }),
    ]);
  });

  it('are deleted ttlSecondsAfterFinished after finishing', async () => {
    const m = await member({ settings: { podStartDelayMs: 0, jobDurationMs: 1000 } });
    await m.create('batch', 'jobs', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once', namespace: 'default' },
      spec: { ttlSecondsAfterFinished: 30, template: template({ app: 'once' }, { restartPolicy: 'Never' }) },
    });
    const elapsed = await m.runUntil(async () => !(await m.get('batch', 'jobs', 'default', 'once')));
    expect(elapsed).toBe(31_000);
  });
});

describe('simulated member: StatefulSets', () => {
  it('create pods in order, each after the previous is Ready, with Bound claims', async () => {
    const m = await member({ settings: { podStartDelayMs: 1000, volumeBindDelayMs: 500 } });
    await m.create('apps', 'statefulsets', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'default' },
      spec: {
        replicas: 3,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: template({ app: 'db' }),
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    });
    await m.settle();
    expect((await m.list('', 'pods', 'default')).map((p) => p.metadata.name)).toEqual(['db-0']);
    const pvc = await m.get('', 'persistentvolumeclaims', 'default', 'data-db-0');
    expect(pvc?.metadata.labels).toEqual({ app: 'db' });
    // The pod waits for its claim.
    const waiting = await m.get('', 'pods', 'default', 'db-0');
    expect(conditions(waiting).find((c) => c.type === 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable' });

    const elapsed = await m.runUntil(async () => status(await m.get('apps', 'statefulsets', 'default', 'db')).readyReplicas === 3);
    expect(elapsed).toBeGreaterThanOrEqual(3 * 1000);
    const pods = await m.list('', 'pods', 'default');
    expect(pods.map((p) => p.metadata.name)).toEqual(['db-0', 'db-1', 'db-2']);
    const starts = pods.map((p) => Date.parse(String(status(p).startTime)));
    expect(starts[1]).toBeGreaterThan(starts[0]!);
    expect(starts[2]).toBeGreaterThan(starts[1]!);
    expect(pods[1]!.spec).toMatchObject({ hostname: 'db-1', subdomain: 'db', volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-1' } }] });
    expect(status(await m.get('', 'persistentvolumeclaims', 'default', 'data-db-2'))).toEqual({
      phase: 'Bound',
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: '1Gi' },
    });
    const sts = await m.get('apps', 'statefulsets', 'default', 'db');
    expect(status(sts)).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 3, updatedReplicas: 3, observedGeneration: 1 });
    expect(status(sts).currentRevision).toBe(status(sts).updateRevision);
    expect(pods[0]!.metadata.labels?.['controller-revision-hash']).toBe(status(sts).updateRevision);
  });
});

describe('simulated member: DaemonSets', () => {
  it('run one pod on every node and report it', async () => {
    const m = await member({ nodes: { count: 3 } });
    await m.create('apps', 'daemonsets', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'kube-system' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: template({ app: 'agent' }) },
    });
    await m.runUntil(async () => status(await m.get('apps', 'daemonsets', 'kube-system', 'agent')).numberReady === 3);
    const pods = await m.list('', 'pods', 'kube-system');
    expect(pods.map((p) => (p.spec as { nodeName: string }).nodeName).sort()).toEqual(['member1-node-1', 'member1-node-2', 'member1-node-3']);
    expect(status(await m.get('apps', 'daemonsets', 'kube-system', 'agent'))).toMatchObject({
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      numberReady: 3,
      numberAvailable: 3,
      updatedNumberScheduled: 3,
      numberMisscheduled: 0,
    });
  });
});

describe('simulated member: load balancers, ingresses, claims', () => {
  it('gives a LoadBalancer Service an address after the delay, and none to a ClusterIP one', async () => {
    const m = await member({ settings: { loadBalancerDelayMs: 3000, memberIndex: 2 } });
    const svc = (name: string, type: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'default' },
      spec: { type, selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    await m.create('', 'services', svc('lb', 'LoadBalancer'));
    await m.create('', 'services', svc('plain', 'ClusterIP'));
    await m.advance(2000);
    expect(status(await m.get('', 'services', 'default', 'lb'))).toEqual({ loadBalancer: {} });
    await m.advance(1000);
    const ingress = (status(await m.get('', 'services', 'default', 'lb')).loadBalancer as { ingress: Array<{ ip: string; ipMode: string }> }).ingress;
    expect(ingress).toEqual([{ ip: expect.stringMatching(/^172\.19\.2\.\d+$/), ipMode: 'VIP' }]);
    expect(status(await m.get('', 'services', 'default', 'plain'))).toEqual({ loadBalancer: {} });
  });

  it('gives an Ingress the member\'s ingress address', async () => {
    const m = await member({ settings: { loadBalancerDelayMs: 1000, memberIndex: 3 } });
    await m.create('networking.k8s.io', 'ingresses', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: 'default' },
      spec: { rules: [{ host: 'web.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
    });
    await m.runUntil(async () => Boolean((status(await m.get('networking.k8s.io', 'ingresses', 'default', 'web')).loadBalancer as { ingress?: unknown })?.ingress));
    expect(status(await m.get('networking.k8s.io', 'ingresses', 'default', 'web'))).toEqual({ loadBalancer: { ingress: [{ ip: '172.19.3.1' }] } });
  });

  it('binds a PersistentVolumeClaim after the delay', async () => {
    const m = await member({ settings: { volumeBindDelayMs: 2000 } });
    await m.create('', 'persistentvolumeclaims', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'default' },
      spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '5Gi' } } },
    });
    await m.advance(1000);
    expect(status(await m.get('', 'persistentvolumeclaims', 'default', 'data')).phase).toBe('Pending');
    await m.advance(1000);
    expect(status(await m.get('', 'persistentvolumeclaims', 'default', 'data'))).toEqual({
      phase: 'Bound',
      accessModes: ['ReadWriteMany'],
      capacity: { storage: '5Gi' },
    });
  });
});
