import { describe, expect, it } from 'vitest';
import { calculateNames } from '../../shared/crd/conditions.js';
import {
  defaultCustomResourceDefinition,
  validateCustomResourceDefinition,
  validateCustomResourceDefinitionUpdate,
} from '../../shared/crd/definition-validation.js';
import { customResourceDefinitionName, customResourceSchemas, withCustomResourceSchemas } from '../../shared/crd/openapi.js';
import { resourceTypeForCrd } from '../../shared/crd/resource-type.js';
import { isServedByFlotilla } from '../../shared/crd/served-groups.js';
import { validateCustomResourceSchema } from '../../shared/crd/structural.js';
import type { JSONSchemaProps } from '../../shared/crd/types.js';
import { indexByGroupVersionKind } from '../../shared/openapi/schema.js';
import { createBuiltinRegistry, Registry } from '../../shared/registry/index.js';
import { cronTabCrd } from '../fixtures/crd/crontab.js';

const builtin = createBuiltinRegistry();
const opts = { servedGroup: (g: string) => isServedByFlotilla(g, builtin.groups().some((x) => x.name === g)) };

function validate(crd: any): string[] {
  defaultCustomResourceDefinition(crd);
  crd.status ??= { storedVersions: ['v1'] };
  return validateCustomResourceDefinition(crd, opts).map((c) => `${c.field}: ${c.message}`);
}

function schemaErrors(schema: JSONSchemaProps, statusEnabled = false): string[] {
  return validateCustomResourceSchema(schema, 'schema', { statusEnabled }).map((c) => `${c.field}: ${c.message}`);
}

describe('CRD validation', () => {
  it('accepts the docs CronTab and defaults singular, listKind and conversion', () => {
    const crd = cronTabCrd();
    delete crd.spec.names.singular;
    expect(validate(crd)).toEqual([]);
    expect(crd.spec.names).toMatchObject({ singular: 'crontab', listKind: 'CronTabList' });
    expect(crd.spec.conversion).toEqual({ strategy: 'None' });
  });

  it('refuses groups Flotilla serves, built-in or Karmada', () => {
    for (const group of ['apps', 'batch', 'rbac.authorization.k8s.io', 'policy.karmada.io', 'work.karmada.io', 'apiextensions.k8s.io']) {
      const errs = validate(cronTabCrd({ group }));
      expect(errs.some((e) => e.startsWith(`spec.group: Forbidden: the API group "${group}" is served by Flotilla itself`)), group).toBe(true);
    }
  });

  it('words name and group errors as upstream', () => {
    expect(validate(cronTabCrd({ group: 'example' }))).toContain('spec.group: Invalid value: "example": should be a domain with at least one dot');
    const crd = cronTabCrd({ plural: 'Cron_Tabs', kind: 'Cron Tab' });
    crd.spec.names.listKind = 'Cron Tab';
    crd.spec.names.shortNames = ['C T'];
    const errs = validate(crd);
    expect(errs).toContainEqual(expect.stringMatching(/^spec\.names\.plural: Invalid value: "Cron_Tabs": a DNS-1035 label must consist of/));
    expect(errs).toContainEqual(expect.stringMatching(/^spec\.names\.kind: Invalid value: "Cron Tab": may have mixed case, but should otherwise match: a DNS-1035 label/));
    expect(errs).toContain('spec.names.listKind: Invalid value: "Cron Tab": kind and listKind may not be the same');
    expect(errs).toContainEqual(expect.stringMatching(/^spec\.names\.shortNames\[0\]: Invalid value: "C T"/));
  });

  it('requires a schema for every version, unique names and one storage version', () => {
    const crd = cronTabCrd();
    delete crd.spec.versions[1].schema;
    crd.spec.versions[1].name = 'v1';
    crd.spec.versions[0].storage = false;
    const errs = validate(crd);
    expect(errs).toContain('spec.versions[1].schema.openAPIV3Schema: Required value: schemas are required');
    expect(errs).toContain('spec.versions: Invalid value: ["v1","v1"]: must contain unique version names');
    expect(errs).toContain('spec.versions: Invalid value: ["v1","v1"]: must have exactly one version marked as storage version');
  });

  it('checks scale paths, printer columns and the conversion strategy', () => {
    const crd = cronTabCrd();
    crd.spec.versions[0].subresources.scale = { specReplicasPath: '.status.replicas', statusReplicasPath: 'status.replicas' };
    crd.spec.versions[0].additionalPrinterColumns = [{ name: 'X', type: 'float', jsonPath: 'spec.x' }, { type: 'string' }];
    crd.spec.conversion = { strategy: 'Webhook' };
    const errs = validate(crd);
    expect(errs).toContain('spec.versions[0].subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec');
    expect(errs).toContain('spec.versions[0].subresources.scale.statusReplicasPath: Invalid value: "status.replicas": must be a simple json path starting with .');
    expect(errs).toContain('spec.versions[0].additionalPrinterColumns[0].type: Invalid value: "float": must be one of boolean,date,integer,number,string');
    expect(errs).toContain('spec.versions[0].additionalPrinterColumns[0].jsonPath: Invalid value: "spec.x": must be a simple json path starting with .');
    expect(errs).toContain('spec.versions[0].additionalPrinterColumns[1].name: Required value');
    expect(errs).toContainEqual(expect.stringMatching(/^spec\.conversion\.strategy: Invalid value: "Webhook": Flotilla does not call conversion webhooks/));
  });

  it('keeps group and plural immutable, and scope and kind once Established', () => {
    const old = cronTabCrd();
    defaultCustomResourceDefinition(old);
    old.status = { storedVersions: ['v1'], conditions: [{ type: 'Established', status: 'True' }] };
    const next = structuredClone(old);
    next.spec.scope = 'Cluster';
    next.spec.names.kind = 'Other';
    next.spec.names.listKind = 'OtherList';
    const errs = validateCustomResourceDefinitionUpdate(next, old, opts).map((c) => `${c.field}: ${c.message}`);
    expect(errs).toEqual(['spec.scope: Invalid value: "Cluster": field is immutable', 'spec.names.kind: Invalid value: "Other": field is immutable']);
  });

  it('requires the approval annotation in *.k8s.io groups', () => {
    const errs = validate(cronTabCrd({ group: 'widgets.x-k8s.io' }));
    expect(errs).toEqual([]);
    const k8s = validate(cronTabCrd({ group: 'widgets.k8s.io' }));
    expect(k8s[0]).toMatch(/^metadata\.annotations\[api-approved\.kubernetes\.io\]: Required value: protected groups must have approval annotation/);
  });
});

describe('structural schemas', () => {
  it('requires types everywhere they are not implied', () => {
    expect(schemaErrors({ properties: { spec: { properties: { a: {} } }, list: { type: 'array' } } })).toEqual([
      'schema.properties[spec].properties[a].type: Required value: must not be empty for specified object fields',
      'schema.properties[spec].type: Required value: must not be empty for specified object fields',
      'schema.properties[list].items: Required value: must be specified',
      'schema.type: Required value: must not be empty at the root',
    ]);
    expect(schemaErrors({ type: 'string' })).toEqual(['schema.type: Invalid value: "string": must be object at the root']);
    expect(schemaErrors({ type: 'object', properties: { any: { 'x-kubernetes-preserve-unknown-fields': true }, port: { 'x-kubernetes-int-or-string': true } } })).toEqual([]);
  });

  it('forbids structure inside value validations, and fields value validations add', () => {
    const errs = schemaErrors({
      type: 'object',
      properties: { spec: { type: 'object', properties: { a: { type: 'string' } }, anyOf: [{ type: 'object' }, { properties: { b: { type: 'string' } } }] } },
    });
    expect(errs).toContain('schema.properties[spec].anyOf[0].type: Forbidden: must be empty to be structural');
    expect(errs).toContain('schema.properties[spec].anyOf[1].properties[b].type: Forbidden: must be empty to be structural');
    expect(errs).toContain('schema.properties[spec].properties[b]: Required value: because it is defined in schema.properties[spec].anyOf[1].properties[b]');
  });

  it('accepts the int-or-string idiom with anyOf', () => {
    expect(schemaErrors({ type: 'object', properties: { p: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } } })).toEqual([]);
  });

  it('forbids keywords CRDs do not support', () => {
    const errs = schemaErrors({
      type: 'object',
      properties: {
        a: { type: 'object', $ref: '#/x', patternProperties: { x: { type: 'string' } } },
        b: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        c: { type: 'object', properties: { x: { type: 'string' } }, additionalProperties: { type: 'string' } },
        d: { type: 'null' },
      },
    });
    expect(errs).toContain('schema.properties[a].$ref: Forbidden: $ref is not supported');
    expect(errs).toContain('schema.properties[a].patternProperties: Forbidden: patternProperties is not supported');
    expect(errs).toContain('schema.properties[b].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic');
    expect(errs).toContain('schema.properties[c].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive');
    expect(errs).toContain('schema.properties[d].type: Forbidden: type cannot be set to null, use nullable as an alternative');
    expect(schemaErrors({ type: 'object', properties: { e: { type: 'string', pattern: '(' } } })[0]).toMatch(
      /^schema\.properties\[e\]\.pattern: Invalid value: "\(": must be a valid regular expression, but isn't: /,
    );
  });

  it('restricts metadata at the root to name and generateName', () => {
    expect(schemaErrors({ type: 'object', properties: { metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 20 } } } } })).toEqual([]);
    expect(schemaErrors({ type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } } })).toEqual([
      'schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified',
    ]);
  });

  it('checks list and map types', () => {
    const errs = schemaErrors({
      type: 'object',
      properties: {
        a: { type: 'string', 'x-kubernetes-list-type': 'set' },
        b: { type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object', properties: { name: { type: 'string' } } } },
        c: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['id'], items: { type: 'object', properties: { name: { type: 'string' } } } },
        d: { type: 'array', 'x-kubernetes-list-type': 'bag', items: { type: 'string' } },
      },
    });
    expect(errs).toContain('schema.properties[a].type: Invalid value: "string": must be array if x-kubernetes-list-type is specified');
    expect(errs).toContain('schema.properties[b].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map');
    expect(errs).toContain('schema.properties[c].x-kubernetes-list-map-keys: Invalid value: ["id"]: entries must all be names of item properties');
    expect(errs).toContain('schema.properties[d].x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"');
  });

  it('checks embedded resources and int-or-string combinations', () => {
    const errs = schemaErrors({
      type: 'object',
      properties: {
        e: { type: 'string', 'x-kubernetes-embedded-resource': true },
        f: { type: 'object', 'x-kubernetes-embedded-resource': true },
        g: { 'x-kubernetes-int-or-string': true, 'x-kubernetes-preserve-unknown-fields': true },
      },
    });
    expect(errs).toContain('schema.properties[e].type: Invalid value: "string": must be object if x-kubernetes-embedded-resource is true');
    expect(errs).toContain(
      'schema.properties[f].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields',
    );
    expect(errs).toContain('schema.properties[g].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true');
  });

  it('requires defaults that validate and are pruned, and none in metadata', () => {
    expect(schemaErrors({ type: 'object', properties: { n: { type: 'integer', default: 'one' } } })).toEqual([
      'schema.properties[n].default: Invalid value: "string": schema.properties[n].default in body must be of type integer: "string"',
    ]);
    expect(schemaErrors({ type: 'object', properties: { o: { type: 'object', properties: { a: { type: 'string' } }, default: { b: 1 } } } })).toEqual([
      'schema.properties[o].default: Invalid value: {"b":1}: must not have unknown fields',
    ]);
    expect(schemaErrors({ type: 'object', properties: { metadata: { type: 'object', default: {} } } })).toContain(
      'schema.properties[metadata].default: Forbidden: must not be set in top-level metadata',
    );
  });

  it('limits the root of a schema with a status subresource', () => {
    expect(schemaErrors({ type: 'object', nullable: true, properties: {} }, true)).toEqual([
      'schema: Invalid value: "openAPIV3Schema": only [Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations] fields are allowed at the root of the schema if the status subresource is enabled',
      'schema.nullable: Forbidden: nullable cannot be true at the root',
    ]);
  });
});

describe('names and conditions', () => {
  const named = (crd: any, names: Record<string, unknown>): any => ({ ...crd, status: { acceptedNames: names, conditions: [{ type: 'Established', status: 'True' }] } });

  it('accepts free names and establishes the CRD', () => {
    const crd = cronTabCrd();
    defaultCustomResourceDefinition(crd);
    const r = calculateNames(crd, [crd]);
    expect(r.namesAccepted).toMatchObject({ status: 'True', reason: 'NoConflicts' });
    expect(r.established).toMatchObject({ status: 'True', reason: 'InitialNamesAccepted' });
    expect(r.acceptedNames).toEqual({ plural: 'crontabs', singular: 'crontab', shortNames: ['ct'], kind: 'CronTab', listKind: 'CronTabList', categories: ['all'] });
  });

  it('refuses names another CRD of the group holds, per kind of name', () => {
    const first = named(cronTabCrd(), { plural: 'crontabs', singular: 'crontab', shortNames: ['ct'], kind: 'CronTab', listKind: 'CronTabList' });
    const kindClash = cronTabCrd({ plural: 'others', kind: 'CronTab', shortNames: [] });
    defaultCustomResourceDefinition(kindClash);
    expect(calculateNames(kindClash, [first, kindClash]).namesAccepted).toMatchObject({ status: 'False', reason: 'ListKindConflict' });
    const singularClash = cronTabCrd({ plural: 'crontab', kind: 'Other', shortNames: [] });
    defaultCustomResourceDefinition(singularClash);
    const r = calculateNames(singularClash, [first, singularClash]);
    expect(r.namesAccepted).toMatchObject({ status: 'False', reason: 'SingularConflict', message: '"crontab" is already in use' });
    expect(r.established).toMatchObject({ status: 'False', reason: 'NotAccepted' });
    // Another group is another namespace of names.
    const elsewhere = cronTabCrd({ group: 'other.example.com' });
    defaultCustomResourceDefinition(elsewhere);
    expect(calculateNames(elsewhere, [first, elsewhere]).namesAccepted.status).toBe('True');
  });

  it('builds the registry entry from accepted names', () => {
    const crd = named(cronTabCrd(), { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList', shortNames: ['ct'], categories: ['all'] });
    crd.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
    expect(resourceTypeForCrd(crd)).toMatchObject({
      group: 'stable.example.com',
      resource: 'crontabs',
      kind: 'CronTab',
      shortNames: ['ct'],
      categories: ['all'],
      namespaced: true,
      customResource: { listKind: 'CronTabList', storageVersion: 'v1', terminating: true },
    });
    expect(resourceTypeForCrd({ ...crd, status: { ...crd.status, conditions: [] } })).toBeUndefined();
  });
});

describe('OpenAPI schemas of custom resources', () => {
  const crd = cronTabCrd();
  crd.spec.names.listKind = 'CronTabList';
  crd.status = { acceptedNames: crd.spec.names, conditions: [{ type: 'Established', status: 'True' }] };
  const registry = new Registry([resourceTypeForCrd(crd)!]);

  it('names definitions as upstream and adds apiVersion, kind and metadata', () => {
    expect(customResourceDefinitionName('stable.example.com', 'v1', 'CronTab')).toBe('com.example.stable.v1.CronTab');
    const { definitions, byGroupVersionKind } = customResourceSchemas(registry);
    const def = definitions['com.example.stable.v1.CronTab']!;
    expect(def['x-kubernetes-group-version-kind']).toEqual([{ group: 'stable.example.com', version: 'v1', kind: 'CronTab' }]);
    expect(def.properties!.metadata!.$ref).toBe('#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    expect(def.properties!.spec!.properties!.replicas).toEqual({ type: 'integer', default: 1 });
    expect(def.properties!.spec!.required).toEqual(['cronSpec']);
    expect(byGroupVersionKind.get('stable.example.com/v1beta1/CronTabList')).toBe('com.example.stable.v1beta1.CronTabList');
  });

  it('merges into a schema set without shadowing built-ins', () => {
    const base = indexByGroupVersionKind({ 'io.k8s.api.core.v1.Pod': { type: 'object', 'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Pod' }] } });
    const set = withCustomResourceSchemas(base, registry);
    expect(set.definitionFor('', 'v1', 'Pod')).toBe('io.k8s.api.core.v1.Pod');
    expect(set.definitionFor('stable.example.com', 'v1', 'CronTab')).toBe('com.example.stable.v1.CronTab');
  });
});
