import type { StatusCause } from '../status.js';

/**
 * kube's field.Error vocabulary, built for Karmada's admission: each helper returns one
 * StatusCause whose `field` is the path kubectl shows ("spec.placement.spreadConstraints[0]")
 * and whose message starts the way kube-apiserver's do ("Invalid value: ...").
 */

export function child(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** A value as kube's field errors print it: strings quoted, everything else as JSON. */
export function renderValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const json = JSON.stringify(value);
  // Whole objects make unreadable messages; the field path already says where to look.
  return json.length > 200 ? `${json.slice(0, 197)}...` : json;
}

export function invalid(field: string, value: unknown, detail: string): StatusCause {
  return { type: 'FieldValueInvalid', message: `Invalid value: ${renderValue(value)}: ${detail}`, field };
}

export function required(field: string, detail = ''): StatusCause {
  return { type: 'FieldValueRequired', message: detail ? `Required value: ${detail}` : 'Required value', field };
}

export function notSupported(field: string, value: unknown, supported: readonly string[]): StatusCause {
  const list = supported.map((s) => JSON.stringify(s)).join(', ');
  return { type: 'FieldValueNotSupported', message: `Unsupported value: ${renderValue(value)}: supported values: ${list}`, field };
}

export function duplicate(field: string, value: unknown): StatusCause {
  return { type: 'FieldValueDuplicate', message: `Duplicate value: ${renderValue(value)}`, field };
}

export function forbidden(field: string, detail: string): StatusCause {
  return { type: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field };
}

export function tooLong(field: string, max: number): StatusCause {
  return { type: 'FieldValueTooLong', message: `Too long: may not be more than ${max} bytes`, field };
}

export function typeInvalid(field: string, value: unknown, detail: string): StatusCause {
  return { type: 'FieldValueTypeInvalid', message: `Invalid value: ${renderValue(value)}: ${detail}`, field };
}
