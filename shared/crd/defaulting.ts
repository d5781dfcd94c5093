import type { JSONSchemaProps } from './types.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonNullableNull(v: unknown, s: JSONSchemaProps | undefined): boolean {
  return v === null && s !== undefined && !s.nullable;
}

function schemaFor(s: JSONSchemaProps, key: string): JSONSchemaProps | undefined {
  const prop = s.properties?.[key];
  if (prop) return prop;
  return typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
}

/**
 * A `null` for a field that is not nullable and has no default is dropped rather than
 * refused, as upstream does before defaulting (clients that serialise unset fields as null
 * would otherwise fail validation). Object fields only: nulls in lists stay and fail.
 */
export function pruneNonNullableNulls(v: unknown, s: JSONSchemaProps | undefined, isRoot = true): void {
  if (!s) return;
  if (Array.isArray(v)) {
    const items = s.items && !Array.isArray(s.items) ? s.items : undefined;
    for (const x of v) pruneNonNullableNulls(x, items, false);
    return;
  }
  if (!isPlainObject(v)) return;
  for (const k of Object.keys(v)) {
    if (isRoot && k === 'metadata') continue;
    const sub = schemaFor(s, k);
    if (!sub) continue;
    if (isNonNullableNull(v[k], sub) && sub.default === undefined) delete v[k];
    else pruneNonNullableNulls(v[k], sub, false);
  }
}

/**
 * Applies the schema's `default`s in place, as upstream's structural defaulting: a missing
 * (or non-nullable null) property takes its default, deep-copied, and defaulting continues
 * inside defaulted values, so nested defaults of a defaulted object apply too. Upstream
 * defaults on every write (request decoding) and on every read (decoding from storage).
 */
export function applyDefaults(v: unknown, s: JSONSchemaProps | undefined, isRoot = true): void {
  if (!s) return;
  if (Array.isArray(v)) {
    const items = s.items && !Array.isArray(s.items) ? s.items : undefined;
    if (!items) return;
    for (let i = 0; i < v.length; i++) {
      if (isNonNullableNull(v[i], items) && items.default !== undefined) v[i] = structuredClone(items.default);
      applyDefaults(v[i], items, false);
    }
    return;
  }
  if (!isPlainObject(v)) return;
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    // Defaults are forbidden inside the root's metadata; never invent ObjectMeta fields.
    if (isRoot && k === 'metadata') continue;
    if (prop.default === undefined) continue;
    if (!(k in v) || v[k] === undefined || isNonNullableNull(v[k], prop)) v[k] = structuredClone(prop.default);
  }
  for (const k of Object.keys(v)) {
    if (isRoot && k === 'metadata') continue;
    const prop = s.properties?.[k];
    if (prop) {
      applyDefaults(v[k], prop, false);
    } else if (typeof s.additionalProperties === 'object') {
      const ap = s.additionalProperties;
      if (isNonNullableNull(v[k], ap) && ap.default !== undefined) v[k] = structuredClone(ap.default);
      applyDefaults(v[k], ap, false);
    }
  }
}
