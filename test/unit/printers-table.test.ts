import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/object.js';
import { createBuiltinRegistry, type ResourceType } from '../../shared/registry/index.js';
import { columnSourceFor, nameAgeColumns, toTable } from '../../shared/table.js';

const registry = createBuiltinRegistry();
const NOW = Date.parse('2025-06-01T12:00:00Z');
const type = (group: string, resource: string): ResourceType => registry.byResource(group, resource)!;

describe('Tables', () => {
  it('gives every stored Kubernetes kind its upstream printer, one cell per column', () => {
    // Karmada's kinds are CRDs upstream: their columns come from additionalPrinterColumns.
    for (const t of registry.all().filter((x) => !x.virtual && !x.group.endsWith('karmada.io'))) {
      const printer = columnSourceFor(t);
      expect(printer, `${t.resource}.${t.group}`).not.toBe(nameAgeColumns);
      const empty = printer.cells({ metadata: { name: 'n' } }, NOW);
      expect(empty, `${t.resource}.${t.group}`).toHaveLength(printer.columns.length);
      expect(printer.columns.filter((c) => c.format === 'name'), t.resource).toHaveLength(1);
    }
  });

  it('carries resourceVersion, continue and row conditions, and honours includeObject', () => {
    const pods = type('', 'pods');
    const done: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd', creationTimestamp: '2025-06-01T11:59:00Z' }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Succeeded' } };
    const table = toTable(pods, [done], { now: NOW, resourceVersion: '42', continue: 'tok' });
    expect(table.metadata).toEqual({ resourceVersion: '42', continue: 'tok' });
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
    expect(table.rows[0]).toEqual({
      cells: ['p', '0/1', 'Succeeded', '0', '60s', '<none>', '<none>', '<none>', '<none>'],
      conditions: [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: done.metadata },
    });
    expect(toTable(pods, [done], { now: NOW, includeObject: 'Object' }).rows[0]!.object).toBe(done);
    expect(toTable(pods, [done], { now: NOW, includeObject: 'None' }).rows[0]).not.toHaveProperty('object');
    expect(toTable(pods, [done], { now: NOW, version: 'v1beta1' }).rows[0]!.object!.apiVersion).toBe('meta.k8s.io/v1beta1');
    expect(toTable(pods, [done], { now: NOW, noHeaders: true }).columnDefinitions).toEqual([]);
  });

  it('prints custom resources with the columns of the version asked for', () => {
    const widgets: ResourceType = {
      ...type('apps', 'deployments'),
      group: 'example.com',
      resource: 'widgets',
      kind: 'Widget',
      versions: ['v2', 'v1'],
      customResource: {
        crdName: 'widgets.example.com',
        crdUid: 'u',
        listKind: 'WidgetList',
        storageVersion: 'v2',
        preserveUnknownFields: false,
        terminating: false,
        versions: {
          v2: { status: true, deprecated: false, hasDefaults: false, printerColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }] },
          v1: { status: true, deprecated: false, hasDefaults: false, printerColumns: [] },
        },
      },
    };
    const w: KubeObject = { apiVersion: 'example.com/v2', kind: 'Widget', metadata: { name: 'w', creationTimestamp: '2025-06-01T11:00:00Z' }, spec: { size: 7 } };
    expect(toTable(widgets, [w], { now: NOW }).rows[0]!.cells).toEqual(['w', 7]);
    expect(toTable(widgets, [], { now: NOW, servedVersion: 'v2' }).columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Size']);
    const v1 = toTable(widgets, [{ ...w, apiVersion: 'example.com/v1' }], { now: NOW });
    expect(v1.columnDefinitions.map((c) => [c.name, c.type])).toEqual([['Name', 'string'], ['Age', 'date']]);
    expect(v1.rows[0]!.cells).toEqual(['w', '60m']);
    // The same column list is turned into a printer once.
    expect(columnSourceFor(widgets, undefined, 'v2')).toBe(columnSourceFor(widgets, undefined, 'v2'));
  });

  it('lets a registry entry name its printer', () => {
    const t: ResourceType = { ...type('', 'configmaps'), group: 'example.com', resource: 'things', printer: 'pods' };
    expect(columnSourceFor(t).columns[1]!.name).toBe('Ready');
  });
});
