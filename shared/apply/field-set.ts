import { compareElements, parseToken, PathElementSyntaxError, tokenOf, type Path, type PathElement } from './path-element.js';

/** The FieldsV1 JSON of a set: `{"f:spec": {"f:replicas": {}}}`, `"."` marking a node that is itself a member. */
export type FieldsV1 = { [token: string]: FieldsV1 };

interface Child {
  pe: PathElement;
  set: FieldSet;
}

function sortedByElement<T extends { pe: PathElement }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => compareElements(a.pe, b.pe));
}

/**
 * A set of field paths, as structured-merge-diff's fieldpath.Set: a trie whose nodes say which
 * of their child elements are members (owned paths) and which lead further down. Membership is
 * path-wise: holding `.spec.replicas` says nothing about `.spec`. Operations return new sets;
 * only `insert` mutates, and it is meant for building a set.
 */
export class FieldSet {
  private readonly members = new Map<string, PathElement>();
  private readonly children = new Map<string, Child>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: Path): this {
    if (path.length === 0) return this;
    const [head, ...rest] = path as [PathElement, ...PathElement[]];
    const token = tokenOf(head);
    if (rest.length === 0) {
      this.members.set(token, head);
      return this;
    }
    let child = this.children.get(token);
    if (!child) {
      child = { pe: head, set: new FieldSet() };
      this.children.set(token, child);
    }
    child.set.insert(rest);
    return this;
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    const token = tokenOf(path[0]!);
    if (path.length === 1) return this.members.has(token);
    return this.children.get(token)?.set.has(path.slice(1)) ?? false;
  }

  isEmpty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.set.isEmpty()) return false;
    return true;
  }

  /** The paths below one element (fieldpath.Set.WithPrefix). */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(tokenOf(pe))?.set.copy() ?? new FieldSet();
  }

  hasMember(pe: PathElement): boolean {
    return this.members.has(tokenOf(pe));
  }

  /** Elements that are members here, and elements that lead to deeper members. */
  memberElements(): PathElement[] {
    return [...this.members.values()];
  }

  childElements(): PathElement[] {
    return [...this.children.values()].filter((c) => !c.set.isEmpty()).map((c) => c.pe);
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [t, pe] of this.members) out.members.set(t, pe);
    for (const [t, pe] of other.members) out.members.set(t, pe);
    const tokens = new Set([...this.children.keys(), ...other.children.keys()]);
    for (const t of tokens) {
      const a = this.children.get(t);
      const b = other.children.get(t);
      const set = a && b ? a.set.union(b.set) : (a ?? b)!.set.copy();
      if (!set.isEmpty()) out.children.set(t, { pe: (a ?? b)!.pe, set });
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [t, pe] of this.members) if (other.members.has(t)) out.members.set(t, pe);
    for (const [t, c] of this.children) {
      const o = other.children.get(t);
      if (!o) continue;
      const set = c.set.intersection(o.set);
      if (!set.isEmpty()) out.children.set(t, { pe: c.pe, set });
    }
    return out;
  }

  /** Paths here that are not in `other` (path-wise: removing `.a` keeps `.a.b`). */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [t, pe] of this.members) if (!other.members.has(t)) out.members.set(t, pe);
    for (const [t, c] of this.children) {
      const o = other.children.get(t);
      const set = o ? c.set.difference(o.set) : c.set.copy();
      if (!set.isEmpty()) out.children.set(t, { pe: c.pe, set });
    }
    return out;
  }

  /** Paths here that are neither in `other` nor below one of its members. */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [t, pe] of this.members) if (!other.members.has(t)) out.members.set(t, pe);
    for (const [t, c] of this.children) {
      if (other.members.has(t)) continue;
      const o = other.children.get(t);
      const set = o ? c.set.recursiveDifference(o.set) : c.set.copy();
      if (!set.isEmpty()) out.children.set(t, { pe: c.pe, set });
    }
    return out;
  }

  /** Keeps only the top-level elements `keep` accepts (with everything below them). */
  filterTop(keep: (pe: PathElement) => boolean): FieldSet {
    const out = new FieldSet();
    for (const [t, pe] of this.members) if (keep(pe)) out.members.set(t, pe);
    for (const [t, c] of this.children) if (keep(c.pe) && !c.set.isEmpty()) out.children.set(t, { pe: c.pe, set: c.set.copy() });
    return out;
  }

  /** A deep copy, so a caller may `insert` into it without touching this set. */
  copy(): FieldSet {
    const out = new FieldSet();
    for (const [t, pe] of this.members) out.members.set(t, pe);
    for (const [t, c] of this.children) if (!c.set.isEmpty()) out.children.set(t, { pe: c.pe, set: c.set.copy() });
    return out;
  }

  equals(other: FieldSet): boolean {
    return JSON.stringify(this.toFieldsV1()) === JSON.stringify(other.toFieldsV1());
  }

  /** Every member path, in upstream's Set.Iterate order: a node's members, then its children in element order. */
  paths(): Path[] {
    const out: Path[] = [];
    const walk = (s: FieldSet, prefix: Path): void => {
      for (const m of sortedByElement([...s.members.values()].map((pe) => ({ pe })))) out.push([...prefix, m.pe]);
      for (const c of sortedByElement(s.children.values())) walk(c.set, [...prefix, c.pe]);
    };
    walk(this, []);
    return out;
  }

  /** The FieldsV1 form, keys in upstream's element order (so equal sets serialise identically). */
  toFieldsV1(): FieldsV1 {
    const out: FieldsV1 = {};
    const entries = new Map<string, { pe: PathElement; member: boolean; child?: FieldSet }>();
    for (const [t, pe] of this.members) entries.set(t, { pe, member: true });
    for (const [t, c] of this.children) {
      if (c.set.isEmpty()) continue;
      const e = entries.get(t);
      if (e) e.child = c.set;
      else entries.set(t, { pe: c.pe, member: false, child: c.set });
    }
    for (const [t, e] of [...entries].sort((a, b) => compareElements(a[1].pe, b[1].pe))) {
      const node: FieldsV1 = e.member && e.child ? { '.': {} } : {};
      if (e.child) Object.assign(node, e.child.toFieldsV1());
      out[t] = node;
    }
    return out;
  }

  /** Reads FieldsV1; throws FieldsV1Error when it is not a valid encoding. */
  static fromFieldsV1(json: unknown): FieldSet {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new FieldsV1Error('fieldsV1 must be an object');
    const out = new FieldSet();
    for (const [token, value] of Object.entries(json as Record<string, unknown>)) {
      if (token === '.') continue;
      let pe: PathElement;
      try {
        pe = parseToken(token);
      } catch (e) {
        throw new FieldsV1Error(e instanceof PathElementSyntaxError ? e.message : String(e));
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new FieldsV1Error(`expected an object for ${JSON.stringify(token)}`);
      }
      const inner = value as Record<string, unknown>;
      const keys = Object.keys(inner);
      // `{}` is a leaf member; `.` marks a member that also has children.
      if (keys.length === 0 || '.' in inner) out.members.set(tokenOf(pe), pe);
      if (keys.some((k) => k !== '.')) {
        const set = FieldSet.fromFieldsV1(inner);
        if (!set.isEmpty()) out.children.set(tokenOf(pe), { pe, set });
      }
    }
    return out;
  }
}

export class FieldsV1Error extends Error {}
