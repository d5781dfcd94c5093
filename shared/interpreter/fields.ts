import { jsonEqual } from '../json-equal.js';
import type { KubeObject } from '../object.js';

/**
 * Typed reads of plain JSON objects. Karmada converts each object to its Go type first and
 * gives up on a field of the wrong type; these readers do the same by throwing
 * InterpretError, and treat a missing or null field as absent.
 */

export class InterpretError extends Error {
  override name = 'InterpretError';
}

export type JsonObject = Record<string, unknown>;

export function isRecord(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function valueAt(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (let i = 0; i < path.length; i++) {
    if (cur === undefined || cur === null) return undefined;
    if (!isRecord(cur)) throw new InterpretError(`.${path.slice(0, i).join('.')} is not an object`);
    cur = cur[path[i]!];
  }
  return cur === null ? undefined : cur;
}

export function recordAt(obj: unknown, ...path: string[]): JsonObject | undefined {
  const v = valueAt(obj, path);
  if (v === undefined) return undefined;
  if (!isRecord(v)) throw new InterpretError(`.${path.join('.')} is not an object`);
  return v;
}

export function arrayAt(obj: unknown, ...path: string[]): unknown[] | undefined {
  const v = valueAt(obj, path);
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new InterpretError(`.${path.join('.')} is not a list`);
  return v;
}

export function intAt(obj: unknown, ...path: string[]): number | undefined {
  const v = valueAt(obj, path);
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new InterpretError(`.${path.join('.')} is not an integer`);
  return v;
}

export function stringAt(obj: unknown, ...path: string[]): string | undefined {
  const v = valueAt(obj, path);
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new InterpretError(`.${path.join('.')} is not a string`);
  return v;
}

export function stringMapAt(obj: unknown, ...path: string[]): Record<string, string> | undefined {
  const v = recordAt(obj, ...path);
  if (v === undefined) return undefined;
  for (const [k, s] of Object.entries(v)) {
    if (typeof s !== 'string') throw new InterpretError(`.${[...path, k].join('.')} is not a string`);
  }
  return v as Record<string, string>;
}

/** An int32/int64 counter as Go reads it: absent is zero. */
export function countAt(obj: unknown, ...path: string[]): number {
  return intAt(obj, ...path) ?? 0;
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Sets a nested field, creating the objects on the way. */
export function setAt(obj: JsonObject, path: readonly string[], value: unknown): void {
  let cur = obj;
  for (const key of path.slice(0, -1)) {
    const next = cur[key];
    if (isRecord(next)) cur = next;
    else {
      const created: JsonObject = {};
      cur[key] = created;
      cur = created;
    }
  }
  cur[path[path.length - 1]!] = value;
}

/** RFC 3339 timestamps compare as instants; an unparsable one counts as absent. */
export function instant(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The object with this status; the same object when the status did not change, so callers can skip the write. */
export function withStatus(obj: KubeObject, status: JsonObject): KubeObject {
  return jsonEqual(obj.status, status) ? obj : { ...obj, status };
}

/**
 * Writes a counter the way Go's encoder would: fields tagged omitempty disappear at zero,
 * required ones stay.
 */
export function putCount(target: JsonObject, key: string, value: number, omitEmpty: boolean): void {
  if (omitEmpty && value === 0) delete target[key];
  else target[key] = value;
}
