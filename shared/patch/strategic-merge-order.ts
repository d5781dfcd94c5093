import {
  DIRECTIVE_MARKER,
  goFormat,
  has,
  isObject,
  messages,
  SET_ELEMENT_ORDER_PREFIX,
  unmergeable,
  badPatch,
  type JsonObject,
} from './strategic-merge-directives.js';

/**
 * List ordering for strategic merge patch, after upstream's design
 * (design-proposals-archive/cli/preserve-order-in-strategic-merge-patch.md): items the patch
 * mentions follow the patch's order (or `$setElementOrder`'s), items only the server has
 * keep their relative order, and the two are interleaved by the server's order.
 */

export type ElementKind = 'map' | 'scalar';

function kindName(v: unknown): string {
  if (Array.isArray(v)) return 'list';
  if (isObject(v)) return 'map';
  return v === null ? 'null' : typeof v;
}

/**
 * The one element type shared by every item of the lists (upstream's sliceElementType);
 * undefined when they are all empty.
 */
export function elementKind(field: string, ...lists: unknown[][]): ElementKind | undefined {
  let seen: string | undefined;
  for (const list of lists) {
    for (const item of list) {
      const k = kindName(item);
      if (k === 'list') throw unmergeable(field, messages.listOfLists);
      if (seen === undefined) seen = k;
      else if (seen !== k) throw unmergeable(field, `list element types are not identical: ${goFormat(lists)}`);
    }
  }
  if (seen === undefined) return undefined;
  return seen === 'map' ? 'map' : 'scalar';
}

function keyValue(item: unknown, mergeKey: string, kind: ElementKind): unknown {
  if (kind !== 'map') return item;
  return isObject(item) ? item[mergeKey] : undefined;
}

function indexIn(list: unknown[], item: unknown, mergeKey: string, kind: ElementKind): number {
  const want = keyValue(item, mergeKey, kind);
  return list.findIndex((v) => keyValue(v, mergeKey, kind) === want);
}

/** Every item must be a map carrying the merge key. */
export function requireMergeKey(field: string, mergeKey: string, ...lists: unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isObject(item)) throw unmergeable(field, messages.badArgType('map', item));
      if (!has(item, mergeKey)) throw unmergeable(field, messages.noMergeKey(item, mergeKey));
    }
  }
}

/** Splits list items into those with `$patch: delete` and the rest. */
export function splitDeletions(field: string, list: unknown[]): { keep: unknown[]; deletions: unknown[] } {
  const keep: unknown[] = [];
  const deletions: unknown[] = [];
  for (const v of list) {
    if (!isObject(v)) throw unmergeable(field, messages.badArgType('map', v));
    (v[DIRECTIVE_MARKER] === 'delete' ? deletions : keep).push(v);
  }
  return { keep, deletions };
}

/** Sorts `toSort` by the position of each item in `order` (stable; deletions last). */
function sortByOrder(field: string, toSort: unknown[], order: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  let items = toSort;
  let deletions: unknown[] = [];
  if (kind === 'map') {
    requireMergeKey(field, mergeKey, toSort, order);
    ({ keep: items, deletions } = splitDeletions(field, toSort));
  }
  const positioned = items.map((item, i) => ({ item, i, at: indexIn(order, item, mergeKey, kind) }));
  // Every item is found in `order` wherever upstream sorts, so the comparison is total.
  positioned.sort((a, b) => (a.at >= 0 && b.at >= 0 ? a.at - b.at : a.i - b.i));
  return [...positioned.map((p) => p.item), ...deletions];
}

/**
 * Interleaves the sorted server-only items into the sorted patch items: a server-only item
 * goes before a patch item only when the server's list has it earlier (upstream's
 * mergeSortedSlice), so new items the patch brings without an order come first.
 */
function mergeSorted(serverOnly: unknown[], patchItems: unknown[], serverOrder: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patchItems.length) {
    if (j >= patchItems.length) out.push(serverOnly[i++]);
    else if (i >= serverOnly.length) out.push(patchItems[j++]);
    else {
      const li = indexIn(serverOrder, serverOnly[i], mergeKey, kind);
      const ri = indexIn(serverOrder, patchItems[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]);
      else out.push(patchItems[j++]);
    }
  }
  return out;
}

/** Items of `merged` that `by` mentions (by merge key, or by value for scalars), and the rest. */
export function partitionByPresence(
  field: string,
  merged: unknown[],
  by: unknown[],
  mergeKey: string,
  kind: ElementKind,
): { inPatch: unknown[]; serverOnly: unknown[] } {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  if (kind === 'map') requireMergeKey(field, mergeKey, merged);
  for (const v of merged) {
    const found = kind === 'map' ? by.some((p) => isObject(p) && p[mergeKey] === (v as JsonObject)[mergeKey]) : by.includes(v);
    (found ? inPatch : serverOnly).push(v);
  }
  return { inPatch, serverOnly };
}

/** Upstream's normalizeElementOrder: patch items by `patchOrder`, the rest by `serverOrder`, then interleaved. */
export function normalizeElementOrder(
  field: string,
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: ElementKind,
): unknown[] {
  const sortedPatch = sortByOrder(field, patchItems, patchOrder, mergeKey, kind);
  const sortedServer = sortByOrder(field, serverOnly, serverOrder, mergeKey, kind);
  return mergeSorted(sortedServer, sortedPatch, serverOrder, mergeKey, kind);
}

function mergeKeyEqual(field: string, left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isObject(left)) throw unmergeable(field, messages.badArgType('map', left));
  if (!isObject(right)) throw unmergeable(field, messages.badArgType('map', right));
  if (!has(left, mergeKey)) throw unmergeable(field, messages.noMergeKey(left, mergeKey));
  if (!has(right, mergeKey)) throw unmergeable(field, messages.noMergeKey(right, mergeKey));
  return left[mergeKey] === right[mergeKey];
}

/**
 * The patch list's items (deletions aside) must appear in `$setElementOrder` and in the
 * same relative order (upstream's validatePatchWithSetOrderList).
 */
export function validatePatchWithSetOrderList(field: string, patchList: unknown[], setOrder: unknown[], mergeKey: string): void {
  if (setOrder.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? splitDeletions(field, patchList).keep : patchList;
  let p = 0;
  let s = 0;
  while (p < items.length && s < setOrder.length) {
    const item = items[p];
    if (isObject(item) && has(item, DIRECTIVE_MARKER)) {
      p++;
      continue;
    }
    if (mergeKeyEqual(field, item, setOrder[s], mergeKey)) p++;
    s++;
  }
  if (p < items.length) {
    throw badPatch(field, `the order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goFormat(setOrder)}`);
  }
}

function sameKey(item: unknown, other: JsonObject, mergeKey: string): boolean {
  return isObject(item) && has(item, mergeKey) && item[mergeKey] === other[mergeKey];
}

/**
 * The live list as upstream sees it when `$setElementOrder` interleaves server-only items.
 * Upstream merges a list in place: `$patch: delete` items shift the remaining items left
 * inside the live list's backing array, and items the patch adds are appended into the slots
 * that frees; its ordering step then reads that array, not the list as it was. Which side of
 * a server-only item a new item lands on depends on it, so this replays those writes: same
 * length as `live`, deletions shifted out (stale tail kept), additions written into the
 * freed tail until it is full.
 */
export function liveOrderAfterMerge(live: unknown[], patch: unknown[], mergeKey: string): unknown[] {
  const view = [...live];
  let length = view.length;
  let replaced = false;
  for (const item of patch) {
    if (!isObject(item) || !has(item, DIRECTIVE_MARKER)) continue;
    if (item[DIRECTIVE_MARKER] === 'replace') replaced = true;
    if (item[DIRECTIVE_MARKER] !== 'delete') continue;
    for (;;) {
      const at = view.slice(0, length).findIndex((v) => sameKey(v, item, mergeKey));
      if (at < 0) break;
      view.copyWithin(at, at + 1, length);
      length--;
    }
  }
  // A replaced list is a new array: nothing more is written into the live one.
  if (replaced) return view;
  for (const item of patch) {
    if (!isObject(item) || has(item, DIRECTIVE_MARKER)) continue;
    if (view.slice(0, length).some((v) => sameKey(v, item, mergeKey))) continue;
    if (length >= view.length) break;
    view[length++] = item;
  }
  return view;
}
