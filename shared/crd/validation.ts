import { jsonEqual } from '../json-equal.js';
import type { StatusCause } from '../status.js';
import { fieldError, path } from './field-errors.js';
import type { JSONSchemaProps } from './types.js';

/**
 * The structural-schema validator for custom resources. workerd forbids generated code
 * (no eval, no new Function), so this walks the schema and the object together and
 * interprets each keyword, as kube-openapi's validator does; its messages are the ones
 * kube-apiserver returns ("spec.replicas in body should be greater than or equal to 1").
 *
 * `x-kubernetes-validations` (CEL rules) are accepted in schemas but not evaluated: there is
 * no CEL interpreter that runs in workerd, so those rules are not enforced.
 */
export function validateAgainstSchema(schema: JSONSchemaProps, obj: unknown, opts: { root?: boolean; path?: string } = {}): StatusCause[] {
  const causes: StatusCause[] = [];
  validateNode(obj, schema, opts.path ?? '', causes, opts.root ?? true);
  return causes;
}

/** The JSON type name kube-openapi reports for a value ("integer" for whole numbers). */
export function jsonTypeOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'object';
  return typeof v; // string | boolean
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeMatches(type: string, v: unknown): boolean {
  const actual = jsonTypeOf(v);
  if (type === 'number') return actual === 'number' || actual === 'integer';
  return actual === type;
}

const regexCache = new Map<string, RegExp | string>();

/**
 * A schema `pattern` as a RegExp, or the reason it is not one. Patterns are RE2 upstream;
 * the common subset reads the same in JavaScript, and RE2's leading flag groups ((?i), (?s),
 * (?m)) become RegExp flags. Compiled once per pattern per isolate (plain values only).
 */
export function compilePattern(pattern: string): RegExp | string {
  let hit = regexCache.get(pattern);
  if (hit === undefined) {
    const m = /^\(\?([ims]+)\)/.exec(pattern);
    const source = m ? pattern.slice(m[0].length) : pattern;
    const flags = m ? [...new Set(m[1]!)].join('') : '';
    try {
      hit = new RegExp(source, `${flags}u`);
    } catch {
      try {
        hit = new RegExp(source, flags);
      } catch (e) {
        hit = (e as Error).message;
      }
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, hit);
  }
  return hit;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const FORMATS: Record<string, (s: string) => boolean> = {
  'date-time': (s) => /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s.replace(' ', 'T'))),
  datetime: (s) => FORMATS['date-time']!(s),
  date: (s) => /^\d{4}-\d\d-\d\d$/.test(s) && !Number.isNaN(Date.parse(s)),
  uuid: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid3: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid4: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  uuid5: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  ipv4: (s) => IPV4.test(s),
  ipv6: (s) => s.includes(':') && /^[0-9a-f:.]+$/i.test(s) && s.split('::').length <= 2,
  cidr: (s) => {
    const [ip, bits, extra] = s.split('/');
    if (extra !== undefined || bits === undefined || !/^\d+$/.test(bits)) return false;
    return IPV4.test(ip!) ? Number(bits) <= 32 : FORMATS.ipv6!(ip!) && Number(bits) <= 128;
  },
  mac: (s) => /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(s),
  byte: (s) => /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0,
  hostname: (s) => s.length <= 255 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i.test(s),
  duration: (s) => /^(-?\d+(\.\d+)?\s*(ns|us|µs|ms|s|m|h|d|w)\s*)+$/.test(s),
};

function inBody(p: string): string {
  return `${p} in body`;
}

function validateNode(v: unknown, s: JSONSchemaProps, p: string, out: StatusCause[], root: boolean): void {
  if (v === null || v === undefined) {
    if (s.nullable) return;
    // Without a type (preserve-unknown-fields), anything goes, null included.
    if (s.type) out.push(fieldError.typeInvalid(p, 'null', `${inBody(p)} must be of type ${s.type}: "null"`));
    else if (s['x-kubernetes-int-or-string']) out.push(fieldError.typeInvalid(p, 'null', `${inBody(p)} must be of type integer,string: "null"`));
    return;
  }
  if (s['x-kubernetes-int-or-string']) {
    const t = jsonTypeOf(v);
    if (t !== 'integer' && t !== 'string') {
      out.push(fieldError.typeInvalid(p, t, `${inBody(p)} must be of type integer,string: ${JSON.stringify(t)}`));
      return;
    }
  } else if (s.type && !typeMatches(s.type, v)) {
    const t = jsonTypeOf(v);
    out.push(fieldError.typeInvalid(p, t, `${inBody(p)} must be of type ${s.type}: ${JSON.stringify(t)}`));
    return;
  }

  if (s.enum && !s.enum.some((e) => jsonEqual(e, v))) out.push(fieldError.notSupported(p, v, s.enum));

  if (typeof v === 'string') validateString(v, s, p, out);
  else if (typeof v === 'number') validateNumber(v, s, p, out);
  else if (Array.isArray(v)) validateArray(v, s, p, out);
  else if (isPlainObject(v)) validateObject(v, s, p, out, root);

  validateJunctors(v, s, p, out, root);
}

function validateString(v: string, s: JSONSchemaProps, p: string, out: StatusCause[]): void {
  const length = [...v].length;
  if (s.maxLength !== undefined && length > s.maxLength) out.push(fieldError.tooLong(p, s.maxLength));
  if (s.minLength !== undefined && length < s.minLength) {
    out.push(fieldError.invalid(p, v, `${inBody(p)} should be at least ${s.minLength} chars long`));
  }
  if (s.pattern !== undefined) {
    const re = compilePattern(s.pattern);
    if (typeof re !== 'string' && !re.test(v)) out.push(fieldError.invalid(p, v, `${inBody(p)} should match '${s.pattern}'`));
  }
  if (s.format && FORMATS[s.format] && !FORMATS[s.format]!(v)) {
    out.push(fieldError.typeInvalid(p, v, `${inBody(p)} must be of type ${s.format}: ${JSON.stringify(v)}`));
  }
}

function validateNumber(v: number, s: JSONSchemaProps, p: string, out: StatusCause[]): void {
  if (s.maximum !== undefined) {
    if (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum) {
      out.push(fieldError.invalid(p, v, `${inBody(p)} should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}`));
    }
  }
  if (s.minimum !== undefined) {
    if (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum) {
      out.push(fieldError.invalid(p, v, `${inBody(p)} should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`));
    }
  }
  if (s.multipleOf !== undefined && s.multipleOf > 0) {
    const q = v / s.multipleOf;
    if (Math.abs(q - Math.round(q)) > 1e-9) out.push(fieldError.invalid(p, v, `${inBody(p)} should be a multiple of ${s.multipleOf}`));
  }
  if (s.type === 'integer' && s.format === 'int32' && (v > 2147483647 || v < -2147483648)) {
    out.push(fieldError.invalid(p, v, `${inBody(p)} should be a valid int32`));
  }
}

function itemSchema(s: JSONSchemaProps): JSONSchemaProps | undefined {
  return s.items && !Array.isArray(s.items) ? s.items : undefined;
}

function validateArray(v: unknown[], s: JSONSchemaProps, p: string, out: StatusCause[]): void {
  if (s.maxItems !== undefined && v.length > s.maxItems) out.push(fieldError.tooMany(p, v.length, s.maxItems));
  if (s.minItems !== undefined && v.length < s.minItems) {
    out.push(fieldError.invalid(p, v.length, `${inBody(p)} should have at least ${s.minItems} items`));
  }
  const listType = s['x-kubernetes-list-type'];
  if (s.uniqueItems || listType === 'set') {
    for (let i = 0; i < v.length; i++) {
      if (v.slice(0, i).some((x) => jsonEqual(x, v[i]))) out.push(fieldError.duplicate(path.index(p, i), v[i]));
    }
  }
  if (listType === 'map') {
    const keys = s['x-kubernetes-list-map-keys'] ?? [];
    const items = itemSchema(s);
    const seen: Record<string, unknown>[] = [];
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      if (!isPlainObject(item)) continue;
      const key: Record<string, unknown> = {};
      for (const k of keys) {
        // A key the item leaves out takes its default, as upstream's map-list keys do.
        key[k] = item[k] !== undefined ? item[k] : items?.properties?.[k]?.default;
      }
      if (seen.some((x) => jsonEqual(x, key))) out.push(fieldError.duplicate(path.index(p, i), key));
      else seen.push(key);
    }
  }
  const items = itemSchema(s);
  if (items) v.forEach((x, i) => validateNode(x, items, path.index(p, i), out, false));
}

function validateObject(v: Record<string, unknown>, s: JSONSchemaProps, p: string, out: StatusCause[], root: boolean): void {
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  const keys = Object.keys(v);
  if (s.maxProperties !== undefined && keys.length > s.maxProperties) {
    out.push(fieldError.tooMany(p, keys.length, s.maxProperties));
  }
  if (s.minProperties !== undefined && keys.length < s.minProperties) {
    out.push(fieldError.invalid(p, keys.length, `${inBody(p)} should have at least ${s.minProperties} properties`));
  }
  for (const r of s.required ?? []) {
    if (!(r in v) || v[r] === undefined) out.push(fieldError.required(path.child(p, r)));
  }
  if (embedded) {
    for (const k of ['apiVersion', 'kind']) {
      if (typeof v[k] !== 'string' || v[k] === '') out.push(fieldError.required(path.child(p, k), 'must not be empty'));
    }
    if (v.metadata !== undefined && !isPlainObject(v.metadata)) {
      out.push(fieldError.typeInvalid(path.child(p, 'metadata'), jsonTypeOf(v.metadata), `${inBody(path.child(p, 'metadata'))} must be of type object: ${JSON.stringify(jsonTypeOf(v.metadata))}`));
    }
  }
  for (const [k, value] of Object.entries(v)) {
    const child = path.child(p, k);
    // ObjectMeta has its own rules (validated by the API); a schema may only narrow name and generateName.
    if ((root || embedded) && k === 'metadata') {
      validateMetadataNames(value, s.properties?.metadata, child, out);
      continue;
    }
    const prop = s.properties?.[k];
    if (prop) validateNode(value, prop, child, out, false);
    else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
      validateNode(value, s.additionalProperties, path.key(p, k), out, false);
    }
  }
}

function validateMetadataNames(meta: unknown, s: JSONSchemaProps | undefined, p: string, out: StatusCause[]): void {
  if (!s?.properties || !isPlainObject(meta)) return;
  for (const k of ['name', 'generateName']) {
    const sub = s.properties[k];
    if (sub && meta[k] !== undefined) validateNode(meta[k], sub, path.child(p, k), out, false);
  }
}

/** allOf/anyOf/oneOf/not: value validations only (structural schemas forbid types in them). */
function validateJunctors(v: unknown, s: JSONSchemaProps, p: string, out: StatusCause[], root: boolean): void {
  const passes = (sub: JSONSchemaProps): boolean => {
    const errs: StatusCause[] = [];
    validateNode(v, sub, p, errs, root);
    return errs.length === 0;
  };
  for (const sub of s.allOf ?? []) validateNode(v, sub, p, out, root);
  // The int-or-string idiom (anyOf: [{type: integer}, {type: string}]) is already the type check.
  const anyOf = s['x-kubernetes-int-or-string'] ? (s.anyOf ?? []).filter((x) => x.type !== 'integer' && x.type !== 'string') : (s.anyOf ?? []);
  if (anyOf.length && !anyOf.some(passes)) {
    out.push(fieldError.invalid(p, v, `${inBody(p)} must validate at least one schema (anyOf)`));
  }
  if (s.oneOf?.length) {
    const n = s.oneOf.filter(passes).length;
    if (n !== 1) {
      out.push(fieldError.invalid(p, v, `${inBody(p)} must validate one and only one schema (oneOf)${n === 0 ? '. Found none valid' : ''}`));
    }
  }
  if (s.not && passes(s.not)) out.push(fieldError.invalid(p, v, `${inBody(p)} must not validate the schema (not)`));
}
