// The simulated member cluster end to end in-process, on a fake clock: workloads' status
// evolves as on a real cluster, on the configured delays, and pods beyond capacity stay Pending.

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

function deployment(name: string, replicas: number, container: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27', ...container }] } },
    },
  };
}

const status = (o: KubeObject | undefined): Record<string, unknown> => (o?.status ?? {}) as Record<string, unknown>;
const phase = (p: KubeObject): string => String(status(p).phase);
const condition = (o: KubeObject | undefined, type: string) =>
  ((status(o).conditions ?? []) as Array<{ type: string; status: string; reason?: string; message?: string }>).find((c) => c.type === type);

describe('simulated member: Deployments', () => {
  it('makes a ReplicaSet and pods that bind, start after the delay and make the Deployment ready', async () => {
    const m = await member({ settings: { podStartDelayMs: 2000 } });
    await m.create('apps', 'deployments', deployment('web', 3));
    await m.settle();

    const [rs, ...more] = await m.list('apps', 'replicasets', 'default');
    expect(more).toEqual([]);
    const hash = rs!.metadata.labels?.['pod-template-hash'];
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(rs!.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(rs!.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true });

    // Bound at once, sandbox being made: Pending with ContainerCreating and the node's address.
    let pods = await m.list('', 'pods', 'default');
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^web-${hash}-[a-z0-9]{5}$`));
      expect((p.spec as { nodeName?: string }).nodeName).toMatch(/^member1-node-[12]$/);
      expect(phase(p)).toBe('Pending');
      expect(status(p).containerStatuses).toEqual([expect.objectContaining({ state: { waiting: { reason: 'ContainerCreating' } }, ready: false })]);
      expect(status(p).hostIP).toMatch(/^172\.18\.1\.[23]$/);
      expect(condition(p, 'PodScheduled')?.status).toBe('True');
    }
    // Least-allocated spreading puts pods on both nodes.
    expect(new Set(pods.map((p) => (p.spec as { nodeName: string }).nodeName)).size).toBe(2);

    await m.advance(1999);
    expect((await m.list('', 'pods', 'default')).map(phase)).toEqual(['Pending', 'Pending', 'Pending']);
    await m.advance(1);
    pods = await m.list('', 'pods', 'default');
    expect(pods.map(phase)).toEqual(['Running', 'Running', 'Running']);
    for (const p of pods) {
      expect(condition(p, 'Ready')?.status).toBe('True');
      expect(status(p).podIP).toMatch(/^10\.1\.[01]\.\d+$/);
    }
    expect(new Set(pods.map((p) => status(p).podIP)).size).toBe(3);

    const d = await m.get('apps', 'deployments', 'default', 'web');
    expect(status(d)).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(status(d).unavailableReplicas).toBeUndefined();
    expect(condition(d, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(condition(d, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    expect(d!.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    // A status write is not a spec change.
    expect(d!.metadata.generation).toBe(1);
  });

  it('rolls a new template out through a second ReplicaSet and scales the old one to zero', async () => {
    const m = await member({ settings: { podStartDelayMs: 1000 } });
    const created = await m.create('apps', 'deployments', deployment('web', 4));
    await m.runUntil(async () => status(await m.get('apps', 'deployments', 'default', 'web')).availableReplicas === 4);
    const next = structuredClone(created);
    (next.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]!.image = 'nginx:1.28';
    await m.update('apps', 'deployments', next);
    await m.runUntil(async () => {
      const d = await m.get('apps', 'deployments', 'default', 'web');
      return status(d).updatedReplicas === 4 && status(d).availableReplicas === 4 && status(d).replicas === 4;
    });
    const sets = await m.list('apps', 'replicasets', 'default');
    expect(sets).toHaveLength(2);
    const byRevision = Object.fromEntries(sets.map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], rs]));
    expect((byRevision['1']!.spec as { replicas: number }).replicas).toBe(0);
    expect((byRevision['2']!.spec as { replicas: number }).replicas).toBe(4);
    const pods = await m.list('', 'pods', 'default');
    expect(pods.every((p) => p.metadata.labels?.['pod-template-hash'] === byRevision['2']!.metadata.labels?.['pod-template-hash'])).toBe(true);
    const d = await m.get('apps', 'deployments', 'default', 'web');
    expect(d!.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(status(d).observedGeneration).toBe(2);
  });

  it('scales down by deleting pods, and nothing is written once the world has converged', async () => {
    const m = await member();
    const created = await m.create('apps', 'deployments', deployment('web', 3));
    await m.runUntil(async () => status(await m.get('apps', 'deployments', 'default', 'web')).readyReplicas === 3);
    await m.update('apps', 'deployments', { ...created, spec: { ...(created.spec as object), replicas: 1 } });
    await m.runUntil(async () => (await m.list('', 'pods', 'default')).length === 1);
    await m.runUntil(async () => status(await m.get('apps', 'deployments', 'default', 'web')).replicas === 1);

    const revision = await m.db.store.currentRevision();
    await m.advance(30 * 60_000);
    await m.manager.onTick();
    await m.settle();
    expect(await m.db.store.currentRevision()).toBe(revision);
  });
});

describe('simulated member: capacity', () => {
  it('binds pods while requests fit and leaves the rest Pending with the scheduler\'s reasons', async () => {
    const m = await member({ nodes: { count: 2, cpu: '4', memory: '8Gi' } });
    await m.create('apps', 'deployments', deployment('big', 4, { resources: { requests: { cpu: '3', memory: '1Gi' } } }));
    await m.runUntil(async () => (await m.list('', 'pods', 'default')).filter((p) => phase(p) === 'Running').length === 2);
    const pods = await m.list('', 'pods', 'default');
    const pending = pods.filter((p) => phase(p) === 'Pending');
    expect(pending).toHaveLength(2);
    for (const p of pending) {
      expect((p.spec as { nodeName?: string }).nodeName).toBeUndefined();
      expect(condition(p, 'PodScheduled')).toMatchObject({
        status: 'False',
        reason: 'Unschedulable',
        message: '0/2 nodes are available: 2 Insufficient cpu.',
      });
    }
    const running = pods.filter((p) => phase(p) === 'Running').map((p) => (p.spec as { nodeName: string }).nodeName);
    expect(running.sort()).toEqual(['member1-node-1', 'member1-node-2']);
    const d = await m.get('apps', 'deployments', 'default', 'big');
    expect(status(d)).toMatchObject({ replicas: 4, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 2 });
    // 2 available of 4 is below 4 minus maxUnavailable (25%: 1).
    expect(condition(d, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
  });

  it('a pod freed capacity is taken by a pending one', async () => {
    const m = await member({ nodes: { count: 1, cpu: '2' } });
    const heavy = (name: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '1500m' } } }] },
    });
    await m.create('', 'pods', heavy('first'));
    await m.settle();
    await m.create('', 'pods', heavy('second'));
    await m.settle();
    expect(condition(await m.get('', 'pods', 'default', 'second'), 'PodScheduled')).toMatchObject({
      status: 'False',
      message: '0/1 nodes are available: 1 Insufficient cpu.',
    });
    await m.db.store.delete({ group: '', resource: 'pods', namespace: 'default', name: 'first' });
    await m.settle();
    const second = await m.get('', 'pods', 'default', 'second');
    expect((second!.spec as { nodeName?: string }).nodeName).toBe('member1-node-1');
    expect(condition(second, 'PodScheduled')?.status).toBe('True');
  });

  it('counts pods against the node\'s pod capacity', async () => {
    const m = await member({ nodes: { count: 1, pods: '2' } });
    await m.create('apps', 'deployments', deployment('many', 3));
    await m.settle();
    const pods = await m.list('', 'pods', 'default');
    expect(pods.filter((p) => (p.spec as { nodeName?: string }).nodeName)).toHaveLength(2);
    const unplaced = pods.find((p) => !(p.spec as { nodeName?: string }).nodeName);
    expect(condition(unplaced, 'PodScheduled')?.message).toBe('0/1 nodes are available: 1 Too many pods.');
  });
});
