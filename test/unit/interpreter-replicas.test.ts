import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getReplicas, reviseJobCompletions, reviseReplica } from '../../shared/interpreter/index.js';
import { formatBinarySI, formatDecimalSI } from '../../shared/interpreter/pod-resource-request.js';
import { parseQuantity } from '../../shared/karmada/quantity.js';
import type { KubeObject } from '../../shared/object.js';

// Cases follow Karmada's replica_test.go and revisereplica_test.go.

const podSpec = {
  nodeSelector: { foo: 'foo1' },
  tolerations: [{ key: 'foo', operator: 'Exists', effect: 'NoSchedule' }],
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'foo', operator: 'Exists' }] }] },
    },
  },
};
const nodeClaim = {
  nodeSelector: { foo: 'foo1' },
  tolerations: [{ key: 'foo', operator: 'Exists', effect: 'NoSchedule' }],
  hardNodeAffinity: { nodeSelectorTerms: [{ matchFields: [{ key: 'foo', operator: 'Exists' }] }] },
};

function obj(apiVersion: string, kind: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion, kind, metadata: { name: 'w', namespace: 'ns1' }, spec };
}

describe('getReplicas', () => {
  it.each([
    ['Deployment', obj('apps/v1', 'Deployment', { replicas: 2, template: { spec: podSpec } }), 2],
    ['StatefulSet', obj('apps/v1', 'StatefulSet', { replicas: 2, template: { spec: podSpec } }), 2],
    ['ReplicaSet', obj('apps/v1', 'ReplicaSet', { replicas: 5, template: { spec: podSpec } }), 5],
    ['Job: parallelism 3, completions 2 → 2', obj('batch/v1', 'Job', { parallelism: 3, completions: 2, template: { spec: podSpec } }), 2],
    ['Job: parallelism 2, completions 6 → 2', obj('batch/v1', 'Job', { parallelism: 2, completions: 6, template: { spec: podSpec } }), 2],
    ['Job without completions → parallelism', obj('batch/v1', 'Job', { parallelism: 4, template: { spec: podSpec } }), 4],
    ['Pod → 1', obj('v1', 'Pod', podSpec), 1],
  ])('%s, with the node claim of its pod template', (_name, workload, replicas) => {
    expect(getReplicas(workload)).toEqual({ replicas, requirements: { nodeClaim } });
  });

  it('a workload without replicas or requirements', () => {
    expect(getReplicas(obj('apps/v1', 'Deployment', { template: { spec: { containers: [{ name: 'c', image: 'nginx' }] } } }))).toEqual({ replicas: 0 });
  });

  it('kinds without replicas, and malformed workloads, have 0', () => {
    expect(getReplicas(obj('apps/v1', 'DaemonSet', { template: { spec: podSpec } }))).toEqual({ replicas: 0 });
    expect(getReplicas(obj('v1', 'ConfigMap', {}))).toEqual({ replicas: 0 });
    expect(getReplicas(obj('apps/v1', 'Deployment', { replicas: '2' }))).toEqual({ replicas: 0 });
  });

  it('resource request of one pod: containers summed, the largest init container, overhead, limits as requests', () => {
    const spec = {
      containers: [
        { name: 'a', resources: { requests: { cpu: '100m', memory: '128Mi' } } },
        { name: 'b', resources: { limits: { cpu: '200m', memory: '128Mi', 'nvidia.com/gpu': '1' } } },
        { name: 'c', resources: { requests: { cpu: '0.25' }, limits: { cpu: '1', 'ephemeral-storage': '1Gi' } } },
      ],
      initContainers: [
        { name: 'i1', resources: { requests: { cpu: '1', memory: '64Mi' } } },
        { name: 'i2', resources: { requests: { memory: '1Gi' } } },
      ],
      overhead: { cpu: '50m' },
    };
    expect(getReplicas(obj('apps/v1', 'Deployment', { replicas: 1, template: { spec } })).requirements).toEqual({
      resourceRequest: { cpu: '1050m', memory: '1Gi', 'ephemeral-storage': '1Gi', 'nvidia.com/gpu': '1' },
    });
  });

  it('rounds up to whole millicores and bytes, and prints quantities canonically', () => {
    const spec = { containers: [{ name: 'a', resources: { requests: { cpu: '1500u', memory: '1.5Ki', 'ephemeral-storage': '2e3', 'example.com/widget': '3k' } } }] };
    expect(getReplicas(obj('v1', 'Pod', spec)).requirements?.resourceRequest).toEqual({
      cpu: '2m',
      memory: '1536',
      'ephemeral-storage': '2000',
      'example.com/widget': '3k',
    });
  });

  it('an unparsable quantity makes the workload unreadable', () => {
    expect(getReplicas(obj('apps/v1', 'Deployment', { replicas: 3, template: { spec: { containers: [{ name: 'a', resources: { requests: { cpu: 'lots' } } }] } } }))).toEqual({
      replicas: 0,
    });
  });

  it('namespace and priority class only under the ResourceQuotaEstimate gate', () => {
    const d = obj('apps/v1', 'Deployment', { replicas: 1, template: { spec: { ...podSpec, priorityClassName: 'high' } } });
    expect(getReplicas(d).requirements).toEqual({ nodeClaim });
    expect(getReplicas(d, { resourceQuotaEstimate: true }).requirements).toEqual({ nodeClaim, namespace: 'ns1', priorityClassName: 'high' });
  });
});

describe('quantity printing', () => {
  it.each([
    [100n, -3, '100m'],
    [1500n, -3, '1500m'],
    [2000n, -3, '2'],
    [1000000n, -3, '1k'],
    [0n, -3, '0'],
    [1500n, 0, '1500'],
  ])('DecimalSI %s e%i → %s', (m, e, want) => {
    expect(formatDecimalSI(m, e)).toBe(want);
  });

  it.each([
    [1024n, '1Ki'],
    [134217728n, '128Mi'],
    [1536n, '1536'],
    [1000n, '1k'],
    [1073741824n * 3n, '3Gi'],
  ])('BinarySI %s → %s', (v, want) => {
    expect(formatBinarySI(v)).toBe(want);
  });

  it('property: printed quantities read back as the same amount', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), (v) => {
        expect(parseQuantity(formatDecimalSI(v, -3))).toBe(v * 1_000_000n);
        expect(parseQuantity(formatBinarySI(v))).toBe(v * 1_000_000_000n);
        expect(parseQuantity(formatBinarySI(v * 1024n ** 3n))).toBe(v * 1024n ** 3n * 1_000_000_000n);
      }),
    );
  });
});

describe('reviseReplica', () => {
  it.each([
    ['Deployment', 'replicas', obj('apps/v1', 'Deployment', { replicas: 1 })],
    ['StatefulSet', 'replicas', obj('apps/v1', 'StatefulSet', { replicas: 1 })],
    ['ReplicaSet', 'replicas', obj('apps/v1', 'ReplicaSet', { replicas: 1 })],
    ['Job', 'parallelism', obj('batch/v1', 'Job', { parallelism: 1, completions: 10 })],
  ])('%s: sets spec.%s to the share without touching the input', (_name, field, workload) => {
    const before = structuredClone(workload);
    const got = reviseReplica(workload, 3);
    expect((got.spec as Record<string, unknown>)[field]).toBe(3);
    expect(workload).toEqual(before);
  });

  it('leaves an unset count unset, and other kinds alone', () => {
    const d = obj('apps/v1', 'Deployment', { template: {} });
    expect(reviseReplica(d, 3)).toBe(d);
    const ds = obj('apps/v1', 'DaemonSet', { replicas: 1 });
    expect(reviseReplica(ds, 3)).toBe(ds);
  });

  it('Job completions are revised separately by the caller', () => {
    const j = obj('batch/v1', 'Job', { parallelism: 2, completions: 6 });
    expect(reviseJobCompletions(reviseReplica(j, 1), 3).spec).toEqual({ parallelism: 1, completions: 3 });
  });
});
