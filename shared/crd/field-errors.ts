import type { StatusCause } from '../status.js';

/**
 * Field paths and field errors worded as apimachinery's field.Path and field.Error render
 * them, so a 422 for a custom resource or a CRD reads exactly like kube-apiserver's.
 */
export const path = {
  child: (base: string, ...names: string[]): string => names.reduce((p, n) => (p ? `${p}.${n}` : n), base),
  index: (base: string, i: number): string => `${base}[${i}]`,
  key: (base: string, k: string): string => `${base}[${k}]`,
};

/** A bad value as Go's field errors print it: strings quoted, numbers and booleans bare, the rest as JSON. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '"null"';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function cause(type: string, field: string, message: string): StatusCause {
  return { type, message, field };
}

function withDetail(head: string, detail: string): string {
  return detail ? `${head}: ${detail}` : head;
}

export const fieldError = {
  required: (field: string, detail = ''): StatusCause => cause('FieldValueRequired', field, withDetail('Required value', detail)),
  forbidden: (field: string, detail: string): StatusCause => cause('FieldValueForbidden', field, withDetail('Forbidden', detail)),
  invalid: (field: string, value: unknown, detail: string): StatusCause =>
    cause('FieldValueInvalid', field, withDetail(`Invalid value: ${goValue(value)}`, detail)),
  typeInvalid: (field: string, value: unknown, detail: string): StatusCause =>
    cause('FieldValueTypeInvalid', field, withDetail(`Invalid value: ${goValue(value)}`, detail)),
  notSupported: (field: string, value: unknown, supported: unknown[]): StatusCause =>
    cause(
      'FieldValueNotSupported',
      field,
      withDetail(`Unsupported value: ${goValue(value)}`, supported.length ? `supported values: ${supported.map(goValue).join(', ')}` : ''),
    ),
  duplicate: (field: string, value: unknown): StatusCause => cause('FieldValueDuplicate', field, `Duplicate value: ${goValue(value)}`),
  tooLong: (field: string, max: number): StatusCause =>
    cause('FieldValueTooLong', field, `Too long: may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}`),
  tooMany: (field: string, actual: number, max: number): StatusCause =>
    cause('FieldValueTooMany', field, `Too many: ${actual}: must have at most ${max} items`),
};
