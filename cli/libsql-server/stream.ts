// A Hrana stream: one dedicated SQL connection and the SQL texts stored on it. Interactive
// transactions live on a stream across HTTP requests (tied together by batons), so each stream
// owns its connection until it closes; the connection goes back to the pool afterwards.

import type { ConnectionPool } from './pool.js';
import type { BindParams, SqlConnection } from './connection.js';
import { HranaError, toProtoError } from './errors.js';
import type {
  BatchCond,
  BatchResult,
  BatchStep,
  EncodeState,
  ProtoError,
  SqlValue,
  Stmt,
  StmtResult,
  StreamRequest,
  StreamResponse,
} from './hrana.js';
import { classifySequence, classifyStatement, type StatementInfo } from './sql-classify.js';
import type { WriteLock } from './write-lock.js';

export interface StreamContext {
  pool: ConnectionPool;
  lock: WriteLock;
  /** How long a statement may queue for the write lock before failing with SQLITE_BUSY. */
  lockTimeoutMs: number;
}

export class Stream {
  readonly id: number;
  readonly #ctx: StreamContext;
  #conn: SqlConnection | null = null;
  readonly #sqls = new Map<number, string>();
  #holdsLock = false;
  /** Inside a transaction opened with BEGIN TRANSACTION READONLY. */
  #readonlyTx = false;
  #closed = false;

  constructor(id: number, ctx: StreamContext) {
    this.id = id;
    this.#ctx = ctx;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Runs one request. Throws for a request that fails as a whole; the caller reports it. */
  async handle(req: StreamRequest, state: EncodeState): Promise<StreamResponse> {
    if (this.#closed) throw new HranaError('The stream has already been closed', 'STREAM_CLOSED');
    switch (req.type) {
      case 'close':
        await this.close();
        return { type: 'close' };
      case 'execute': {
        const conn = await this.#connection();
        try {
          return { type: 'execute', result: await this.#runStmt(conn, req.stmt, state, true) };
        } finally {
          this.#settle(conn);
        }
      }
      case 'batch': {
        const conn = await this.#connection();
        try {
          return { type: 'batch', result: await this.#runBatch(conn, req.steps, state) };
        } finally {
          this.#settle(conn);
        }
      }
      case 'sequence': {
        const sql = this.#sqlOf(req);
        const conn = await this.#connection();
        try {
          const seq = classifySequence(sql);
          if (this.#readonlyTx && conn.inTransaction) {
            if (seq.writes) throw readOnlyError();
          } else if (seq.needsLock) {
            await this.#ensureLock();
          }
          if (seq.taints) conn.tainted = true;
          await conn.exec(sql);
          return { type: 'sequence' };
        } finally {
          this.#settle(conn);
        }
      }
      case 'describe': {
        const sql = this.#sqlOf(req);
        const info = singleStatement(sql);
        const conn = await this.#connection();
        return {
          type: 'describe',
          result: {
            params: info.params.map((name) => ({ name })),
            cols: await conn.columns(sql),
            is_explain: info.explain,
            is_readonly: info.kind === 'read',
          },
        };
      }
      case 'store_sql':
        if (this.#sqls.has(req.sqlId)) {
          throw new HranaError(`SQL text with id ${req.sqlId} is already stored`, 'SQL_ID_IN_USE');
        }
        this.#sqls.set(req.sqlId, req.sql);
        return { type: 'store_sql' };
      case 'close_sql':
        this.#sqls.delete(req.sqlId);
        return { type: 'close_sql' };
      case 'get_autocommit':
        return { type: 'get_autocommit', is_autocommit: this.#conn === null || !this.#conn.inTransaction };
    }
  }

  /**
   * Closes the stream: an open transaction is rolled back (what sqld does for a closed or
   * expired stream), the write lock is released and the connection returns to the pool.
   * Never throws.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const conn = this.#conn;
    this.#conn = null;
    if (conn !== null && conn.inTransaction) {
      try {
        await conn.exec('ROLLBACK');
      } catch {
        // The pool closes a connection still inside a transaction instead of reusing it.
      }
    }
    this.#releaseLock();
    if (conn !== null) this.#ctx.pool.release(conn);
  }

  async #connection(): Promise<SqlConnection> {
    if (this.#conn === null) this.#conn = await this.#ctx.pool.acquire();
    return this.#conn;
  }

  #sqlOf(src: { sql?: string; sqlId?: number }): string {
    if (src.sql !== undefined) return src.sql;
    const sql = src.sqlId === undefined ? undefined : this.#sqls.get(src.sqlId);
    if (sql === undefined) throw new HranaError(`No SQL text is stored with id ${src.sqlId}`, 'SQL_NOT_FOUND');
    return sql;
  }

  async #ensureLock(): Promise<void> {
    if (this.#holdsLock) return;
    if (!this.#ctx.lock.tryAcquire(this)) await this.#ctx.lock.acquire(this, this.#ctx.lockTimeoutMs);
    this.#holdsLock = true;
  }

  #releaseLock(): void {
    if (!this.#holdsLock) return;
    this.#holdsLock = false;
    this.#ctx.lock.release(this);
  }

  /** After each request: once the connection is back in autocommit mode, nothing is held. */
  #settle(conn: SqlConnection): void {
    if (conn.inTransaction) return;
    this.#readonlyTx = false;
    this.#releaseLock();
  }

  /**
   * Whether running a statement needs the write lock. `beginTakesLock` is false inside a batch
   * that also ends the transaction it begins and writes nothing (@libsql/client's read-only
   * batches): such a transaction never outlives the request, so it can run beside writers.
   */
  #needsLock(info: StatementInfo, conn: SqlConnection, beginTakesLock: boolean): boolean {
    switch (info.kind) {
      case 'write':
      case 'begin-immediate':
        return true;
      case 'begin':
      case 'savepoint':
        // A deferred transaction that spans requests takes the lock up front: if it read first
        // and only locked at its first write, a commit by another stream in between would fail
        // that write with SQLITE_BUSY_SNAPSHOT.
        return beginTakesLock && !conn.inTransaction;
      default:
        return false;
    }
  }

  async #runStmt(conn: SqlConnection, stmt: Stmt, state: EncodeState, beginTakesLock: boolean): Promise<StmtResult> {
    const sql = this.#sqlOf(stmt);
    const info = singleStatement(sql);
    if ((info.kind === 'write' || info.kind === 'begin-immediate') && this.#readonlyTx && conn.inTransaction) {
      throw readOnlyError();
    }
    if (this.#needsLock(info, conn, beginTakesLock)) await this.#ensureLock();
    if (info.taints) conn.tainted = true;
    const result = await conn.execute(sql, info, bindParams(stmt, info), stmt.wantRows, state, this.#holdsLock);
    if (info.kind === 'begin-readonly' && conn.inTransaction) this.#readonlyTx = true;
    return result;
  }

  async #runBatch(conn: SqlConnection, steps: BatchStep[], state: EncodeState): Promise<BatchResult> {
    // Classify the whole batch first so the lock is taken before its first statement: taking
    // it midway, after a read has pinned a snapshot, could fail the first write with
    // SQLITE_BUSY_SNAPSHOT.
    let writes = false;
    let begins = false;
    let endsAfterBegin = false;
    for (const step of steps) {
      let kind: StatementInfo['kind'];
      try {
        kind = classifyStatement(this.#sqlOf(step.stmt)).kind;
      } catch {
        continue; // reported when the step runs
      }
      if (kind === 'write' || kind === 'begin-immediate') writes = true;
      else if (kind === 'begin' || kind === 'savepoint') begins = true;
      else if (kind === 'end' && begins) endsAfterBegin = true;
    }
    const inTx = conn.inTransaction;
    const beginTakesLock = writes || !endsAfterBegin;
    if ((writes && !(this.#readonlyTx && inTx)) || (begins && !inTx && !endsAfterBegin)) await this.#ensureLock();

    const results: Array<StmtResult | null> = [];
    const errors: Array<ProtoError | null> = [];
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      let run: boolean;
      try {
        run = step.condition === undefined || evalCond(step.condition, i, results, errors, conn);
      } catch (err) {
        results.push(null);
        errors.push(toProtoError(err));
        continue;
      }
      if (!run) {
        results.push(null);
        errors.push(null);
        continue;
      }
      try {
        results.push(await this.#runStmt(conn, step.stmt, state, beginTakesLock));
        errors.push(null);
      } catch (err) {
        results.push(null);
        errors.push(toProtoError(err));
      }
    }
    return { step_results: results, step_errors: errors };
  }
}

/**
 * Native libsql parses BEGIN TRANSACTION READONLY as a plain deferred BEGIN, so the promise
 * of transaction('read') is kept here.
 */
function readOnlyError(): HranaError {
  return new HranaError('attempt to write in a read-only transaction', 'SQLITE_READONLY');
}

/**
 * Classifies the SQL of an execute, batch step or describe, which must hold exactly one
 * statement: native libsql would silently ignore everything after the first.
 */
function singleStatement(sql: string): StatementInfo {
  const info = classifyStatement(sql);
  if (info.empty) throw new HranaError('The SQL text contains no statement', 'SQL_NO_STATEMENT');
  if (info.trailing) {
    throw new HranaError('The SQL text contains more than one statement; use a batch or a sequence', 'SQL_MANY_STATEMENTS');
  }
  return info;
}

function evalCond(
  cond: BatchCond,
  current: number,
  results: Array<StmtResult | null>,
  errors: Array<ProtoError | null>,
  conn: SqlConnection,
): boolean {
  switch (cond.type) {
    case 'ok':
    case 'error':
      if (cond.step < 0 || cond.step >= current) {
        throw new HranaError(`A condition of step ${current} refers to step ${cond.step}, which has not run yet`, 'HRANA_PROTO_ERROR');
      }
      return cond.type === 'ok' ? results[cond.step] !== null : errors[cond.step] !== null;
    case 'not':
      return !evalCond(cond.cond, current, results, errors, conn);
    case 'and':
      return cond.conds.every((c) => evalCond(c, current, results, errors, conn));
    case 'or':
      return cond.conds.some((c) => evalCond(c, current, results, errors, conn));
    case 'is_autocommit':
      return !conn.inTransaction;
  }
}

/**
 * Native libsql binds either an array (by position) or an object (by bare name). Hrana names
 * may carry their prefix (`:id`) or not (`id`, what @libsql/client sends for `{ id: 1 }`).
 * Mixed positional and named arguments are laid out by position using the parsed SQL.
 */
function bindParams(stmt: Stmt, info: StatementInfo): BindParams {
  if (stmt.namedArgs.length === 0) return stmt.args;
  if (stmt.args.length === 0) {
    const byName: Record<string, SqlValue> = {};
    for (const { name, value } of stmt.namedArgs) byName[bareName(name)] = value;
    return byName;
  }
  const positional: SqlValue[] = [...stmt.args];
  for (const { name, value } of stmt.namedArgs) {
    const bare = bareName(name);
    const index = info.params.findIndex((p) => p !== null && bareName(p) === bare);
    if (index < 0) continue;
    while (positional.length <= index) positional.push(null);
    positional[index] = value;
  }
  return positional;
}

function bareName(name: string): string {
  const c = name[0];
  return c === ':' || c === '@' || c === '$' ? name.slice(1) : name;
}
