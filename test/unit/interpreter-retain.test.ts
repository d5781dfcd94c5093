import { describe, expect, it } from 'vitest';
import { retain, RETAIN_REPLICAS_LABEL } from '../../shared/interpreter/index.js';
import { MANAGED_ANNOTATIONS_ANNOTATION, MANAGED_LABELS_ANNOTATION } from '../../shared/karmada/work.js';
import type { KubeObject } from '../../shared/object.js';

// Cases follow Karmada's retain_test.go, lifted/retain_test.go and objectwatcher's retainClusterFields.

function obj(apiVersion: string, kind: string, rest: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion, kind, metadata: { name: 'nginx', namespace: 'default', ...meta }, ...rest };
}

describe('retain: what every kind keeps from the member', () => {
  it('resourceVersion, finalizers and ownerReferences come from the member', () => {
    const owner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u-1' };
    const got = retain(
      obj('v1', 'ConfigMap', { data: { a: '1' } }, { resourceVersion: '3', finalizers: ['control-plane'] }),
      obj('v1', 'ConfigMap', { data: { a: '0' } }, { resourceVersion: '77', finalizers: ['member.example/f'], ownerReferences: [owner] }),
    );
    expect(got.metadata).toMatchObject({ resourceVersion: '77', finalizers: ['member.example/f'], ownerReferences: [owner] });
    expect(got.data).toEqual({ a: '1' });
  });

  it('drops finalizers and owners the member does not have', () => {
    const got = retain(obj('v1', 'ConfigMap', {}, { finalizers: ['x'], ownerReferences: [] }), obj('v1', 'ConfigMap'));
    expect(got.metadata.finalizers).toBeUndefined();
    expect(got.metadata.ownerReferences).toBeUndefined();
  });

  it('labels and annotations the member added are kept; the template wins on shared keys', () => {
    const desired = obj('v1', 'ConfigMap', {}, { labels: { app: 'web', tier: 'front' }, annotations: { note: 'template' } });
    const observed = obj('v1', 'ConfigMap', {}, {
      labels: { app: 'changed-in-member', 'member.example/zone': 'z1' },
      annotations: { note: 'member', 'deployment.kubernetes.io/revision': '4' },
    });
    const got = retain(desired, observed);
    expect(got.metadata.labels).toEqual({ app: 'web', tier: 'front', 'member.example/zone': 'z1' });
    expect(got.metadata.annotations).toEqual({ note: 'template', 'deployment.kubernetes.io/revision': '4' });
  });

  it('keys the control plane put there and has since removed are not brought back', () => {
    const desired = obj('v1', 'ConfigMap', {}, { labels: { app: 'web' }, annotations: { [MANAGED_ANNOTATIONS_ANNOTATION]: 'x', [MANAGED_LABELS_ANNOTATION]: 'app' } });
    const observed = obj('v1', 'ConfigMap', {}, {
      labels: { app: 'web', removed: 'yes', added: 'by-member' },
      annotations: { [MANAGED_LABELS_ANNOTATION]: 'app,removed', [MANAGED_ANNOTATIONS_ANNOTATION]: 'gone,x', gone: '1', kept: '2' },
    });
    const got = retain(desired, observed);
    expect(got.metadata.labels).toEqual({ app: 'web', added: 'by-member' });
    expect(got.metadata.annotations).toEqual({ [MANAGED_ANNOTATIONS_ANNOTATION]: 'x', [MANAGED_LABELS_ANNOTATION]: 'app', kept: '2' });
  });

  it('does not modify its arguments', () => {
    const desired = obj('v1', 'Service', { spec: { type: 'ClusterIP' } }, { labels: { a: '1' } });
    const observed = obj('v1', 'Service', { spec: { clusterIP: '10.0.0.1' } }, { labels: { b: '2' }, resourceVersion: '9' });
    const before = structuredClone(desired);
    retain(desired, observed);
    expect(desired).toEqual(before);
  });
});

describe('retain: Deployment replicas', () => {
  const observed = obj('apps/v1', 'Deployment', { spec: { replicas: 4 } });
  it('keeps the member replicas when the template is labelled retain-replicas (HPA in the member)', () => {
    const desired = obj('apps/v1', 'Deployment', { spec: { replicas: 2 } }, { labels: { [RETAIN_REPLICAS_LABEL]: 'true' } });
    expect(retain(desired, observed).spec).toEqual({ replicas: 4 });
  });
  it('uses the template replicas otherwise', () => {
    expect(retain(obj('apps/v1', 'Deployment', { spec: { replicas: 2 } }), observed).spec).toEqual({ replicas: 2 });
  });
});

describe('retain: Service', () => {
  const desired = () => obj('v1', 'Service', { spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } });
  it.each([
    ['no allocation', {}, { type: 'LoadBalancer', ports: [{ port: 80 }] }],
    ['healthCheckNodePort 0', { healthCheckNodePort: 0 }, { type: 'LoadBalancer', ports: [{ port: 80 }] }],
    ['healthCheckNodePort 1000', { healthCheckNodePort: 1000 }, { type: 'LoadBalancer', ports: [{ port: 80 }], healthCheckNodePort: 1000 }],
    ['a cluster IP', { clusterIP: '1.2.3.4', clusterIPs: ['1.2.3.4', 'fd00::4'] }, { type: 'LoadBalancer', ports: [{ port: 80 }], clusterIP: '1.2.3.4', clusterIPs: ['1.2.3.4', 'fd00::4'] }],
    ['an empty cluster IP', { clusterIP: '' }, { type: 'LoadBalancer', ports: [{ port: 80 }] }],
  ])('%s', (_name, observedSpec, want) => {
    expect(retain(desired(), obj('v1', 'Service', { spec: observedSpec })).spec).toEqual(want);
  });

  it('an allocation of the wrong type is not retained (Karmada errors), the generic part still is', () => {
    const got = retain(desired(), obj('v1', 'Service', { spec: { clusterIP: -1000 } }, { resourceVersion: '5' }));
    expect(got.spec).toEqual({ type: 'LoadBalancer', ports: [{ port: 80 }] });
    expect(got.metadata.resourceVersion).toBe('5');
  });
});

describe('retain: ServiceAccount', () => {
  it('merges the member token and pull secrets after the template ones', () => {
    const desired = obj('v1', 'ServiceAccount', { secrets: [{ name: 'from-template' }], imagePullSecrets: [{ name: 'registry' }] });
    const observed = obj('v1', 'ServiceAccount', {
      secrets: [{ name: 'nginx-token-abcde' }, { name: 'from-template' }],
      imagePullSecrets: [{ name: 'nginx-dockercfg-xyz' }],
    });
    const got = retain(desired, observed);
    expect(got.secrets).toEqual([{ name: 'from-template' }, { name: 'nginx-token-abcde' }]);
    expect(got.imagePullSecrets).toEqual([{ name: 'registry' }, { name: 'nginx-dockercfg-xyz' }]);
  });

  it('adds nothing when neither side has any', () => {
    const got = retain(obj('v1', 'ServiceAccount'), obj('v1', 'ServiceAccount'));
    expect(got.secrets).toBeUndefined();
    expect(got.imagePullSecrets).toBeUndefined();
  });
});

describe('retain: service-account-token Secret', () => {
  const secret = (type: string, uid: string, key: string, value: string) =>
    obj('v1', 'Secret', { type, data: { [key]: btoa(value) } }, { annotations: { 'kubernetes.io/service-account.uid': uid } });

  it('data and uid come from the member for type service-account-token', () => {
    const got = retain(secret('kubernetes.io/service-account-token', '111', 'token', 'desired-token'), secret('kubernetes.io/service-account-token', '999', 'token', 'observed-token'));
    expect(got.data).toEqual({ token: btoa('observed-token') });
    expect(got.metadata.annotations).toEqual({ 'kubernetes.io/service-account.uid': '999' });
  });

  it('missing uid and data stay missing', () => {
    const got = retain(obj('v1', 'Secret', { type: 'kubernetes.io/service-account-token' }), obj('v1', 'Secret', { type: 'kubernetes.io/service-account-token' }));
    expect(got.data).toBeUndefined();
    expect(got.metadata.annotations).toBeUndefined();
  });

  it.each([
    ['kubernetes.io/tls', 'tls.crt'],
    ['kubernetes.io/basic-auth', 'username'],
    ['kubernetes.io/dockercfg', '.dockercfg'],
  ])('type %s keeps the template data', (type, key) => {
    const got = retain(secret(type, '111', key, 'desired'), secret(type, '999', key, 'observed'));
    expect(got.data).toEqual({ [key]: btoa('desired') });
    expect(got.metadata.annotations).toEqual({ 'kubernetes.io/service-account.uid': '111' });
  });
});

describe('retain: Pod, PVC, PV, Job', () => {
  it('Pod: node, service account, volumes and each container mounts come from the member', () => {
    const desired = obj('v1', 'Pod', {
      spec: {
        containers: [{ name: 'app', image: 'nginx:2' }, { name: 'sidecar', image: 's:1', volumeMounts: [{ name: 'mine', mountPath: '/m' }] }],
        initContainers: [{ name: 'init', image: 'busybox' }],
      },
    });
    const tokenMount = { name: 'kube-api-access-x', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
    const observed = obj('v1', 'Pod', {
      spec: {
        nodeName: 'node-3',
        serviceAccountName: 'default',
        volumes: [{ name: 'kube-api-access-x', projected: { sources: [] } }],
        containers: [{ name: 'app', image: 'nginx:1', volumeMounts: [tokenMount] }, { name: 'sidecar', image: 's:1' }],
        initContainers: [{ name: 'init', image: 'busybox', volumeMounts: [tokenMount] }],
      },
    });
    expect(retain(desired, observed).spec).toEqual({
      nodeName: 'node-3',
      serviceAccountName: 'default',
      volumes: [{ name: 'kube-api-access-x', projected: { sources: [] } }],
      containers: [{ name: 'app', image: 'nginx:2', volumeMounts: [tokenMount] }, { name: 'sidecar', image: 's:1' }],
      initContainers: [{ name: 'init', image: 'busybox', volumeMounts: [tokenMount] }],
    });
  });

  it('PVC: the volume the member bound', () => {
    expect(retain(obj('v1', 'PersistentVolumeClaim', { spec: { resources: {} } }), obj('v1', 'PersistentVolumeClaim', { spec: { volumeName: 'pv-1' } })).spec).toEqual({
      resources: {},
      volumeName: 'pv-1',
    });
    expect(retain(obj('v1', 'PersistentVolumeClaim', { spec: {} }), obj('v1', 'PersistentVolumeClaim', { spec: { volumeName: '' } })).spec).toEqual({});
  });

  it('PV: the claim the member bound it to', () => {
    const claimRef = { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: 'u' };
    expect(retain(obj('v1', 'PersistentVolume', { spec: { capacity: { storage: '1Gi' } } }), obj('v1', 'PersistentVolume', { spec: { claimRef } })).spec).toEqual({
      capacity: { storage: '1Gi' },
      claimRef,
    });
  });

  it('Job: the selector and pod labels the member generated', () => {
    const desired = obj('batch/v1', 'Job', { spec: { template: { metadata: { labels: { app: 'pi' } }, spec: {} } } });
    const generated = { 'batch.kubernetes.io/controller-uid': 'c-1', 'controller-uid': 'c-1' };
    const observed = obj('batch/v1', 'Job', {
      spec: { selector: { matchLabels: generated }, template: { metadata: { labels: { app: 'pi', ...generated } }, spec: {} } },
    });
    expect(retain(desired, observed).spec).toEqual({
      selector: { matchLabels: generated },
      template: { metadata: { labels: { app: 'pi', ...generated } }, spec: {} },
    });
  });
});
