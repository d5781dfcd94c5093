/**
 * One step of a field path, as structured-merge-diff's fieldpath.PathElement: a struct or map
 * field, the key of an item of an associative (map) list, the value of an item of a set list, or
 * a list index. Their FieldsV1 spellings (`f:name`, `k:{"name":"nginx"}`, `v:"a"`, `i:0`) are the
 * keys of a managedFields entry's fieldsV1 and serve as the identity of an element here too.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type PathElement =
  | { kind: 'field'; name: string }
  /** Key fields sorted by name, as upstream sorts a value.FieldList. */
  | { kind: 'key'; fields: Array<[string, JsonValue]> }
  | { kind: 'value'; value: JsonValue }
  | { kind: 'index'; index: number };

export type Path = PathElement[];

export const field = (name: string): PathElement => ({ kind: 'field', name });

/** A key element from a list item's key fields (any order; they are sorted here). */
export function keyElement(fields: Record<string, JsonValue>): PathElement {
  return { kind: 'key', fields: Object.entries(fields).sort(([a], [b]) => compareStrings(a, b)) };
}

function compareStrings(a: string, b: string): number {
  // Go's strings.Compare orders by bytes; for UTF-16 strings outside the BMP this differs only
  // in ordering, never in identity, so code-unit order is close enough for sorting output.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON with object keys sorted, so equal values always spell the same. */
export function canonicalJson(v: JsonValue): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(v).sort(compareStrings);
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k]!)}`).join(',')}}`;
}

/** The FieldsV1 spelling of an element: its identity. */
export function tokenOf(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `f:${pe.name}`;
    case 'key':
      return `k:{${pe.fields.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    case 'value':
      return `v:${canonicalJson(pe.value)}`;
    case 'index':
      return `i:${pe.index}`;
  }
}

export class PathElementSyntaxError extends Error {}

/** Parses a FieldsV1 key back into an element; throws PathElementSyntaxError when it is not one. */
export function parseToken(token: string): PathElement {
  const prefix = token.slice(0, 2);
  const rest = token.slice(2);
  switch (prefix) {
    case 'f:':
      return { kind: 'field', name: rest };
    case 'k:': {
      const parsed = parseJson(token, rest);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new PathElementSyntaxError(`expected a map for key path element: ${token}`);
      }
      return keyElement(parsed);
    }
    case 'v:':
      return { kind: 'value', value: parseJson(token, rest) };
    case 'i:': {
      if (!/^-?\d+$/.test(rest)) throw new PathElementSyntaxError(`invalid index path element: ${token}`);
      return { kind: 'index', index: Number(rest) };
    }
    default:
      throw new PathElementSyntaxError(`unknown path element type: ${JSON.stringify(token)}`);
  }
}

function parseJson(token: string, text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new PathElementSyntaxError(`invalid JSON in path element: ${token}`);
  }
}

const KIND_ORDER = { field: 0, key: 1, value: 2, index: 3 } as const;

/** A total order over JSON values, as structured-merge-diff's value.Compare. */
export function compareValues(a: JsonValue, b: JsonValue): number {
  const rank = (v: JsonValue): number =>
    typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : typeof v === 'boolean' ? 2 : Array.isArray(v) ? 3 : v === null ? 5 : 4;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i]!, b[i]!);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort(compareStrings);
    const kb = Object.keys(b).sort(compareStrings);
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      const c = compareStrings(ka[i]!, kb[i]!) || compareValues((a as Record<string, JsonValue>)[ka[i]!]!, (b as Record<string, JsonValue>)[kb[i]!]!);
      if (c !== 0) return c;
    }
    return ka.length - kb.length;
  }
  return 0;
}

/** Upstream's PathElement.Compare: fields, then keys, then values, then indexes. */
export function compareElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  switch (a.kind) {
    case 'field':
      return compareStrings(a.name, (b as typeof a).name);
    case 'key': {
      const bf = (b as typeof a).fields;
      for (let i = 0; i < Math.min(a.fields.length, bf.length); i++) {
        const c = compareStrings(a.fields[i]![0], bf[i]![0]) || compareValues(a.fields[i]![1], bf[i]![1]);
        if (c !== 0) return c;
      }
      return a.fields.length - bf.length;
    }
    case 'value':
      return compareValues(a.value, (b as typeof a).value);
    case 'index':
      return a.index - (b as typeof a).index;
  }
}

/** value.ToString: how conflict messages print key and set values (strings quoted). */
function valueString(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  if (typeof v === 'object') {
    return `{${Object.keys(v)
      .sort(compareStrings)
      .map((k) => `${k}=${valueString(v[k]!)}`)
      .join(',')}}`;
  }
  return String(v);
}

/** fieldpath.PathElement.String: `.spec`, `[name="nginx"]`, `[="a"]`, `[0]`. */
export function elementString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `.${pe.name}`;
    case 'key':
      return `[${pe.fields.map(([k, v]) => `${k}=${valueString(v)}`).join(',')}]`;
    case 'value':
      return `[=${valueString(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
  }
}

/** fieldpath.Path.String: `.spec.template.spec.containers[name="nginx"].image`. */
export function pathString(path: Path): string {
  return path.map(elementString).join('');
}
