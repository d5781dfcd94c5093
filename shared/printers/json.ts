/**
 * Defensive readers for stored objects: printers must render whatever the store holds, so
 * a field of the wrong shape reads as unset instead of throwing. Upstream prints Go structs
 * whose unset fields are zero values; these give the same zero values.
 */
export type JsonObject = Record<string, unknown>;

export function obj(v: unknown): JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : {};
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function objs(v: unknown): JsonObject[] {
  return list(v).map(obj);
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** A Go int field: whole numbers truncate as int64 conversion does; anything else is 0. */
export function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0;
}

/** A Go pointer field: undefined when unset or null. */
export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

export function keyCount(v: unknown): number {
  return Object.keys(obj(v)).length;
}

/** printers.go printBool / printBoolPtr. */
export function printBoolPtr(v: unknown): string {
  if (typeof v !== 'boolean') return '<unset>';
  return v ? 'True' : 'False';
}
