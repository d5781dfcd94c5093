import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/object.js';
import { customResourcePrinter } from '../../shared/printers/additional-printer-columns.js';
import { findResults, JsonPathError, parseJsonPath } from '../../shared/printers/jsonpath.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');

const doc = {
  metadata: { name: 'c1', labels: { 'app.kubernetes.io/name': 'web', tier: 'fe' } },
  spec: { replicas: 3, ratio: 0.75, paused: false, containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] },
  status: {
    conditions: [
      { type: 'Ready', status: 'True', lastTransitionTime: '2025-06-01T11:00:00Z' },
      { type: 'Synced', status: 'False' },
    ],
    counts: [1, 5, 10],
  },
};

const find = (path: string): unknown[] => findResults(parseJsonPath(path), doc);

describe('jsonpath', () => {
  it('follows fields, indexes and slices', () => {
    expect(find('.spec.replicas')).toEqual([3]);
    expect(find('{.spec.replicas}')).toEqual([3]);
    expect(find('$.spec.replicas')).toEqual([3]);
    expect(find('.spec.containers[0].image')).toEqual(['x']);
    expect(find('.spec.containers[-1].name')).toEqual(['b']);
    expect(find('.spec.containers[*].name')).toEqual(['a', 'b']);
    expect(find('.status.counts[1:]')).toEqual([5, 10]);
    expect(find('.status.counts[0:3:2]')).toEqual([1, 10]);
    expect(find(".metadata.labels['app.kubernetes.io/name']")).toEqual(['web']);
    expect(find('.metadata.labels.app\\.kubernetes\\.io/name')).toEqual(['web']);
    expect(find('.metadata.labels.*')).toEqual(['web', 'fe']);
    expect(find('..image')).toEqual(['x', 'y']);
  });

  it('filters lists', () => {
    expect(find('.status.conditions[?(@.type=="Ready")].status')).toEqual(['True']);
    expect(find(".status.conditions[?(@.type == 'Synced')].status")).toEqual(['False']);
    expect(find('.status.conditions[?(@.type!="Ready")].type')).toEqual(['Synced']);
    expect(find('.status.conditions[?(@.lastTransitionTime)].type')).toEqual(['Ready']);
    expect(find('.spec.containers[?(@.name==@.name)].image')).toEqual(['x', 'y']);
    expect(findResults(parseJsonPath('.items[?(@.n > 2)].n'), { items: [{ n: 1 }, { n: 3 }, { n: 5 }] })).toEqual([3, 5]);
    expect(findResults(parseJsonPath('.items[?(@.n <= 3)].n'), { items: [{ n: 1 }, { n: 3 }, { n: 5 }] })).toEqual([1, 3]);
  });

  it('finds nothing for missing keys, and errors where upstream does', () => {
    expect(find('.spec.missing.deeper')).toEqual([]);
    expect(find('.metadata.labels.nope')).toEqual([]);
    expect(() => find('.spec.containers[5]')).toThrow(JsonPathError);
    expect(() => find('.spec.replicas[0]')).toThrow(JsonPathError);
    expect(() => find('.spec[?(@.x=="y")]')).toThrow(JsonPathError);
    expect(() => find('.status.conditions[?(@.type==1)]')).toThrow(JsonPathError);
  });

  it('refuses malformed expressions', () => {
    expect(() => parseJsonPath('')).toThrow(JsonPathError);
    expect(() => parseJsonPath('.spec[')).toThrow(JsonPathError);
    expect(() => parseJsonPath('.spec[abc]')).toThrow(JsonPathError);
    expect(() => parseJsonPath('.a[?(@.x=="y"]')).toThrow(JsonPathError);
    expect(() => parseJsonPath('spec')).toThrow(JsonPathError);
  });
});

describe('CRD additionalPrinterColumns', () => {
  const cr: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', ...doc, metadata: { ...doc.metadata, creationTimestamp: '2025-05-31T12:00:00Z' } };

  it('prints Name and Age when a version declares no columns', () => {
    const p = customResourcePrinter([]);
    expect(p.columns.map((c) => [c.name, c.type, c.format])).toEqual([['Name', 'string', 'name'], ['Age', 'date', '']]);
    expect(p.cells(cr, NOW)).toEqual(['c1', '24h']);
  });

  it('types cells by column type, with priorities and default descriptions', () => {
    const p = customResourcePrinter([
      { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
      { name: 'Ratio', type: 'number', jsonPath: '.spec.ratio' },
      { name: 'Ratio As Int', type: 'integer', jsonPath: '.spec.ratio' },
      { name: 'Paused', type: 'boolean', jsonPath: '.spec.paused' },
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status', description: 'Whether it is ready' },
      { name: 'Since', type: 'date', jsonPath: '.status.conditions[?(@.type=="Ready")].lastTransitionTime' },
      { name: 'Image', type: 'string', jsonPath: '.spec.containers[0].image', priority: 1 },
      { name: 'Labels', type: 'string', jsonPath: '.metadata.labels', priority: 1 },
      { name: 'Count', type: 'string', jsonPath: '.spec.replicas' },
      { name: 'Missing', type: 'string', jsonPath: '.spec.nothing' },
      { name: 'Mistyped', type: 'boolean', jsonPath: '.spec.replicas' },
      { name: 'Bad Date', type: 'date', jsonPath: '.metadata.name' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ]);
    expect(p.columns.map((c) => c.priority)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
    expect(p.columns[1]!.description).toBe('Custom resource definition column (in JSONPath format): .spec.replicas');
    expect(p.columns[5]!.description).toBe('Whether it is ready');
    expect(p.cells(cr, NOW)).toEqual([
      'c1', 3, 0.75, 0, false, 'True', '60m', 'x', '{"app.kubernetes.io/name":"web","tier":"fe"}', '3', null, null, '<invalid>', '24h',
    ]);
  });

  it('stops at the first column whose JSONPath does not parse, as upstream does', () => {
    const p = customResourcePrinter([
      { name: 'A', type: 'integer', jsonPath: '.spec.replicas' },
      { name: 'B', type: 'string', jsonPath: '.spec[' },
      { name: 'C', type: 'string', jsonPath: '.spec.replicas' },
    ]);
    expect(p.columns.map((c) => c.name)).toEqual(['Name', 'A']);
    expect(p.cells(cr, NOW)).toEqual(['c1', 3]);
  });
});
