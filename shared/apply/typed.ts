import { jsonEqual } from '../json-equal.js';
import { resolveRef, type SchemaNode, type SchemaSet } from '../openapi/schema.js';
import { FieldSet } from './field-set.js';
import { field, keyElement, pathString, tokenOf, type JsonValue, type Path, type PathElement } from './path-element.js';

/**
 * Schema-driven walks over JSON objects, as structured-merge-diff's typed package: the field
 * set an object specifies, the comparison of two objects, the merge of an applied configuration
 * into a live object and the removal of fields. Where there is no schema (a kind without one,
 * `x-kubernetes-preserve-unknown-fields`, free-form objects) the type is deduced from the value
 * as upstream's "deduced" type does: maps are granular, lists atomic.
 */

/** The schema of one kind: its top-level definition and the set its `$ref`s resolve in. */
export interface KindSchema {
  set: SchemaSet;
  root: SchemaNode;
}

/** Where a walk stands in the schema: the node as written (with its `$ref` siblings) and resolved; no node = deduced. */
interface Ty {
  set: SchemaSet | undefined;
  raw: SchemaNode | undefined;
  node: SchemaNode | undefined;
}

const DEDUCED: Ty = { set: undefined, raw: undefined, node: undefined };

function tyOf(set: SchemaSet | undefined, raw: SchemaNode | undefined): Ty {
  if (!set || !raw) return DEDUCED;
  return { set, raw, node: resolveRef(set, raw) };
}

export function rootTy(schema: KindSchema | undefined): Ty {
  return schema ? tyOf(schema.set, schema.root) : DEDUCED;
}

/** An extension may sit beside a `$ref` (upstream's swagger) or on the definition itself. */
function ext(ty: Ty, name: `x-${string}`): unknown {
  return ty.raw?.[name] ?? ty.node?.[name];
}

type ListRelation = 'atomic' | 'set' | 'map';

type Shape =
  | { kind: 'scalar' }
  | {
      kind: 'map';
      atomic: boolean;
      declared: Record<string, SchemaNode>;
      /** The type of keys not declared: 'undeclared' when the schema allows none. */
      element: Ty | 'undeclared';
    }
  | { kind: 'list'; relation: ListRelation; keys: string[]; item: Ty };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deducedShape(value: unknown): Shape {
  if (isObject(value)) return { kind: 'map', atomic: false, declared: {}, element: DEDUCED };
  if (Array.isArray(value)) return { kind: 'list', relation: 'atomic', keys: [], item: DEDUCED };
  return { kind: 'scalar' };
}

const SCALAR_TYPES = new Set(['string', 'integer', 'number', 'boolean']);

/** The shape a schema gives a value; a value that contradicts its schema is read by its own shape. */
function shapeOf(ty: Ty, value: unknown): Shape {
  const n = ty.node;
  if (!n || ext(ty, 'x-kubernetes-int-or-string')) return n ? { kind: 'scalar' } : deducedShape(value);
  const isArray = n.type === 'array' || (n.type === undefined && n.items !== undefined);
  const isMap = n.type === 'object' || (n.type === undefined && (n.properties !== undefined || n.additionalProperties !== undefined));
  if (isArray) {
    if (value !== undefined && value !== null && !Array.isArray(value)) return deducedShape(value);
    return listShape(ty, n);
  }
  if (isMap) {
    if (value !== undefined && value !== null && !isObject(value)) return deducedShape(value);
    const declared = n.properties ?? {};
    let element: Ty | 'undeclared';
    if (typeof n.additionalProperties === 'object') element = tyOf(ty.set, n.additionalProperties);
    else if (n.additionalProperties === true || ext(ty, 'x-kubernetes-preserve-unknown-fields') === true) element = DEDUCED;
    else if (n.properties === undefined) element = DEDUCED; // a free-form object (RawExtension, FieldsV1)
    else element = 'undeclared';
    return { kind: 'map', atomic: ext(ty, 'x-kubernetes-map-type') === 'atomic', declared, element };
  }
  if (n.type && SCALAR_TYPES.has(n.type)) return { kind: 'scalar' };
  return deducedShape(value);
}

/**
 * How a list merges (kube-openapi's schemaconv): `x-kubernetes-list-type` when declared; else a
 * patch strategy of `merge` makes it associative on the patch merge key (or a set of scalars);
 * anything else is atomic.
 */
function listShape(ty: Ty, n: SchemaNode): Shape {
  const item = tyOf(ty.set, n.items);
  const listType = ext(ty, 'x-kubernetes-list-type');
  if (listType === 'map') {
    const keys = ext(ty, 'x-kubernetes-list-map-keys');
    if (Array.isArray(keys) && keys.length > 0) return { kind: 'list', relation: 'map', keys: keys.map(String), item };
    return { kind: 'list', relation: 'atomic', keys: [], item };
  }
  if (listType === 'set') return { kind: 'list', relation: 'set', keys: [], item };
  if (listType === 'atomic') return { kind: 'list', relation: 'atomic', keys: [], item };
  const strategy = String(ext(ty, 'x-kubernetes-patch-strategy') ?? '');
  if (strategy.split(',').map((s) => s.trim()).includes('merge')) {
    const mergeKey = ext(ty, 'x-kubernetes-patch-merge-key');
    if (typeof mergeKey === 'string' && mergeKey) return { kind: 'list', relation: 'map', keys: [mergeKey], item };
    const itemNode = item.node;
    const scalarItems = itemNode !== undefined && itemNode.type !== undefined && SCALAR_TYPES.has(itemNode.type);
    if (scalarItems) return { kind: 'list', relation: 'set', keys: [], item };
  }
  return { kind: 'list', relation: 'atomic', keys: [], item };
}

function fieldTy(shape: Extract<Shape, { kind: 'map' }>, ty: Ty, name: string): { ty: Ty; declared: boolean; undeclared: boolean } {
  const d = Object.prototype.hasOwnProperty.call(shape.declared, name) ? shape.declared[name] : undefined;
  if (d) return { ty: tyOf(ty.set, d), declared: true, undeclared: false };
  if (shape.element === 'undeclared') return { ty: DEDUCED, declared: false, undeclared: true };
  return { ty: shape.element, declared: false, undeclared: false };
}

/** A field of a map declared with its own properties: a struct, which upstream treats as always present. */
function isStruct(ty: Ty): boolean {
  const n = ty.node;
  return n !== undefined && n.properties !== undefined && Object.keys(n.properties).length > 0;
}

/** One problem with a value against its schema, at a path (structured-merge-diff's ValidationError). */
export class SchemaViolation extends Error {
  constructor(readonly path: Path, readonly problem: string) {
    super(`${pathString(path)}: ${problem}`);
  }
}

/** Several problems at once, reported as upstream joins its ValidationErrors. */
export class SchemaViolations extends Error {
  constructor(readonly problems: SchemaViolation[]) {
    super(problems.map((p) => p.message).join('\n'));
  }
}

/** The element a list item stands for: its key fields (map lists) or its value (set lists). */
function itemElement(shape: Extract<Shape, { kind: 'list' }>, item: unknown, index: number): PathElement | string {
  if (shape.relation === 'set') {
    if (isObject(item) || Array.isArray(item)) return `element ${index}: associative list without keys has an element that's a ${isObject(item) ? 'map' : 'list'} type`;
    return { kind: 'value', value: (item ?? null) as JsonValue };
  }
  if (!isObject(item)) return `element ${index}: associative list with keys has an element that is not a map type`;
  const itemShape = shapeOf(shape.item, item);
  const declared = itemShape.kind === 'map' ? itemShape.declared : {};
  const fields: Record<string, JsonValue> = {};
  for (const k of shape.keys) {
    if (item[k] !== undefined && item[k] !== null) {
      fields[k] = item[k] as JsonValue;
      continue;
    }
    // Upstream fills a missing key from the schema's default (a port's protocol is "TCP").
    const d = declared[k] ? tyOf(shape.item.set, declared[k]) : undefined;
    const def = d ? (d.raw?.default ?? d.node?.default) : undefined;
    if (def === undefined) return `element ${index}: associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`;
    fields[k] = def as JsonValue;
  }
  return keyElement(fields);
}

interface IndexedItem {
  pe: PathElement;
  token: string;
  item: unknown;
  index: number;
}

/** The list's items with their elements; undefined when some item has none (then the list is treated as atomic). */
function indexItems(shape: Extract<Shape, { kind: 'list' }>, list: unknown[], path: Path, problems?: SchemaViolation[]): IndexedItem[] | undefined {
  const out: IndexedItem[] = [];
  let ok = true;
  list.forEach((item, index) => {
    const pe = itemElement(shape, item, index);
    if (typeof pe === 'string') {
      problems?.push(new SchemaViolation(path, pe));
      ok = false;
      return;
    }
    out.push({ pe, token: tokenOf(pe), item, index });
  });
  return ok ? out : undefined;
}

function childPath(path: Path, pe: PathElement): Path {
  return [...path, pe];
}

// ---- field sets ----

export interface FieldsOfOptions {
  /**
   * An applied configuration must be exact: an undeclared field, a duplicated list key or a
   * list item without its key is an error. A live object is read leniently (undeclared fields
   * are deduced, duplicated items owned as a whole), as upstream reads stored objects.
   */
  strict: boolean;
}

/**
 * The set of fields a value specifies (structured-merge-diff's ToFieldSet): every scalar, every
 * atomic list or map, every item of a granular list, map entries not declared by the schema,
 * and fields whose value is null or an empty map. Declared struct fields are implied by their
 * children and not members themselves. Throws SchemaViolations in strict mode.
 */
export function fieldsOf(value: unknown, schema: KindSchema | undefined, opts: FieldsOfOptions = { strict: false }): FieldSet {
  const set = new FieldSet();
  const problems: SchemaViolation[] = [];
  walkFields(value, rootTy(schema), [], set, opts.strict, problems);
  if (problems.length) throw new SchemaViolations(problems);
  return set;
}

function walkFields(value: unknown, ty: Ty, path: Path, set: FieldSet, strict: boolean, problems: SchemaViolation[]): void {
  const shape = shapeOf(ty, value);
  if (shape.kind === 'scalar') {
    set.insert(path);
    return;
  }
  if (shape.kind === 'list') {
    if (shape.relation === 'atomic') {
      set.insert(path);
      return;
    }
    if (!Array.isArray(value)) return;
    const items = indexItems(shape, value, path, strict ? problems : undefined);
    if (!items) {
      set.insert(path);
      return;
    }
    const counts = new Map<string, number>();
    for (const it of items) counts.set(it.token, (counts.get(it.token) ?? 0) + 1);
    const reported = new Set<string>();
    for (const it of items) {
      const p = childPath(path, it.pe);
      if (counts.get(it.token)! > 1) {
        if (strict && !reported.has(it.token)) {
          reported.add(it.token);
          problems.push(new SchemaViolation(path, `duplicate entries for key ${pathString([it.pe])}`));
        }
        // A duplicated item is owned as a whole: no one can address its fields apart.
        set.insert(p);
        continue;
      }
      walkFields(it.item, shape.item, p, set, strict, problems);
      set.insert(p);
    }
    return;
  }
  if (shape.atomic) {
    set.insert(path);
    return;
  }
  if (!isObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const f = fieldTy(shape, ty, k);
    const p = childPath(path, field(k));
    if (f.undeclared && strict) {
      problems.push(new SchemaViolation(p, 'field not declared in schema'));
      continue;
    }
    walkFields(v, f.ty, p, set, strict, problems);
    if (v === null || (isObject(v) && Object.keys(v).length === 0) || !f.declared) set.insert(p);
  }
}

// ---- comparison ----

/** What changed between two objects, path by path (structured-merge-diff's Comparison). */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

export function compareObjects(lhs: unknown, rhs: unknown, schema: KindSchema | undefined): Comparison {
  const out: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(lhs, rhs, rootTy(schema), [], false, out);
  return out;
}

function valueKind(v: unknown): 'map' | 'list' | 'scalar' {
  return isObject(v) ? 'map' : Array.isArray(v) ? 'list' : 'scalar';
}

function isEmptyish(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).length === 0;
  return false;
}

function walkCompare(l: unknown, r: unknown, ty: Ty, path: Path, declaredField: boolean, out: Comparison): void {
  const leaf = (): void => {
    if (path.length === 0) return;
    if (l === undefined) out.added.insert(path);
    else if (r === undefined) out.removed.insert(path);
    else if (!jsonEqual(l, r)) out.modified.insert(path);
  };
  const present = r !== undefined ? r : l;
  if (l !== undefined && r !== undefined && l !== null && r !== null && valueKind(l) !== valueKind(r)) return leaf();
  const shape = shapeOf(ty, present === null ? (l ?? r) : present);
  if (shape.kind === 'scalar') return leaf();
  if (shape.kind === 'list') {
    if (shape.relation === 'atomic' || (isEmptyish(l) && isEmptyish(r))) return leaf();
    const li = Array.isArray(l) ? indexItems(shape, l, path) : [];
    const ri = Array.isArray(r) ? indexItems(shape, r, path) : [];
    if (!li || !ri) return leaf();
    compareListItems(shape, li, ri, path, out);
  } else {
    if (shape.atomic || (isEmptyish(l) && isEmptyish(r))) return leaf();
    const lo = isObject(l) ? l : {};
    const ro = isObject(r) ? r : {};
    const keys = new Set([...Object.keys(lo), ...Object.keys(ro)]);
    for (const k of keys) {
      const lv = lo[k];
      const rv = ro[k];
      if (lv === undefined && rv === undefined) continue;
      const f = fieldTy(shape, ty, k);
      walkCompare(lv, rv, f.ty, childPath(path, field(k)), f.declared, out);
    }
  }
  // A struct reached through a declared field is always there as far as ownership goes (as a
  // Go struct field is in upstream's empty object); everything else appears and disappears.
  if (path.length === 0 || (declaredField && isStruct(ty))) return;
  if (l === undefined) out.added.insert(path);
  else if (r === undefined) out.removed.insert(path);
}

function compareListItems(shape: Extract<Shape, { kind: 'list' }>, li: IndexedItem[], ri: IndexedItem[], path: Path, out: Comparison): void {
  const group = (items: IndexedItem[]): Map<string, IndexedItem[]> => {
    const m = new Map<string, IndexedItem[]>();
    for (const it of items) m.set(it.token, [...(m.get(it.token) ?? []), it]);
    return m;
  };
  const lg = group(li);
  const rg = group(ri);
  const tokens = new Set([...lg.keys(), ...rg.keys()]);
  for (const t of tokens) {
    const ls = lg.get(t) ?? [];
    const rs = rg.get(t) ?? [];
    const pe = (ls[0] ?? rs[0])!.pe;
    if (ls.length <= 1 && rs.length <= 1) {
      walkCompare(ls[0]?.item, rs[0]?.item, shape.item, childPath(path, pe), false, out);
    } else if (!(ls.length === rs.length && ls.every((x, i) => jsonEqual(x.item, rs[i]!.item)))) {
      out.modified.insert(childPath(path, pe));
    }
  }
}

// ---- merge ----

/**
 * Merges an applied configuration into a live object (structured-merge-diff's Merge): the
 * configuration's values win, granular maps merge key by key, associative lists item by item
 * (keeping the live order for items only the live object has, the configuration's order for
 * shared ones), atomic lists and maps are replaced. A null in the configuration removes a
 * scalar or atomic value and leaves a granular one alone.
 */
export function mergeObjects(lhs: unknown, rhs: unknown, schema: KindSchema | undefined): unknown {
  return mergeValue(lhs, rhs, rootTy(schema));
}

function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = withoutNulls(x);
  return out;
}

function mergeValue(l: unknown, r: unknown, ty: Ty): unknown {
  if (r === undefined) return l;
  if (l === undefined || l === null || r === null) return withoutNulls(structuredClone(r));
  if (valueKind(l) !== valueKind(r)) return withoutNulls(structuredClone(r));
  const shape = shapeOf(ty, r);
  if (shape.kind === 'scalar') return structuredClone(r);
  if (shape.kind === 'list') {
    if (shape.relation === 'atomic') return withoutNulls(structuredClone(r));
    const li = indexItems(shape, l as unknown[], []);
    const ri = indexItems(shape, r as unknown[], []);
    if (!li || !ri) return withoutNulls(structuredClone(r));
    return mergeListItems(li, ri, (a, b) => mergeValue(a, b, shape.item));
  }
  if (shape.atomic) return withoutNulls(structuredClone(r));
  const out: Record<string, unknown> = { ...(l as Record<string, unknown>) };
  for (const [k, rv] of Object.entries(r as Record<string, unknown>)) {
    if (rv === undefined) continue;
    const lv = out[k];
    const f = fieldTy(shape, ty, k);
    if (rv === null) {
      // null leaves a granular map or list alone and clears anything else.
      const s = lv === undefined || lv === null ? undefined : shapeOf(f.ty, lv);
      const granular = s && ((s.kind === 'map' && !s.atomic) || (s.kind === 'list' && s.relation !== 'atomic'));
      if (!granular || isEmptyish(lv)) delete out[k];
      continue;
    }
    out[k] = mergeValue(lv, rv, f.ty);
  }
  return out;
}

/** structured-merge-diff's list merge order, item for item. */
function mergeListItems(li: IndexedItem[], ri: IndexedItem[], mergeItem: (l: unknown, r: unknown) => unknown): unknown[] {
  const observedL = new Map<string, IndexedItem | null>();
  for (const it of li) observedL.set(it.token, observedL.has(it.token) ? null : it);
  const observedR = new Map<string, IndexedItem>();
  for (const it of ri) if (!observedR.has(it.token)) observedR.set(it.token, it);
  const sharedOrder = ri.filter((it) => observedL.has(it.token)).map((it) => it.token);
  let nextShared = sharedOrder.shift();
  const mergedR = new Set<string>();
  const out: unknown[] = [];
  const push = (v: unknown): void => {
    if (v !== undefined) out.push(v);
  };
  let i = 0;
  let j = 0;
  while (i < li.length || j < ri.length) {
    if (i < li.length && j < ri.length) {
      const t = li[i]!.token;
      if (t === ri[j]!.token) {
        mergedR.add(t);
        push(mergeItem(observedL.get(t)?.item, observedR.get(t)!.item));
        i++;
        j++;
        nextShared = sharedOrder.shift();
        continue;
      }
      if (observedR.has(t) && nextShared !== undefined && nextShared !== t) {
        i++;
        continue;
      }
    }
    if (i < li.length) {
      const t = li[i]!.token;
      if (!observedR.has(t)) {
        push(mergeItem(li[i]!.item, undefined));
        i++;
        continue;
      }
      if (mergedR.has(t)) {
        i++;
        continue;
      }
    }
    if (j < ri.length) {
      const t = ri[j]!.token;
      mergedR.add(t);
      push(mergeItem(observedL.get(t)?.item, observedR.get(t)!.item));
      j++;
      if (nextShared === t) nextShared = sharedOrder.shift();
    }
  }
  return out;
}

// ---- removal ----

/**
 * Removes the member paths of `toRemove` from a value, each with everything below it
 * (structured-merge-diff's RemoveItems). A map or list left empty by the removal goes too, as
 * upstream's nil result does.
 */
export function removeFields(value: unknown, toRemove: FieldSet, schema: KindSchema | undefined): unknown {
  if (toRemove.isEmpty()) return value;
  return removeWalk(value, toRemove, rootTy(schema)) ?? {};
}

function removeWalk(value: unknown, toRemove: FieldSet, ty: Ty): unknown {
  const shape = shapeOf(ty, value);
  if (shape.kind === 'scalar') return value;
  if (shape.kind === 'list') {
    if (shape.relation === 'atomic' || !Array.isArray(value) || value.length === 0) return value;
    const items = indexItems(shape, value, []);
    if (!items) return value;
    const out: unknown[] = [];
    for (const it of items) {
      if (toRemove.hasMember(it.pe)) continue;
      const sub = toRemove.withPrefix(it.pe);
      const v = sub.isEmpty() ? it.item : removeWalk(it.item, sub, shape.item);
      if (v !== undefined) out.push(v);
    }
    return out.length ? out : undefined;
  }
  if (shape.atomic || !isObject(value) || Object.keys(value).length === 0) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const pe = field(k);
    if (toRemove.hasMember(pe)) continue;
    const sub = toRemove.withPrefix(pe);
    const next = sub.isEmpty() ? v : removeWalk(v, sub, fieldTy(shape, ty, k).ty);
    if (next !== undefined) out[k] = next;
  }
  return Object.keys(out).length ? out : undefined;
}

// ---- schema-only walks over sets ----

function staticChildTy(ty: Ty, pe: PathElement): { ty: Ty; declared: boolean } {
  const n = ty.node;
  if (!n) return { ty: DEDUCED, declared: false };
  if (pe.kind === 'field') {
    const d = n.properties && Object.prototype.hasOwnProperty.call(n.properties, pe.name) ? n.properties[pe.name] : undefined;
    if (d) return { ty: tyOf(ty.set, d), declared: true };
    if (typeof n.additionalProperties === 'object') return { ty: tyOf(ty.set, n.additionalProperties), declared: false };
    return { ty: DEDUCED, declared: false };
  }
  return { ty: tyOf(ty.set, n.items), declared: false };
}

/**
 * The set plus every declared field that leads to one of its members (fieldpath's
 * EnsureNamedFieldsAreMembers): owning `.spec.replicas` then counts as owning `.spec` too,
 * while owning a map entry or list item's field does not make the entry or item owned.
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, schema: KindSchema | undefined): FieldSet {
  return ensureNamed(set, rootTy(schema));
}

function ensureNamed(set: FieldSet, ty: Ty): FieldSet {
  const out = new FieldSet();
  for (const m of set.memberElements()) out.insert([m]);
  for (const pe of set.childElements()) {
    const c = staticChildTy(ty, pe);
    if (c.declared) out.insert([pe]);
    const sub = ensureNamed(set.withPrefix(pe), c.ty);
    for (const p of sub.paths()) out.insert([pe, ...p]);
  }
  return out;
}
