// Delivery is at least once, unordered and concurrent: keys replayed, duplicated and
// reordered through the Karmada controllers must leave the members exactly as an orderly
// run does, and once converged nothing is written any more (the global revision stops).

import { afterEach, describe, expect, it } from 'vitest';
import { chaos, managed, startPlane, type Plane } from './propagation-harness.js';
import type { KubeObject } from '../../shared/object.js';

const planes: Plane[] = [];
afterEach(async () => {
  await Promise.all(planes.splice(0).map((p) => p.close()));
});

const deployment = (name: string, replicas: number, image = 'nginx'): KubeObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop', labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image, envFrom: [{ configMapRef: { name: 'settings' } }] }] } },
    },
  }) as unknown as KubeObject;

/** The world both runs build: clusters, a namespace, workloads with a dependency, two policies; then changes. */
async function world(plane: Plane, run: () => Promise<void>): Promise<void> {
  for (const c of ['member1', 'member2', 'member3']) await plane.join(c, { location: c === 'member1' ? 'east' : 'west' });
  await plane.create('', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } } as KubeObject);
  await plane.create('', 'configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { mode: 'a' } } as unknown as KubeObject);
  for (const [n, r] of [['web', 4], ['api', 3], ['worker', 1]] as const) await plane.create('apps', 'deployments', deployment(n, r));
  await plane.create('policy.karmada.io', 'propagationpolicies', {
    apiVersion: 'policy.karmada.io/v1alpha1',
    kind: 'PropagationPolicy',
    metadata: { name: 'divided', namespace: 'shop' },
    spec: {
      resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] } }],
      propagateDeps: true,
      placement: {
        clusterAffinity: { clusterNames: ['member1', 'member2'] },
        replicaScheduling: { replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { staticWeightList: [{ targetCluster: { clusterNames: ['member1'] }, weight: 1 }, { targetCluster: { clusterNames: ['member2'] }, weight: 3 }] } },
      },
    },
  } as unknown as KubeObject);
  await plane.create('policy.karmada.io', 'clusterpropagationpolicies', {
    apiVersion: 'policy.karmada.io/v1alpha1',
    kind: 'ClusterPropagationPolicy',
    metadata: { name: 'everywhere' },
    spec: { resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'worker' }], placement: { replicaScheduling: { replicaSchedulingType: 'Duplicated' } } },
  } as unknown as KubeObject);
  await run();
  // Changes while everything is in flight: an image, a scale, a deleted workload, a new namespace.
  await plane.update('apps', 'deployments', 'shop', 'web', (d) => {
    const spec = d.spec as { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
    spec.replicas = 8;
    spec.template.spec.containers[0]!.image = 'nginx:1.27';
    return d;
  });
  await plane.remove('apps', 'deployments', 'shop', 'api');
  await plane.create('', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'later' } } as KubeObject);
  await run();
}

async function memberStates(plane: Plane): Promise<Record<string, unknown>> {
  return Object.fromEntries(['member1', 'member2', 'member3'].map((m) => [m, plane.members.get(m).state()]));
}

describe('convergence under at-least-once, unordered, concurrent delivery', () => {
  it('an orderly run and chaotic runs (seeded) leave the members in the same state, and stay quiet', async () => {
    const orderly = await startPlane();
    planes.push(orderly);
    const m = await managed(orderly);
    await world(orderly, m.settle);
    const expected = await memberStates(orderly);

    // Sanity: the orderly run did what the policies say.
    const web = (p: string) => (expected as Record<string, Record<string, { spec: { replicas: number } }>>)[p]!['/apis/apps/v1/namespaces/shop/deployments/web'];
    expect([web('member1')?.spec.replicas, web('member2')?.spec.replicas, web('member3')]).toEqual([2, 6, undefined]);
    expect(Object.keys((expected as Record<string, object>).member3!)).toEqual(['/api/v1/namespaces/later', '/api/v1/namespaces/shop', '/apis/apps/v1/namespaces/shop/deployments/worker']);
    expect(Object.keys((expected as Record<string, object>).member1!)).toContain('/api/v1/namespaces/shop/configmaps/settings');
    expect(Object.keys((expected as Record<string, object>).member1!)).not.toContain('/apis/apps/v1/namespaces/shop/deployments/api');

    // Quiescence: ticks and nudges after convergence write nothing.
    const settled = await orderly.db.store.currentRevision();
    for (let i = 0; i < 3; i++) {
      await m.manager.onTick();
      await m.manager.onQueue([{ kind: 'nudge' }]);
    }
    expect(await orderly.db.store.currentRevision()).toBe(settled);

    for (const seed of [1, 42]) {
      const plane = await startPlane();
      planes.push(plane);
      let deliveries = 0;
      await world(plane, async () => {
        deliveries += (await chaos(plane, seed, { duplicate: 0.3, replay: 0.2, parallel: 4 })).deliveries;
      });
      expect(await memberStates(plane), `seed ${seed}`).toEqual(expected);
      expect(deliveries).toBeGreaterThan(50);
      // Replaying every key once more after convergence writes nothing.
      const quiet = await plane.db.store.currentRevision();
      await chaos(plane, seed + 1000);
      expect(await plane.db.store.currentRevision(), `seed ${seed} quiescence`).toBe(quiet);
    }
  }, 240_000);
});
