import type { SchemaNode, SchemaSet } from '../openapi/schema.js';
import { errors } from '../status.js';
import {
  applyRetainKeys,
  badPatch,
  DELETE_FROM_PRIMITIVE_LIST_PREFIX,
  DIRECTIVE_MARKER,
  extractKey,
  freshFromPatch,
  has,
  isObject,
  messages,
  SET_ELEMENT_ORDER_PREFIX,
  setKey,
  unmergeable,
  type JsonObject,
} from './strategic-merge-directives.js';
import {
  elementKind,
  liveOrderAfterMerge,
  normalizeElementOrder,
  partitionByPresence,
  requireMergeKey,
  validatePatchWithSetOrderList,
} from './strategic-merge-order.js';
import { lookupField, lookupList, type PatchMeta, type PatchSchema } from './strategic-merge-schema.js';

/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), with the semantics of
 * k8s.io/apimachinery/pkg/util/strategicpatch's StrategicMergeMapPatch, driven entirely by
 * the schema's `x-kubernetes-patch-strategy` and `x-kubernetes-patch-merge-key`:
 *
 * - maps merge key by key, `null` deletes; `$patch: replace` / `$patch: delete` inside a map
 *   replace it with the rest of the patch map / empty it; `$retainKeys` clears unlisted keys;
 * - lists with strategy `merge` and a merge key merge item by item on that key (new items
 *   are added, `{$patch: delete, <key>: v}` removes, a `{$patch: replace}` item replaces the
 *   list); merge lists of scalars are unions, `$deleteFromPrimitiveList/<field>` removes;
 *   `$setElementOrder/<field>` fixes the order (what client-side `kubectl apply` sends);
 * - any other list is replaced whole (atomic), and where the schema says nothing (unknown
 *   fields, preserve-unknown-fields) the patch behaves like a JSON merge patch.
 *
 * Neither argument is mutated. Errors are ApiErrors: 400 for malformed directives, 422 for
 * patches that cannot be applied to this object, each with upstream's sentence.
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schema: { set: SchemaSet; root: SchemaNode }): unknown {
  if (!isObject(patch)) {
    throw errors.badRequest(`json: cannot unmarshal ${jsonKind(patch)} into Go value of type map[string]interface {}`);
  }
  const start = isObject(original) ? structuredClone(original) : {};
  return mergeMap(start, structuredClone(patch), { set: schema.set, node: schema.root }, '');
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v;
}

function join(field: string, key: string): string {
  return field ? `${field}.${key}` : key;
}

/** Merges `patch` into `original`, which it mutates and returns (both are private copies). */
function mergeMap(original: JsonObject, patch: JsonObject, schema: PatchSchema, field: string): JsonObject {
  if (has(patch, DIRECTIVE_MARKER)) {
    // `merge` is the default made explicit; upstream rejects it in maps, accepting it costs
    // nothing and matches the documented directive.
    if (patch[DIRECTIVE_MARKER] !== 'merge') return mapDirective(patch, field);
    delete patch[DIRECTIVE_MARKER];
  }
  applyRetainKeys(original, patch, field);
  applySetElementOrder(original, patch, schema, field);

  for (const [patchKey, patchValue] of Object.entries(patch)) {
    let key = patchKey;
    const isDeleteList = patchKey.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX);
    if (isDeleteList) key = extractKey(patchKey, DELETE_FROM_PRIMITIVE_LIST_PREFIX, join(field, patchKey));
    const at = join(field, key);

    if (patchValue === null) {
      delete original[key];
      continue;
    }
    const current = original[key];
    const bothMaps = isObject(current) && isObject(patchValue);
    const bothLists = Array.isArray(current) && Array.isArray(patchValue);
    if (!has(original, key) || (!bothMaps && !bothLists)) {
      // Nothing to merge with (or a value of another type): the patch's value, cleaned.
      if (isDeleteList) continue;
      const fresh = freshFromPatch(patchValue, at);
      if (fresh === undefined) delete original[key];
      else setKey(original, key, fresh);
      continue;
    }
    if (bothMaps) {
      const { schema: sub, meta } = lookupField(schema, key);
      setKey(original, key, meta.strategy === 'replace' ? (freshFromPatch(patchValue, at) ?? {}) : mergeMap(current, patchValue, sub, at));
    } else {
      const { items, meta } = lookupList(schema, key);
      setKey(original, key, mergeList(current as unknown[], patchValue as unknown[], items, meta, isDeleteList, at));
    }
  }
  return original;
}

/**
 * `$patch` inside a map: `replace` keeps only what the patch map says, `delete` empties it
 * (upstream's handleDirectiveInMergeMap).
 */
function mapDirective(patch: JsonObject, field: string): JsonObject {
  const directive = patch[DIRECTIVE_MARKER];
  if (directive === 'delete') return {};
  if (directive === 'replace') {
    const rest = { ...patch };
    delete rest[DIRECTIVE_MARKER];
    return (freshFromPatch(rest, field) as JsonObject | undefined) ?? {};
  }
  throw badPatch(field, messages.badPatchType(directive, patch));
}

function mergeList(original: unknown[], patch: unknown[], items: PatchSchema, meta: PatchMeta, isDeleteList: boolean, field: string): unknown[] {
  if (meta.strategy === 'merge') return mergeSlice(original, patch, items, meta.mergeKey, isDeleteList, field);
  if (isDeleteList) return original.filter((v) => !patch.includes(v));
  // Atomic list: the patch's list replaces it.
  return freshFromPatch(patch, field) as unknown[];
}

function mergeSlice(original: unknown[], patch: unknown[], items: PatchSchema, mergeKey: string, isDeleteList: boolean, field: string): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(field, original, patch)!;
  let server = original;
  let patchItems = patch;
  let merged: unknown[];
  if (kind === 'scalar') {
    if (isDeleteList) return original.filter((v) => !patch.includes(v));
    merged = [...new Set([...original, ...patch])];
  } else {
    if (isDeleteList) throw badPatch(field, messages.badPrimitiveList);
    if (!mergeKey) throw unmergeable(field, 'cannot merge lists without merge key for type struct');
    ({ server, patchItems } = applyListDirectives(original, patch, mergeKey, field));
    merged = mergeByKey(server, patchItems, items, mergeKey, field);
  }
  const { inPatch, serverOnly } = partitionByPresence(field, merged, patchItems, mergeKey, kind);
  return normalizeElementOrder(field, inPatch, serverOnly, patchItems, server, mergeKey, kind);
}

/**
 * `$patch` items of a merge list: `delete` removes every original item with that key,
 * `replace` makes the list exactly the patch's other items (upstream's
 * mergeSliceWithSpecialElements).
 */
function applyListDirectives(original: unknown[], patch: unknown[], mergeKey: string, field: string): { server: unknown[]; patchItems: unknown[] } {
  const plain: unknown[] = [];
  let server = original;
  let replace = false;
  for (const v of patch) {
    const item = v as JsonObject;
    if (!has(item, DIRECTIVE_MARKER)) {
      plain.push(item);
      continue;
    }
    const directive = item[DIRECTIVE_MARKER];
    if (directive === 'delete') {
      if (!has(item, mergeKey)) throw unmergeable(field, messages.noMergeKey(item, mergeKey));
      requireMaps(server, field);
      server = server.filter((o) => (o as JsonObject)[mergeKey] !== item[mergeKey]);
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw badPatch(field, messages.mergeListDirective);
    } else {
      throw badPatch(field, messages.badPatchType(directive, item));
    }
  }
  if (replace) return { server: plain.map((v, i) => freshFromPatch(v, `${field}[${i}]`)), patchItems: [] };
  return { server, patchItems: plain };
}

function requireMaps(list: unknown[], field: string): void {
  list.forEach((v, i) => {
    if (!isObject(v)) throw unmergeable(field, `value for key ${i} is not a map.`);
  });
}

/** Merges each patch item into the original item with the same key, or appends it. */
function mergeByKey(original: unknown[], patch: unknown[], items: PatchSchema, mergeKey: string, field: string): unknown[] {
  const out = [...original];
  requireMaps(out, field);
  for (const v of patch) {
    const item = v as JsonObject;
    if (!has(item, mergeKey)) throw unmergeable(field, messages.noMergeKey(item, mergeKey));
    const at = out.findIndex((o) => has(o as JsonObject, mergeKey) && (o as JsonObject)[mergeKey] === item[mergeKey]);
    if (at >= 0) out[at] = mergeMap(out[at] as JsonObject, item, items, `${field}[${at}]`);
    else out.push(freshFromPatch(item, `${field}[${out.length}]`));
  }
  return out;
}

/**
 * `$setElementOrder/<field>`: merges the named list now (with its patch list, if any) and
 * orders the result as the directive says, server-only items interleaved by their old
 * positions (upstream's mergePatchIntoOriginal). The list is then gone from the patch.
 */
function applySetElementOrder(original: JsonObject, patch: JsonObject, schema: PatchSchema, field: string): void {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    const setOrder = patch[directiveKey];
    delete patch[directiveKey];
    const key = extractKey(directiveKey, SET_ELEMENT_ORDER_PREFIX, join(field, directiveKey));
    const at = join(field, key);
    if (!Array.isArray(setOrder)) throw badPatch(at, messages.badArgType('list', setOrder));
    const foundOriginal = has(original, key);
    const foundPatch = has(patch, key);
    const originalList = original[key];
    const patchList = patch[key];
    if (foundOriginal && !Array.isArray(originalList)) throw unmergeable(at, messages.badArgType('list', originalList));
    if (foundPatch && !Array.isArray(patchList)) throw badPatch(at, messages.badArgType('list', patchList));
    if (!foundOriginal && !foundPatch) continue;
    const originalItems = (originalList as unknown[] | undefined) ?? [];
    const patchItems = (patchList as unknown[] | undefined) ?? [];
    const { items, meta } = lookupList(schema, key);
    validatePatchWithSetOrderList(at, patchItems, setOrder, meta.mergeKey);

    let merged: unknown[];
    if (!foundPatch) merged = originalItems;
    else if (!foundOriginal) merged = freshFromPatch(patchItems, at) as unknown[];
    else merged = mergeList(originalItems, patchItems, items, meta, false, at);
    delete patch[key];

    const kind = elementKind(at, originalItems, patchItems);
    // Ordering only means something for merge lists; an atomic list is the patch's own order.
    if (meta.strategy !== 'merge' || kind === undefined || (kind === 'map' && !meta.mergeKey)) {
      setKey(original, key, merged);
      continue;
    }
    if (kind === 'map') requireMergeKey(at, meta.mergeKey, setOrder);
    const { inPatch, serverOnly } = partitionByPresence(at, merged, setOrder, meta.mergeKey, kind);
    const serverOrder = kind === 'map' && foundOriginal && foundPatch ? liveOrderAfterMerge(originalItems, patchItems, meta.mergeKey) : originalItems;
    setKey(original, key, normalizeElementOrder(at, inPatch, serverOnly, setOrder, serverOrder, meta.mergeKey, kind));
  }
}
