import type { KubeObject } from '../object.js';
import type { OverriderItem } from './overrider.js';

/** labelsOverrider and annotationsOverrider entries share one shape. */
export type LabelAnnotationOverrider = OverriderItem<'labelsOverrider'>;

function setOwn(map: Record<string, unknown>, key: string, value: string): void {
  // A plain assignment to '__proto__' would change the map's prototype instead of adding a key.
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}

function isStringMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Karmada's label and annotation semantics: `add` sets every key (overwriting an existing
 * value, creating the map when the object has none); `replace` and `remove` touch only keys
 * the object already has, silently skipping the others, and never create the map.
 */
export function overrideMetadataMap(manifest: KubeObject, field: 'labels' | 'annotations', overrider: LabelAnnotationOverrider): KubeObject {
  const entries = Object.entries(overrider.value ?? {});
  if (entries.length === 0) return manifest;
  const current = manifest.metadata?.[field];
  const present = isStringMap(current);
  if (overrider.operator !== 'add' && (!present || !entries.some(([k]) => Object.prototype.hasOwnProperty.call(current, k)))) {
    return manifest;
  }
  const out = structuredClone(manifest);
  out.metadata ??= {};
  const map: Record<string, unknown> = present ? (out.metadata[field] as Record<string, unknown>) : {};
  out.metadata[field] = map as Record<string, string>;
  for (const [key, value] of entries) {
    const has = Object.prototype.hasOwnProperty.call(map, key);
    if (overrider.operator === 'add' || (overrider.operator === 'replace' && has)) setOwn(map, key, value);
    else if (overrider.operator === 'remove' && has) delete map[key];
  }
  return out;
}
