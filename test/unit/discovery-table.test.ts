import { describe, expect, it } from 'vitest';
import { hpaFromV1, hpaToV1 } from '../../shared/conversion/horizontal-pod-autoscaler.js';
import { aggregatedDiscovery, apiResourceList } from '../../shared/discovery.js';
import { createBuiltinRegistry } from '../../shared/registry/index.js';
import { columnSourceFor, nameAgeColumns, toTable } from '../../shared/table.js';

const registry = createBuiltinRegistry();

describe('discovery documents', () => {
  it('puts subresources after their resource in APIResourceList', () => {
    const names = apiResourceList(registry, 'apps', 'v1')!.resources.map((r) => r.name);
    expect(names.indexOf('deployments/scale')).toBe(names.indexOf('deployments') + 1 + ['status', 'scale'].indexOf('scale'));
    expect(apiResourceList(registry, 'apps', 'v9')).toBeUndefined();
    expect(apiResourceList(registry, '', 'v1')!.apiVersion).toBeUndefined();
  });

  it('describes scopes and versions in the aggregated document', () => {
    const doc = aggregatedDiscovery(registry, 'apis', 'v2');
    const rbac = doc.items.find((g) => (g.metadata as { name: string }).name === 'rbac.authorization.k8s.io')!;
    const versions = rbac.versions as { version: string; resources: { resource: string; scope: string }[] }[];
    expect(versions[0]!.resources.find((r) => r.resource === 'clusterroles')!.scope).toBe('Cluster');
    expect(versions[0]!.resources.find((r) => r.resource === 'roles')!.scope).toBe('Namespaced');
  });
});

describe('tables', () => {
  it('defaults to Name and Age with metadata-only rows', () => {
    const type = { ...registry.byResource('', 'configmaps')!, group: 'example.com', resource: 'widgets' };
    expect(columnSourceFor(type)).toBe(nameAgeColumns);
    const t = toTable(type, [{ metadata: { name: 'a', creationTimestamp: '2025-01-01T00:00:00Z' } }], { now: Date.parse('2025-01-01T00:01:00Z'), resourceVersion: '4' });
    expect(t).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '4' } });
    expect(t.rows[0]).toEqual({ cells: ['a', '60s'], object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'a', creationTimestamp: '2025-01-01T00:00:00Z' } } });
    const custom = { columns: [nameAgeColumns.columns[0]!], cells: () => ['x'] };
    expect(toTable(type, [{ metadata: { name: 'a' } }], { now: 0, sources: { 'widgets.example.com': custom }, includeObject: 'None' }).rows).toEqual([{ cells: ['x'] }]);
  });
});

describe('HPA conversion', () => {
  it('round-trips extra metrics through v1 annotations', () => {
    const v2 = {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' },
      spec: {
        maxReplicas: 3,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '1Gi' } } },
        ],
      },
    };
    const v1 = hpaToV1(v2);
    expect(v1.spec).toEqual({ maxReplicas: 3, targetCPUUtilizationPercentage: 50 });
    expect(v1.metadata.annotations!['autoscaling.alpha.kubernetes.io/metrics']).toBeTruthy();
    expect(hpaFromV1(v1)).toEqual(v2);
  });
});
