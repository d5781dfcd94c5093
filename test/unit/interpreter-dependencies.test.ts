import { describe, expect, it } from 'vitest';
import { getDependencies } from '../../shared/interpreter/index.js';
import type { KubeObject } from '../../shared/object.js';

// Cases follow Karmada's dependencies_test.go (its three pod specs, in every workload kind).

const namespace = 'karmada-test';
const ref = (kind: string, name: string) => ({ apiVersion: 'v1', kind, namespace, name });

const pairs: Array<[podSpec: Record<string, unknown>, deps: ReturnType<typeof ref>[]]> = [
  [
    {
      serviceAccountName: 'test-serviceaccount',
      volumes: [
        { name: 'initcontainer-volume-mount', configMap: { name: 'test-configmap' } },
        { name: 'cloud-secret-volume', secret: { secretName: 'cloud-secret' } },
        { name: 'container-volume-mount', persistentVolumeClaim: { claimName: 'test-pvc' } },
      ],
    },
    [ref('ConfigMap', 'test-configmap'), ref('Secret', 'cloud-secret'), ref('ServiceAccount', 'test-serviceaccount'), ref('PersistentVolumeClaim', 'test-pvc')],
  ],
  [
    {
      serviceAccountName: 'test-serviceaccount',
      imagePullSecrets: [{ name: 'test-secret' }],
      initContainers: [
        {
          envFrom: [{ configMapRef: { name: 'initcontainer-envfrom-configmap' }, secretRef: { name: 'test-secret' } }],
          env: [{ valueFrom: { secretKeyRef: { name: 'test-secret' } } }],
        },
      ],
    },
    [ref('ConfigMap', 'initcontainer-envfrom-configmap'), ref('Secret', 'test-secret'), ref('ServiceAccount', 'test-serviceaccount')],
  ],
  [
    {
      containers: [{ envFrom: [{ configMapRef: { name: 'test-configmap' } }], env: [{ valueFrom: { configMapKeyRef: { name: 'test-configmap' } } }] }],
      volumes: [{ name: 'container-volume-mount', persistentVolumeClaim: { claimName: 'test-pvc' }, azureFile: { secretName: 'test-secret' } }],
    },
    [ref('ConfigMap', 'test-configmap'), ref('Secret', 'test-secret'), ref('PersistentVolumeClaim', 'test-pvc')],
  ],
];

function workload(apiVersion: string, kind: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion, kind, metadata: { name: 'fake', namespace }, spec };
}

const kinds: Array<[string, string, (podSpec: Record<string, unknown>) => Record<string, unknown>]> = [
  ['apps/v1', 'Deployment', (s) => ({ replicas: 3, template: { spec: s } })],
  ['apps/v1', 'ReplicaSet', (s) => ({ replicas: 3, template: { spec: s } })],
  ['apps/v1', 'DaemonSet', (s) => ({ template: { spec: s } })],
  ['apps/v1', 'StatefulSet', (s) => ({ replicas: 3, template: { spec: s } })],
  ['batch/v1', 'Job', (s) => ({ parallelism: 1, template: { spec: s } })],
  ['batch/v1', 'CronJob', (s) => ({ schedule: '*/1 * * * *', jobTemplate: { spec: { template: { spec: s } } } })],
  ['v1', 'Pod', (s) => s],
];

describe('getDependencies: pod templates', () => {
  for (const [apiVersion, kind, wrap] of kinds) {
    it.each(pairs.map((p, i) => [i + 1, ...p] as const))(`${kind} with dependencies %i`, (_i, podSpec, want) => {
      expect(getDependencies(workload(apiVersion, kind, wrap(podSpec)))).toEqual(want);
    });
  }

  it('workloads without a pod template have none', () => {
    expect(getDependencies(workload('apps/v1', 'Deployment', { replicas: 3 }))).toEqual([]);
    expect(getDependencies(workload('batch/v1', 'CronJob', { schedule: '*/1 * * * *' }))).toEqual([]);
  });

  it('the default ServiceAccount is not a dependency', () => {
    expect(getDependencies(workload('v1', 'Pod', { serviceAccountName: 'default' }))).toEqual([]);
  });

  it('projected, CSI and env references of every container kind, each kind sorted by name', () => {
    const spec = {
      containers: [{ env: [{ valueFrom: { secretKeyRef: { name: 'z-secret' } } }] }],
      ephemeralContainers: [{ envFrom: [{ secretRef: { name: 'debug-secret' } }] }],
      volumes: [
        { name: 'p', projected: { sources: [{ secret: { name: 'proj-secret' } }, { configMap: { name: 'proj-cm' } }, { serviceAccountToken: { path: 't' } }] } },
        { name: 'c', csi: { driver: 'x', nodePublishSecretRef: { name: 'csi-secret' } } },
        { name: 'r', rbd: { monitors: [], image: 'i', secretRef: { name: 'rbd-secret' } } },
      ],
    };
    expect(getDependencies(workload('v1', 'Pod', spec))).toEqual([
      ref('ConfigMap', 'proj-cm'),
      ref('Secret', 'csi-secret'),
      ref('Secret', 'debug-secret'),
      ref('Secret', 'proj-secret'),
      ref('Secret', 'rbd-secret'),
      ref('Secret', 'z-secret'),
    ]);
  });

  it('StatefulSet: claims made from volumeClaimTemplates are not dependencies', () => {
    const sts = workload('apps/v1', 'StatefulSet', {
      replicas: 1,
      volumeClaimTemplates: [{ metadata: { name: 'data' } }],
      template: {
        spec: {
          volumes: [
            { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
            { name: 'shared', persistentVolumeClaim: { claimName: 'shared' } },
          ],
        },
      },
    });
    expect(getDependencies(sts)).toEqual([ref('PersistentVolumeClaim', 'shared')]);
  });
});

describe('getDependencies: other kinds', () => {
  it('Ingress: its TLS Secrets', () => {
    const ing = workload('networking.k8s.io/v1', 'Ingress', { tls: [{ hosts: ['a.example'], secretName: 'a-tls' }, { secretName: 'b-tls' }, { hosts: ['c'] }] });
    expect(getDependencies(ing)).toEqual([ref('Secret', 'a-tls'), ref('Secret', 'b-tls')]);
  });

  it('kinds without dependencies, and malformed pod specs, have none', () => {
    expect(getDependencies(workload('v1', 'Service', { selector: { app: 'x' } }))).toEqual([]);
    expect(getDependencies(workload('apps/v1', 'Deployment', { template: { spec: { volumes: 'none' } } }))).toEqual([]);
  });
});
