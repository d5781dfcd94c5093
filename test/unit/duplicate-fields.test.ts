import { describe, expect, it } from 'vitest';
import { duplicateJsonFields, duplicateYamlFields } from '../../shared/openapi/duplicate-fields.js';

describe('duplicate keys in JSON text', () => {
  it('finds none in a body without repeats', () => {
    expect(duplicateJsonFields('{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}')).toEqual([]);
    expect(duplicateJsonFields('[]')).toEqual([]);
    expect(duplicateJsonFields('{}')).toEqual([]);
  });

  it('names each repeat by its path, in document order, as upstream does', () => {
    const text = `{
      "kind": "Deployment",
      "metadata": { "name": "a", "labels": { "x": "1", "x": "2" }, "name": "b" },
      "spec": { "template": { "spec": { "containers": [ { "name": "c" }, { "name": "d", "image": "i", "image": "j" } ] } } },
      "kind": "Deployment"
    }`;
    expect(duplicateJsonFields(text)).toEqual([
      'metadata.labels.x',
      'metadata.name',
      'spec.template.spec.containers[1].image',
      'kind',
    ]);
  });

  it('is not fooled by braces, quotes and commas inside strings, nor by escaped keys', () => {
    const text = String.raw`{"a":"}{,\"a\":","b":["a","a"],"\u0061":1,"c\"d":1,"c\"d":2}`;
    // "\u0061" is "a" again.
    expect(duplicateJsonFields(text)).toEqual(['a', 'c"d']);
  });

  it('tracks paths through nested arrays and scalars of every kind', () => {
    const text = '{"x":[[{"k":true,"k":null}],{"n":-1.5e3,"n":0}]}';
    expect(duplicateJsonFields(text)).toEqual(['x[0][0].k', 'x[1].n']);
  });
});

describe('duplicate keys in YAML text', () => {
  it('names repeats by path', () => {
    const text = ['kind: ConfigMap', 'metadata:', '  name: a', '  name: b', 'data:', '  k: 1', 'items:', '- a: 1', '  a: 2', 'kind: ConfigMap', ''].join('\n');
    expect(duplicateYamlFields(text)).toEqual(['metadata.name', 'items[0].a', 'kind']);
  });

  it('finds none in ordinary YAML', () => {
    expect(duplicateYamlFields('a: 1\nb:\n  a: 2\n')).toEqual([]);
  });
});
