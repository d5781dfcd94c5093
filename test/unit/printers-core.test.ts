import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/object.js';
import { configMapPrinter } from '../../shared/printers/config-map.js';
import { defaultTableConvertor } from '../../shared/printers/default-table-convertor.js';
import { eventPrinter } from '../../shared/printers/event.js';
import { horizontalPodAutoscalerPrinter } from '../../shared/printers/horizontal-pod-autoscaler.js';
import { leasePrinter } from '../../shared/printers/lease.js';
import { namespacePrinter } from '../../shared/printers/namespace.js';
import { networkPolicyPrinter } from '../../shared/printers/network-policy.js';
import { nodePrinter } from '../../shared/printers/node.js';
import { persistentVolumeClaimPrinter } from '../../shared/printers/persistent-volume-claim.js';
import { persistentVolumePrinter } from '../../shared/printers/persistent-volume.js';
import { podDisruptionBudgetPrinter } from '../../shared/printers/pod-disruption-budget.js';
import { priorityClassPrinter } from '../../shared/printers/priority-class.js';
import { resourceQuotaPrinter } from '../../shared/printers/resource-quota.js';
import { clusterRoleBindingPrinter, roleBindingPrinter } from '../../shared/printers/role-binding.js';
import { secretPrinter } from '../../shared/printers/secret.js';
import { serviceAccountPrinter } from '../../shared/printers/service-account.js';
import { storageClassPrinter } from '../../shared/printers/storage-class.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString();
const meta = { name: 'x', creationTimestamp: ago(45 * 24 * 3600) };
const names = (cols: { name: string; priority: number }[]): string[] => cols.map((c) => (c.priority ? `+${c.name}` : c.name));

describe('namespaces, config maps, secrets, service accounts', () => {
  it('prints STATUS AGE, DATA AGE, TYPE DATA AGE, SECRETS AGE', () => {
    expect(namespacePrinter.cells({ metadata: meta, status: { phase: 'Terminating' } }, NOW)).toEqual(['x', 'Terminating', '45d']);
    expect(names(configMapPrinter.columns)).toEqual(['Name', 'Data', 'Age']);
    expect(configMapPrinter.cells({ metadata: meta, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }, NOW)).toEqual(['x', 3, '45d']);
    expect(configMapPrinter.cells({ metadata: meta }, NOW)).toEqual(['x', 0, '45d']);
    expect(names(secretPrinter.columns)).toEqual(['Name', 'Type', 'Data', 'Age']);
    expect(secretPrinter.cells({ metadata: meta, type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }, NOW)).toEqual(['x', 'kubernetes.io/tls', 2, '45d']);
    expect(secretPrinter.cells({ metadata: meta, stringData: { a: 'b' }, data: { a: 'Yg==' } }, NOW)).toEqual(['x', 'Opaque', 1, '45d']);
    expect(serviceAccountPrinter.cells({ metadata: meta, secrets: [{ name: 's' }] }, NOW)).toEqual(['x', 1, '45d']);
  });
});

describe('node printer', () => {
  const node = (spec: Record<string, unknown>, status: Record<string, unknown>, labels: Record<string, string> = {}): KubeObject => ({
    metadata: { ...meta, labels },
    spec,
    status,
  });

  it('has STATUS ROLES AGE VERSION + INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME', () => {
    expect(names(nodePrinter.columns)).toEqual(['Name', 'Status', 'Roles', 'Age', 'Version', '+Internal-IP', '+External-IP', '+OS-Image', '+Kernel-Version', '+Container-Runtime']);
  });

  it('prints readiness, cordoning, roles and node info', () => {
    const n = node(
      { unschedulable: true },
      {
        conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
        addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '192.168.0.10' }],
        nodeInfo: { kubeletVersion: 'v1.33.1', osImage: 'Ubuntu 24.04 LTS', kernelVersion: '6.8.0', containerRuntimeVersion: 'containerd://2.0.0' },
      },
      { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/': '', 'kubernetes.io/role': 'master', 'node-role.kubernetes.io/etcd': 'true' },
    );
    expect(nodePrinter.cells(n, NOW)).toEqual(['x', 'Ready,SchedulingDisabled', 'control-plane,etcd,master', '45d', 'v1.33.1', '192.168.0.10', '<none>', 'Ubuntu 24.04 LTS', '6.8.0', 'containerd://2.0.0']);
  });

  it('prints NotReady, Unknown and <unknown> node info', () => {
    expect(nodePrinter.cells(node({}, { conditions: [{ type: 'Ready', status: 'Unknown' }] }), NOW).slice(1, 3)).toEqual(['NotReady', '<none>']);
    expect(nodePrinter.cells(node({}, {}), NOW)).toEqual(['x', 'Unknown', '<none>', '45d', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
  });
});

describe('event printer', () => {
  it('has LAST SEEN TYPE REASON OBJECT MESSAGE with wide SUBOBJECT SOURCE FIRST SEEN COUNT NAME', () => {
    expect(names(eventPrinter.columns)).toEqual(['Last Seen', 'Type', 'Reason', 'Object', '+Subobject', '+Source', 'Message', '+First Seen', '+Count', '+Name']);
  });

  it('prints a core/v1 event', () => {
    const ev: KubeObject = {
      metadata: { name: 'web.17a', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{nginx}' },
      reason: 'Pulled',
      message: '  Successfully pulled image\n',
      type: 'Normal',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: ago(600),
      lastTimestamp: ago(30),
      count: 4,
    };
    expect(eventPrinter.cells(ev, NOW)).toEqual(['30s', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{nginx}', 'kubelet, node-1', 'Successfully pulled image', '10m', 4, 'web.17a']);
  });

  it('falls back to eventTime, series and reporting fields for events.k8s.io-style events', () => {
    const ev: KubeObject = {
      metadata: { name: 'e' },
      involvedObject: { kind: 'Node' },
      eventTime: ago(7200),
      series: { count: 9, lastObservedTime: ago(5) },
      reportingController: 'scheduler',
      type: 'Warning',
    };
    expect(eventPrinter.cells(ev, NOW)).toEqual(['5s', 'Warning', '', 'node', '', 'scheduler', '', '120m', 9, 'e']);
    expect(eventPrinter.cells({ metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: 'p' } }, NOW).slice(0, 1)).toEqual(['<unknown>']);
    expect(eventPrinter.cells({ metadata: { name: 'e' }, firstTimestamp: ago(3) }, NOW)[8]).toBe(1);
  });
});

describe('storage printers', () => {
  it('prints persistent volumes', () => {
    expect(names(persistentVolumePrinter.columns)).toEqual(['Name', 'Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age', '+VolumeMode']);
    const pv: KubeObject = {
      metadata: meta,
      spec: { capacity: { storage: '1024Mi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', claimRef: { namespace: 'db', name: 'data' }, storageClassName: 'fast', volumeMode: 'Block' },
      status: { phase: 'Bound' },
    };
    expect(persistentVolumePrinter.cells(pv, NOW)).toEqual(['x', '1Gi', 'RWO,RWX', 'Delete', 'Bound', 'db/data', 'fast', '<unset>', '', '45d', 'Block']);
    const bare = persistentVolumePrinter.cells({ metadata: { ...meta, deletionTimestamp: ago(1), annotations: { 'volume.beta.kubernetes.io/storage-class': 'old' } }, spec: { storageClassName: 'new' }, status: { phase: 'Released', reason: 'Gone' } }, NOW);
    expect(bare).toEqual(['x', '0', '', 'Retain', 'Terminating', '', 'old', '<unset>', 'Gone', '45d', 'Filesystem']);
  });

  it('prints claims, with capacity and modes only once bound', () => {
    expect(names(persistentVolumeClaimPrinter.columns)).toEqual(['Name', 'Status', 'Volume', 'Capacity', 'Access Modes', 'StorageClass', 'VolumeAttributesClass', 'Age', '+VolumeMode']);
    const pending: KubeObject = { metadata: meta, spec: { resources: { requests: { storage: '5Gi' } }, storageClassName: 'standard', accessModes: ['ReadWriteOnce'] }, status: { phase: 'Pending' } };
    expect(persistentVolumeClaimPrinter.cells(pending, NOW)).toEqual(['x', 'Pending', '', '', '', 'standard', '<unset>', '45d', 'Filesystem']);
    const bound: KubeObject = {
      metadata: meta,
      spec: { volumeName: 'pv-1', storageClassName: 'standard', volumeAttributesClassName: 'gold' },
      status: { phase: 'Bound', capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOncePod'] },
    };
    expect(persistentVolumeClaimPrinter.cells(bound, NOW)).toEqual(['x', 'Bound', 'pv-1', '5Gi', 'RWOP', 'standard', 'gold', '45d', 'Filesystem']);
  });

  it('prints storage classes, marking the default one', () => {
    const sc: KubeObject = { metadata: { ...meta, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' };
    expect(storageClassPrinter.cells(sc, NOW)).toEqual(['x (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '45d']);
    expect(storageClassPrinter.cells({ metadata: meta, provisioner: 'p', reclaimPolicy: 'Retain', allowVolumeExpansion: true }, NOW)).toEqual(['x', 'p', 'Retain', 'Immediate', true, '45d']);
  });
});

describe('quota, budgets, autoscalers', () => {
  it('splits quota usage into REQUEST and LIMIT', () => {
    expect(names(resourceQuotaPrinter.columns)).toEqual(['Name', 'Request', 'Limit', 'Age']);
    const rq: KubeObject = {
      metadata: meta,
      spec: { hard: { pods: '10' } },
      status: {
        hard: { pods: '10', 'requests.cpu': '2', 'requests.memory': '2048Mi', 'limits.cpu': '4', 'limits.memory': '4Gi' },
        used: { pods: '3', 'requests.cpu': '500m', 'requests.memory': '1Gi', 'limits.cpu': '1' },
      },
    };
    expect(resourceQuotaPrinter.cells(rq, NOW)).toEqual(['x', 'pods: 3/10, requests.cpu: 500m/2, requests.memory: 1Gi/2Gi', 'limits.cpu: 1/4, limits.memory: 0/4Gi', '45d']);
    expect(resourceQuotaPrinter.cells({ metadata: meta, spec: { hard: { pods: '1' } } }, NOW)).toEqual(['x', '', '', '45d']);
  });

  it('prints disruption budgets', () => {
    expect(podDisruptionBudgetPrinter.cells({ metadata: meta, spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } }, NOW)).toEqual(['x', '50%', 'N/A', 1, '45d']);
    expect(podDisruptionBudgetPrinter.cells({ metadata: meta, spec: { maxUnavailable: 1 } }, NOW)).toEqual(['x', 'N/A', '1', 0, '45d']);
  });

  it('prints autoscaler targets as upstream formats them', () => {
    expect(names(horizontalPodAutoscalerPrinter.columns)).toEqual(['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
    const hpa: KubeObject = {
      apiVersion: 'autoscaling/v2',
      metadata: meta,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '1024Mi' } } },
          { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1k' } } },
        ],
      },
      status: { currentReplicas: 3, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45 } } }] },
    };
    expect(horizontalPodAutoscalerPrinter.cells(hpa, NOW)).toEqual(['x', 'Deployment/web', 'cpu: 45%/80%, memory: <unknown>/1Gi + 1 more...', '2', 10, 3, '45d']);
  });

  it('prints external, object and container-resource metrics, and v1 autoscalers', () => {
    const hpa = (metrics: unknown[], currentMetrics: unknown[] = []): unknown =>
      horizontalPodAutoscalerPrinter.cells({ metadata: meta, spec: { scaleTargetRef: { kind: 'Deployment', name: 'w' }, maxReplicas: 3, metrics }, status: { currentMetrics } }, NOW)[2];
    expect(hpa([{ type: 'External', external: { metric: { name: 'q' }, target: { type: 'Value', value: '30' } } }], [{ type: 'External', external: { current: { value: '12' } } }])).toBe('12/30');
    expect(hpa([{ type: 'Object', object: { target: { type: 'AverageValue', averageValue: '500m' } } }])).toBe('<unknown>/500m (avg)');
    expect(hpa([{ type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization' } } }])).toBe('cpu: <unknown>/<auto>');
    expect(hpa([{ type: 'Bogus' }])).toBe('<unknown type>');
    // Defaulting gives an autoscaler without metrics an 80% CPU target.
    expect(hpa([])).toBe('cpu: <unknown>/80%');
    const v1: KubeObject = { apiVersion: 'autoscaling/v1', metadata: meta, spec: { scaleTargetRef: { kind: 'Deployment', name: 'w' }, minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 60 }, status: { currentReplicas: 1, currentCPUUtilizationPercentage: 12 } };
    expect(horizontalPodAutoscalerPrinter.cells(v1, NOW)).toEqual(['x', 'Deployment/w', 'cpu: 12%/60%', '1', 4, 1, '45d']);
  });
});

describe('rbac, leases, priority classes, network policies, default convertor', () => {
  it('prints bindings with ROLE and wide subjects', () => {
    expect(names(roleBindingPrinter.columns)).toEqual(['Name', 'Role', 'Age', '+Users', '+Groups', '+ServiceAccounts']);
    const rb: KubeObject = {
      metadata: meta,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [
        { kind: 'User', name: 'alice' },
        { kind: 'User', name: 'bob' },
        { kind: 'Group', name: 'devs' },
        { kind: 'ServiceAccount', namespace: 'ci', name: 'runner' },
      ],
    };
    expect(roleBindingPrinter.cells(rb, NOW)).toEqual(['x', 'ClusterRole/view', '45d', 'alice, bob', 'devs', 'ci/runner']);
    expect(clusterRoleBindingPrinter.columns[3]!.description).toBe('Users in the clusterRoleBinding');
  });

  it('prints lease holders, priority classes and pod selectors', () => {
    expect(leasePrinter.cells({ metadata: meta, spec: { holderIdentity: 'flotilla-1' } }, NOW)).toEqual(['x', 'flotilla-1', '45d']);
    expect(leasePrinter.cells({ metadata: meta, spec: {} }, NOW)).toEqual(['x', '', '45d']);
    expect(names(priorityClassPrinter.columns)).toEqual(['Name', 'Value', 'Global-Default', 'Age', 'PreemptionPolicy']);
    expect(priorityClassPrinter.cells({ metadata: meta, value: 1000, globalDefault: true, preemptionPolicy: 'Never' }, NOW)).toEqual(['x', 1000, true, '45d', 'Never']);
    expect(networkPolicyPrinter.cells({ metadata: meta, spec: { podSelector: {} } }, NOW)).toEqual(['x', '<none>', '45d']);
    expect(networkPolicyPrinter.cells({ metadata: meta, spec: { podSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['b', 'a'] }, { key: 'canary', operator: 'DoesNotExist' }] } } }, NOW)[1]).toBe(
      'app notin (a,b),!canary',
    );
  });

  it('prints Name and Created At for kinds upstream has no printer for', () => {
    expect(defaultTableConvertor.columns.map((c) => [c.name, c.type])).toEqual([['Name', 'string'], ['Created At', 'date']]);
    expect(defaultTableConvertor.cells({ metadata: { name: 'edit', creationTimestamp: '2025-01-02T03:04:05Z' } }, NOW)).toEqual(['edit', '2025-01-02T03:04:05Z']);
  });
});
