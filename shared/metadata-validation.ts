import { errors, type StatusCause } from './status.js';

/**
 * ObjectMeta's typed fields, as Go decoding and ValidateObjectMeta enforce them. Without
 * this a label that is not a string reaches the store's label index, and an ownerReferences
 * that is not a list its owner index: both were 500s before (found by test/unit/security-fuzz).
 */

const NAME_PART = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?';
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

function goType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

function invalid(field: string, value: string, detail: string): StatusCause {
  return { type: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(value)}: ${detail}` };
}

/** A qualified name (`prefix/name`), as label and annotation keys must be. */
export function validateQualifiedName(key: string, field: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const [prefix, rest] = parts as [string, string];
    name = rest;
    if (prefix.length === 0) causes.push(invalid(field, key, 'prefix part must be non-empty'));
    else if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) {
      causes.push(invalid(field, key, `prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`));
    }
  } else if (parts.length > 2) {
    return [invalid(field, key, `a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '(${NAME_PART}\\/)?${NAME_PART}') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`)];
  }
  if (name.length === 0) causes.push(invalid(field, key, 'name part must be non-empty'));
  else if (name.length > 63) causes.push(invalid(field, key, 'name part must be no more than 63 characters'));
  if (name.length > 0 && !new RegExp(`^${NAME_PART}$`).test(name)) {
    causes.push(invalid(field, key, `name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${NAME_PART}')`));
  }
  return causes;
}

function stringMap(kind: string, version: string, meta: Record<string, unknown>, field: 'labels' | 'annotations'): Record<string, string> | undefined {
  const v = meta[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw errors.badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: json: cannot unmarshal ${goType(v)} into Go struct field ObjectMeta.metadata.${field} of type map[string]string`);
  }
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) {
    // Go decodes a JSON null into a string as "".
    if (value === null) out[k] = '';
    else if (typeof value === 'string') out[k] = value;
    else throw errors.badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: json: cannot unmarshal ${goType(value)} into Go struct field ObjectMeta.metadata.${field} of type string`);
  }
  return out;
}

/**
 * Checks and normalises metadata in place: type errors are 400s as Go's decoder words them,
 * invalid label and annotation keys and values 422 causes (returned).
 */
export function checkObjectMeta(kind: string, version: string, meta: Record<string, unknown>): StatusCause[] {
  const cannot = (field: string, v: unknown, want: string) =>
    errors.badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: json: cannot unmarshal ${goType(v)} into Go struct field ObjectMeta.metadata.${field} of type ${want}`);
  const labels = stringMap(kind, version, meta, 'labels');
  const annotations = stringMap(kind, version, meta, 'annotations');
  if (labels) meta.labels = labels;
  if (annotations) meta.annotations = annotations;
  const finalizers = meta.finalizers;
  if (finalizers !== undefined && finalizers !== null && !(Array.isArray(finalizers) && finalizers.every((f) => typeof f === 'string'))) {
    throw cannot('finalizers', Array.isArray(finalizers) ? finalizers.find((f) => typeof f !== 'string') : finalizers, Array.isArray(finalizers) ? 'string' : '[]string');
  }
  const owners = meta.ownerReferences;
  if (owners !== undefined && owners !== null) {
    if (!Array.isArray(owners)) throw cannot('ownerReferences', owners, '[]v1.OwnerReference');
    for (const o of owners) {
      if (typeof o !== 'object' || o === null || Array.isArray(o)) throw cannot('ownerReferences', o, 'v1.OwnerReference');
      for (const f of ['apiVersion', 'kind', 'name', 'uid']) {
        const v = (o as Record<string, unknown>)[f];
        if (v !== undefined && typeof v !== 'string') throw cannot(`ownerReferences.${f}`, v, 'string');
      }
    }
  }
  const causes: StatusCause[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    causes.push(...validateQualifiedName(k, 'metadata.labels'));
    if (v.length > 63) causes.push(invalid('metadata.labels', v, 'must be no more than 63 characters'));
    if (!new RegExp(`^${LABEL_VALUE}$`).test(v)) {
      causes.push(invalid('metadata.labels', v, `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '${LABEL_VALUE}')`));
    }
  }
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    causes.push(...validateQualifiedName(k.toLowerCase(), 'metadata.annotations'));
    size += k.length + v.length;
  }
  if (size > MAX_ANNOTATIONS_BYTES) {
    causes.push({ type: 'FieldValueTooLong', field: 'metadata.annotations', message: `Too long: must have at most ${MAX_ANNOTATIONS_BYTES} bytes` });
  }
  return causes;
}
