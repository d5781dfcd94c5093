import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { annotationsOverrider } from '../../shared/overriders/annotations.js';
import { labelsOverrider } from '../../shared/overriders/labels.js';
import type { KubeObject } from '../../shared/object.js';

const deployment = (labels?: Record<string, string> | null, annotations?: Record<string, string> | null): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'test', namespace: 'default', ...(labels !== undefined ? { labels } : {}), ...(annotations !== undefined ? { annotations } : {}) },
});

// Karmada's labelannotationoverrider_test cases, run for both maps.
describe.each([
  ['labels', labelsOverrider],
  ['annotations', annotationsOverrider],
] as const)('%s overrider', (field, overrider) => {
  const make = (m?: Record<string, string> | null) => (field === 'labels' ? deployment(m) : deployment(undefined, m));
  const get = (o: KubeObject) => o.metadata[field];
  const foobar = { foo: 'foo', bar: 'bar' };

  it.each([
    ['add to an object without the map creates it', undefined, 'add', { test2: 'test2' }, { test2: 'test2' }],
    ['add to a null map creates it', null, 'add', { test2: 'test2' }, { test2: 'test2' }],
    ['add', foobar, 'add', { test: 'test' }, { foo: 'foo', bar: 'bar', test: 'test' }],
    ['add overwrites an existing key', foobar, 'add', { foo: 'new' }, { foo: 'new', bar: 'bar' }],
    ['replace skips missing keys', foobar, 'replace', { foo: 'exist', 'non-exist': 'non-exist' }, { foo: 'exist', bar: 'bar' }],
    ['replace of only a missing key changes nothing', foobar, 'replace', { test: 'test' }, foobar],
    ['remove skips missing keys', foobar, 'remove', { foo: 'foo', 'non-exist': 'non-exist' }, { bar: 'bar' }],
    ['remove of only a missing key changes nothing', foobar, 'remove', { test: 'test' }, foobar],
    ['remove with an empty value changes nothing', foobar, 'remove', {}, foobar],
    ['remove removes whatever the value', foobar, 'remove', { foo: 'other' }, { bar: 'bar' }],
    ['add a composed key', foobar, 'add', { 'testannotation/projectId': 'c-m-lfx9lk92:p-v86cf' }, { ...foobar, 'testannotation/projectId': 'c-m-lfx9lk92:p-v86cf' }],
    ['remove a composed key', { 'testannotation/projectId': 'c-m-lfx9lk92:p-v86cf', foo: 'foo' }, 'remove', { 'testannotation/projectId': 'x' }, { foo: 'foo' }],
    ['a key with ~ is one key', { 'a~b': '1' }, 'replace', { 'a~b': '2' }, { 'a~b': '2' }],
  ] as const)('%s', (_name, current, operator, value, want) => {
    const before = make(current === undefined ? undefined : current === null ? null : { ...current });
    const snapshot = structuredClone(before);
    const after = overrider.apply(before, { operator, value: { ...value } });
    expect(get(after)).toEqual(want);
    expect(before).toEqual(snapshot);
  });

  it('replace or remove never create the map', () => {
    for (const operator of ['replace', 'remove'] as const) {
      const after = overrider.apply(make(undefined), { operator, value: { a: 'b' } });
      expect(field in after.metadata).toBe(false);
    }
  });

  it('add with an empty value does not create the map', () => {
    expect(field in overrider.apply(make(undefined), { operator: 'add', value: {} }).metadata).toBe(false);
  });

  it('a __proto__ key stays a key', () => {
    const after = overrider.apply(make({}), { operator: 'add', value: JSON.parse('{"__proto__":"x"}') as Record<string, string> });
    expect(Object.keys(get(after) ?? {})).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(get(after))).toBe(Object.prototype);
  });
});

describe('label semantics (property)', () => {
  const map = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.string({ maxLength: 3 }));
  it('add = merge; replace = update of present keys; remove = delete of present keys', () => {
    fc.assert(
      fc.property(map, map, (current, value) => {
        const before = deployment(current);
        const added = labelsOverrider.apply(before, { operator: 'add', value }).metadata.labels;
        const replaced = labelsOverrider.apply(before, { operator: 'replace', value }).metadata.labels;
        const removed = labelsOverrider.apply(before, { operator: 'remove', value }).metadata.labels;
        expect(added).toEqual({ ...current, ...value });
        expect(replaced).toEqual(Object.fromEntries(Object.entries(current).map(([k, v]) => [k, k in value ? value[k] : v])));
        expect(removed).toEqual(Object.fromEntries(Object.entries(current).filter(([k]) => !(k in value))));
        expect(before.metadata.labels).toEqual(current);
      }),
    );
  });
});
