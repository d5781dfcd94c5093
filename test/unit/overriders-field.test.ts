import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { fieldOverrider, patchEmbeddedDocument } from '../../shared/overriders/field.js';
import { OverriderFailure } from '../../shared/overriders/overrider.js';
import type { KubeObject } from '../../shared/object.js';

const configMap = (data: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data });
const dataOf = (m: KubeObject) => m.data as Record<string, string>;

const dbYaml = `database:
  host: 127.0.0.1
  port: 5432
  options:
    - ssl
`;

describe('fieldOverrider on YAML', () => {
  it('replaces, adds and removes inside the document and writes YAML back', () => {
    const before = configMap({ 'db-config.yaml': dbYaml });
    const after = fieldOverrider.apply(before, {
      fieldPath: '/data/db-config.yaml',
      yaml: [
        { subPath: '/database/host', operator: 'replace', value: 'db.member1.example' },
        { subPath: '/database/user', operator: 'add', value: 'app' },
        { subPath: '/database/options/-', operator: 'add', value: 'compress' },
        { subPath: '/database/port', operator: 'remove' },
      ],
    });
    const text = dataOf(after)['db-config.yaml'] as string;
    expect(text).toBe(`database:
  host: db.member1.example
  options:
  - ssl
  - compress
  user: app
`);
    expect(parseYaml(text)).toEqual({ database: { host: 'db.member1.example', options: ['ssl', 'compress'], user: 'app' } });
    expect(dataOf(before)['db-config.yaml']).toBe(dbYaml);
  });

  it('keeps numbers and booleans typed and adds structured values', () => {
    const after = fieldOverrider.apply(configMap({ 'c.yaml': 'a: 1\nb: true\n' }), {
      fieldPath: '/data/c.yaml',
      yaml: [{ subPath: '/c', operator: 'add', value: { nested: [1, 'two'] } }],
    });
    expect(parseYaml(dataOf(after)['c.yaml'] as string)).toEqual({ a: 1, b: true, c: { nested: [1, 'two'] } });
  });

  it('a field path with an escaped token reaches keys containing / and ~', () => {
    const after = fieldOverrider.apply(configMap({ 'a/b~c.yaml': 'k: v\n' }), {
      fieldPath: '/data/a~1b~0c.yaml',
      yaml: [{ subPath: '/k', operator: 'replace', value: 'w' }],
    });
    expect(dataOf(after)['a/b~c.yaml']).toBe('k: w\n');
  });
});

describe('fieldOverrider on JSON', () => {
  it('patches and writes compact JSON back, keeping key order', () => {
    const before = configMap({ 'db.json': '{\n  "db": {"port": 5432, "host": "127.0.0.1"},\n  "debug": false\n}' });
    const after = fieldOverrider.apply(before, {
      fieldPath: '/data/db.json',
      json: [
        { subPath: '/db/host', operator: 'replace', value: 'db.member1.example' },
        { subPath: '/debug', operator: 'remove' },
        { subPath: '/replicas', operator: 'add', value: 3 },
      ],
    });
    expect(dataOf(after)['db.json']).toBe('{"db":{"port":5432,"host":"db.member1.example"},"replicas":3}');
  });

  it('an add without a value adds null', () => {
    const after = fieldOverrider.apply(configMap({ 'a.json': '{}' }), { fieldPath: '/data/a.json', json: [{ subPath: '/x', operator: 'add' }] });
    expect(dataOf(after)['a.json']).toBe('{"x":null}');
  });
});

describe('fieldOverrider failures name the path', () => {
  const cm = configMap({ 'a.json': '{"a":1}', 'b.yaml': 'a: [1,\n', n: 5 });
  it.each([
    ['a missing field', { fieldPath: '/data/missing.json', json: [{ subPath: '/a', operator: 'remove' as const }] }, /\/data\/missing\.json does not exist/],
    ['a field that is not a string', { fieldPath: '/data/n', json: [{ subPath: '/a', operator: 'remove' as const }] }, /\/data\/n: is not a string field/],
    ['an unparsable JSON document', { fieldPath: '/data/b.yaml', json: [{ subPath: '/a', operator: 'remove' as const }] }, /\/data\/b\.yaml: cannot parse the JSON document/],
    ['an unparsable YAML document', { fieldPath: '/data/b.yaml', yaml: [{ subPath: '/a', operator: 'remove' as const }] }, /\/data\/b\.yaml: cannot parse the YAML document/],
    ['a subPath that does not exist', { fieldPath: '/data/a.json', json: [{ subPath: '/b', operator: 'replace' as const, value: 2 }] }, /\/data\/a\.json: subPath \/b: replace: does not exist/],
    ['removing what is absent', { fieldPath: '/data/a.json', json: [{ subPath: '/b', operator: 'remove' as const }] }, /subPath \/b: remove: does not exist/],
    ['adding below a missing parent', { fieldPath: '/data/a.json', json: [{ subPath: '/x/y', operator: 'add' as const, value: 1 }] }, /subPath \/x\/y: add: cannot be added/],
  ])('%s', (_name, overrider, message) => {
    const run = () => fieldOverrider.apply(cm, overrider);
    expect(run).toThrow(OverriderFailure);
    expect(run).toThrow(message);
  });

  it('neither json nor yaml changes nothing', () => {
    expect(fieldOverrider.apply(cm, { fieldPath: '/data/a.json' })).toEqual(cm);
  });
});

describe('patchEmbeddedDocument round trips (property)', () => {
  const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/);
  const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null));
  const doc = fc.dictionary(key, fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(key, scalar, { maxKeys: 3 })), { maxKeys: 5 });

  it('YAML in, YAML out, with the patched value', () => {
    fc.assert(
      fc.property(doc, key, scalar, (d, k, v) => {
        const out = patchEmbeddedDocument(JSON.stringify(d), 'yaml', [{ op: 'add', path: `/${k}`, value: v }]);
        expect(() => JSON.parse(out)).toThrow();
        expect(parseYaml(out)).toEqual({ ...d, [k]: v });
      }),
    );
  });

  it('JSON in, JSON out, with the patched value', () => {
    fc.assert(
      fc.property(doc, key, scalar, (d, k, v) => {
        const out = patchEmbeddedDocument(JSON.stringify(d, null, 2), 'json', [{ op: 'add', path: `/${k}`, value: v }]);
        expect(JSON.parse(out)).toEqual({ ...d, [k]: v });
      }),
    );
  });
});
