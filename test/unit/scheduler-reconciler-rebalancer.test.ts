import { afterEach, describe, expect, it } from 'vitest';
import { schedulingWorld, deploymentSpec, type World } from './scheduler-reconciler-harness.js';
import { scheduler } from '../../cron/karmada/scheduler.js';
import { WORKLOAD_REBALANCERS, observedWorkloadsFor, workloadRebalancerController } from '../../cron/karmada/workload-rebalancer.js';
import { createObject, keyOf } from '../../cron/object-writes.js';
import { CLUSTER_PROPAGATION_POLICY_PERMANENT_ID_LABEL } from '../../shared/karmada/propagation-policy.js';
import type { WorkloadRebalancer } from '../../shared/karmada/workload-rebalancer.js';
import type { ResourceBinding } from '../../shared/karmada/resource-binding.js';
import type { KubeObject } from '../../shared/object.js';

const worlds: World[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.close()));
});

const targets = (b: ResourceBinding): Record<string, number | undefined> => Object.fromEntries((b.spec.clusters ?? []).map((t) => [t.name, t.replicas]));

async function rebalancer(w: World, name: string, spec: WorkloadRebalancer['spec']): Promise<void> {
  await createObject(w.ctx(), WORKLOAD_REBALANCERS, { apiVersion: 'apps.karmada.io/v1alpha1', kind: 'WorkloadRebalancer', metadata: { name }, spec } as unknown as KubeObject);
}

const getRebalancer = async (w: World, name: string) => (await w.db.store.get(keyOf(WORKLOAD_REBALANCERS, '', name))) as WorkloadRebalancer | undefined;

describe('WorkloadRebalancer controller', () => {
  it('S21 stamps the bindings, which the scheduler divides afresh; records outcomes; deletes itself after its TTL', async () => {
    const w = await schedulingWorld({}, [scheduler, workloadRebalancerController]);
    worlds.push(w);
    await w.addCluster('member1', { freePods: 10 });
    await w.addCluster('member2', { freePods: 10 });
    const dynamic = { replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { dynamicWeight: 'AvailableReplicas' } } } as const;
    await w.addBinding('web-deployment', deploymentSpec('web', 6, dynamic));
    await w.settle();
    expect(targets(await w.binding('web-deployment'))).toEqual({ member1: 3, member2: 3 });
    await w.editCluster('member2', (c) => {
      c.status!.resourceSummary!.allocated = { pods: '97' };
    }, 'status');
    w.advance(5_000);
    await rebalancer(w, 'demo', {
      workloads: [
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' },
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'ghost' },
      ],
      ttlSecondsAfterFinished: 60,
    });
    const results = await w.settle();
    const b = await w.binding('web-deployment');
    expect(b.spec.rescheduleTriggeredAt).toBe('2025-03-01T10:00:05Z');
    expect(targets(b)).toEqual({ member1: 5, member2: 1 });
    const r = (await getRebalancer(w, 'demo'))!;
    expect(r.status).toEqual({
      observedWorkloads: [
        { workload: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'ghost' }, result: 'Failed', reason: 'ReferencedBindingNotFound' },
        { workload: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' }, result: 'Successful' },
      ],
      observedGeneration: 1,
      finishTime: '2025-03-01T10:00:05Z',
    });
    expect(results.get('demo')).toEqual({ requeueAfterMs: 60_000 });
    // Reconciled again before the TTL: nothing changes, and the stamp is not renewed.
    w.advance(30_000);
    expect(await workloadRebalancerController.reconcile(w.ctx(), 'demo')).toEqual({ requeueAfterMs: 30_000 });
    expect((await w.binding('web-deployment')).spec.rescheduleTriggeredAt).toBe('2025-03-01T10:00:05Z');
    w.advance(30_000);
    await workloadRebalancerController.reconcile(w.ctx(), 'demo');
    expect(await getRebalancer(w, 'demo')).toBeUndefined();
  });

  it('a cluster-scoped workload is found through its ClusterResourceBinding; without a TTL the rebalancer stays', async () => {
    const w = await schedulingWorld({}, [scheduler, workloadRebalancerController]);
    worlds.push(w);
    await w.addCluster('member1');
    await w.addBinding('reader-clusterrole', { resource: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'reader', uid: 'uid-reader' } } as never, { cluster: true, labels: { [CLUSTER_PROPAGATION_POLICY_PERMANENT_ID_LABEL]: 'cpp' } });
    w.advance(2_000);
    await rebalancer(w, 'roles', { workloads: [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'reader' }] });
    await w.settle();
    expect((await w.binding('reader-clusterrole', '')).spec.rescheduleTriggeredAt).toBe('2025-03-01T10:00:02Z');
    w.advance(3_600_000);
    await w.settle();
    expect((await getRebalancer(w, 'roles'))?.status?.observedWorkloads?.[0]?.result).toBe('Successful');
  });

  it('keeps a successful workload dropped from the spec, forgets a failed one, and adds new ones without an outcome', () => {
    const wl = (name: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name });
    const r = {
      metadata: { name: 'x' },
      spec: { workloads: [wl('c'), wl('a')] },
      status: { observedWorkloads: [{ workload: wl('a'), result: 'Failed' as const }, { workload: wl('b'), result: 'Successful' as const }, { workload: wl('d'), result: 'Failed' as const, reason: 'ReferencedBindingNotFound' as const }] },
    } as WorkloadRebalancer;
    expect(observedWorkloadsFor(r)).toEqual([{ workload: wl('a'), result: 'Failed' }, { workload: wl('b'), result: 'Successful' }, { workload: wl('c') }]);
  });
});
