import { describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '../../shared/registry/index.js';
import { fieldsOf } from '../../shared/registry/fields.js';

const registry = createBuiltinRegistry();

describe('registry', () => {
  it('looks up by group/version/resource, kind and short name', () => {
    expect(registry.byGroupVersionResource('apps', 'v1', 'deployments')?.kind).toBe('Deployment');
    expect(registry.byGroupVersionResource('apps', 'v2', 'deployments')).toBeUndefined();
    expect(registry.byGroupVersionResource('autoscaling', 'v1', 'horizontalpodautoscalers')?.storageVersion).toBe('v2');
    expect(registry.byKind('Pod').map((t) => t.resource)).toEqual(['pods']);
    expect(registry.byShortName('deploy')?.resource).toBe('deployments');
    expect(registry.byShortName('HPA')?.group).toBe('autoscaling');
    expect(registry.byShortName('netpol')?.resource).toBe('networkpolicies');
  });

  it('puts upstream’s kinds in the `all` category', () => {
    expect(registry.byCategory('all').map((t) => t.resource).sort()).toEqual(
      ['cronjobs', 'daemonsets', 'deployments', 'horizontalpodautoscalers', 'jobs', 'pods', 'replicasets', 'replicationcontrollers', 'services', 'statefulsets'],
    );
  });

  it('lists groups with preferred versions first', () => {
    const groups = registry.groups();
    expect(groups[0]!.name).toBe('apps');
    expect(groups.find((g) => g.name === 'autoscaling')!.versions).toEqual(['v2', 'v1']);
  });

  it('computes selectable fields as upstream renders them', () => {
    const pod = { metadata: { name: 'p' }, spec: { nodeName: 'n1', hostNetwork: true }, status: { phase: 'Running', podIP: '10.0.0.1' } };
    expect(fieldsOf({ group: '', resource: 'pods', namespace: 'd', name: 'p' }, pod)).toMatchObject({
      'spec.nodeName': 'n1',
      'spec.hostNetwork': 'true',
      'spec.restartPolicy': '',
      'status.phase': 'Running',
      'status.podIP': '10.0.0.1',
    });
    expect(fieldsOf({ group: 'apps', resource: 'replicasets', namespace: 'd', name: 'r' }, { metadata: {} })).toEqual({ 'status.replicas': '0' });
    expect(fieldsOf({ group: '', resource: 'events', namespace: 'd', name: 'e' }, { metadata: {}, source: { component: 'kubelet' } }).source).toBe('kubelet');
    expect(fieldsOf({ group: '', resource: 'nodes', namespace: '', name: 'n' }, { metadata: {} })).toEqual({ 'spec.unschedulable': 'false' });
    expect(registry.selectableFieldNames(registry.byResource('', 'secrets')!)).toEqual(['metadata.name', 'metadata.namespace', 'type']);
  });
});
