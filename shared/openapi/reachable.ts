import type { SchemaNode, SchemaSet } from './schema.js';

const DEFINITION_REF = /^#\/definitions\//;

function collectRefs(node: unknown, into: string[]): void {
  if (Array.isArray(node)) {
    for (const n of node) collectRefs(n, into);
  } else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') into.push(v.replace(DEFINITION_REF, ''));
      else collectRefs(v, into);
    }
  }
}

/**
 * The definitions `roots` name and everything they refer to, sorted by name (documents list
 * their schemas in a stable order, so equal inputs give byte-equal documents and ETags).
 */
export function reachableDefinitions(set: SchemaSet, roots: Iterable<string>): Record<string, SchemaNode> {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    const def = set.definitions[name];
    if (!def) continue;
    seen.add(name);
    collectRefs(def, queue);
  }
  const out: Record<string, SchemaNode> = {};
  for (const name of [...seen].sort()) out[name] = set.definitions[name]!;
  return out;
}
