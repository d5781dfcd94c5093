import type { z } from 'zod';
import type { KubeObject } from '../object.js';
import type { StatusCause } from '../status.js';
import { invalid, notSupported, required, tooLong, typeInvalid } from './field-errors.js';

/**
 * What kube-apiserver does with a CRD's structural schema, done with the kind's zod
 * schema: unknown fields are pruned, defaults filled in, and type, enum, required and
 * bound violations reported as field errors in kube's words.
 */

type Issue = z.core.$ZodIssue;

function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const expectedNames: Record<string, string> = { int: 'integer', record: 'object', map: 'object' };

/** Just what the walk below reads of zod's schema definitions. */
interface Def {
  type: string;
  format?: string;
  innerType?: { _zod: { def: Def } };
  element?: { _zod: { def: Def } };
  valueType?: { _zod: { def: Def } };
  shape?: Record<string, { _zod: { def: Def } }>;
}

/**
 * The schema at a path, seen through optional/default/nullable wrappers, to tell an integer
 * field from a number one (zod reports both as "number" when the input is no number at all).
 */
function defAt(schema: z.ZodType, path: readonly PropertyKey[]): Def | undefined {
  let def: Def | undefined = (schema as unknown as { _zod: { def: Def } })._zod.def;
  const unwrap = () => {
    while (def && def.innerType && ['optional', 'default', 'nullable', 'prefault'].includes(def.type)) def = def.innerType._zod.def;
  };
  unwrap();
  for (const seg of path) {
    if (!def) return undefined;
    if (def.type === 'object' && typeof seg === 'string') def = def.shape?.[seg]?._zod.def;
    else if (def.type === 'array') def = def.element?._zod.def;
    else if (def.type === 'record') def = def.valueType?._zod.def;
    else return undefined;
    unwrap();
  }
  return def;
}

function expectedName(schema: z.ZodType, issue: Issue & { code: 'invalid_type' }): string {
  const def = defAt(schema, issue.path);
  if (def?.type === 'number' && def.format && /int/.test(def.format)) return 'integer';
  return expectedNames[issue.expected] ?? issue.expected;
}

function causeOf(schema: z.ZodType, issue: Issue, input: unknown): StatusCause {
  const field = fieldPath(issue.path);
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined) return required(field);
      const expected = expectedName(schema, issue);
      const got = jsonType(value);
      return typeInvalid(field, got, `${field} in body must be of type ${expected}: ${JSON.stringify(got)}`);
    }
    case 'invalid_value':
      return notSupported(field, value, issue.values.map((v) => String(v)));
    case 'too_small':
      if (issue.origin === 'array') return invalid(field, Array.isArray(value) ? value.length : value, `${field} in body should have at least ${String(issue.minimum)} items`);
      if (issue.origin === 'string') return invalid(field, value, `${field} in body should be at least ${String(issue.minimum)} chars long`);
      return invalid(field, value, `${field} in body should be greater than or equal to ${String(issue.minimum)}`);
    case 'too_big':
      if (issue.origin === 'string') return tooLong(field, Number(issue.maximum));
      if (issue.origin === 'array') return invalid(field, Array.isArray(value) ? value.length : value, `${field} in body should have at most ${String(issue.maximum)} items`);
      return invalid(field, value, `${field} in body should be less than or equal to ${String(issue.maximum)}`);
    case 'invalid_union':
      return invalid(field, value, `${field} in body must be an integer or a string`);
    default:
      return invalid(field, value, issue.message);
  }
}

export type StructuralResult = { ok: true; value: KubeObject } | { ok: false; causes: StatusCause[] };

/** Prunes, defaults and type-checks `obj` against a kind's schema. */
export function checkStructure(schema: z.ZodType, obj: KubeObject): StructuralResult {
  const parsed = schema.safeParse(obj);
  if (parsed.success) return { ok: true, value: parsed.data as KubeObject };
  return { ok: false, causes: parsed.error.issues.map((i) => causeOf(schema, i, obj)) };
}
