import { beforeAll, describe, expect, it } from 'vitest';
import { builtinSchemas } from '../../functions/openapi/builtin-schemas.js';
import { pruneUnknownFields, strictDecodingMessage, strictErrors } from '../../shared/openapi/field-validation.js';
import { indexByGroupVersionKind, schemaForKind, type SchemaNode, type SchemaSet } from '../../shared/openapi/schema.js';

let builtins: SchemaSet;
beforeAll(async () => {
  builtins = await builtinSchemas();
});

const prune = (set: SchemaSet, group: string, version: string, kind: string, value: unknown) => {
  const schema = schemaForKind(set, group, version, kind);
  if (!schema) throw new Error(`no schema for ${kind}`);
  return pruneUnknownFields(set, schema, value);
};

describe('unknown fields of built-in kinds', () => {
  it('keeps a valid Deployment whole', () => {
    const d = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' }, annotations: { 'a/b': 'c' } },
      spec: {
        replicas: 2,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '1', memory: 1024 } } }] },
        },
      },
      status: { replicas: 1 },
    };
    const r = prune(builtins, 'apps', 'v1', 'Deployment', d);
    expect(r.unknownFields).toEqual([]);
    expect(r.value).toEqual(d);
  });

  it('drops unknown fields at any depth and names them as upstream does', () => {
    const d = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labelz: { a: 'b' } },
      spec: {
        foo: 1,
        template: { spec: { containers: [{ name: 'a' }, { name: 'b', imagePullPolicyy: 'Always', env: [{ name: 'x', valu: '1' }] }] } },
      },
      extra: true,
    };
    const r = prune(builtins, 'apps', 'v1', 'Deployment', d);
    expect(r.unknownFields).toEqual([
      'metadata.labelz',
      'spec.foo',
      'spec.template.spec.containers[1].imagePullPolicyy',
      'spec.template.spec.containers[1].env[0].valu',
      'extra',
    ]);
    expect(r.value).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'b', env: [{ name: 'x' }] }] } } },
    });
    // The input is left as it was.
    expect(d.spec.foo).toBe(1);
  });

  it('treats maps, int-or-string, quantities and raw JSON fields as open', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { any: 'thing' } }, data: { anyKey: 'v' }, binaryData: { k: 'AA==' } };
    expect(prune(builtins, '', 'v1', 'ConfigMap', cm).unknownFields).toEqual([]);
    // ControllerRevision.data is a RawExtension: arbitrary JSON.
    const rev = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r' }, revision: 1, data: { spec: { whatever: [1, { deep: true }] } } };
    expect(prune(builtins, 'apps', 'v1', 'ControllerRevision', rev)).toEqual({ value: rev, unknownFields: [] });
    // managedFields' fieldsV1 is free-form too.
    const mf = { metadata: { name: 'x', managedFields: [{ manager: 'm', fieldsV1: { 'f:data': { 'f:a': {} } } }] } };
    expect(prune(builtins, '', 'v1', 'ConfigMap', mf).unknownFields).toEqual([]);
  });

  it('judges autoscaling/v1 and v2 HorizontalPodAutoscalers by their own schemas', () => {
    const v1 = { spec: { maxReplicas: 3, targetCPUUtilizationPercentage: 50 } };
    expect(prune(builtins, 'autoscaling', 'v1', 'HorizontalPodAutoscaler', v1).unknownFields).toEqual([]);
    expect(prune(builtins, 'autoscaling', 'v2', 'HorizontalPodAutoscaler', v1).unknownFields).toEqual(['spec.targetCPUUtilizationPercentage']);
  });
});

describe('unknown fields of schemas with extensions', () => {
  const defs: Record<string, SchemaNode> = {
    'io.example.v1.Widget': {
      type: 'object',
      'x-kubernetes-group-version-kind': [{ group: 'example.io', version: 'v1', kind: 'Widget' }],
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
        spec: {
          type: 'object',
          properties: {
            size: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
            config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: { a: { type: 'string' } } } } },
            template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: { x: { type: 'string' } } } } },
            tags: { type: 'object', additionalProperties: { type: 'object', properties: { v: { type: 'string' } } } },
            anything: { type: 'object', additionalProperties: true },
          },
        },
      },
    },
  };
  let set: SchemaSet;
  beforeAll(() => {
    set = indexByGroupVersionKind({ ...builtins.definitions, ...defs });
  });

  it('keeps unknown fields where x-kubernetes-preserve-unknown-fields says so, yet still checks declared ones', () => {
    const r = prune(set, 'example.io', 'v1', 'Widget', { spec: { config: { free: 1, known: { a: 'x', b: 'y' } } } });
    expect(r.unknownFields).toEqual(['spec.config.known.b']);
    expect(r.value).toEqual({ spec: { config: { free: 1, known: { a: 'x' } } } });
  });

  it('allows apiVersion, kind and metadata in an embedded resource', () => {
    const r = prune(set, 'example.io', 'v1', 'Widget', { spec: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 'a', y: 'b' }, other: 1 } } });
    expect(r.unknownFields).toEqual(['spec.template.spec.y', 'spec.template.other']);
  });

  it('checks map values against additionalProperties, naming the map key in the path', () => {
    const r = prune(set, 'example.io', 'v1', 'Widget', { spec: { tags: { blue: { v: '1', w: '2' } }, anything: { q: { r: 1 } }, size: '10%' } });
    expect(r.unknownFields).toEqual(['spec.tags.blue.w']);
  });
});

describe('strict decoding errors', () => {
  it('lists unknown fields, then duplicates, once each, and leaves out duplicates of unknown fields', () => {
    const errs = strictErrors(['spec.foo', 'metadata.labelz'], ['metadata.name', 'spec.foo', 'spec.foo.bar', 'metadata.name']);
    expect(errs).toEqual(['unknown field "spec.foo"', 'unknown field "metadata.labelz"', 'duplicate field "metadata.name"']);
    expect(strictDecodingMessage(errs)).toBe('strict decoding error: unknown field "spec.foo", unknown field "metadata.labelz", duplicate field "metadata.name"');
  });

  it('stops at 100, as sigs.k8s.io/json does', () => {
    const many = Array.from({ length: 150 }, (_, i) => `f${i}`);
    expect(strictErrors(many, [])).toHaveLength(100);
  });
});

describe('keys that name JavaScript internals', () => {
  it('reports `constructor` and `__proto__` as unknown fields and leaves prototypes alone', () => {
    const body = JSON.parse('{"metadata":{"name":"x","constructor":1},"__proto__":{"polluted":true},"data":{"__proto__":"kept"}}');
    const r = prune(builtins, '', 'v1', 'ConfigMap', body);
    expect(r.unknownFields).toEqual(['metadata.constructor', '__proto__']);
    const value = r.value as Record<string, any>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyNames(value.data)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
