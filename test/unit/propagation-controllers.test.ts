// The propagation controllers together on an in-process control plane with map-backed
// members: namespaces to every cluster (S08), dependencies following their workload (S07),
// policy choice and release (S05, S06), conflicts (S10), suspension (S09), lazy activation (S11).

import { afterEach, describe, expect, it } from 'vitest';
import { managed, startPlane, type Plane } from './propagation-harness.js';
import type { KubeObject } from '../../shared/object.js';
import type { ResourceBinding } from '../../shared/karmada/resource-binding.js';
import type { Work } from '../../shared/karmada/work.js';

const planes: Plane[] = [];
afterEach(async () => {
  await Promise.all(planes.splice(0).map((p) => p.close()));
});

async function setup(clusters = ['member1', 'member2', 'member3']) {
  const plane = await startPlane();
  planes.push(plane);
  const m = await managed(plane);
  for (const [i, c] of clusters.entries()) await plane.join(c, { location: i === 0 ? 'east' : 'west' });
  await m.settle();
  return { plane, settle: m.settle };
}

const ns = (name: string, labels?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } });
const deploymentPath = (ns: string, name: string) => `/apis/apps/v1/namespaces/${ns}/deployments/${name}`;

function nginx(extra: { volumes?: unknown[]; env?: unknown[]; serviceAccountName?: string; replicas?: number; image?: string } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx' } },
    spec: {
      replicas: extra.replicas ?? 2,
      selector: { matchLabels: { app: 'nginx' } },
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: {
          ...(extra.serviceAccountName ? { serviceAccountName: extra.serviceAccountName } : {}),
          containers: [{ name: 'nginx', image: extra.image ?? 'nginx', ...(extra.env ? { env: extra.env } : {}) }],
          ...(extra.volumes ? { volumes: extra.volumes } : {}),
        },
      },
    },
  } as unknown as KubeObject;
}

function policy(name: string, spec: Record<string, unknown>, namespace = 'default'): KubeObject {
  return {
    apiVersion: 'policy.karmada.io/v1alpha1',
    kind: 'PropagationPolicy',
    metadata: { name, namespace },
    spec: { resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx' }], placement: { clusterAffinity: { clusterNames: ['member1', 'member2'] } }, ...spec },
  } as unknown as KubeObject;
}

const works = async (plane: Plane, cluster: string) => (await plane.list('work.karmada.io', 'works', `karmada-es-${cluster}`)) as Work[];
const applied = (w: Work | undefined) => w?.status?.conditions?.find((c) => c.type === 'Applied');

describe('S08 namespace sync', () => {
  it('creates every non-reserved namespace in every member, later members too, except opted-out ones', async () => {
    const { plane, settle } = await setup(['member1', 'member2']);
    await plane.create('', 'namespaces', ns('ov'));
    await plane.create('', 'namespaces', ns('quiet', { 'namespace.karmada.io/skip-auto-propagation': 'True' }));
    await plane.create('', 'namespaces', ns('kube-extra'));
    await plane.create('', 'namespaces', ns('default'));
    await settle();
    for (const m of ['member1', 'member2']) {
      const w = (await works(plane, m)).find((x) => x.metadata.name === 'ov-6844ccb8bb');
      expect(w?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Namespace', name: 'ov', controller: true });
      expect(applied(w)?.status).toBe('True');
      const member = plane.members.get(m);
      expect(member.objects.get('/api/v1/namespaces/ov')?.metadata.labels?.['karmada.io/managed']).toBe('true');
      expect(member.objects.has('/api/v1/namespaces/quiet')).toBe(false);
      expect(member.objects.has('/api/v1/namespaces/kube-extra')).toBe(false);
      expect(member.objects.has('/api/v1/namespaces/default')).toBe(false);
    }
    // A member joining later gets the namespace too.
    await plane.join('member3');
    await settle();
    expect(plane.members.get('member3').objects.has('/api/v1/namespaces/ov')).toBe(true);
    // Deleting the namespace removes its Works and the members' copies.
    await plane.remove('', 'namespaces', '', 'ov');
    await settle();
    for (const m of ['member1', 'member2', 'member3']) {
      expect((await works(plane, m)).some((x) => x.metadata.name === 'ov-6844ccb8bb')).toBe(false);
      expect(plane.members.get(m).objects.has('/api/v1/namespaces/ov')).toBe(false);
    }
  });

  it('a namespace a ClusterPropagationPolicy selects goes only where that policy places it', async () => {
    const { plane, settle } = await setup(['member1', 'member2']);
    await plane.create('policy.karmada.io', 'clusterpropagationpolicies', {
      apiVersion: 'policy.karmada.io/v1alpha1',
      kind: 'ClusterPropagationPolicy',
      metadata: { name: 'ns-to-east' },
      spec: { resourceSelectors: [{ apiVersion: 'v1', kind: 'Namespace', name: 'east-only' }], placement: { clusterAffinity: { clusterNames: ['member1'] } } },
    } as unknown as KubeObject);
    await plane.create('', 'namespaces', ns('east-only'));
    await settle();
    expect(plane.members.get('member1').objects.has('/api/v1/namespaces/east-only')).toBe(true);
    expect(plane.members.get('member2').objects.has('/api/v1/namespaces/east-only')).toBe(false);
    const w = (await works(plane, 'member1')).find((x) => x.metadata.name === 'east-only-' + x.metadata.name?.split('-').pop());
    expect(w?.metadata.labels?.['clusterresourcebinding.karmada.io/permanent-id']).toBeTruthy();
  });
});

describe('S07 propagateDeps', () => {
  it('the ConfigMap, Secret, ServiceAccount and PVC a Deployment references follow it and leave with it', async () => {
    const { plane, settle } = await setup();
    await plane.create('', 'configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'conf', namespace: 'default' }, data: { a: '1' } } as unknown as KubeObject);
    await plane.create('', 'secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, data: { p: 'eA==' } } as unknown as KubeObject);
    await plane.create('', 'serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'runner', namespace: 'default' } } as unknown as KubeObject);
    await plane.create('', 'persistentvolumeclaims', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } as unknown as KubeObject);
    await plane.create('apps', 'deployments', nginx({
      serviceAccountName: 'runner',
      env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'creds', key: 'p' } } }],
      volumes: [{ name: 'c', configMap: { name: 'conf' } }, { name: 'd', persistentVolumeClaim: { claimName: 'data' } }],
    }));
    await plane.create('policy.karmada.io', 'propagationpolicies', policy('nginx', { propagateDeps: true }));
    await settle();

    const rb = (await plane.get('work.karmada.io', 'resourcebindings', 'default', 'nginx-deployment')) as ResourceBinding;
    expect(JSON.parse(rb.metadata.annotations?.['resourcebinding.karmada.io/dependencies'] ?? '[]')).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'conf' },
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data' },
      { apiVersion: 'v1', kind: 'Secret', namespace: 'default', name: 'creds' },
      { apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'default', name: 'runner' },
    ]);
    const attached = (await plane.get('work.karmada.io', 'resourcebindings', 'default', 'conf-configmap')) as ResourceBinding;
    expect(attached.spec.requiredBy).toEqual([{ namespace: 'default', name: 'nginx-deployment', clusters: rb.spec.clusters }]);
    expect(attached.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ConfigMap', name: 'conf', controller: true });
    expect(Object.entries(attached.metadata.labels ?? {}).find(([k]) => k.startsWith('resourcebinding.karmada.io/depended-by-'))?.[1]).toBe(rb.metadata.labels?.['resourcebinding.karmada.io/permanent-id']);
    for (const m of ['member1', 'member2']) {
      const objs = plane.members.get(m).objects;
      expect(objs.has('/api/v1/namespaces/default/configmaps/conf')).toBe(true);
      expect(objs.has('/api/v1/namespaces/default/secrets/creds')).toBe(true);
      expect(objs.has('/api/v1/namespaces/default/serviceaccounts/runner')).toBe(true);
      expect(objs.has('/api/v1/namespaces/default/persistentvolumeclaims/data')).toBe(true);
    }
    expect(plane.members.get('member3').objects.has('/api/v1/namespaces/default/configmaps/conf')).toBe(false);

    // The Deployment stops using the ConfigMap: it leaves the members; the rest stays.
    await plane.update('apps', 'deployments', 'default', 'nginx', (d) => {
      (d.spec as { template: { spec: { volumes: unknown[] } } }).template.spec.volumes = [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }];
      return d;
    });
    await settle();
    const released = (await plane.get('work.karmada.io', 'resourcebindings', 'default', 'conf-configmap')) as ResourceBinding;
    expect(released.spec.requiredBy).toBeUndefined();
    expect(plane.members.get('member1').objects.has('/api/v1/namespaces/default/configmaps/conf')).toBe(false);
    expect(plane.members.get('member1').objects.has('/api/v1/namespaces/default/secrets/creds')).toBe(true);

    // The Deployment goes: its dependencies go with it.
    await plane.remove('apps', 'deployments', 'default', 'nginx');
    await settle();
    for (const m of ['member1', 'member2']) {
      const objs = plane.members.get(m).objects;
      expect(objs.has(deploymentPath('default', 'nginx'))).toBe(false);
      expect(objs.has('/api/v1/namespaces/default/secrets/creds')).toBe(false);
      expect(objs.has('/api/v1/namespaces/default/serviceaccounts/runner')).toBe(false);
    }
  });
});

describe('policies', () => {
  it('S05/S06: the better policy claims; editing selectors releases, the workload keeps running; deleting releases', async () => {
    const { plane, settle } = await setup();
    await plane.create('apps', 'deployments', nginx());
    await plane.create('policy.karmada.io', 'propagationpolicies', policy('by-label', { resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', labelSelector: { matchLabels: { app: 'nginx' } } }] }));
    await plane.create('policy.karmada.io', 'propagationpolicies', policy('by-name', { placement: { clusterAffinity: { clusterNames: ['member3'] } } }));
    await settle();
    const template = await plane.get('apps', 'deployments', 'default', 'nginx');
    expect(template?.metadata.annotations?.['propagationpolicy.karmada.io/name']).toBe('by-name');
    expect(plane.members.get('member3').objects.has(deploymentPath('default', 'nginx'))).toBe(true);

    // by-name stops selecting it: by-label takes it (a claim only moves when its policy stops matching).
    await plane.update('policy.karmada.io', 'propagationpolicies', 'default', 'by-name', (p) => ({ ...p, spec: { ...(p.spec as object), resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'other' }] } }));
    await settle();
    expect((await plane.get('apps', 'deployments', 'default', 'nginx'))?.metadata.annotations?.['propagationpolicy.karmada.io/name']).toBe('by-label');
    expect(plane.members.get('member1').objects.has(deploymentPath('default', 'nginx'))).toBe(true);

    // Deleting the policy releases the template; what runs in members stays.
    await plane.remove('policy.karmada.io', 'propagationpolicies', 'default', 'by-label');
    await settle();
    const released = await plane.get('apps', 'deployments', 'default', 'nginx');
    expect(released?.metadata.labels).toEqual({ app: 'nginx' });
    expect(released?.metadata.annotations ?? {}).not.toHaveProperty('propagationpolicy.karmada.io/name');
    expect(plane.members.get('member1').objects.has(deploymentPath('default', 'nginx'))).toBe(true);
  });

  it('S10: Abort leaves an unmanaged object alone with Applied=False; Overwrite takes it over', async () => {
    const { plane, settle } = await setup();
    const member = plane.members.get('member1');
    member.objects.set(deploymentPath('default', 'nginx'), { ...nginx({ image: 'theirs' }), metadata: { name: 'nginx', namespace: 'default', uid: 'x' } });
    await plane.create('apps', 'deployments', nginx());
    await plane.create('policy.karmada.io', 'propagationpolicies', policy('nginx', { placement: { clusterAffinity: { clusterNames: ['member1'] } } }));
    await settle();
    const w = (await works(plane, 'member1'))[0];
    expect(applied(w)).toMatchObject({ status: 'False', reason: 'AppliedFailed' });
    expect(applied(w)?.message).toMatch(/not managed by Karmada/);
    expect((member.objects.get(deploymentPath('default', 'nginx'))!.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]!.image).toBe('theirs');

    await plane.update('policy.karmada.io', 'propagationpolicies', 'default', 'nginx', (p) => ({ ...p, spec: { ...(p.spec as object), conflictResolution: 'Overwrite' } }));
    await settle();
    expect(applied((await works(plane, 'member1'))[0])?.status).toBe('True');
    const taken = member.objects.get(deploymentPath('default', 'nginx'))!;
    expect(taken.metadata.labels?.['karmada.io/managed']).toBe('true');
    expect((taken.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]!.image).toBe('nginx');
  });

  it('S09: suspension.dispatching holds updates back (Dispatching=False); dispatchingOnClusters per cluster; clearing resumes', async () => {
    const { plane, settle } = await setup();
    await plane.create('apps', 'deployments', nginx());
    await plane.create('policy.karmada.io', 'propagationpolicies', policy('nginx', { placement: { clusterAffinity: { clusterNames: ['member1', 'member2'] }, replicaScheduling: { replicaSchedulingType: 'Duplicated' } } }));
    await settle();
    const image = (m: string) => (plane.members.get(m).objects.get(deploymentPath('default', 'nginx'))?.spec as { template: { spec: { containers: Array<{ image: string }> } } } | undefined)?.template.spec.containers[0]!.image;
    const setSuspension = (suspension: unknown) => plane.update('policy.karmada.io', 'propagationpolicies', 'default', 'nginx', (p) => ({ ...p, spec: { ...(p.spec as object), suspension } }));
    const setImage = (img: string) => plane.update('apps', 'deployments', 'default', 'nginx', (d) => {
      (d.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]!.image = img;
      return d;
    });

    await setSuspension({ dispatching: true });
    await settle();
    await setImage('nginx:2');
    await settle();
    expect([image('member1'), image('member2')]).toEqual(['nginx', 'nginx']);
    for (const w of [...(await works(plane, 'member1')), ...(await works(plane, 'member2'))]) {
      expect(w.status?.conditions?.find((c) => c.type === 'Dispatching')).toMatchObject({ status: 'False', reason: 'SuspendDispatching' });
    }

    await setSuspension({ dispatchingOnClusters: { clusterNames: ['member2'] } });
    await settle();
    expect([image('member1'), image('member2')]).toEqual(['nginx:2', 'nginx']);

    await setSuspension(undefined);
    await settle();
    expect([image('member1'), image('member2')]).toEqual(['nginx:2', 'nginx:2']);
    expect((await works(plane, 'member2'))[0]?.status?.conditions?.find((c) => c.type === 'Dispatching')?.status).toBe('True');
  });

  it('S11: with activationPreference Lazy a policy change waits for the template\'s next change', async () => {
    const { plane, settle } = await setup();
    await plane.create('apps', 'deployments', nginx());
    await plane.create('policy.karmada.io', 'propagationpolicies', policy('nginx', { activationPreference: 'Lazy', placement: { clusterAffinity: { clusterNames: ['member1'] } } }));
    await settle();
    expect(plane.members.get('member1').objects.has(deploymentPath('default', 'nginx'))).toBe(true);
    await plane.update('policy.karmada.io', 'propagationpolicies', 'default', 'nginx', (p) => ({ ...p, spec: { ...(p.spec as object), placement: { clusterAffinity: { clusterNames: ['member2'] } } } }));
    await settle();
    expect(plane.members.get('member2').objects.has(deploymentPath('default', 'nginx'))).toBe(false);
    await plane.update('apps', 'deployments', 'default', 'nginx', (d) => ({ ...d, metadata: { ...d.metadata, labels: { ...(d.metadata.labels ?? {}), touched: 'yes' } } }));
    await settle();
    expect(plane.members.get('member2').objects.has(deploymentPath('default', 'nginx'))).toBe(true);
    expect(plane.members.get('member1').objects.has(deploymentPath('default', 'nginx'))).toBe(false);
  });
});
