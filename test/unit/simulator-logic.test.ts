// The simulator's pure arithmetic, by worked examples: quantities, template hashes, the
// scheduler's fit and its words, rollout fenceposts and steps, the kubelet's timeline.

import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/object.js';
import { parseQuantity, schedulingValue } from '../../shared/quantity.js';
import { pickAddress } from '../../shared/simulator/addresses.js';
import { deploymentPlan, deploymentSpec, resolveFenceposts } from '../../shared/simulator/deployment.js';
import { canonicalJson, templateHash } from '../../shared/simulator/hash.js';
import { schedulePods, unschedulableMessage } from '../../shared/simulator/pod-binding.js';
import { podRequests, qosClass } from '../../shared/simulator/pod.js';
import { nextKubeletStep } from '../../shared/simulator/pod-status.js';
import { replicaSetPlan } from '../../shared/simulator/replicaset.js';
import { simulatorSettings } from '../../shared/simulator/settings.js';
import { desiredNodes, nodeShapeSchema } from '../../shared/simulator/nodes.js';

const NOW = Date.parse('2026-01-05T10:00:00Z');
const at = (ms: number): string => new Date(NOW + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('quantities', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    ['1.5', 1.5],
    ['128Mi', 128 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1G', 1e9],
    ['1e3', 1000],
    ['110', 110],
  ])('%s is %d', (q, v) => expect(parseQuantity(q)).toBeCloseTo(v));

  it('rejects what is not a quantity', () => {
    for (const q of ['', 'abc', '1.2.3', '5 Mi', '1Xi']) expect(parseQuantity(q)).toBeUndefined();
  });

  it('compares cpu in millicores rounded up, the rest in whole units', () => {
    expect(schedulingValue('cpu', '0.0001')).toBe(1);
    expect(schedulingValue('cpu', '250m')).toBe(250);
    expect(schedulingValue('memory', '1Ki')).toBe(1024);
  });
});

describe('template hashes', () => {
  it('do not depend on key order, and change with the template', () => {
    const a = { metadata: { labels: { app: 'x', tier: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    const b = { spec: { containers: [{ image: 'nginx', name: 'c' }] }, metadata: { labels: { tier: 'web', app: 'x' } } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(templateHash(a)).toBe(templateHash(b));
    expect(templateHash(a)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(templateHash({ ...a, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } })).not.toBe(templateHash(a));
    expect(templateHash(a, 1)).not.toBe(templateHash(a));
  });
});

const node = (name: string, cpu: string, extra: Partial<{ taints: unknown[]; unschedulable: boolean; labels: Record<string, string> }> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: extra.labels ?? {} },
  spec: { ...(extra.taints ? { taints: extra.taints } : {}), ...(extra.unschedulable ? { unschedulable: true } : {}) },
  status: { allocatable: { cpu, memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
});

const pod = (name: string, cpu?: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', creationTimestamp: at(0) },
  spec: { containers: [{ name: 'c', image: 'x', ...(cpu ? { resources: { requests: { cpu } } } : {}) }], ...spec },
  status: { phase: 'Pending' },
});

describe('scheduling', () => {
  it('places pods while requests fit, and counts the first placements against the next', () => {
    const placements = schedulePods([pod('a', '3'), pod('b', '3'), pod('c', '3')], [node('n1', '4'), node('n2', '4')], []);
    expect(placements.map((p) => p.nodeName)).toEqual(['n1', 'n2', undefined]);
    expect(placements[2]!.message).toBe('0/2 nodes are available: 2 Insufficient cpu.');
  });

  it('names each reason with how many nodes gave it, as kube-scheduler does', () => {
    const nodes = [
      node('n1', '4', { unschedulable: true }),
      node('n2', '4', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
      node('n3', '1'),
      node('n4', '1', { labels: {} }),
    ];
    const [p] = schedulePods([pod('a', '2')], nodes, []);
    expect(p!.message).toBe('0/4 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable, 2 Insufficient cpu.');
    const tolerant = pod('b', '2', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] });
    expect(schedulePods([tolerant], nodes, [])[0]!.nodeName).toBe('n2');
    const selective = pod('c', undefined, { nodeSelector: { disk: 'ssd' } });
    expect(schedulePods([selective], [node('n1', '4')], [])[0]!.message).toBe("0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.");
    expect(unschedulableMessage(0, new Map())).toBe('no nodes available to schedule pods');
  });

  it('waits for claims to be bound', () => {
    const withClaim = pod('a', undefined, { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] });
    expect(schedulePods([withClaim], [node('n1', '4')], [], () => 'Pending')[0]!.message).toBe(
      '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims.',
    );
    expect(schedulePods([withClaim], [node('n1', '4')], [], () => undefined)[0]!.message).toBe(
      '0/1 nodes are available: persistentvolumeclaim "data" not found.',
    );
    expect(schedulePods([withClaim], [node('n1', '4')], [], () => 'Bound')[0]!.nodeName).toBe('n1');
  });

  it('counts init containers as their maximum, and limits as requests when requests are missing', () => {
    const spec = {
      containers: [
        { name: 'a', resources: { requests: { cpu: '100m' } } },
        { name: 'b', resources: { limits: { cpu: '200m', memory: '1Gi' } } },
      ],
      initContainers: [{ name: 'i', resources: { requests: { cpu: '1' } } }],
    };
    expect(podRequests(spec)).toEqual({ cpu: 1000, memory: 2 ** 30, pods: 1 });
    expect(qosClass({ containers: [] })).toBe('BestEffort');
    expect(qosClass({ containers: [{ name: 'g', resources: { limits: { cpu: '1', memory: '1Gi' } } }] })).toBe('Guaranteed');
    expect(qosClass(spec)).toBe('Burstable');
  });
});

describe('the kubelet timeline', () => {
  const settings = simulatorSettings({ podStartDelayMs: 1000, jobDurationMs: 5000 });
  const bound = (status: Record<string, unknown>): KubeObject => ({ ...pod('p'), spec: { nodeName: 'n1', containers: [{ name: 'c' }] }, status });

  it('starts, runs after the start delay, and ends a Job pod after the job duration', () => {
    expect(nextKubeletStep(pod('p'), NOW, settings, false)).toEqual({ action: 'none' });
    expect(nextKubeletStep(bound({ phase: 'Pending' }), NOW, settings, false)).toEqual({ action: 'start' });
    expect(nextKubeletStep(bound({ phase: 'Pending', startTime: at(0) }), NOW + 400, settings, false)).toEqual({ action: 'none', requeueAfterMs: 600 });
    expect(nextKubeletStep(bound({ phase: 'Pending', startTime: at(0) }), NOW + 1000, settings, false)).toEqual({ action: 'run' });
    const running = bound({ phase: 'Running', startTime: at(0), containerStatuses: [{ name: 'c', state: { running: { startedAt: at(1000) } } }] });
    expect(nextKubeletStep(running, NOW + 2000, settings, false)).toEqual({ action: 'none' });
    expect(nextKubeletStep(running, NOW + 2000, settings, true)).toEqual({ action: 'none', requeueAfterMs: 4000 });
    expect(nextKubeletStep(running, NOW + 6000, settings, true)).toEqual({ action: 'complete' });
    expect(nextKubeletStep(bound({ phase: 'Pending' }), NOW, simulatorSettings({ podStartDelayMs: 0 }), false)).toEqual({ action: 'run' });
  });
});

const rs = (name: string, revision: number, spec: number, available: number, template: unknown): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    annotations: { 'deployment.kubernetes.io/revision': String(revision) },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true }],
  },
  spec: { replicas: spec, template },
  status: { replicas: spec, readyReplicas: available, availableReplicas: available },
});

const templateIn = (o: KubeObject): unknown => (o.spec as { template?: unknown }).template;

describe('Deployment rollouts', () => {
  const templateOf = (image: string) => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } });
  const d = (replicas: number, image: string, strategy?: unknown): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-web', generation: 2 },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: templateOf(image), ...(strategy ? { strategy } : {}) },
  });

  it('resolves maxSurge up and maxUnavailable down, and never both zero', () => {
    expect(resolveFenceposts(deploymentSpec(d(10, 'a')))).toEqual({ maxSurge: 3, maxUnavailable: 2 });
    expect(resolveFenceposts(deploymentSpec(d(1, 'a')))).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(resolveFenceposts(deploymentSpec(d(3, 'a', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } })))).toEqual({
      maxSurge: 0,
      maxUnavailable: 1,
    });
  });

  it('surges the new ReplicaSet first, then shrinks the old one within maxUnavailable', () => {
    const old = rs('web-old', 1, 4, 4, { ...templateOf('a'), metadata: { labels: { app: 'web', 'pod-template-hash': 'old' } } });
    // Template changed: a new ReplicaSet with room for maxSurge (1 of 4) pods.
    const first = deploymentPlan(d(4, 'b'), [old], NOW);
    expect(first.create?.spec).toMatchObject({ replicas: 1 });
    expect(first.create?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    const fresh = rs(first.create!.metadata.name!, 2, 1, 0, templateIn(first.create!));
    // New pods not yet available: old may lose only maxUnavailable (1) more.
    expect(deploymentPlan(d(4, 'b'), [old, fresh], NOW).scale.map((s) => [s.rs.metadata.name, s.replicas])).toEqual([['web-old', 3]]);
    // Once the new one is available, the rollout continues by growing it.
    const shrunk = rs('web-old', 1, 3, 3, templateIn(old));
    const ready = rs(fresh.metadata.name!, 2, 1, 1, templateIn(fresh));
    expect(deploymentPlan(d(4, 'b'), [shrunk, ready], NOW).scale.map((s) => [s.rs.metadata.name, s.replicas])).toEqual([[fresh.metadata.name, 2]]);
  });

  it('Recreate: old pods go entirely before the new ReplicaSet is made', () => {
    const recreate = { type: 'Recreate' };
    const old = rs('web-old', 1, 2, 2, templateOf('a'));
    expect(deploymentPlan(d(2, 'b', recreate), [old], NOW)).toMatchObject({ scale: [{ replicas: 0 }] });
    expect(deploymentPlan(d(2, 'b', recreate), [old], NOW).create).toBeUndefined();
    const drained = { ...rs('web-old', 1, 0, 0, templateOf('a')), status: { replicas: 0 } };
    expect(deploymentPlan(d(2, 'b', recreate), [drained], NOW).create?.spec).toMatchObject({ replicas: 2 });
  });

  it('reports ProgressDeadlineExceeded once nothing has progressed for progressDeadlineSeconds', () => {
    const stuck = rs('web-x', 1, 2, 0, templateOf('a'));
    const dep: KubeObject = {
      ...d(2, 'a'),
      spec: { ...(d(2, 'a').spec as object), progressDeadlineSeconds: 60 },
      status: {
        replicas: 2,
        updatedReplicas: 2,
        conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: at(0), lastTransitionTime: at(0) }],
      },
    };
    expect(deploymentPlan(dep, [stuck], NOW + 30_000).requeueAfterMs).toBe(30_000);
    const late = deploymentPlan(dep, [stuck], NOW + 60_000);
    expect(late.status.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
  });
});

describe('ReplicaSets', () => {
  it('delete unscheduled and pending pods before running ones', () => {
    const set: KubeObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r', uid: 'u', generation: 1 }, spec: { replicas: 1 } };
    const running: KubeObject = { ...pod('running'), spec: { nodeName: 'n1', containers: [] }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
    const pending: KubeObject = { ...pod('pending'), spec: { nodeName: 'n1', containers: [] } };
    const unscheduled = pod('unscheduled');
    const plan = replicaSetPlan(set, [running, pending, unscheduled], NOW);
    expect(plan.delete.map((p) => p.metadata.name)).toEqual(['unscheduled', 'pending']);
    expect(plan.status).toMatchObject({ replicas: 3, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 });
  });
});

describe('nodes and addresses', () => {
  it('registers the configured number of nodes with the shape as capacity', () => {
    const nodes = desiredNodes(nodeShapeSchema.parse({ count: 3, cpu: '8' }), { member: 'member2', memberIndex: 2, region: 'r1', now: NOW });
    expect(nodes.map((n) => n.metadata.name)).toEqual(['member2-node-1', 'member2-node-2', 'member2-node-3']);
    expect(nodes[0]!.status).toMatchObject({ capacity: { cpu: '8', memory: '8Gi', pods: '110' }, addresses: [{ type: 'InternalIP', address: '172.18.2.2' }, { type: 'Hostname', address: 'member2-node-1' }] });
    expect(nodes[2]!.metadata.labels).toMatchObject({ 'topology.kubernetes.io/region': 'r1', 'kubernetes.io/hostname': 'member2-node-3' });
    expect(() => nodeShapeSchema.parse({ cpu: 'lots' })).toThrow();
  });

  it('picks a free address, starting where the seed says', () => {
    const first = pickAddress('10.1.0', new Set(), 'pod-a');
    expect(pickAddress('10.1.0', new Set(), 'pod-a')).toBe(first);
    expect(pickAddress('10.1.0', new Set([first!]), 'pod-a')).not.toBe(first);
    const all = new Set(Array.from({ length: 253 }, (_, i) => `10.1.0.${i + 2}`));
    expect(pickAddress('10.1.0', all, 'x')).toBeUndefined();
  });
});
