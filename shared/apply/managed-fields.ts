import { FieldSet, FieldsV1Error, type FieldsV1 } from './field-set.js';
import { field, type PathElement } from './path-element.js';

export type Operation = 'Apply' | 'Update';

/** metav1.ManagedFieldsEntry as stored in metadata.managedFields. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldsV1;
  subresource?: string;
}

/** Who manages: upstream's manager identifier without the fields and the time. */
export interface ManagerKey {
  manager: string;
  operation: Operation;
  /** Part of an Update manager's identity only: an applier keeps one entry whatever version it applies with. */
  apiVersion: string;
  subresource?: string;
}

export interface ManagerEntry extends ManagerKey {
  time?: string;
  fields: FieldSet;
}

/** Decoded managedFields, keyed by manager identity. */
export type Managed = Map<string, ManagerEntry>;

/** Upstream's BuildManagerIdentifier: the entry's JSON without fieldsType, fieldsV1, time (and apiVersion for appliers). */
export function managerIdentity(k: ManagerKey): string {
  return JSON.stringify({
    manager: k.manager,
    operation: k.operation,
    ...(k.operation === 'Update' ? { apiVersion: k.apiVersion } : {}),
    ...(k.subresource ? { subresource: k.subresource } : {}),
  });
}

export class ManagedFieldsError extends Error {}

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Whether a managedFields value decodes into []ManagedFieldsEntry at all; what upstream's JSON
 * decoding refuses (400) before the field manager sees it. undefined when it does.
 */
export function managedFieldsShapeError(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const where = 'ObjectMeta.metadata.managedFields';
  if (!Array.isArray(raw)) return `json: cannot unmarshal ${jsonKind(raw)} into Go struct field ${where} of type []v1.ManagedFieldsEntry`;
  const strings = ['manager', 'operation', 'apiVersion', 'fieldsType', 'subresource'] as const;
  for (const e of raw) {
    if (e === null) continue;
    if (typeof e !== 'object' || Array.isArray(e)) return `json: cannot unmarshal ${jsonKind(e)} into Go struct field ${where} of type v1.ManagedFieldsEntry`;
    const entry = e as Record<string, unknown>;
    for (const k of strings) {
      if (entry[k] !== undefined && entry[k] !== null && typeof entry[k] !== 'string') {
        return `json: cannot unmarshal ${jsonKind(entry[k])} into Go struct field ManagedFieldsEntry.${where}.${k} of type string`;
      }
    }
    if (entry.time !== undefined && entry.time !== null && (typeof entry.time !== 'string' || !TIME.test(entry.time))) {
      return `parsing time ${JSON.stringify(entry.time)} as "2006-01-02T15:04:05Z07:00": cannot parse`;
    }
    const f = entry.fieldsV1;
    if (f !== undefined && f !== null && (typeof f !== 'object' || Array.isArray(f))) {
      return `json: cannot unmarshal ${jsonKind(f)} into Go struct field ManagedFieldsEntry.${where}.fieldsV1 of type map[string]interface {}`;
    }
  }
  return undefined;
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v;
}

/**
 * Decodes metadata.managedFields (upstream's DecodeManagedFields); throws ManagedFieldsError on
 * an entry the field manager cannot read, which callers treat as upstream does (fall back).
 */
export function decodeManagedFields(raw: unknown): Managed {
  const out: Managed = new Map();
  if (raw === undefined || raw === null) return out;
  if (!Array.isArray(raw)) throw new ManagedFieldsError('managedFields must be a list');
  raw.forEach((e: unknown, i) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new ManagedFieldsError(`managed fields entry ${i} is not an object`);
    const entry = e as Record<string, unknown>;
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') throw new ManagedFieldsError('operation must be `Apply` or `Update`');
    if (typeof entry.apiVersion !== 'string' || entry.apiVersion === '') throw new ManagedFieldsError('apiVersion must not be empty');
    if (entry.fieldsType === undefined || entry.fieldsType === '') throw new ManagedFieldsError(`missing fieldsType in managed fields entry ${i}`);
    if (entry.fieldsType !== 'FieldsV1') throw new ManagedFieldsError(`invalid fieldsType ${JSON.stringify(entry.fieldsType)} in managed fields entry ${i}`);
    let fields: FieldSet;
    try {
      fields = FieldSet.fromFieldsV1(entry.fieldsV1 ?? {});
    } catch (err) {
      throw new ManagedFieldsError(`error decoding versioned set from entry ${i}: ${err instanceof FieldsV1Error ? err.message : String(err)}`);
    }
    const key: ManagerKey = {
      manager: typeof entry.manager === 'string' ? entry.manager : '',
      operation: entry.operation,
      apiVersion: entry.apiVersion,
      ...(typeof entry.subresource === 'string' && entry.subresource ? { subresource: entry.subresource } : {}),
    };
    out.set(managerIdentity(key), { ...key, ...(typeof entry.time === 'string' ? { time: normaliseTime(entry.time) } : {}), fields });
  });
  return out;
}

/** metav1.Time keeps whole seconds in UTC. */
function normaliseTime(t: string): string {
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function seconds(t: string | undefined): number {
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** Upstream's order: Apply before Update, then oldest first, then manager, apiVersion, subresource. */
function compareEntries(p: ManagerEntry, q: ManagerEntry): number {
  if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
  const ps = seconds(p.time);
  const qs = seconds(q.time);
  if (ps !== qs) return ps - qs;
  if (p.manager !== q.manager) return p.manager < q.manager ? -1 : 1;
  if (p.apiVersion !== q.apiVersion) return p.apiVersion < q.apiVersion ? -1 : 1;
  const a = p.subresource ?? '';
  const b = q.subresource ?? '';
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Encodes for metadata.managedFields, sorted as upstream; undefined when no one manages anything. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] | undefined {
  const entries = [...managed.values()].filter((e) => !e.fields.isEmpty()).sort(compareEntries);
  if (entries.length === 0) return undefined;
  return entries.map((e) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    ...(e.time ? { time: e.time } : {}),
    fieldsType: 'FieldsV1' as const,
    fieldsV1: e.fields.toFieldsV1(),
    ...(e.subresource ? { subresource: e.subresource } : {}),
  }));
}

const meta = (name: string): PathElement[] => [field('metadata'), field(name)];

/**
 * What no manager owns (upstream's stripMeta): type information and the metadata the server
 * sets. `metadata` itself is stripped as a member only, so labels and annotations stay owned.
 */
export const STRIPPED_FIELDS = FieldSet.of(
  [field('apiVersion')],
  [field('kind')],
  [field('metadata')],
  meta('name'),
  meta('namespace'),
  meta('creationTimestamp'),
  meta('selfLink'),
  meta('uid'),
  meta('clusterName'),
  meta('generation'),
  meta('managedFields'),
  meta('resourceVersion'),
);

export function stripServerFields(set: FieldSet): FieldSet {
  return set.difference(STRIPPED_FIELDS).recursiveDifference(FieldSet.of(meta('managedFields')));
}

/** Upstream's DefaultMaxUpdateManagers: older Update entries merge into "ancient-changes" beyond it. */
export const MAX_UPDATE_MANAGERS = 10;
export const ANCIENT_CHANGES_MANAGER = 'ancient-changes';

/**
 * Caps the number of Update entries (upstream's capManagersManager): the oldest are merged,
 * per apiVersion, into one "ancient-changes" entry so managedFields cannot grow without bound.
 */
export function capUpdateManagers(managed: Managed, max = MAX_UPDATE_MANAGERS): Managed {
  const updaters = [...managed.entries()].filter(([, e]) => e.operation === 'Update');
  if (updaters.length <= max) return managed;
  updaters.sort(([ia, a], [ib, b]) => seconds(a.time) - seconds(b.time) || (ia < ib ? -1 : ia > ib ? 1 : 0));
  const out: Managed = new Map(managed);
  const firstOfVersion = new Map<string, string>();
  let count = updaters.length;
  for (const [id, e] of updaters) {
    if (count <= max) break;
    const bucketKey: ManagerKey = { manager: ANCIENT_CHANGES_MANAGER, operation: 'Update', apiVersion: e.apiVersion };
    const bucket = managerIdentity(bucketKey);
    const first = firstOfVersion.get(e.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(e.apiVersion, id);
      continue;
    }
    if (!out.has(bucket)) {
      const firstEntry = out.get(first)!;
      out.delete(first);
      out.set(bucket, { ...bucketKey, fields: firstEntry.fields, ...(firstEntry.time ? { time: firstEntry.time } : {}) });
    }
    const b = out.get(bucket)!;
    out.set(bucket, { ...bucketKey, fields: b.fields.union(e.fields), ...(e.time ? { time: e.time } : {}) });
    out.delete(id);
    count--;
  }
  return out;
}
