import { describe, expect, it } from 'vitest';
import { admitCustomResource, customResourceForVersion } from '../../shared/crd/custom-resource.js';
import { applyDefaults, pruneNonNullableNulls } from '../../shared/crd/defaulting.js';
import { pruneUnknownFields } from '../../shared/crd/pruning.js';
import { resourceTypeForCrd } from '../../shared/crd/resource-type.js';
import { customScaleOf, applyCustomScale } from '../../shared/crd/scale.js';
import type { JSONSchemaProps } from '../../shared/crd/types.js';
import { validateAgainstSchema } from '../../shared/crd/validation.js';
import { compareKubeAwareVersions } from '../../shared/crd/versions.js';
import { Registry } from '../../shared/registry/index.js';
import { cronTabCrd } from '../fixtures/crd/crontab.js';

const messages = (schema: JSONSchemaProps, obj: unknown): string[] => validateAgainstSchema(schema, obj).map((c) => `${c.field}: ${c.message}`);
const obj = (props: Record<string, JSONSchemaProps>, extra: JSONSchemaProps = {}): JSONSchemaProps => ({ type: 'object', properties: props, ...extra });

describe('structural schema validation', () => {
  it('checks types, as kube-openapi words it', () => {
    const s = obj({ n: { type: 'integer' }, f: { type: 'number' }, b: { type: 'boolean' }, a: { type: 'array', items: { type: 'string' } }, o: obj({}) });
    expect(messages(s, { n: 1.5, f: 'x', b: 1, a: {}, o: [] })).toEqual([
      'n: Invalid value: "number": n in body must be of type integer: "number"',
      'f: Invalid value: "string": f in body must be of type number: "string"',
      'b: Invalid value: "integer": b in body must be of type boolean: "integer"',
      'a: Invalid value: "object": a in body must be of type array: "object"',
      'o: Invalid value: "array": o in body must be of type object: "array"',
    ]);
    expect(messages(s, { n: 2, f: 2, b: false, a: ['x'], o: {} })).toEqual([]);
  });

  it('checks required fields, enums and patterns', () => {
    const s = obj({ spec: obj({ mode: { type: 'string', enum: ['a', 'b'] }, id: { type: 'string', pattern: '^[a-z]+$' } }, { required: ['id'] }) });
    expect(messages(s, { spec: {} })).toEqual(['spec.id: Required value']);
    expect(messages(s, { spec: { mode: 'c', id: 'A1' } })).toEqual([
      'spec.mode: Unsupported value: "c": supported values: "a", "b"',
      "spec.id: Invalid value: \"A1\": spec.id in body should match '^[a-z]+$'",
    ]);
    // RE2's leading flag groups work as they do upstream.
    expect(messages(obj({ x: { type: 'string', pattern: '(?i)^abc$' } }), { x: 'ABC' })).toEqual([]);
  });

  it('checks ranges, lengths and counts', () => {
    const s = obj({
      r: { type: 'integer', minimum: 1, maximum: 5 },
      x: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true },
      m: { type: 'integer', multipleOf: 5 },
      s: { type: 'string', minLength: 2, maxLength: 3 },
      l: { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 2 },
      p: { type: 'object', additionalProperties: { type: 'string' }, maxProperties: 1 },
    });
    expect(messages(s, { r: 0, x: 1, m: 7, s: 'abcd', l: [1, 2, 3], p: { a: 'x', b: 'y' } })).toEqual([
      'r: Invalid value: 0: r in body should be greater than or equal to 1',
      'x: Invalid value: 1: x in body should be less than 1',
      'm: Invalid value: 7: m in body should be a multiple of 5',
      's: Too long: may not be more than 3 bytes',
      'l: Too many: 3: must have at most 2 items',
      'p: Too many: 2: must have at most 1 items',
    ]);
    expect(messages(s, { r: 6, x: 0, s: 'a', l: [] })).toEqual([
      'r: Invalid value: 6: r in body should be less than or equal to 5',
      'x: Invalid value: 0: x in body should be greater than 0',
      's: Invalid value: "a": s in body should be at least 2 chars long',
      'l: Invalid value: 0: l in body should have at least 1 items',
    ]);
  });

  it('takes null only where nullable', () => {
    const s = obj({ a: { type: 'string', nullable: true }, b: { type: 'string' } });
    expect(messages(s, { a: null, b: null })).toEqual(['b: Invalid value: "null": b in body must be of type string: "null"']);
  });

  it('accepts integers and strings for int-or-string, and anything under preserve-unknown-fields', () => {
    const s = obj({ port: { 'x-kubernetes-int-or-string': true }, any: { 'x-kubernetes-preserve-unknown-fields': true } });
    expect(messages(s, { port: 80, any: { deep: [1, 'x'] } })).toEqual([]);
    expect(messages(s, { port: 'http', any: 3 })).toEqual([]);
    expect(messages(s, { port: 1.5 })).toEqual(['port: Invalid value: "number": port in body must be of type integer,string: "number"']);
  });

  it('requires apiVersion and kind of embedded resources', () => {
    const s = obj({ template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } });
    expect(messages(s, { template: { metadata: { name: 'x' } } })).toEqual([
      'template.apiVersion: Required value: must not be empty',
      'template.kind: Required value: must not be empty',
    ]);
    expect(messages(s, { template: { apiVersion: 'v1', kind: 'Pod', spec: {} } })).toEqual([]);
  });

  it('enforces list types: set uniqueness and map keys', () => {
    const s = obj({
      tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
      ports: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name', 'protocol'],
        items: obj({ name: { type: 'string' }, protocol: { type: 'string', default: 'TCP' } }, { required: ['name'] }),
      },
      unique: { type: 'array', uniqueItems: true, items: { type: 'integer' } },
    });
    expect(
      messages(s, {
        tags: ['a', 'b', 'a'],
        ports: [{ name: 'http' }, { name: 'http', protocol: 'UDP' }, { name: 'http', protocol: 'TCP' }],
        unique: [1, 1],
      }),
    ).toEqual([
      'tags[2]: Duplicate value: "a"',
      'ports[2]: Duplicate value: {"name":"http","protocol":"TCP"}',
      'unique[1]: Duplicate value: 1',
    ]);
  });

  it('checks formats, allOf, anyOf, oneOf and not', () => {
    const s = obj({
      when: { type: 'string', format: 'date-time' },
      n: { type: 'integer', anyOf: [{ minimum: 10 }, { maximum: 0 }], not: { enum: [-1] } },
      k: { type: 'string', oneOf: [{ pattern: '^a' }, { pattern: 'b$' }] },
    });
    expect(messages(s, { when: '2024-01-01T00:00:00Z', n: 11, k: 'ax' })).toEqual([]);
    expect(messages(s, { when: 'yesterday', n: 5, k: 'ab' })).toEqual([
      'when: Invalid value: "yesterday": when in body must be of type date-time: "yesterday"',
      'n: Invalid value: 5: n in body must validate at least one schema (anyOf)',
      'k: Invalid value: "ab": k in body must validate one and only one schema (oneOf)',
    ]);
    expect(messages(s, { n: -1 })).toEqual(['n: Invalid value: -1: n in body must not validate the schema (not)']);
  });

  it('lets a schema narrow metadata.name, and nothing else of metadata', () => {
    const s = obj({ metadata: obj({ name: { type: 'string', maxLength: 5 } }) });
    expect(messages(s, { metadata: { name: 'toolong', labels: { a: 'b' } } })).toEqual(['metadata.name: Too long: may not be more than 5 bytes']);
  });
});

describe('pruning', () => {
  it('drops what the schema does not specify, keeping resource metadata and preserved subtrees', () => {
    const s = obj({
      spec: obj({ a: { type: 'string' }, keep: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { inner: obj({}) } } }),
      list: { type: 'array', items: obj({ x: { type: 'integer' } }) },
      map: { type: 'object', additionalProperties: obj({ v: { type: 'string' } }) },
      embedded: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: obj({}) } },
    });
    const o: any = {
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'n', whatever: 1 },
      spec: { a: 'y', b: 1, keep: { anything: true, inner: { gone: 1 } } },
      list: [{ x: 1, y: 2 }],
      map: { k: { v: 'a', w: 'b' } },
      embedded: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { z: 1 }, other: 1 },
      top: true,
    };
    expect(pruneUnknownFields(o, s)).toEqual(['spec.b', 'spec.keep.inner.gone', 'list[0].y', 'map.k.w', 'embedded.spec.z', 'embedded.other', 'top']);
    expect(o).toEqual({
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'n', whatever: 1 },
      spec: { a: 'y', keep: { anything: true, inner: {} } },
      list: [{ x: 1 }],
      map: { k: { v: 'a' } },
      embedded: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} },
    });
  });
});

describe('defaulting', () => {
  it('fills missing fields, nested defaults inside defaulted objects, items and map values', () => {
    const s = obj({
      spec: obj({
        replicas: { type: 'integer', default: 1 },
        strategy: obj({ type: { type: 'string', default: 'Rolling' }, max: { type: 'integer', default: 3 } }, { default: {} }),
        ports: { type: 'array', items: obj({ protocol: { type: 'string', default: 'TCP' } }) },
        labels: { type: 'object', additionalProperties: obj({ weight: { type: 'integer', default: 5 } }) },
      }),
    });
    const o: any = { metadata: {}, spec: { ports: [{}, { protocol: 'UDP' }], labels: { a: {} } } };
    applyDefaults(o, s);
    expect(o.spec).toEqual({
      replicas: 1,
      strategy: { type: 'Rolling', max: 3 },
      ports: [{ protocol: 'TCP' }, { protocol: 'UDP' }],
      labels: { a: { weight: 5 } },
    });
  });

  it('replaces a non-nullable null by the default, and drops one without a default', () => {
    const s = obj({ a: { type: 'string', default: 'x' }, b: { type: 'string' }, c: { type: 'string', nullable: true, default: 'y' } });
    const o: any = { a: null, b: null, c: null };
    pruneNonNullableNulls(o, s);
    applyDefaults(o, s);
    expect(o).toEqual({ a: 'x', c: null });
  });
});

describe('custom resources across versions', () => {
  const type = new Registry([resourceTypeForCrd(established(cronTabCrd()))!]).byResource('stable.example.com', 'crontabs')!;

  function established(crd: any): any {
    crd.spec.names.listKind = 'CronTabList';
    crd.status = {
      acceptedNames: crd.spec.names,
      storedVersions: ['v1'],
      conditions: [{ type: 'Established', status: 'True' }],
    };
    return crd;
  }

  it('orders versions as Kubernetes does and keeps the storage version', () => {
    expect(type.versions).toEqual(['v1', 'v1beta1']);
    expect(type.storageVersion).toBe('v1');
    expect(type.subresources).toEqual(['status', 'scale']);
    expect(['v1alpha1', 'foo', 'v2', 'v1beta2', 'v1', 'v10beta1', 'bar'].sort(compareKubeAwareVersions)).toEqual([
      'v2',
      'v1',
      'v10beta1',
      'v1beta2',
      'v1alpha1',
      'bar',
      'foo',
    ]);
  });

  it('admits in the request version: defaults, pruning, validation', () => {
    const info = type.customResource!;
    const beta = admitCustomResource(info, 'v1beta1', { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'a' }, spec: { color: 'x' } });
    expect(beta.object.spec).toEqual({ replicas: 2 });
    expect(beta.unknownFields).toEqual(['spec.color']);
    expect(beta.causes).toEqual([]);
    const v1 = admitCustomResource(info, 'v1', { metadata: { name: 'a' }, spec: { cronSpec: '* * * * *', replicas: 0 } });
    expect(v1.causes.map((c) => c.field)).toEqual(['spec.replicas']);
  });

  it('lets an update that changes only metadata through, even if the object no longer validates', () => {
    const old = { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'a', finalizers: ['x'] }, spec: { cronSpec: 'bad', replicas: 1, color: 'green' } };
    const next = { ...old, metadata: { name: 'a' } };
    expect(admitCustomResource(type.customResource!, 'v1', next, old).causes).toEqual([]);
    expect(admitCustomResource(type.customResource!, 'v1', { ...next, spec: { ...next.spec, replicas: 2 } }, old).causes).not.toEqual([]);
  });

  it('serves a stored object in another version with only apiVersion changed, plus defaults on read', () => {
    const stored = { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'a' }, spec: { cronSpec: '* * * * *' } };
    expect(customResourceForVersion(type, stored, 'v1')).toEqual({ ...stored, spec: { cronSpec: '* * * * *', replicas: 1, color: 'green' } });
    expect(customResourceForVersion(type, stored, 'v1beta1').apiVersion).toBe('stable.example.com/v1beta1');
    expect(stored.spec).toEqual({ cronSpec: '* * * * *' });
  });

  it('reads and writes the scale through the CRD paths', () => {
    const paths = type.customResource!.versions.v1!.scale!;
    const o = { metadata: { name: 'a', namespace: 'ns', uid: 'u', resourceVersion: '5' }, spec: { replicas: 3 }, status: { replicas: 2, selector: 'app=a' } };
    expect(customScaleOf(paths, o)).toMatchObject({ kind: 'Scale', metadata: { name: 'a', namespace: 'ns', resourceVersion: '5' }, spec: { replicas: 3 }, status: { replicas: 2, selector: 'app=a' } });
    expect(applyCustomScale(paths, { metadata: {} }, { metadata: {}, spec: { replicas: 7 } })).toEqual({ metadata: {}, spec: { replicas: 7 } });
  });
});
