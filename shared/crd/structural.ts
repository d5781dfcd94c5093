import { jsonEqual } from '../json-equal.js';
import type { StatusCause } from '../status.js';
import { applyDefaults } from './defaulting.js';
import { fieldError, path } from './field-errors.js';
import { pruneUnknownFields } from './pruning.js';
import type { JSONSchemaProps } from './types.js';
import { compilePattern, validateAgainstSchema } from './validation.js';

/**
 * Validation of a CRD version's openAPIV3Schema, as apiextensions-apiserver does it: the
 * schema must be structural (every specified node has a type, value validations under
 * allOf/anyOf/oneOf/not add no structure), use no keyword CRDs forbid, declare list and map
 * types consistently, and carry defaults that validate and are pruned.
 */
export function validateCustomResourceSchema(schema: JSONSchemaProps, p: string, opts: { statusEnabled: boolean }): StatusCause[] {
  const out: StatusCause[] = [];
  if (opts.statusEnabled) out.push(...rootRestrictedForStatus(schema, p));
  if (schema.nullable) out.push(fieldError.forbidden(path.child(p, 'nullable'), 'nullable cannot be true at the root'));
  structuralInvariants(schema, 'root', p, out);
  structuralCompleteness(schema, p, out);
  openAPISchema(schema, p, { allowDefaults: true, insideResourceMeta: false }, true, out);
  if (out.length === 0) validateDefaults(schema, p, true, out);
  return dedupe(out);
}

function dedupe(causes: StatusCause[]): StatusCause[] {
  const seen = new Set<string>();
  return causes.filter((c) => {
    const k = `${c.field}|${c.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const ROOT_FIELDS_WITH_STATUS: Array<[keyof JSONSchemaProps, string]> = [
  ['description', 'Description'],
  ['type', 'Type'],
  ['format', 'Format'],
  ['title', 'Title'],
  ['maximum', 'Maximum'],
  ['exclusiveMaximum', 'ExclusiveMaximum'],
  ['minimum', 'Minimum'],
  ['exclusiveMinimum', 'ExclusiveMinimum'],
  ['maxLength', 'MaxLength'],
  ['minLength', 'MinLength'],
  ['pattern', 'Pattern'],
  ['maxItems', 'MaxItems'],
  ['minItems', 'MinItems'],
  ['uniqueItems', 'UniqueItems'],
  ['multipleOf', 'MultipleOf'],
  ['required', 'Required'],
  ['items', 'Items'],
  ['properties', 'Properties'],
  ['externalDocs', 'ExternalDocs'],
  ['example', 'Example'],
  ['x-kubernetes-preserve-unknown-fields', 'XPreserveUnknownFields'],
  ['x-kubernetes-validations', 'XValidations'],
];

function isZero(v: unknown): boolean {
  return v === undefined || v === false || v === '' || v === 0 || (Array.isArray(v) && v.length === 0);
}

/** With a status subresource, status is validated as properties[status]: the root may hold nothing that would be lost. */
function rootRestrictedForStatus(s: JSONSchemaProps, p: string): StatusCause[] {
  const allowed = new Set(ROOT_FIELDS_WITH_STATUS.map(([k]) => k as string));
  if (s.type !== undefined && s.type !== 'object') {
    return [fieldError.invalid(path.child(p, 'type'), s.type, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled')];
  }
  for (const [k, v] of Object.entries(s)) {
    if (isZero(v) || allowed.has(k)) continue;
    return [
      fieldError.invalid(
        p,
        'openAPIV3Schema',
        `only [${ROOT_FIELDS_WITH_STATUS.map(([, n]) => n).join(' ')}] fields are allowed at the root of the schema if the status subresource is enabled`,
      ),
    ];
  }
  return [];
}

type Level = 'root' | 'item' | 'field';

function itemsOf(s: JSONSchemaProps): JSONSchemaProps | undefined {
  return s.items && !Array.isArray(s.items) ? s.items : undefined;
}

function isIntOrStringAnyOf(list: JSONSchemaProps[] | undefined): boolean {
  return (
    list?.length === 2 &&
    jsonEqual(list[0], { type: 'integer' }) &&
    jsonEqual(list[1], { type: 'string' })
  );
}

function structuralInvariants(s: JSONSchemaProps, lvl: Level, p: string, out: StatusCause[]): void {
  const items = itemsOf(s);
  if (s.type === 'array' && !s.items) out.push(fieldError.required(path.child(p, 'items'), 'must be specified'));
  if (items) structuralInvariants(items, 'item', path.child(p, 'items'), out);
  for (const [k, v] of Object.entries(s.properties ?? {})) structuralInvariants(v, 'field', path.key(path.child(p, 'properties'), k), out);
  if (s.additionalProperties !== undefined) {
    if (lvl === 'root') out.push(fieldError.forbidden(path.child(p, 'additionalProperties'), 'must not be used at the root'));
    if (typeof s.additionalProperties === 'object') structuralInvariants(s.additionalProperties, 'field', path.child(p, 'additionalProperties'), out);
  }
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (intOrString && preserve) {
    out.push(fieldError.invalid(path.child(p, 'x-kubernetes-preserve-unknown-fields'), true, 'must be false if x-kubernetes-int-or-string is true'));
  }
  if (intOrString && embedded) {
    out.push(fieldError.invalid(path.child(p, 'x-kubernetes-embedded-resource'), true, 'must be false if x-kubernetes-int-or-string is true'));
  }

  // Value validations (junctors) may not add structure; int-or-string's anyOf idiom is the exception.
  const skipAnyOf = isIntOrStringAnyOf(s.anyOf);
  const skipFirstAllOfAnyOf = Boolean(s.allOf?.length && isIntOrStringAnyOf(s.allOf[0]!.anyOf));
  if (!skipAnyOf) s.anyOf?.forEach((v, i) => nestedValueValidation(v, false, path.index(path.child(p, 'anyOf'), i), out));
  s.allOf?.forEach((v, i) => nestedValueValidation(v, skipFirstAllOfAnyOf && i === 0, path.index(path.child(p, 'allOf'), i), out));
  s.oneOf?.forEach((v, i) => nestedValueValidation(v, false, path.index(path.child(p, 'oneOf'), i), out));
  if (s.not) nestedValueValidation(s.not, false, path.child(p, 'not'), out);
  if (s.pattern !== undefined) checkPattern(s.pattern, path.child(p, 'pattern'), out);

  if (embedded && s.type !== 'object') {
    if (!s.type) out.push(fieldError.required(path.child(p, 'type'), 'must be object if x-kubernetes-embedded-resource is true'));
    else out.push(fieldError.invalid(path.child(p, 'type'), s.type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (!s.type && !intOrString && !preserve) {
    const where = { root: 'at the root', item: 'for specified array items', field: 'for specified object fields' }[lvl];
    out.push(fieldError.required(path.child(p, 'type'), `must not be empty ${where}`));
  }
  if (embedded && s.additionalProperties !== undefined) {
    out.push(fieldError.forbidden(path.child(p, 'additionalProperties'), 'must not be used if x-kubernetes-embedded-resource is set'));
  }
  if (lvl === 'root' && s.type && s.type !== 'object') out.push(fieldError.invalid(path.child(p, 'type'), s.type, 'must be object at the root'));

  const checkMetadata = lvl === 'root' || embedded;
  for (const k of ['kind', 'apiVersion']) {
    const prop = s.properties?.[k];
    if (prop && checkMetadata && prop.type !== 'string') {
      out.push(fieldError.invalid(path.child(path.key(path.child(p, 'properties'), k), 'type'), prop.type ?? '', 'must be string'));
    }
  }
  const metadata = s.properties?.metadata;
  if (metadata) metadataInvariants(metadata, checkMetadata, lvl === 'root', path.key(path.child(p, 'properties'), 'metadata'), out);
  if (embedded && !preserve && Object.keys(s.properties ?? {}).length === 0) {
    out.push(
      fieldError.required(
        path.child(p, 'properties'),
        'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields',
      ),
    );
  }
}

function checkPattern(pattern: string, p: string, out: StatusCause[]): void {
  const re = compilePattern(pattern);
  if (typeof re === 'string') out.push(fieldError.invalid(p, pattern, `must be a valid regular expression, but isn't: ${re}`));
}

/** The root's metadata is ObjectMeta: a schema may only say it is an object and narrow name and generateName. */
function metadataInvariants(s: JSONSchemaProps, checkMetadata: boolean, root: boolean, p: string, out: StatusCause[]): void {
  if (checkMetadata && s.type !== 'object') out.push(fieldError.invalid(path.child(p, 'type'), s.type ?? '', 'must be object'));
  if (!root) return;
  const { type: _t, default: _d, properties, ...rest } = s;
  const propNames = Object.keys(properties ?? {});
  const onlyNames = propNames.every((n) => n === 'name' || n === 'generateName');
  const extra = Object.entries(rest).some(([, v]) => v !== undefined);
  if (extra || (propNames.length > 0 && !onlyNames)) {
    out.push(fieldError.forbidden(p, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  }
}

const NESTED_FORBIDDEN: Array<[keyof JSONSchemaProps, string]> = [
  ['type', 'must be empty to be structural'],
  ['default', 'must be undefined to be structural'],
  ['title', 'must be empty to be structural'],
  ['description', 'must be empty to be structural'],
  ['nullable', 'must be false to be structural'],
  ['x-kubernetes-preserve-unknown-fields', 'must be false to be structural'],
  ['x-kubernetes-embedded-resource', 'must be false to be structural'],
  ['x-kubernetes-int-or-string', 'must be false to be structural'],
  ['x-kubernetes-list-map-keys', 'must be empty to be structural'],
  ['x-kubernetes-list-type', 'must be undefined to be structural'],
  ['x-kubernetes-map-type', 'must be undefined to be structural'],
  ['x-kubernetes-validations', 'must be empty to be structural'],
];

function nestedValueValidation(v: JSONSchemaProps, skipAnyOf: boolean, p: string, out: StatusCause[]): void {
  if (!skipAnyOf) v.anyOf?.forEach((x, i) => nestedValueValidation(x, false, path.index(path.child(p, 'anyOf'), i), out));
  v.allOf?.forEach((x, i) => nestedValueValidation(x, false, path.index(path.child(p, 'allOf'), i), out));
  v.oneOf?.forEach((x, i) => nestedValueValidation(x, false, path.index(path.child(p, 'oneOf'), i), out));
  if (v.not) nestedValueValidation(v.not, false, path.child(p, 'not'), out);
  if (v.pattern !== undefined) checkPattern(v.pattern, path.child(p, 'pattern'), out);
  const items = itemsOf(v);
  if (items) nestedValueValidation(items, false, path.child(p, 'items'), out);
  for (const [k, x] of Object.entries(v.properties ?? {})) nestedValueValidation(x, false, path.key(path.child(p, 'properties'), k), out);
  for (const [k, detail] of NESTED_FORBIDDEN) {
    const val = v[k];
    if (!isZero(val) && !(k === 'default' && val === null)) out.push(fieldError.forbidden(path.child(p, k), detail));
  }
  if (v.additionalProperties !== undefined) {
    out.push(fieldError.forbidden(path.child(p, 'additionalProperties'), 'must be undefined to be structural'));
  }
  if (v.properties?.metadata) {
    out.push(fieldError.forbidden(path.key(path.child(p, 'properties'), 'metadata'), 'must not be specified in a nested context'));
  }
}

/** Every field a value validation names must be specified in the structural part too, or pruning would drop it. */
function structuralCompleteness(s: JSONSchemaProps, p: string, out: StatusCause[]): void {
  const junctors = (v: JSONSchemaProps, vPath: string, sNode: JSONSchemaProps | undefined, sPath: string): void => {
    v.allOf?.forEach((x, i) => nestedCompleteness(x, sNode, sPath, path.index(path.child(vPath, 'allOf'), i)));
    v.anyOf?.forEach((x, i) => nestedCompleteness(x, sNode, sPath, path.index(path.child(vPath, 'anyOf'), i)));
    v.oneOf?.forEach((x, i) => nestedCompleteness(x, sNode, sPath, path.index(path.child(vPath, 'oneOf'), i)));
    if (v.not) nestedCompleteness(v.not, sNode, sPath, path.child(vPath, 'not'));
  };
  const nestedCompleteness = (v: JSONSchemaProps, sNode: JSONSchemaProps | undefined, sPath: string, vPath: string): void => {
    if (!sNode) {
      out.push(fieldError.required(sPath, `because it is defined in ${vPath}`));
      return;
    }
    junctors(v, vPath, sNode, sPath);
    const vItems = itemsOf(v);
    if (vItems) nestedCompleteness(vItems, itemsOf(sNode), path.child(sPath, 'items'), path.child(vPath, 'items'));
    for (const [k, vf] of Object.entries(v.properties ?? {})) {
      const sf = sNode.properties?.[k];
      const sfPath = path.key(path.child(sPath, 'properties'), k);
      if (!sf) out.push(fieldError.required(sfPath, `because it is defined in ${path.key(path.child(vPath, 'properties'), k)}`));
      else nestedCompleteness(vf, sf, sfPath, path.key(path.child(vPath, 'properties'), k));
    }
  };
  const walk = (node: JSONSchemaProps, np: string): void => {
    junctors(node, np, node, np);
    const items = itemsOf(node);
    if (items) walk(items, path.child(np, 'items'));
    for (const [k, v] of Object.entries(node.properties ?? {})) walk(v, path.key(path.child(np, 'properties'), k));
    if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, path.child(np, 'additionalProperties'));
  };
  walk(s, p);
}

const OPENAPI_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const META_FIELDS = new Set(['metadata', 'kind', 'apiVersion']);

interface SchemaContext {
  allowDefaults: boolean;
  disallowDefaultsReason?: string;
  insideResourceMeta: boolean;
}

/** ValidateCustomResourceDefinitionOpenAPISchema: keyword support, list/map types, defaults' placement. */
function openAPISchema(s: JSONSchemaProps, p: string, ctx: SchemaContext, isRoot: boolean, out: StatusCause[]): void {
  const c = (k: string): string => path.child(p, k);
  if (s.type && !OPENAPI_TYPES.includes(s.type)) {
    if (s.type === 'null') out.push(fieldError.forbidden(c('type'), 'type cannot be set to null, use nullable as an alternative'));
    else out.push(fieldError.notSupported(c('type'), s.type, OPENAPI_TYPES));
  }
  if (s.default !== undefined && !ctx.allowDefaults) {
    out.push(fieldError.forbidden(c('default'), `must not be set${ctx.disallowDefaultsReason ? ` ${ctx.disallowDefaultsReason}` : ''}`));
  }
  if (s.id) out.push(fieldError.forbidden(c('id'), 'id is not supported'));
  if (s.additionalItems !== undefined) out.push(fieldError.forbidden(c('additionalItems'), 'additionalItems is not supported'));
  if (s.patternProperties && Object.keys(s.patternProperties).length) out.push(fieldError.forbidden(c('patternProperties'), 'patternProperties is not supported'));
  if (s.definitions && Object.keys(s.definitions).length) out.push(fieldError.forbidden(c('definitions'), 'definitions is not supported'));
  if (s.dependencies) out.push(fieldError.forbidden(c('dependencies'), 'dependencies is not supported'));
  if (s.$ref !== undefined) out.push(fieldError.forbidden(c('$ref'), '$ref is not supported'));
  if (Array.isArray(s.items)) out.push(fieldError.forbidden(c('items'), 'items must be a schema object and not an array'));
  if (ctx.insideResourceMeta && s['x-kubernetes-embedded-resource']) {
    out.push(fieldError.forbidden(c('x-kubernetes-embedded-resource'), 'must not be used inside of resource meta'));
  }
  if (s.uniqueItems) out.push(fieldError.forbidden(c('uniqueItems'), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));

  if (s.additionalProperties !== undefined) {
    if (Object.keys(s.properties ?? {}).length && (s.additionalProperties === false || typeof s.additionalProperties === 'object')) {
      out.push(fieldError.forbidden(c('additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
    }
    if (typeof s.additionalProperties === 'object') {
      const sub = ctx.insideResourceMeta
        ? { ...ctx, allowDefaults: false, disallowDefaultsReason: 'inside additionalProperties applying to object metadata' }
        : ctx;
      openAPISchema(s.additionalProperties, c('additionalProperties'), sub, false, out);
    }
  }
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    let sub = ctx;
    if ((isRoot || s['x-kubernetes-embedded-resource']) && META_FIELDS.has(k)) {
      sub = { ...sub, insideResourceMeta: true };
      if (isRoot) sub = { ...sub, allowDefaults: false, disallowDefaultsReason: `in top-level ${k}` };
    }
    openAPISchema(v, path.key(c('properties'), k), sub, false, out);
  }
  if (s.not) openAPISchema(s.not, c('not'), ctx, false, out);
  s.allOf?.forEach((v, i) => openAPISchema(v, path.index(c('allOf'), i), ctx, false, out));
  s.oneOf?.forEach((v, i) => openAPISchema(v, path.index(c('oneOf'), i), ctx, false, out));
  s.anyOf?.forEach((v, i) => openAPISchema(v, path.index(c('anyOf'), i), ctx, false, out));
  const items = itemsOf(s);
  if (items) openAPISchema(items, c('items'), ctx, false, out);

  if (s['x-kubernetes-preserve-unknown-fields'] === false) {
    out.push(fieldError.invalid(c('x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
  }
  const mapType = s['x-kubernetes-map-type'];
  if (mapType !== undefined) {
    if (s.type !== 'object') {
      if (!s.type) out.push(fieldError.required(c('type'), 'must be object if x-kubernetes-map-type is specified'));
      else out.push(fieldError.invalid(c('type'), s.type, 'must be object if x-kubernetes-map-type is specified'));
    }
    if (mapType !== 'atomic' && mapType !== 'granular') out.push(fieldError.notSupported(c('x-kubernetes-map-type'), mapType, ['atomic', 'granular']));
  }
  listTypeRules(s, p, out);
  validationRules(s, p, out);
}

function listTypeRules(s: JSONSchemaProps, p: string, out: StatusCause[]): void {
  const c = (k: string): string => path.child(p, k);
  const listType = s['x-kubernetes-list-type'];
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  const items = itemsOf(s);
  if (listType !== undefined && s.type !== 'array') {
    if (!s.type) out.push(fieldError.required(c('type'), 'must be array if x-kubernetes-list-type is specified'));
    else out.push(fieldError.invalid(c('type'), s.type, 'must be array if x-kubernetes-list-type is specified'));
  } else if (listType === 'set' && items) {
    if (items.type === 'array' && items['x-kubernetes-list-type'] !== undefined && items['x-kubernetes-list-type'] !== 'atomic') {
      out.push(fieldError.invalid(path.child(c('items'), 'x-kubernetes-list-type'), items['x-kubernetes-list-type'], 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
    if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
      out.push(fieldError.invalid(path.child(c('items'), 'x-kubernetes-map-type'), items['x-kubernetes-map-type'] ?? '', 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
  }
  if (listType !== undefined && !['atomic', 'set', 'map'].includes(listType)) {
    out.push(fieldError.notSupported(c('x-kubernetes-list-type'), listType, ['atomic', 'set', 'map']));
  }
  if (keys.length > 0) {
    if (listType === undefined) out.push(fieldError.required(c('x-kubernetes-list-type'), 'must be map if x-kubernetes-list-map-keys is non-empty'));
    else if (listType !== 'map') out.push(fieldError.invalid(c('x-kubernetes-list-type'), listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  if (listType === 'map') {
    if (keys.length === 0) out.push(fieldError.required(c('x-kubernetes-list-map-keys'), 'must not be empty if x-kubernetes-list-type is map'));
    if (!s.items) out.push(fieldError.required(c('items'), 'must have a schema if x-kubernetes-list-type is map'));
    else if (!items) out.push(fieldError.invalid(c('items'), s.items, 'must only have a single schema if x-kubernetes-list-type is map'));
    else if (items.type !== 'object') {
      out.push(fieldError.invalid(path.child(c('items'), 'type'), items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    } else {
      const seen = new Set<string>();
      for (const k of keys) {
        const prop = items.properties?.[k];
        if (!prop) {
          out.push(fieldError.invalid(c('x-kubernetes-list-map-keys'), keys, 'entries must all be names of item properties'));
        } else if (prop.type === 'array' || prop.type === 'object') {
          out.push(fieldError.invalid(path.child(path.key(path.child(c('items'), 'properties'), k), 'type'), items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
        }
        if (seen.has(k)) out.push(fieldError.invalid(c('x-kubernetes-list-map-keys'), keys, 'must not contain duplicate entries'));
        seen.add(k);
      }
    }
  }
  if ((listType === 'set' || listType === 'map') && items) {
    if (items.nullable) out.push(fieldError.forbidden(path.child(c('items'), 'nullable'), `cannot be nullable when x-kubernetes-list-type is ${listType}`));
    if (listType === 'map') {
      const required = new Set(items.required ?? []);
      for (const k of keys) {
        const prop = items.properties?.[k];
        if (!prop) continue;
        const kp = path.key(path.child(c('items'), 'properties'), k);
        if (!required.has(k) && prop.default === undefined) {
          out.push(fieldError.required(path.child(kp, 'default'), 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
        }
        if (prop.nullable) out.push(fieldError.forbidden(path.child(kp, 'nullable'), 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
      }
    }
  }
}

/** CEL rules are kept for clients and OpenAPI but never evaluated here; only their shape is checked. */
function validationRules(s: JSONSchemaProps, p: string, out: StatusCause[]): void {
  (s['x-kubernetes-validations'] ?? []).forEach((rule, i) => {
    const rp = path.index(path.child(p, 'x-kubernetes-validations'), i);
    const msg = (rule.message ?? '').trim();
    if (!rule.rule.trim()) out.push(fieldError.required(path.child(rp, 'rule'), 'rule is not specified'));
    else if (rule.message !== undefined && rule.message.length > 0 && !msg) out.push(fieldError.invalid(path.child(rp, 'message'), rule.message, 'message must be non-empty if specified'));
    else if (/[\n\r]/.test(msg)) out.push(fieldError.invalid(path.child(rp, 'message'), rule.message, 'message must not contain line breaks'));
    else if (/[\n\r]/.test(rule.rule.trim()) && !msg) out.push(fieldError.required(path.child(rp, 'message'), 'message must be specified if rule contains line breaks'));
    if (rule.reason !== undefined && !['FieldValueRequired', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueDuplicate'].includes(rule.reason)) {
      out.push(fieldError.notSupported(path.child(rp, 'reason'), rule.reason, ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired']));
    }
  });
}

/** Each default must validate against its own schema (after its nested defaults apply) and survive pruning unchanged. */
function validateDefaults(s: JSONSchemaProps, p: string, isRoot: boolean, out: StatusCause[]): void {
  if (s.default !== undefined) {
    const dp = path.child(p, 'default');
    const value = structuredClone(s.default);
    applyDefaults(value, s, false);
    out.push(...validateAgainstSchema(s, value, { root: false, path: dp }));
    const pruned = structuredClone(s.default);
    pruneUnknownFields(pruned, s, { isResource: s['x-kubernetes-embedded-resource'] === true });
    if (!jsonEqual(pruned, s.default)) out.push(fieldError.invalid(dp, s.default, 'must not have unknown fields'));
  }
  const items = itemsOf(s);
  if (items) validateDefaults(items, path.child(p, 'items'), false, out);
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    // Defaults in the root's metadata, kind and apiVersion are refused earlier; ObjectMeta is not schema-validated.
    if (isRoot && META_FIELDS.has(k)) continue;
    validateDefaults(v, path.key(path.child(p, 'properties'), k), false, out);
  }
  if (typeof s.additionalProperties === 'object') validateDefaults(s.additionalProperties, path.child(p, 'additionalProperties'), false, out);
}
