// One native libsql connection (promise API) with a prepared-statement cache, and the
// execution of a single statement into a Hrana result.

import { createRequire } from 'node:module';
import Database from 'libsql/promise';
import { encodeValue, type Col, type EncodeState, type SqlValue, type StmtResult } from './hrana.js';
import type { StatementInfo } from './sql-classify.js';

export type BindParams = SqlValue[] | Record<string, SqlValue>;

// libsql's bundled typings are `any` throughout; these describe what this module relies on.
interface NativeColumn {
  name: string;
  type: string | null;
}

interface NativeStatement {
  readonly reader: boolean;
  raw(toggle?: boolean): NativeStatement;
  safeIntegers(toggle?: boolean): NativeStatement;
  columns(): NativeColumn[];
  run(params: BindParams): { changes: number; lastInsertRowid: number | bigint };
  get(params: BindParams): unknown;
  all(params: BindParams): Promise<unknown[]>;
}

interface NativeDatabase {
  readonly inTransaction: boolean;
  prepare(sql: string): Promise<NativeStatement>;
  exec(sql: string): Promise<void>;
  close(): void;
}

type SyncIterate = (this: NativeStatement, params: BindParams) => Iterable<unknown>;

/**
 * The synchronous row reader of libsql's blocking API, borrowed for statements of the promise
 * API: both wrap the same native statement handle. Used only while the write lock is held,
 * where a hop to the thread pool would keep every other writer waiting for an event-loop turn.
 * Undefined if this libsql build lays its classes out differently (the async reader is used).
 */
const syncIterate: SyncIterate | undefined = (() => {
  try {
    const SyncDatabase = createRequire(import.meta.url)('libsql') as new (file: string) => {
      prepare(sql: string): object;
      close(): void;
    };
    const db = new SyncDatabase(':memory:');
    try {
      const iterate = (Object.getPrototypeOf(db.prepare('SELECT 1')) as { iterate?: SyncIterate }).iterate;
      return typeof iterate === 'function' ? iterate : undefined;
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
})();

export interface Prepared {
  stmt: NativeStatement;
  reader: boolean;
}

export interface ConnectionOptions {
  busyTimeoutMs: number;
}

/** Prepared statements kept per connection. The store's SQL texts are few, so this bound is rarely reached. */
const STATEMENT_CACHE_LIMIT = 256;

export class SqlConnection {
  /** Set once the connection's session state (PRAGMAs, TEMP objects) may differ from a fresh one. */
  tainted = false;
  readonly #db: NativeDatabase;
  readonly #cache = new Map<string, Prepared>();
  /** `SELECT changes(), last_insert_rowid()`, for statements whose rows come from the row reader. */
  readonly #changesStmt: NativeStatement;

  private constructor(db: NativeDatabase, changesStmt: NativeStatement) {
    this.#db = db;
    this.#changesStmt = changesStmt;
  }

  static async open(file: string, opts: ConnectionOptions): Promise<SqlConnection> {
    // The `timeout` option is SQLite's busy_timeout in milliseconds. The server's write lock
    // keeps our own connections from ever waiting on each other; this only covers other
    // processes opening the same file.
    const db = new Database(file, { timeout: opts.busyTimeoutMs }) as unknown as NativeDatabase;
    try {
      // synchronous=NORMAL is the usual pairing with WAL: commits skip the fsync (the WAL is
      // synced at checkpoints), and the database cannot be corrupted, only lose the last commits
      // on power loss.
      await db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON');
      const changesStmt = await db.prepare('SELECT changes(), last_insert_rowid()');
      changesStmt.safeIntegers(true);
      changesStmt.raw(true);
      return new SqlConnection(db, changesStmt);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  get inTransaction(): boolean {
    return this.#db.inTransaction;
  }

  async prepare(sql: string): Promise<Prepared> {
    const hit = this.#cache.get(sql);
    if (hit !== undefined) return hit;
    const stmt = await this.#db.prepare(sql);
    stmt.safeIntegers(true);
    // raw() throws for statements that return no columns, so `reader` decides first.
    const reader = stmt.reader;
    if (reader) stmt.raw(true);
    const prepared = { stmt, reader };
    if (this.#cache.size >= STATEMENT_CACHE_LIMIT) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    this.#cache.set(sql, prepared);
    return prepared;
  }

  /**
   * Runs one statement. Statements that return rows go through the asynchronous row reader
   * (off the event loop); the others through the synchronous `run`, which is several times
   * cheaper and safe because the caller holds the write lock whenever the statement may write.
   */
  async execute(
    sql: string,
    info: StatementInfo,
    params: BindParams,
    wantRows: boolean,
    state: EncodeState,
    /** The caller holds the write lock: read rows synchronously rather than via the thread pool. */
    locked = false,
  ): Promise<StmtResult> {
    const { stmt, reader } = this.#cache.get(sql) ?? (await this.prepare(sql));
    if (reader) {
      const cols = colsOf(stmt);
      const raw = (locked && syncIterate ? [...syncIterate.call(stmt, params)] : await stmt.all(params)) as unknown[][];
      const rows = wantRows ? raw.map((r) => r.map((v) => encodeValue(v, state))) : [];
      if (!info.dml) return { cols, rows, affected_row_count: 0, last_insert_rowid: null };
      // INSERT ... RETURNING and friends: the row reader does not report changes.
      const [changes, rowid] = this.#changesAndRowid();
      return { cols, rows, affected_row_count: Number(changes), last_insert_rowid: rowid.toString() };
    }
    const r = stmt.run(params);
    let rowid = r.lastInsertRowid;
    // The native binding reports the rowid as a double; past 2^53 ask SQLite for the exact value.
    if (typeof rowid === 'number' && !Number.isSafeInteger(rowid)) rowid = this.#changesAndRowid()[1];
    return {
      cols: [],
      rows: [],
      affected_row_count: info.dml ? r.changes : 0,
      last_insert_rowid: rowid.toString(),
    };
  }

  /** The result columns of a statement, without running it. */
  async columns(sql: string): Promise<Col[]> {
    const { stmt, reader } = await this.prepare(sql);
    return reader ? colsOf(stmt) : [];
  }

  #changesAndRowid(): [bigint, bigint] {
    return this.#changesStmt.get([]) as [bigint, bigint];
  }

  /** Runs SQL text that may hold several statements, returning no rows. */
  exec(sql: string): Promise<void> {
    return this.#db.exec(sql);
  }

  close(): void {
    this.#cache.clear();
    this.#db.close();
  }
}

function colsOf(stmt: NativeStatement): Col[] {
  return stmt.columns().map((c) => ({ name: c.name, decltype: c.type ?? null }));
}
