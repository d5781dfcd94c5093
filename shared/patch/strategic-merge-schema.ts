import { resolveRef, type SchemaNode, type SchemaSet } from '../openapi/schema.js';
import { errors } from '../status.js';

/**
 * Where a strategic merge patch stands in the schema while it walks the data. `node` is
 * resolved (no `$ref`); undefined means "no schema here", where the patch degrades to JSON
 * merge patch semantics (maps merge, lists replace), as upstream does for unstructured data.
 */
export interface PatchSchema {
  set: SchemaSet;
  node: SchemaNode | undefined;
}

/** A field's x-kubernetes-patch-* metadata, as upstream's PatchMeta after extractRetainKeysPatchStrategy. */
export interface PatchMeta {
  /** '' (default: replace lists, merge maps), 'merge' or 'replace'. */
  strategy: '' | 'merge' | 'replace';
  /** Whether the field also carries the retainKeys strategy (only kubectl's diff uses it). */
  retainKeys: boolean;
  mergeKey: string;
}

const NO_META: PatchMeta = { strategy: '', retainKeys: false, mergeKey: '' };

function strategiesOf(raw: SchemaNode | undefined, resolved: SchemaNode | undefined): string[] {
  // The metadata sits beside the `$ref` in upstream's swagger; a definition may carry it too.
  const value = raw?.['x-kubernetes-patch-strategy'] ?? resolved?.['x-kubernetes-patch-strategy'];
  return typeof value === 'string' && value !== '' ? value.split(',').map((s) => s.trim()) : [];
}

/** Upstream's extractRetainKeysPatchStrategy: at most one real strategy plus retainKeys. */
function metaOf(raw: SchemaNode | undefined, resolved: SchemaNode | undefined): PatchMeta {
  const strategies = strategiesOf(raw, resolved);
  const mergeKey = String(raw?.['x-kubernetes-patch-merge-key'] ?? resolved?.['x-kubernetes-patch-merge-key'] ?? '');
  let retainKeys = false;
  let strategy = '';
  if (strategies.length === 1) {
    if (strategies[0] === 'retainKeys') retainKeys = true;
    else strategy = strategies[0]!;
  } else if (strategies.length === 2 && (strategies[0] === 'retainKeys' || strategies[1] === 'retainKeys')) {
    retainKeys = true;
    strategy = strategies[0] === 'retainKeys' ? strategies[1]! : strategies[0]!;
  } else if (strategies.length > 0) {
    throw errors.internal(`unexpected patch strategy: [${strategies.join(' ')}]`);
  }
  if (strategy !== '' && strategy !== 'merge' && strategy !== 'replace') {
    throw errors.internal(`unexpected patch strategy: [${strategies.join(' ')}]`);
  }
  return { strategy, retainKeys, mergeKey };
}

/** The unresolved schema of one key of an object: a declared property, else the map's value schema. */
function rawField(schema: PatchSchema, key: string): SchemaNode | undefined {
  const node = schema.node;
  if (!node) return undefined;
  const declared = node.properties?.[key];
  if (declared) return declared;
  return typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
}

/** The schema and patch metadata of a map-valued (or scalar) field. */
export function lookupField(schema: PatchSchema, key: string): { schema: PatchSchema; meta: PatchMeta } {
  const raw = rawField(schema, key);
  if (!raw) return { schema: { set: schema.set, node: undefined }, meta: NO_META };
  const resolved = resolveRef(schema.set, raw);
  return { schema: { set: schema.set, node: resolved }, meta: metaOf(raw, resolved) };
}

/** The schema of a list field's items and the list's patch metadata. */
export function lookupList(schema: PatchSchema, key: string): { items: PatchSchema; meta: PatchMeta } {
  const raw = rawField(schema, key);
  if (!raw) return { items: { set: schema.set, node: undefined }, meta: NO_META };
  const resolved = resolveRef(schema.set, raw);
  return { items: { set: schema.set, node: resolveRef(schema.set, resolved?.items) }, meta: metaOf(raw, resolved) };
}
