// A conformance smoke run against one member cluster — Flotilla's simulated member, or a real
// kube-apiserver with FLOTILLA_E2E_MEMBERS=real — through @kubernetes/client-node with the
// member's own kubeconfig and TLS: the calls Flotilla's execution path makes to a member
// (create a namespace, server-side apply a Deployment as field manager `flotilla`, read its
// status, watch it, delete it), asserting the same observable results on both.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig, KubernetesObjectApi, PatchStrategy, Watch, type KubernetesObject } from '@kubernetes/client-node';
import { memberLane, startTestMember, type TestMember } from '../helpers/members.js';
import { eventually as eventuallyWithin } from '../helpers/karmada-e2e.js';

// The member answers quickly: a short deadline and a fast poll keep failures quick to report.
const eventually = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> => eventuallyWithin(what, probe, timeoutMs, 50);

type Obj = KubernetesObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };


const deployment = (replicas: number): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'nginx', namespace: 'workloads', labels: { app: 'nginx' } },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'nginx' } },
    template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] } },
  },
});

describe(`conformance smoke: the execution path against a ${memberLane()} member`, () => {
  let member: TestMember;
  let api: KubernetesObjectApi;
  let kc: KubeConfig;

  beforeAll(async () => {
    member = await startTestMember('member1');
    kc = new KubeConfig();
    kc.loadFromFile(member.kubeconfig);
    kc.setCurrentContext(member.context);
    api = KubernetesObjectApi.makeApiClient(kc);
  });

  afterAll(async () => {
    await member?.stop();
  });

  it('serves the member over TLS, with the admin token from its kubeconfig', async () => {
    const nodes = await api.list('v1', 'Node');
    expect(nodes.items.map((n) => n.metadata?.name).sort()).toEqual(['member1-node-1', 'member1-node-2']);
  });

  it('creates a namespace, applies a Deployment as `flotilla`, watches it become ready, and deletes it', async () => {
    const ns = await api.create<Obj>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'workloads' } });
    expect(ns.status?.phase).toBe('Active');

    const applied = await api.patch<Obj>(deployment(2), undefined, undefined, 'flotilla', true, PatchStrategy.ServerSideApply);
    expect(applied.metadata?.generation).toBe(1);
    expect(applied.metadata?.managedFields?.some((f) => f.manager === 'flotilla' && f.operation === 'Apply')).toBe(true);

    // Watch from the apply's revision: the status the simulator writes arrives as MODIFIED events.
    const events: Array<{ type: string; obj: Obj }> = [];
    const watch = await new Watch(kc).watch(
      '/apis/apps/v1/namespaces/workloads/deployments',
      { resourceVersion: applied.metadata?.resourceVersion, allowWatchBookmarks: false },
      (type, obj: Obj) => events.push({ type, obj }),
      () => undefined,
    );
    try {
      await eventually('a watch event with 2 ready replicas', async () =>
        events.find((e) => e.type === 'MODIFIED' && e.obj.status?.readyReplicas === 2) ? true : undefined,
      );
      const read = await api.read<Obj>({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx', namespace: 'workloads' } });
      expect(read.status).toMatchObject({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
      const conditions = (read.status?.conditions ?? []) as Array<{ type: string; status: string }>;
      expect(conditions.find((c) => c.type === 'Available')?.status).toBe('True');

      // Applying the same manifest again changes nothing; a new replica count is a new generation.
      const again = await api.patch<Obj>(deployment(2), undefined, undefined, 'flotilla', true, PatchStrategy.ServerSideApply);
      expect(again.metadata?.generation).toBe(1);
      await api.patch<Obj>(deployment(3), undefined, undefined, 'flotilla', true, PatchStrategy.ServerSideApply);
      const scaled = await eventually('3 ready replicas of generation 2', async () => {
        const d = await api.read<Obj>({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx', namespace: 'workloads' } });
        return d.status?.observedGeneration === 2 && d.status?.readyReplicas === 3 ? d : undefined;
      });
      expect(scaled.metadata?.generation).toBe(2);
      const pods = await api.list<Obj>('v1', 'Pod', 'workloads');
      expect(pods.items.map((p) => p.status?.phase)).toEqual(['Running', 'Running', 'Running']);

      await api.delete({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx', namespace: 'workloads' } }, undefined, undefined, undefined, undefined, 'Background');
      await eventually('a DELETED watch event', async () => (events.some((e) => e.type === 'DELETED' && e.obj.metadata?.name === 'nginx') ? true : undefined));
      // The garbage collector takes the ReplicaSet and the pods with it.
      await eventually('pods gone', async () => ((await api.list('v1', 'Pod', 'workloads')).items.length === 0 ? true : undefined));
      expect((await api.list('apps/v1', 'ReplicaSet', 'workloads')).items).toEqual([]);
    } finally {
      watch.abort();
    }

    await api.delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'workloads' } });
    await eventually('namespace gone', async () =>
      (await api.list('v1', 'Namespace')).items.some((n) => n.metadata?.name === 'workloads') ? undefined : true,
    );
  });
});
