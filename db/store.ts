import type { Client, InStatement, Row, InArgs } from '@libsql/client';
import { errors } from '../shared/status.js';
import type { KubeObject, ObjectKey } from '../shared/object.js';
import { parseLabelSelector, type Requirement } from '../shared/label-selector.js';
import { parseFieldSelector, type FieldRequirement } from '../shared/field-selector.js';
import { compileWatchSelectors, watchEventTypeFor } from '../shared/watch-filter.js';
import { decodeContinue, encodeContinue } from './continue-token.js';

/** Which objects a list or watch covers; `namespace` undefined means every namespace. */
export interface Scope {
  group: string;
  resource: string;
  namespace?: string;
}

export interface SelectorOptions {
  labelSelector?: string | Requirement[];
  fieldSelector?: string | FieldRequirement[];
}

export interface ListOptions extends SelectorOptions {
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KubeObject[];
  /** The global revision the list reflects, for a following watch. */
  resourceVersion: string;
  continue?: string;
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: EventType;
  object: KubeObject;
  revision: number;
}

export interface ChangesResult {
  events: WatchEvent[];
  /** Everything up to this revision has been seen by this read: resume after it, or bookmark it. */
  revision: number;
  /** More matching rows may follow immediately (the page was full). */
  more: boolean;
}

export interface Change {
  revision: number;
  type: EventType;
  key: ObjectKey;
}

/**
 * One row of the change log with what any watcher needs to filter it (labels and fields after
 * and before the change), for readers that fan one read out to many watchers.
 */
export interface ChangeRow {
  revision: number;
  type: EventType;
  group: string;
  resource: string;
  namespace: string;
  name: string;
  /** The stored JSON (without resourceVersion: that is `revision`). */
  body: string;
  labels: string;
  fields: string;
  prevLabels: string | null;
  prevFields: string | null;
}

export interface ChangeRowsResult {
  rows: ChangeRow[];
  /** Everything up to this revision has been read (the log's head when the page was not full). */
  revision: number;
  more: boolean;
  /** The compaction horizon as of this read: rows at or below it may be gone. */
  horizon: number;
}

/** Called after a commit by any Store over the same client (see Store.onCommitted). */
export type CommitListener = (change: Change) => void;

// Keyed by client: every Store over one connection tells the same listeners, however many
// Store objects the process makes. In workerd each request has its own client, so nothing
// registered here is shared between requests.
const commitListeners = new WeakMap<Client, Set<CommitListener>>();

export interface LoggedChange extends Change {
  /** The object as written (for a deletion: its last state), with the change's revision. */
  object: KubeObject;
}

export interface StoreOptions {
  /** Selectable fields of an object (metadata.name and metadata.namespace are always added). */
  fieldsOf?: (key: ObjectKey, obj: KubeObject) => Record<string, string>;
  /** Called after every committed write: the outbox nudge (a queue message in the worker). */
  onCommit?: (change: Change) => void;
  now?: () => number;
  /** Largest stored object in bytes of JSON (default 1.5 MiB, etcd's request limit). */
  maxObjectBytes?: number;
}

/**
 * A create asked to require an active namespace found it missing or terminating; nothing was
 * written. The caller reads the namespace to say which (functions/namespace-lifecycle.ts).
 */
export class NamespaceInactiveError extends Error {
  constructor(readonly namespace: string) {
    super(`namespace ${namespace} is missing or terminating`);
    this.name = 'NamespaceInactiveError';
  }
}

// Fails the write batch (NOT NULL on meta.value) unless the namespace exists and is not being
// deleted; inserts nothing either way. NamespaceLifecycle inside the create's own transaction.
const ACTIVE_NAMESPACE_GUARD = `INSERT INTO meta (key, value, updated_at) SELECT 'namespace-guard', NULL, 0
  WHERE NOT EXISTS (SELECT 1 FROM objects WHERE "group" = '' AND resource = 'namespaces' AND namespace = '' AND name = :ns
    AND json_extract(body, '$.metadata.deletionTimestamp') IS NULL AND IFNULL(json_extract(body, '$.status.phase'), '') <> 'Terminating')`;

/** etcd's default --max-request-bytes: kube-apiserver's objects can be no larger. */
export const MAX_OBJECT_BYTES = 1572864;

export interface CompactOptions {
  /** Changes older than this are compacted. */
  maxAgeMs?: number;
  /** At most this many changes are kept. */
  maxCount?: number;
  /** Never compact at or beyond this revision (the dispatcher's cursor: undelivered changes stay). */
  keepFrom?: number;
}

const COMPACT_KEY = 'compact_revision';
const INSERT_OWNERS = `INSERT OR IGNORE INTO object_owners (owner_uid, "group", resource, namespace, name)
                       SELECT value, :g, :r, :ns, :n FROM json_each(:owners)`;

function ownersJson(obj: KubeObject): string {
  return JSON.stringify((obj.metadata?.ownerReferences ?? []).map((o) => o.uid));
}
const KEY_WHERE = `"group" = :g AND resource = :r AND namespace = :ns AND name = :n`;

function keyArgs(k: ObjectKey): Record<string, string> {
  return { g: k.group, r: k.resource, ns: k.namespace, n: k.name };
}

/** Reads a body row back into an object, with the revision column as its resourceVersion. */
export function hydrate(body: string, revision: number | bigint): KubeObject {
  const obj = JSON.parse(body) as KubeObject;
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: String(revision) };
  return obj;
}

/** The stored form: resourceVersion lives only in its column, never in the JSON. */
function dehydrate(obj: KubeObject): string {
  const { resourceVersion: _rv, ...metadata } = obj.metadata ?? {};
  return JSON.stringify({ ...obj, metadata });
}

function rowWithKey(r: Row): { key: ObjectKey; object: KubeObject } {
  return {
    key: { group: String(r.group), resource: String(r.resource), namespace: String(r.namespace), name: String(r.name) },
    object: hydrate(String(r.body), num(r.resource_version)),
  };
}

function num(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : Number(v ?? 0);
}

function isConstraint(e: unknown): boolean {
  const text = `${(e as { code?: string }).code ?? ''} ${(e as Error).message ?? ''} ${String((e as { cause?: unknown }).cause ?? '')}`;
  return /SQLITE_CONSTRAINT|constraint failed/i.test(text);
}

/**
 * The etcd of Flotilla on libSQL: one global revision, optimistic concurrency, ordered
 * watches and compaction. Each write is a single batch (one transaction) whose preconditions
 * are enforced by SQLite itself, so concurrent writers through any number of stateless
 * functions cannot interleave a read-check-write race.
 */
export class Store {
  private readonly fieldsOf: NonNullable<StoreOptions['fieldsOf']>;
  private readonly now: () => number;

  constructor(
    readonly client: Client,
    private readonly options: StoreOptions = {},
  ) {
    this.fieldsOf = options.fieldsOf ?? (() => ({}));
    this.now = options.now ?? Date.now;
  }

  private fields(key: ObjectKey, obj: KubeObject): string {
    return JSON.stringify({
      ...this.fieldsOf(key, obj),
      'metadata.name': key.name,
      'metadata.namespace': key.namespace,
    });
  }

  /** What kube-apiserver answers when etcd refuses an oversized object: 413, nothing written. */
  private checkSize(body: string): void {
    const limit = this.options.maxObjectBytes ?? MAX_OBJECT_BYTES;
    // A UTF-16 unit is at most three UTF-8 bytes: encode only when that bound could pass the limit.
    if (body.length * 3 <= limit) return;
    if (new TextEncoder().encode(body).byteLength > limit) throw errors.tooLarge('Request entity too large: etcdserver: request is too large');
  }

  /**
   * Hears every commit made through this store's client, by any Store over it: how an
   * in-process watch fan-out is woken by the write itself. Returns the unsubscribe.
   */
  onCommitted(listener: CommitListener): () => void {
    let set = commitListeners.get(this.client);
    if (!set) commitListeners.set(this.client, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  private committed(change: Change): void {
    this.options.onCommit?.(change);
    const listeners = commitListeners.get(this.client);
    if (!listeners) return;
    for (const l of listeners) {
      try {
        l(change);
      } catch {
        // A listener's failure is its own; the write has committed either way.
      }
    }
  }

  async get(key: ObjectKey): Promise<KubeObject | undefined> {
    const rs = await this.client.execute({
      sql: `SELECT body, resource_version FROM objects WHERE ${KEY_WHERE}`,
      args: keyArgs(key),
    });
    const row = rs.rows[0];
    return row ? hydrate(String(row.body), num(row.resource_version)) : undefined;
  }

  async currentRevision(): Promise<number> {
    const rs = await this.client.execute(`SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0) AS rev`);
    return num(rs.rows[0]?.rev);
  }

  async compactedRevision(): Promise<number> {
    const rs = await this.client.execute({ sql: `SELECT value FROM meta WHERE key = :k`, args: { k: COMPACT_KEY } });
    return num(rs.rows[0]?.value);
  }

  /**
   * Stores a new object (409 if it exists). With `activeNamespace`, the object's namespace must
   * exist and not be terminating, checked in the same transaction (NamespaceInactiveError).
   */
  async create(key: ObjectKey, obj: KubeObject, opts: { activeNamespace?: boolean } = {}): Promise<KubeObject> {
    const labels = JSON.stringify(obj.metadata?.labels ?? {});
    const body = dehydrate(obj);
    this.checkSize(body);
    const fields = this.fields(key, obj);
    const args = { ...keyArgs(key), body, labels, fields, uid: String(obj.metadata?.uid ?? ''), owners: ownersJson(obj), at: this.now() };
    let revision: number;
    const guarded = opts.activeNamespace === true && key.namespace !== '';
    try {
      const results = await this.client.batch(
        [
          ...(guarded ? [{ sql: ACTIVE_NAMESPACE_GUARD, args: { ns: key.namespace } }] : []),
          {
            sql: `INSERT INTO changes (type, "group", resource, namespace, name, body, labels, fields, created_at)
                  VALUES ('ADDED', :g, :r, :ns, :n, :body, :labels, :fields, :at) RETURNING revision`,
            args,
          },
          {
            sql: `INSERT INTO objects ("group", resource, namespace, name, uid, resource_version, body, fields, created_revision)
                  VALUES (:g, :r, :ns, :n, :uid, last_insert_rowid(), :body, :fields, last_insert_rowid())`,
            args,
          },
          { sql: `INSERT INTO object_labels SELECT :g, :r, :ns, :n, key, value FROM json_each(:labels)`, args },
          { sql: INSERT_OWNERS, args },
        ],
        'write',
      );
      revision = num(results[guarded ? 1 : 0]!.rows[0]!.revision);
    } catch (e) {
      if (guarded && isConstraint(e) && !(await this.namespaceActive(key.namespace))) throw new NamespaceInactiveError(key.namespace);
      if (isConstraint(e)) throw errors.alreadyExists({ group: key.group, resource: key.resource, name: key.name });
      throw e;
    }
    this.committed({ revision, type: 'ADDED', key });
    return hydrate(body, revision);
  }

  /**
   * Replaces an object. With `resourceVersion` the write happens only if the stored object
   * still has it (409 otherwise); without, only if the object exists (404 otherwise).
   */
  async update(key: ObjectKey, obj: KubeObject, opts: { resourceVersion?: string } = {}): Promise<KubeObject> {
    const labels = JSON.stringify(obj.metadata?.labels ?? {});
    const body = dehydrate(obj);
    this.checkSize(body);
    const args = {
      ...keyArgs(key),
      body,
      labels,
      fields: this.fields(key, obj),
      owners: ownersJson(obj),
      expect: opts.resourceVersion ? Number(opts.resourceVersion) : null,
      at: this.now(),
    };
    if (opts.resourceVersion !== undefined && !/^\d+$/.test(opts.resourceVersion)) {
      throw errors.badRequest(`metadata.resourceVersion: Invalid value: "${opts.resourceVersion}": must be an integer`);
    }
    const guard = `(SELECT resource_version FROM objects WHERE ${KEY_WHERE} AND (:expect IS NULL OR resource_version = :expect))`;
    const revision = await this.guardedWrite(key, opts.resourceVersion, [
      {
        sql: `INSERT INTO changes (type, "group", resource, namespace, name, body, labels, fields, prev_revision, prev_labels, prev_fields, created_at)
              VALUES ('MODIFIED', :g, :r, :ns, :n, :body, :labels, :fields, ${guard},
                      (SELECT json_group_object(key, value) FROM object_labels WHERE ${KEY_WHERE}),
                      (SELECT fields FROM objects WHERE ${KEY_WHERE}), :at)
              RETURNING revision`,
        args,
      },
      {
        sql: `UPDATE objects SET body = :body, fields = :fields, resource_version = last_insert_rowid() WHERE ${KEY_WHERE}`,
        args,
      },
      { sql: `DELETE FROM object_labels WHERE ${KEY_WHERE}`, args },
      { sql: `INSERT INTO object_labels SELECT :g, :r, :ns, :n, key, value FROM json_each(:labels)`, args },
      { sql: `DELETE FROM object_owners WHERE ${KEY_WHERE}`, args },
      { sql: INSERT_OWNERS, args },
    ]);
    this.committed({ revision: revision.revision, type: 'MODIFIED', key });
    return hydrate(body, revision.revision);
  }

  /** Removes an object; the removal is a change with a revision of its own, like etcd's. */
  async delete(key: ObjectKey, opts: { resourceVersion?: string } = {}): Promise<KubeObject> {
    const args = { ...keyArgs(key), expect: opts.resourceVersion ? Number(opts.resourceVersion) : null, at: this.now() };
    const guard = `(SELECT resource_version FROM objects WHERE ${KEY_WHERE} AND (:expect IS NULL OR resource_version = :expect))`;
    const labels = `(SELECT json_group_object(key, value) FROM object_labels WHERE ${KEY_WHERE})`;
    const fields = `(SELECT fields FROM objects WHERE ${KEY_WHERE})`;
    const revision = await this.guardedWrite(key, opts.resourceVersion, [
      {
        sql: `INSERT INTO changes (type, "group", resource, namespace, name, body, labels, fields, prev_revision, prev_labels, prev_fields, created_at)
              VALUES ('DELETED', :g, :r, :ns, :n, COALESCE((SELECT body FROM objects WHERE ${KEY_WHERE}), '{}'),
                      COALESCE(${labels}, '{}'), COALESCE(${fields}, '{}'), ${guard}, ${labels}, ${fields}, :at)
              RETURNING revision, body`,
        args,
      },
      { sql: `DELETE FROM objects WHERE ${KEY_WHERE}`, args },
      { sql: `DELETE FROM object_labels WHERE ${KEY_WHERE}`, args },
      { sql: `DELETE FROM object_owners WHERE ${KEY_WHERE}`, args },
    ]);
    this.committed({ revision: revision.revision, type: 'DELETED', key });
    return hydrate(revision.body, revision.revision);
  }

  private async namespaceActive(name: string): Promise<boolean> {
    const ns = await this.get({ group: '', resource: 'namespaces', namespace: '', name });
    return Boolean(ns && !ns.metadata.deletionTimestamp && (ns.status as { phase?: string } | undefined)?.phase !== 'Terminating');
  }

  /** Runs a write whose first statement carries the guard; a failed guard is told apart as 404 or 409. */
  private async guardedWrite(
    key: ObjectKey,
    expected: string | undefined,
    stmts: InStatement[],
  ): Promise<{ revision: number; body: string }> {
    try {
      const [first] = await this.client.batch(stmts, 'write');
      const row = first!.rows[0]!;
      return { revision: num(row.revision), body: String(row.body ?? '{}') };
    } catch (e) {
      if (!isConstraint(e)) throw e;
      const current = await this.get(key);
      const ref = { group: key.group, resource: key.resource, name: key.name };
      if (!current) throw errors.notFound(ref);
      if (expected !== undefined && current.metadata.resourceVersion !== expected) {
        throw errors.conflict(ref, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      throw e;
    }
  }

  async list(scope: Scope, opts: ListOptions = {}): Promise<ListResult> {
    const labelReqs = typeof opts.labelSelector === 'string' ? parseLabelSelector(opts.labelSelector) : (opts.labelSelector ?? []);
    const fieldReqs = typeof opts.fieldSelector === 'string' ? parseFieldSelector(opts.fieldSelector) : (opts.fieldSelector ?? []);
    const token = opts.continue ? decodeContinue(opts.continue) : undefined;
    const where: string[] = [`o."group" = :g`, `o.resource = :r`];
    const args: Record<string, string | number | null> = { g: scope.group, r: scope.resource };
    if (scope.namespace !== undefined) {
      where.push(`o.namespace = :ns`);
      args.ns = scope.namespace;
    }
    if (token) {
      where.push(`(o.namespace, o.name) > (:cns, :cn)`);
      args.cns = token.namespace;
      args.cn = token.name;
    }
    labelReqs.forEach((req, i) => where.push(labelCondition(req, i, args)));
    fieldReqs.forEach((req, i) => {
      args[`fp${i}`] = `$."${req.field.replace(/"/g, '""')}"`;
      args[`fv${i}`] = req.value;
      where.push(`IFNULL(json_extract(o.fields, :fp${i}), '') ${req.op === 'eq' ? '=' : '<>'} :fv${i}`);
    });
    // SQLite's LIMIT is a 64-bit integer: a limit past any possible row count means no limit.
    const limit = opts.limit && opts.limit > 0 && opts.limit < 2 ** 31 ? Math.floor(opts.limit) : undefined;
    if (limit) args.lim = limit + 1;
    const [rows, rev, compacted] = await this.client.batch(
      [
        {
          sql: `SELECT o.namespace, o.name, o.body, o.resource_version FROM objects o WHERE ${where.join(' AND ')}
                ORDER BY o.namespace, o.name ${limit ? 'LIMIT :lim' : ''}`,
          args: args as InArgs,
        },
        `SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0) AS rev`,
        { sql: `SELECT value FROM meta WHERE key = :k`, args: { k: COMPACT_KEY } },
      ],
      'read',
    );
    const listRevision = token ? token.revision : num(rev!.rows[0]?.rev);
    if (token && token.revision < num(compacted!.rows[0]?.value)) {
      throw errors.expired(
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      );
    }
    const found = rows!.rows;
    const page = limit ? found.slice(0, limit) : found;
    const items = page.map((row: Row) => hydrate(String(row.body), num(row.resource_version)));
    const result: ListResult = { items, resourceVersion: String(listRevision) };
    if (limit && found.length > limit) {
      const last = page[page.length - 1]!;
      result.continue = encodeContinue({ revision: listRevision, namespace: String(last.namespace), name: String(last.name) });
    }
    return result;
  }

  /**
   * The changes after `from` within a scope, as a watcher with these selectors sees them:
   * an object entering the selector is ADDED and one leaving it DELETED. 410 below the
   * compaction horizon, checked in the same read transaction so a concurrent compaction
   * can never hand out a gap.
   */
  async changes(scope: Scope, from: number, opts: SelectorOptions & { limit?: number } = {}): Promise<ChangesResult> {
    const sel = compileWatchSelectors(opts.labelSelector, opts.fieldSelector);
    const res = await this.changeRows(from, { ...scope, limit: opts.limit ?? 500 });
    if (from < res.horizon) {
      throw errors.expired(`too old resource version: ${from} (${res.horizon})`);
    }
    const events: WatchEvent[] = [];
    for (const row of res.rows) {
      const seen = watchEventTypeFor(row, sel);
      if (seen) events.push({ type: seen, object: hydrate(row.body, row.revision), revision: row.revision });
    }
    return { events, revision: res.revision, more: res.more };
  }

  /**
   * The raw change rows after `after`, of one resource (or of all), with the log's head and
   * compaction horizon read in the same transaction: one read a fan-out shares among watchers.
   */
  async changeRows(after: number, opts: { group?: string; resource?: string; namespace?: string; limit?: number } = {}): Promise<ChangeRowsResult> {
    const limit = opts.limit ?? 500;
    const args: Record<string, string | number> = { from: after, lim: limit };
    const where: string[] = [];
    if (opts.group !== undefined && opts.resource !== undefined) {
      where.push(`"group" = :g AND resource = :r`);
      args.g = opts.group;
      args.r = opts.resource;
    }
    if (opts.namespace !== undefined) {
      where.push('namespace = :ns');
      args.ns = opts.namespace;
    }
    where.push('revision > :from');
    const [rows, rev, compacted] = await this.client.batch(
      [
        {
          sql: `SELECT revision, type, "group", resource, namespace, name, body, labels, fields, prev_labels, prev_fields FROM changes
                WHERE ${where.join(' AND ')} ORDER BY revision LIMIT :lim`,
          args,
        },
        `SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0) AS rev`,
        { sql: `SELECT value FROM meta WHERE key = :k`, args: { k: COMPACT_KEY } },
      ],
      'read',
    );
    const out: ChangeRow[] = rows!.rows.map((r) => ({
      revision: num(r.revision),
      type: String(r.type) as EventType,
      group: String(r.group),
      resource: String(r.resource),
      namespace: String(r.namespace),
      name: String(r.name),
      body: String(r.body),
      labels: String(r.labels ?? '{}'),
      fields: String(r.fields ?? '{}'),
      prevLabels: r.prev_labels === null || r.prev_labels === undefined ? null : String(r.prev_labels),
      prevFields: r.prev_fields === null || r.prev_fields === undefined ? null : String(r.prev_fields),
    }));
    const more = out.length >= limit;
    const last = out.length ? out[out.length - 1]!.revision : after;
    return { rows: out, revision: more ? last : Math.max(last, num(rev!.rows[0]?.rev)), more, horizon: num(compacted!.rows[0]?.value) };
  }

  /** Every change after `after` in revision order, unfiltered: the outbox the dispatcher drains. */
  async changeLog(after: number, limit = 500): Promise<LoggedChange[]> {
    const rs = await this.client.execute({
      sql: `SELECT revision, type, "group", resource, namespace, name, body FROM changes WHERE revision > :after ORDER BY revision LIMIT :lim`,
      args: { after, lim: limit },
    });
    return rs.rows.map((r) => ({
      revision: num(r.revision),
      type: String(r.type) as EventType,
      key: { group: String(r.group), resource: String(r.resource), namespace: String(r.namespace), name: String(r.name) },
      object: hydrate(String(r.body), num(r.revision)),
    }));
  }

  /** Objects naming `uid` among their ownerReferences, found through the owner index. */
  async dependents(uid: string): Promise<Array<{ key: ObjectKey; object: KubeObject }>> {
    const rs = await this.client.execute({
      sql: `SELECT o."group", o.resource, o.namespace, o.name, o.body, o.resource_version FROM object_owners w
            JOIN objects o ON o."group" = w."group" AND o.resource = w.resource AND o.namespace = w.namespace AND o.name = w.name
            WHERE w.owner_uid = :uid ORDER BY o."group", o.resource, o.namespace, o.name`,
      args: { uid },
    });
    return rs.rows.map(rowWithKey);
  }

  /** Whether an object with this uid exists, whatever its kind: ownerReferences name owners by uid. */
  async getByUid(uid: string): Promise<{ key: ObjectKey; object: KubeObject } | undefined> {
    const rs = await this.client.execute({
      sql: `SELECT "group", resource, namespace, name, body, resource_version FROM objects WHERE uid = :uid LIMIT 1`,
      args: { uid },
    });
    return rs.rows[0] ? rowWithKey(rs.rows[0]) : undefined;
  }

  /** Everything stored in a namespace, of every resource: what namespace finalization must remove. */
  async namespaceContents(namespace: string, limit = 500): Promise<Array<{ key: ObjectKey; object: KubeObject }>> {
    const rs = await this.client.execute({
      sql: `SELECT "group", resource, namespace, name, body, resource_version FROM objects WHERE namespace = :ns
            ORDER BY "group", resource, name LIMIT :lim`,
      args: { ns: namespace, lim: limit },
    });
    return rs.rows.map(rowWithKey);
  }

  /**
   * Polls the change log and yields events until the signal aborts. Each call reads the log
   * itself, which is what workerd requires (a request cannot wait on another's promise).
   */
  async *watch(
    scope: Scope,
    from: number,
    opts: SelectorOptions & { signal?: AbortSignal; pollMs?: number; bookmarkMs?: number } = {},
  ): AsyncGenerator<WatchEvent | { type: 'BOOKMARK'; revision: number }> {
    let cursor = from;
    let lastSent = Date.now();
    const pollMs = opts.pollMs ?? 100;
    while (!opts.signal?.aborted) {
      const res = await this.changes(scope, cursor, opts);
      for (const ev of res.events) yield ev;
      if (res.events.length) lastSent = Date.now();
      cursor = res.revision;
      if (res.more) continue;
      if (opts.bookmarkMs !== undefined && Date.now() - lastSent >= opts.bookmarkMs) {
        yield { type: 'BOOKMARK', revision: cursor };
        lastSent = Date.now();
      }
      await abortableDelay(pollMs, opts.signal);
    }
  }

  /**
   * Trims the change log by age and count (never at or past `keepFrom`) and raises the
   * horizon below which watches and continue tokens get 410. Horizon and deletion are one
   * transaction.
   */
  async compact(opts: CompactOptions): Promise<{ horizon: number; removed: number }> {
    const candidates: number[] = [];
    if (opts.maxAgeMs !== undefined) {
      const rs = await this.client.execute({
        sql: `SELECT MAX(revision) AS rev FROM changes WHERE created_at < :cut`,
        args: { cut: this.now() - opts.maxAgeMs },
      });
      candidates.push(num(rs.rows[0]?.rev));
    }
    if (opts.maxCount !== undefined) {
      const rs = await this.client.execute({
        sql: `SELECT revision FROM changes ORDER BY revision DESC LIMIT 1 OFFSET :n`,
        args: { n: opts.maxCount },
      });
      candidates.push(num(rs.rows[0]?.revision));
    }
    let target = Math.max(0, ...candidates);
    if (opts.keepFrom !== undefined) target = Math.min(target, opts.keepFrom - 1);
    const current = await this.compactedRevision();
    if (target <= current) return { horizon: current, removed: 0 };
    const [, del] = await this.client.batch(
      [
        {
          sql: `INSERT INTO meta (key, value, updated_at) VALUES (:k, CAST(:v AS INTEGER), :at)
                ON CONFLICT(key) DO UPDATE SET value = MAX(CAST(value AS INTEGER), CAST(:v AS INTEGER)), updated_at = :at`,
          args: { k: COMPACT_KEY, v: target, at: this.now() },
        },
        { sql: `DELETE FROM changes WHERE revision <= :v`, args: { v: target } },
      ],
      'write',
    );
    return { horizon: target, removed: del!.rowsAffected };
  }
}

function labelCondition(req: Requirement, i: number, args: Record<string, string | number | null>): string {
  const corr = `l."group" = o."group" AND l.resource = o.resource AND l.namespace = o.namespace AND l.name = o.name`;
  args[`lk${i}`] = req.key;
  const vals = req.values.map((v, j) => {
    args[`lv${i}_${j}`] = v;
    return `:lv${i}_${j}`;
  });
  switch (req.op) {
    case 'in':
      // Drives from the label index (key, value) rather than scanning every object of the resource.
      return `(o.namespace, o.name) IN (SELECT l.namespace, l.name FROM object_labels l
               WHERE l."group" = :g AND l.resource = :r AND l.key = :lk${i} AND l.value IN (${vals.join(', ')}))`;
    case 'notin':
      return `NOT EXISTS (SELECT 1 FROM object_labels l WHERE ${corr} AND l.key = :lk${i} AND l.value IN (${vals.join(', ')}))`;
    case 'exists':
      return `EXISTS (SELECT 1 FROM object_labels l WHERE ${corr} AND l.key = :lk${i})`;
    case '!exists':
      return `NOT EXISTS (SELECT 1 FROM object_labels l WHERE ${corr} AND l.key = :lk${i})`;
    case 'gt':
    case 'lt':
      return `EXISTS (SELECT 1 FROM object_labels l WHERE ${corr} AND l.key = :lk${i}
               AND CAST(CAST(l.value AS INTEGER) AS TEXT) = l.value
               AND CAST(l.value AS INTEGER) ${req.op === 'gt' ? '>' : '<'} ${vals[0]})`;
  }
}

function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

