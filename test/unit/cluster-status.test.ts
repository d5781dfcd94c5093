import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../shared/karmada/cluster.js';
import { nextClusterStatus, resourceSummary, allocatableModelings } from '../../shared/cluster/cluster-status.js';
import { taintsForReadiness } from '../../shared/cluster/cluster-taints.js';
import { nodeSnapshots } from '../../shared/cluster/node-snapshots.js';
import { formatQuantity } from '../../shared/cluster/format-quantity.js';
import { defaultResourceModels } from '../../shared/karmada/cluster.js';
import type { KubeObject } from '../../shared/object.js';

const NOW = '2026-12-07T10:00:00Z';
const LATER = '2026-12-07T10:05:00Z';

function cluster(extra: Partial<Cluster> = {}): Cluster {
  return { apiVersion: 'cluster.karmada.io/v1alpha1', kind: 'Cluster', metadata: { name: 'm1' }, spec: { syncMode: 'Push', apiEndpoint: 'https://127.0.0.1:1' }, ...extra } as Cluster;
}

function node(name: string, cpu: string, memory: string, ready = true): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { zone: 'a' } },
    status: { allocatable: { cpu, memory, pods: '110' }, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

function pod(name: string, nodeName: string | undefined, cpu: string, memory: string, phase = 'Running'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', resources: { requests: { cpu, memory } } }] },
    status: { phase },
  };
}

describe('cluster status', () => {
  it('an unreachable Push cluster is Ready=False ClusterNotReachable at once, keeping what it knew', () => {
    const before = nextClusterStatus(cluster(), { healthy: true, online: true, kubernetesVersion: 'v1.33.4' }, NOW);
    const after = nextClusterStatus(cluster({ status: before }), { healthy: false, online: false, message: 'connection refused' }, LATER);
    const ready = after.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready).toMatchObject({ status: 'False', reason: 'ClusterNotReachable', message: 'connection refused', lastTransitionTime: LATER });
    expect(after.kubernetesVersion).toBe('v1.33.4');
  });

  it('a reachable cluster whose health check fails is ClusterNotReady', () => {
    const s = nextClusterStatus(cluster(), { healthy: false, online: true }, NOW);
    expect(s.conditions![0]).toMatchObject({ type: 'Ready', status: 'False', reason: 'ClusterNotReady' });
  });

  it('the same observation twice gives the same status (no write for an unchanged member)', () => {
    const obs = { healthy: true, online: true, kubernetesVersion: 'v1.33.4', apiEnablements: [{ groupVersion: 'v1', resources: [{ name: 'pods', kind: 'Pod' }] }], nodes: [node('n1', '4', '8Gi')], pods: [] };
    const first = nextClusterStatus(cluster(), obs, NOW);
    const second = nextClusterStatus(cluster({ status: first }), obs, LATER);
    expect(second).toEqual(first);
    expect(first.conditions!.map((c) => [c.type, c.status])).toEqual([
      ['Ready', 'True'],
      ['CompleteAPIEnablements', 'True'],
    ]);
  });

  it('sums allocatable of ready nodes, scheduled requests as allocated and pending ones as allocating', () => {
    const nodes = [node('n1', '4', '8Gi'), node('n2', '4', '8Gi'), node('n3', '16', '64Gi', false)];
    const pods = [pod('a', 'n1', '500m', '1Gi'), pod('b', 'n2', '1', '512Mi'), pod('c', undefined, '2', '1Gi', 'Pending'), pod('d', 'n1', '3', '1Gi', 'Succeeded')];
    const s = resourceSummary(cluster(), nodes, pods);
    expect(s.allocatable).toEqual({ cpu: '8', memory: '16Gi', pods: '220' });
    expect(s.allocated).toEqual({ cpu: '1500m', memory: '1536Mi', pods: '2' });
    expect(s.allocating).toEqual({ cpu: '2', memory: '1Gi' });
  });

  it('counts nodes per resource model grade by what is still free', () => {
    // Default grades: cpu [0,1) [1,2) [2,4) [4,8)…, memory [0,4Gi) [4Gi,16Gi) [16Gi,32Gi)…
    const counts = allocatableModelings(defaultResourceModels(), [node('n1', '4', '8Gi'), node('n2', '4', '8Gi')], [pod('a', 'n1', '3', '1Gi')]);
    // n1 has 1 cpu and 7Gi free, n2 4 cpu and 8Gi: memory caps both at grade 1, as Karmada takes the lowest grade over resources.
    expect(counts.find((c) => c.grade === 1)!.count).toBe(2);
    const busy = allocatableModelings(defaultResourceModels(), [node('n1', '4', '8Gi')], [pod('a', 'n1', '3500m', '1Gi')]);
    expect(busy.find((c) => c.grade === 0)!.count).toBe(1);
  });
});

describe('readiness taints', () => {
  it('a new cluster carries not-ready until its first Ready', () => {
    expect(taintsForReadiness(cluster(), NOW)).toEqual([{ key: 'cluster.karmada.io/not-ready', effect: 'NoSchedule', timeAdded: NOW }]);
  });

  it('follows the Ready condition and leaves other taints alone', () => {
    const cordon = { key: 'cluster.karmada.io/unschedulable', effect: 'NoSchedule' };
    const ready = (status: string): Cluster =>
      cluster({ spec: { syncMode: 'Push', taints: [cordon, { key: 'cluster.karmada.io/not-ready', effect: 'NoSchedule', timeAdded: NOW }] }, status: { conditions: [{ type: 'Ready', status, reason: 'x', message: '', lastTransitionTime: NOW }] } } as Partial<Cluster>);
    expect(taintsForReadiness(ready('True'), LATER)).toEqual([cordon]);
    expect(taintsForReadiness(ready('False'), LATER)).toEqual([cordon, { key: 'cluster.karmada.io/not-ready', effect: 'NoSchedule', timeAdded: NOW }]);
    expect(taintsForReadiness(ready('Unknown'), LATER)).toEqual([cordon, { key: 'cluster.karmada.io/unreachable', effect: 'NoSchedule', timeAdded: LATER }]);
  });
});

describe('node snapshots for the estimator', () => {
  it('records each node with what its running pods request', () => {
    const snaps = nodeSnapshots([node('n2', '4', '8Gi'), node('n1', '2', '4Gi')], [pod('a', 'n1', '250m', '256Mi'), pod('b', 'n1', '250m', '256Mi'), pod('c', 'n1', '1', '1Gi', 'Failed')]);
    expect(snaps.map((s) => s.name)).toEqual(['n1', 'n2']);
    expect(snaps[0]).toMatchObject({ requested: { cpu: '500m', memory: '512Mi' }, pods: 2, ready: true, allocatable: { cpu: '2', memory: '4Gi', pods: '110' } });
    expect(snaps[1]).toMatchObject({ requested: {}, pods: 0 });
  });

  it('formats quantities as kube-apiserver prints them', () => {
    expect(formatQuantity('cpu', 1.5)).toBe('1500m');
    expect(formatQuantity('cpu', 2)).toBe('2');
    expect(formatQuantity('memory', 2 ** 30 * 3)).toBe('3Gi');
    expect(formatQuantity('memory', 1000)).toBe('1000');
    expect(formatQuantity('pods', 2048)).toBe('2048');
  });
});
