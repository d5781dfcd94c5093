import { path } from './field-errors.js';
import type { JSONSchemaProps } from './types.js';

/** Fields every resource (the root, and each x-kubernetes-embedded-resource) keeps whatever its schema says. */
const RESOURCE_META = new Set(['apiVersion', 'kind', 'metadata']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Drops every field the structural schema does not specify, in place, as upstream's pruning
 * does on every write: below `x-kubernetes-preserve-unknown-fields` unknown fields stay
 * (known ones are still pruned inside). Returns the pruned paths, which is what
 * `fieldValidation=Strict|Warn` reports as unknown fields.
 */
export function pruneUnknownFields(obj: unknown, schema: JSONSchemaProps | undefined, opts: { isResource?: boolean } = {}): string[] {
  const pruned: string[] = [];
  if (schema) pruneNode(obj, schema, '', pruned, opts.isResource ?? true);
  return pruned;
}

function pruneNode(v: unknown, s: JSONSchemaProps, p: string, pruned: string[], isResource: boolean): void {
  if (Array.isArray(v)) {
    const items = s.items && !Array.isArray(s.items) ? s.items : undefined;
    // Structural schemas require `items` on every array; without one (a preserved subtree) nothing is pruned.
    if (items) v.forEach((x, i) => pruneNode(x, items, path.index(p, i), pruned, items['x-kubernetes-embedded-resource'] === true));
    return;
  }
  if (!isPlainObject(v)) return;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const additional = s.additionalProperties;
  for (const k of Object.keys(v)) {
    const child = path.child(p, k);
    // The root's metadata is ObjectMeta, which the API handles; an embedded one is kept whole.
    if (isResource && RESOURCE_META.has(k)) continue;
    const prop = s.properties?.[k];
    if (prop) {
      pruneNode(v[k], prop, child, pruned, prop['x-kubernetes-embedded-resource'] === true);
    } else if (additional && typeof additional === 'object') {
      // Upstream names map entries like fields (labels.app), not like list items.
      pruneNode(v[k], additional, child, pruned, additional['x-kubernetes-embedded-resource'] === true);
    } else if (additional === true || preserve) {
      continue;
    } else {
      delete v[k];
      pruned.push(child);
    }
  }
}

