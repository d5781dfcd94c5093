import { jsonEqual } from '../json-equal.js';
import type { KubeObject } from '../object.js';
import { errors } from '../status.js';
import { conflictError, type Conflict } from './conflicts.js';
import { FieldSet } from './field-set.js';
import {
  capUpdateManagers,
  decodeManagedFields,
  encodeManagedFields,
  managerIdentity,
  stripServerFields,
  type Managed,
  type ManagedFieldsEntry,
  type ManagerKey,
} from './managed-fields.js';
import { compareObjects, ensureNamedFieldsAreMembers, fieldsOf, mergeObjects, removeFields, SchemaViolations, type Comparison, type KindSchema } from './typed.js';

/**
 * The field manager: who owns which fields of an object (metadata.managedFields) and what
 * server-side apply does with that, after kube-apiserver's fieldmanager and
 * structured-merge-diff's merge.Updater. Pure: objects in, object and managedFields out.
 */

/** The manager that owns what an object held before its first apply, when nothing was tracked. */
export const BEFORE_FIRST_APPLY_MANAGER = 'before-first-apply';
/** kubectl's default server-side apply manager: the only one upstream migrates client-side apply for. */
export const KUBECTL_APPLY_MANAGER = 'kubectl';
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

export interface FieldManagerContext {
  /** The kind's schema; undefined reads objects with deduced types. */
  schema: KindSchema | undefined;
  /** The group/version the request speaks, recorded as the entry's apiVersion. */
  apiVersion: string;
  /** `status`, `scale`, … when the write goes through a subresource. */
  subresource?: string;
  /** Drops the fields this endpoint resets (upstream's ResetFieldsStrategy), from owned sets and comparisons. */
  resetFields?: (set: FieldSet) => FieldSet;
  /** RFC 3339 time for entries that change. */
  now: string;
}

/**
 * The fields an endpoint may not own: a kind with a status subresource keeps status out of
 * its main resource's writes, and /status owns nothing but status.
 */
export function resetFieldsFor(hasStatusSubresource: boolean, subresource: string | undefined): ((set: FieldSet) => FieldSet) | undefined {
  if (subresource === 'status') return (s) => s.filterTop((pe) => pe.kind === 'field' && pe.name === 'status');
  if (!subresource && hasStatusSubresource) return (s) => s.filterTop((pe) => !(pe.kind === 'field' && pe.name === 'status'));
  return undefined;
}

function reset(ctx: FieldManagerContext, set: FieldSet): FieldSet {
  return ctx.resetFields ? ctx.resetFields(set) : set;
}

function resetComparison(ctx: FieldManagerContext, c: Comparison): Comparison {
  return { added: reset(ctx, c.added), modified: reset(ctx, c.modified), removed: reset(ctx, c.removed) };
}

function withoutManagedFields(obj: KubeObject | undefined): KubeObject {
  if (!obj) return { metadata: {} };
  const copy = structuredClone(obj);
  copy.metadata = { ...(copy.metadata ?? {}) };
  delete copy.metadata.managedFields;
  return copy;
}

function tryDecode(raw: unknown): Managed {
  try {
    return decodeManagedFields(raw);
  } catch {
    return new Map();
  }
}

function isResetRequest(raw: unknown): boolean {
  if (!Array.isArray(raw)) return false;
  if (raw.length === 0) return true;
  return raw.length === 1 && typeof raw[0] === 'object' && raw[0] !== null && Object.values(raw[0]).every((v) => v === undefined || v === null || v === '');
}

/**
 * Where an update's ownership starts from (upstream's decodeLiveOrNew): managedFields the
 * client sent when they decode and are not empty (so a client can rewrite them, as kubectl's
 * client-side to server-side apply migration does), `[]` (or `[{}]`) to reset them, else the
 * live object's. Subresources always start from the live object's.
 */
export function startingManaged(live: KubeObject | undefined, incoming: unknown, ignoreIncoming: boolean): Managed {
  const liveManaged = live?.metadata.managedFields;
  if (ignoreIncoming) return tryDecode(liveManaged);
  if (isResetRequest(incoming)) return new Map();
  try {
    const m = decodeManagedFields(incoming);
    if (m.size > 0) return m;
  } catch {
    // Upstream ignores managedFields it cannot decode and keeps the live ones.
  }
  return tryDecode(liveManaged);
}

/**
 * Moves ownership for a change from `before` to `after` (structured-merge-diff's update):
 * every manager but `self` loses the fields that were removed, and those changed or added
 * unless the change conflicts and is not forced.
 */
function reassign(managed: Managed, cmp: Comparison, self: string | undefined, force: boolean): { managed: Managed; conflicts: Conflict[] } {
  const changed = cmp.modified.union(cmp.added);
  const conflicts: Conflict[] = [];
  const out: Managed = new Map();
  for (const [id, e] of managed) {
    if (id === self) {
      out.set(id, e);
      continue;
    }
    const conflictSet = e.fields.intersection(changed);
    for (const path of conflictSet.paths()) conflicts.push({ manager: e, path });
    const fields = e.fields.difference(conflictSet).difference(cmp.removed);
    if (!fields.isEmpty()) out.set(id, { ...e, fields });
  }
  if (!force && conflicts.length) return { managed, conflicts };
  return { managed: out, conflicts: [] };
}

function updateKey(manager: string, ctx: FieldManagerContext): ManagerKey {
  return { manager, operation: 'Update', apiVersion: ctx.apiVersion, ...(ctx.subresource ? { subresource: ctx.subresource } : {}) };
}

/**
 * Ownership after a non-apply write (create, update, any patch): the writer gains what it
 * changed or added and keeps what it had, everyone loses what was removed, others lose what the
 * writer changed. The writer's entry is timestamped only when it gained something.
 */
function recordUpdate(live: KubeObject, next: KubeObject, managed: Managed, key: ManagerKey, ctx: FieldManagerContext): Managed {
  const cmp = resetComparison(ctx, compareObjects(live, next, ctx.schema));
  const { managed: after } = reassign(managed, cmp, undefined, true);
  const gained = reset(ctx, stripServerFields(cmp.modified.union(cmp.added).difference(cmp.removed)));
  if (gained.isEmpty()) return after;
  const id = managerIdentity(key);
  const prev = after.get(id);
  after.set(id, { ...key, fields: prev ? prev.fields.union(gained) : gained, time: ctx.now });
  return after;
}

export interface UpdateWrite {
  /** The stored object before the write; undefined for a create. */
  live: KubeObject | undefined;
  /** The object about to be stored (after the kind's update strategy). */
  next: KubeObject;
  /** metadata.managedFields as the client sent them. */
  incoming: unknown;
  /** Subresource writes never take managedFields from the client. */
  ignoreIncoming: boolean;
  manager: string;
}

/**
 * metadata.managedFields for a non-apply write. Undefined means none: an existing object that
 * tracks nothing (its managedFields were reset) stays untracked until the next apply, as upstream.
 */
export function managedFieldsAfterUpdate(w: UpdateWrite, ctx: FieldManagerContext): ManagedFieldsEntry[] | undefined {
  const base = startingManaged(w.live, w.incoming, w.ignoreIncoming);
  if (base.size === 0 && w.live) return undefined;
  const managed = recordUpdate(withoutManagedFields(w.live), withoutManagedFields(w.next), base, updateKey(w.manager, ctx), ctx);
  return encodeManagedFields(capUpdateManagers(managed));
}

// ---- apply ----

export interface ApplyRequest {
  manager: string;
  force: boolean;
}

export interface ApplyResult {
  /** The merged object (the live one when nothing changed), without managedFields. */
  object: KubeObject;
  managedFields: ManagedFieldsEntry[] | undefined;
}

function gvkString(config: KubeObject): string {
  const apiVersion = String(config.apiVersion ?? '');
  const i = apiVersion.lastIndexOf('/');
  const group = i >= 0 ? apiVersion.slice(0, i) : '';
  const version = i >= 0 ? apiVersion.slice(i + 1) : apiVersion;
  return `${group}/${version}, Kind=${String(config.kind ?? '')}`;
}

/** The set an applied configuration specifies; a configuration that does not fit its schema is a 400. */
function configFields(config: KubeObject, ctx: FieldManagerContext): FieldSet {
  try {
    return fieldsOf(config, ctx.schema, { strict: true });
  } catch (e) {
    if (!(e instanceof SchemaViolations)) throw e;
    const m = config.metadata ?? {};
    throw errors.badRequest(`failed to create typed patch object (${m.namespace ?? ''}/${m.name ?? ''}; ${gvkString(config)}): ${e.message}`);
  }
}

/**
 * Removes what the applier owned last time, no longer applies and no one else owns
 * (structured-merge-diff's prune). Declared struct fields count as owned when anything below
 * them is, so dropping `.spec.strategy.type` can drop `.spec.strategy` but never `.spec` while
 * someone still owns `.spec.replicas`.
 */
function prune(merged: KubeObject, managed: Managed, last: FieldSet | undefined, ctx: FieldManagerContext): KubeObject {
  if (!last || last.isEmpty()) return merged;
  let owned = new FieldSet();
  for (const e of managed.values()) owned = owned.union(e.fields);
  const toRemove = ensureNamedFieldsAreMembers(last, ctx.schema).difference(ensureNamedFieldsAreMembers(owned, ctx.schema));
  return removeFields(merged, toRemove, ctx.schema) as KubeObject;
}

function applyOnce(live: KubeObject, config: KubeObject, configSet: FieldSet, managed: Managed, key: ManagerKey, force: boolean, ctx: FieldManagerContext): { object: KubeObject; managed: Managed; conflicts: Conflict[] } {
  const id = managerIdentity(key);
  const last = managed.get(id);
  const withConfig: Managed = new Map(managed);
  // The applier owns exactly what it applies now; the server's own fields are stripped only at
  // the end, so the configuration's metadata.name keeps `metadata` owned while pruning.
  withConfig.set(id, { ...key, fields: reset(ctx, configSet), ...(last?.time ? { time: last.time } : {}) });
  let merged = mergeObjects(live, config, ctx.schema) as KubeObject;
  merged = prune(merged, withConfig, last?.fields, ctx);
  const cmp = resetComparison(ctx, compareObjects(live, merged, ctx.schema));
  const { managed: after, conflicts } = reassign(withConfig, cmp, id, force);
  if (conflicts.length) return { object: live, managed, conflicts };
  const changed = !jsonEqual(live, merged);
  const fields = stripServerFields(after.get(id)!.fields);
  if (fields.isEmpty()) after.delete(id);
  else {
    const time = changed || !last || !last.fields.equals(fields) ? ctx.now : last.time;
    after.set(id, { ...key, fields, ...(time ? { time } : {}) });
  }
  return { object: changed ? merged : live, managed: after, conflicts: [] };
}

function annotationsOf(obj: KubeObject): Record<string, string> {
  const a = obj.metadata?.annotations;
  return a && typeof a === 'object' ? a : {};
}

/**
 * Upstream's lastAppliedManager: conflicts the default kubectl manager meets on fields that
 * client-side apply recorded in last-applied-configuration (and that still hold the recorded
 * value) are no conflicts, so `kubectl apply --server-side` can take over from `kubectl apply`.
 */
function allowedByLastApplied(live: KubeObject, ctx: FieldManagerContext): FieldSet | undefined {
  const recorded = annotationsOf(live)[LAST_APPLIED_ANNOTATION];
  if (!recorded) return undefined;
  let last: unknown;
  try {
    last = JSON.parse(recorded);
  } catch {
    return undefined;
  }
  if (typeof last !== 'object' || last === null || Array.isArray(last)) return undefined;
  if ((last as KubeObject).apiVersion !== ctx.apiVersion) return undefined;
  try {
    const set = fieldsOf(last, ctx.schema, { strict: true });
    return set.difference(compareObjects(last, live, ctx.schema).modified);
  } catch {
    return undefined;
  }
}

/** JSON as Go's encoding/json writes it: sorted keys, HTML-safe escapes, a trailing newline (json.Encoder). */
export function goJson(v: unknown): string {
  const enc = (x: unknown): string => {
    if (x === null || x === undefined) return 'null';
    if (typeof x === 'string') {
      return JSON.stringify(x).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
    }
    if (typeof x !== 'object') return JSON.stringify(x);
    if (Array.isArray(x)) return `[${x.map(enc).join(',')}]`;
    const o = x as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${enc(k)}:${enc(o[k])}`).join(',')}}`;
  };
  return `${enc(v)}\n`;
}

/**
 * Applies a configuration (server-side apply): merges it into the live object (an absent one
 * is created from it), makes `req.manager` the owner of exactly what it applies, removes what
 * it stopped applying unless someone else owns it, and refuses (409) to change fields other
 * managers own unless forced, in which case they lose them.
 */
export function applyConfiguration(live: KubeObject | undefined, config: KubeObject, req: ApplyRequest, ctx: FieldManagerContext): ApplyResult {
  if (config.metadata?.managedFields !== undefined && config.metadata.managedFields !== null) {
    throw errors.badRequest('metadata.managedFields must be nil');
  }
  const configSet = configFields(config, ctx);
  const liveObj = withoutManagedFields(live);
  let managed: Managed = live ? tryDecode(live.metadata.managedFields) : new Map();
  const key: ManagerKey = { manager: req.manager, operation: 'Apply', apiVersion: ctx.apiVersion, ...(ctx.subresource ? { subresource: ctx.subresource } : {}) };
  if (live && managed.size === 0) {
    // Whatever an untracked object holds was set by someone: record that before the first apply.
    managed = recordUpdate(withoutManagedFields(undefined), liveObj, managed, updateKey(BEFORE_FIRST_APPLY_MANAGER, ctx), ctx);
  }
  let result = applyOnce(liveObj, config, configSet, managed, key, req.force, ctx);
  if (result.conflicts.length && req.manager === KUBECTL_APPLY_MANAGER) {
    const allowed = allowedByLastApplied(liveObj, ctx);
    if (allowed) {
      const remaining = result.conflicts.filter((c) => !allowed.has(c.path));
      result = remaining.length ? { ...result, conflicts: remaining } : applyOnce(liveObj, config, configSet, managed, key, true, ctx);
    }
  }
  if (result.conflicts.length) throw conflictError(result.conflicts);
  let object = result.object;
  // Upstream's lastAppliedUpdater: kubectl's own apply keeps a client-side apply record current,
  // so going back to `kubectl apply` later does not misread what was applied.
  if (req.manager === KUBECTL_APPLY_MANAGER && annotationsOf(liveObj)[LAST_APPLIED_ANNOTATION]) {
    const recorded = structuredClone(config);
    if (recorded.metadata?.annotations) {
      const ann = { ...recorded.metadata.annotations };
      delete ann[LAST_APPLIED_ANNOTATION];
      recorded.metadata = { ...recorded.metadata, annotations: ann };
    }
    const value = goJson(recorded);
    if (annotationsOf(object)[LAST_APPLIED_ANNOTATION] !== value) {
      object = structuredClone(object);
      object.metadata = { ...object.metadata, annotations: { ...annotationsOf(object), [LAST_APPLIED_ANNOTATION]: value } };
    }
  }
  return { object, managedFields: encodeManagedFields(capUpdateManagers(result.managed)) };
}
