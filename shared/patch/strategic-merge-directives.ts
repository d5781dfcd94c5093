import { ApiError } from '../status.js';

/** The directive keys of a strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch). */
export const DIRECTIVE_MARKER = '$patch';
export const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
export const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';
export const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own keys only: a patch key such as `constructor` must not find Object.prototype. */
export function has(obj: JsonObject, key: string): boolean {
  return Object.hasOwn(obj, key);
}

/** Sets an own data property, so a `__proto__` key in a patch stays a plain key. */
export function setKey(obj: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Renders a value the way Go's %v prints decoded JSON, so messages read as upstream's. */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (isObject(v)) {
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goFormat(v[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}

/** Go's reflect.TypeOf name for a decoded JSON value, as upstream's ErrBadArgType prints it. */
function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (isObject(v)) return 'map[string]interface {}';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

function causes(field: string, message: string): { causes: Array<{ type: string; message: string; field: string }> } {
  return { causes: [{ type: 'FieldValueInvalid', message, field }] };
}

/**
 * A patch that is malformed as a strategic merge patch (bad directive syntax): 400, as
 * upstream's interpretStrategicMergePatchError answers the mergepatch format errors.
 */
export function badPatch(field: string, message: string): ApiError {
  return new ApiError(400, 'BadRequest', message, causes(field, message));
}

/**
 * A well-formed patch that cannot be applied to this object (a list item without its merge
 * key, lists of lists, mixed element types): 422 with upstream's own sentence. Upstream
 * answers some of these with a reason-less 500; they are the client's fault, so 422 here.
 */
export function unmergeable(field: string, message: string): ApiError {
  return new ApiError(422, 'Invalid', message, causes(field, message));
}

export const messages = {
  badPrimitiveList: 'invalid patch format of primitive list',
  badRetainKeys: 'invalid patch format of retainKeys',
  badSetElementOrder: 'invalid patch format of setElementOrder list',
  listOfLists: 'lists of lists are not supported',
  noMergeKey: (m: JsonObject, key: string) => `map: ${goFormat(m)} does not contain declared merge key: ${key}`,
  badArgType: (expected: 'list' | 'map', actual: unknown) =>
    `expected a ${expected === 'list' ? '[]interface {}' : 'map[string]interface {}'}, but received a ${goTypeName(actual)}`,
  badPatchType: (t: unknown, m: JsonObject) => `unknown patch type: ${goFormat(t)} in map: ${goFormat(m)}`,
  mergeListDirective: 'merging lists cannot yet be specified in the patch',
};

/** `$setElementOrder/containers` → `containers`; a key without the slash is a format error. */
export function extractKey(key: string, prefix: string, field: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw badPatch(field, prefix === SET_ELEMENT_ORDER_PREFIX ? messages.badSetElementOrder : messages.badPrimitiveList);
  }
  return key.slice(slash + 1);
}

export function isParallelListKey(key: string): boolean {
  return key.startsWith(SET_ELEMENT_ORDER_PREFIX) || key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX);
}

/**
 * `$retainKeys: [a, b]` clears every key of the original map not listed; every non-null
 * key the patch sets must be listed (upstream's applyRetainKeysDirective). Removes the
 * directive from the patch.
 */
export function applyRetainKeys(original: JsonObject, patch: JsonObject, field: string): void {
  if (!has(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const list = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(list)) throw badPatch(field, messages.badRetainKeys);
  const retained = new Set<unknown>(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || isParallelListKey(k)) continue;
    if (!retained.has(k)) throw badPatch(field, messages.badRetainKeys);
  }
  for (const k of Object.keys(original)) {
    if (!retained.has(k)) delete original[k];
  }
}

const KEEP_NOTHING = Symbol('drop');
type Fresh = unknown | typeof KEEP_NOTHING;

function freshValue(v: unknown, inList: boolean, field: string): Fresh {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    v.forEach((item, i) => {
      const kept = freshValue(item, true, `${field}[${i}]`);
      if (kept !== KEEP_NOTHING) out.push(kept);
    });
    return out;
  }
  if (!isObject(v)) return v;
  if (has(v, DIRECTIVE_MARKER)) {
    // In a list a `$patch` item is an instruction about the list, never an element.
    if (inList) return KEEP_NOTHING;
    const directive = v[DIRECTIVE_MARKER];
    if (directive === 'delete') return KEEP_NOTHING;
    if (directive !== 'replace' && directive !== 'merge') throw badPatch(field, messages.badPatchType(directive, v));
  }
  const out: JsonObject = {};
  for (const [k, value] of Object.entries(v)) {
    if (value === null || k === DIRECTIVE_MARKER || k === RETAIN_KEYS_DIRECTIVE || isParallelListKey(k)) continue;
    const kept = freshValue(value, false, field ? `${field}.${k}` : k);
    if (kept !== KEEP_NOTHING) setKey(out, k, kept);
  }
  return out;
}

/**
 * A patch value that lands where the original has nothing to merge with (or a value of
 * another type): taken as it is, minus nulls and directives (upstream's
 * discardNullValuesFromPatch + removeDirectives; upstream leaves parallel-list keys for the
 * typed decoder to drop, we have none, so they go here). `undefined` means "drop the field".
 */
export function freshFromPatch(v: unknown, field: string): unknown {
  const kept = freshValue(v, false, field);
  return kept === KEEP_NOTHING ? undefined : kept;
}
