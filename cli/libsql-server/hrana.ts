// Hrana v2 over HTTP: the JSON shapes on the wire and the conversion between wire values and
// the values native libsql binds and returns.
//
// Reference: the Hrana specification (libsql repository, docs/HRANA_2_SPEC.md and
// docs/HTTP_V2_SPEC.md). Field names are snake_case on the wire.

import { ProtocolError } from './errors.js';

// ---------------------------------------------------------------------------------------------
// Values

export type ProtoValue =
  | { type: 'null' }
  | { type: 'integer'; value: string }
  | { type: 'float'; value: number }
  | { type: 'text'; value: string }
  | { type: 'blob'; base64: string };

/** A value as native libsql binds it or returns it with safe integers on. */
export type SqlValue = null | bigint | number | string | Uint8Array;

const MIN_I64 = -(2n ** 63n);
const MAX_I64 = 2n ** 63n - 1n;

export function decodeValue(raw: unknown): SqlValue {
  if (raw === null || typeof raw !== 'object') {
    throw new ProtocolError('A value must be an object with a type');
  }
  const v = raw as Record<string, unknown>;
  switch (v.type) {
    case 'null':
      return null;
    case 'integer': {
      // Integers travel as decimal strings so 64-bit values survive JSON; accept numbers too,
      // since some hand-written clients send them.
      const s = v.value;
      let n: bigint;
      try {
        if (typeof s === 'string') n = BigInt(s);
        else if (typeof s === 'number' && Number.isInteger(s)) n = BigInt(s);
        else throw new Error();
      } catch {
        throw new ProtocolError('An integer value must be a decimal string');
      }
      if (n < MIN_I64 || n > MAX_I64) throw new ProtocolError('An integer value must fit in 64 bits');
      return n;
    }
    case 'float':
      if (typeof v.value !== 'number') throw new ProtocolError('A float value must be a number');
      return v.value;
    case 'text':
      if (typeof v.value !== 'string') throw new ProtocolError('A text value must be a string');
      return v.value;
    case 'blob':
      if (typeof v.base64 !== 'string') throw new ProtocolError('A blob value must carry base64');
      return Buffer.from(v.base64, 'base64');
    default:
      throw new ProtocolError(`Unknown value type ${JSON.stringify(v.type)}`);
  }
}

/**
 * Placeholders for infinite floats. JSON has no literal for them, so they are written as these
 * strings and patched into `1e999` / `-1e999` after serialisation (see `serializeResponse`).
 */
const POS_INF = '\u0000flotilla+inf';
const NEG_INF = '\u0000flotilla-inf';

export interface EncodeState {
  /** Set when a placeholder for an infinite float was written. */
  sawInfinity: boolean;
}

export function encodeValue(value: unknown, state: EncodeState): ProtoValue {
  if (value === null || value === undefined) return { type: 'null' };
  switch (typeof value) {
    case 'bigint':
      return { type: 'integer', value: value.toString() };
    case 'number':
      if (!Number.isFinite(value)) {
        // SQLite turns NaN into NULL, so only the infinities can reach this point.
        state.sawInfinity = true;
        return { type: 'float', value: (value > 0 ? POS_INF : NEG_INF) as unknown as number };
      }
      return { type: 'float', value };
    case 'string':
      return { type: 'text', value };
    case 'boolean':
      return { type: 'integer', value: value ? '1' : '0' };
    default:
      if (value instanceof Uint8Array) {
        const buf = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
        return { type: 'blob', base64: buf.toString('base64') };
      }
      throw new Error(`Cannot encode a value of type ${typeof value}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Requests

export interface NamedArg {
  name: string;
  value: SqlValue;
}

export interface Stmt {
  sql?: string;
  sqlId?: number;
  args: SqlValue[];
  namedArgs: NamedArg[];
  wantRows: boolean;
}

export type BatchCond =
  | { type: 'ok'; step: number }
  | { type: 'error'; step: number }
  | { type: 'not'; cond: BatchCond }
  | { type: 'and'; conds: BatchCond[] }
  | { type: 'or'; conds: BatchCond[] }
  | { type: 'is_autocommit' };

export interface BatchStep {
  condition?: BatchCond;
  stmt: Stmt;
}

export type StreamRequest =
  | { type: 'close' }
  | { type: 'execute'; stmt: Stmt }
  | { type: 'batch'; steps: BatchStep[] }
  | { type: 'sequence'; sql?: string; sqlId?: number }
  | { type: 'describe'; sql?: string; sqlId?: number }
  | { type: 'store_sql'; sqlId: number; sql: string }
  | { type: 'close_sql'; sqlId: number }
  | { type: 'get_autocommit' };

export interface PipelineRequest {
  baton: string | null;
  /** Each entry is either a parsed request or the error that made it unparseable. */
  requests: Array<StreamRequest | ProtocolError>;
}

function asObject(raw: unknown, what: string): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ProtocolError(`${what} must be an object`);
  }
  return raw as Record<string, unknown>;
}

function optString(raw: unknown, what: string): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') throw new ProtocolError(`${what} must be a string`);
  return raw;
}

function optSqlId(raw: unknown): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'number' || !Number.isInteger(raw)) throw new ProtocolError('sql_id must be an integer');
  return raw;
}

function parseStmt(raw: unknown): Stmt {
  const o = asObject(raw, 'stmt');
  const sql = optString(o.sql, 'stmt.sql');
  const sqlId = optSqlId(o.sql_id);
  if ((sql === undefined) === (sqlId === undefined)) {
    throw new ProtocolError('A statement needs exactly one of sql and sql_id');
  }
  const args = o.args === undefined || o.args === null ? [] : o.args;
  if (!Array.isArray(args)) throw new ProtocolError('stmt.args must be an array');
  const named = o.named_args === undefined || o.named_args === null ? [] : o.named_args;
  if (!Array.isArray(named)) throw new ProtocolError('stmt.named_args must be an array');
  const stmt: Stmt = {
    args: args.map(decodeValue),
    namedArgs: named.map((n: unknown) => {
      const no = asObject(n, 'named_args entry');
      if (typeof no.name !== 'string') throw new ProtocolError('named_args entry needs a name');
      return { name: no.name, value: decodeValue(no.value) };
    }),
    // The spec makes want_rows default to true.
    wantRows: o.want_rows === undefined || o.want_rows === null ? true : o.want_rows === true,
  };
  if (sql !== undefined) stmt.sql = sql;
  if (sqlId !== undefined) stmt.sqlId = sqlId;
  return stmt;
}

function parseCond(raw: unknown): BatchCond {
  const o = asObject(raw, 'condition');
  switch (o.type) {
    case 'ok':
    case 'error':
      if (typeof o.step !== 'number' || !Number.isInteger(o.step)) {
        throw new ProtocolError('A step condition needs an integer step');
      }
      return { type: o.type, step: o.step };
    case 'not':
      return { type: 'not', cond: parseCond(o.cond) };
    case 'and':
    case 'or':
      if (!Array.isArray(o.conds)) throw new ProtocolError(`An ${o.type} condition needs conds`);
      return { type: o.type, conds: o.conds.map(parseCond) };
    case 'is_autocommit':
      return { type: 'is_autocommit' };
    default:
      throw new ProtocolError(`Unknown condition type ${JSON.stringify(o.type)}`);
  }
}

function parseRequest(raw: unknown): StreamRequest {
  const o = asObject(raw, 'request');
  switch (o.type) {
    case 'close':
      return { type: 'close' };
    case 'execute':
      return { type: 'execute', stmt: parseStmt(o.stmt) };
    case 'batch': {
      const batch = asObject(o.batch, 'batch');
      if (!Array.isArray(batch.steps)) throw new ProtocolError('batch.steps must be an array');
      return {
        type: 'batch',
        steps: batch.steps.map((s: unknown) => {
          const so = asObject(s, 'batch step');
          const step: BatchStep = { stmt: parseStmt(so.stmt) };
          if (so.condition !== undefined && so.condition !== null) step.condition = parseCond(so.condition);
          return step;
        }),
      };
    }
    case 'sequence':
    case 'describe': {
      const sql = optString(o.sql, `${o.type}.sql`);
      const sqlId = optSqlId(o.sql_id);
      if ((sql === undefined) === (sqlId === undefined)) {
        throw new ProtocolError(`A ${o.type} request needs exactly one of sql and sql_id`);
      }
      const req: { type: typeof o.type; sql?: string; sqlId?: number } = { type: o.type };
      if (sql !== undefined) req.sql = sql;
      if (sqlId !== undefined) req.sqlId = sqlId;
      return req;
    }
    case 'store_sql': {
      const sqlId = optSqlId(o.sql_id);
      if (sqlId === undefined || typeof o.sql !== 'string') {
        throw new ProtocolError('store_sql needs sql_id and sql');
      }
      return { type: 'store_sql', sqlId, sql: o.sql };
    }
    case 'close_sql': {
      const sqlId = optSqlId(o.sql_id);
      if (sqlId === undefined) throw new ProtocolError('close_sql needs sql_id');
      return { type: 'close_sql', sqlId };
    }
    case 'get_autocommit':
      return { type: 'get_autocommit' };
    default:
      throw new ProtocolError(`Unknown request type ${JSON.stringify(o.type)}`);
  }
}

/**
 * Parses a pipeline body. A malformed envelope throws (the whole HTTP request fails); a
 * malformed single request becomes an error result for that request only, so the requests
 * around it still run, as sqld does.
 */
export function parsePipelineRequest(raw: unknown): PipelineRequest {
  const o = asObject(raw, 'The pipeline body');
  const baton = o.baton === undefined || o.baton === null ? null : o.baton;
  if (baton !== null && typeof baton !== 'string') throw new ProtocolError('baton must be a string');
  if (!Array.isArray(o.requests)) throw new ProtocolError('requests must be an array');
  return {
    baton,
    requests: o.requests.map((r: unknown) => {
      try {
        return parseRequest(r);
      } catch (e) {
        if (e instanceof ProtocolError) return e;
        throw e;
      }
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Responses

export interface ProtoError {
  message: string;
  code: string;
}

export interface Col {
  name: string | null;
  decltype: string | null;
}

export interface StmtResult {
  cols: Col[];
  rows: ProtoValue[][];
  affected_row_count: number;
  last_insert_rowid: string | null;
}

export interface BatchResult {
  step_results: Array<StmtResult | null>;
  step_errors: Array<ProtoError | null>;
}

export interface DescribeResult {
  params: Array<{ name: string | null }>;
  cols: Col[];
  is_explain: boolean;
  is_readonly: boolean;
}

export type StreamResponse =
  | { type: 'close' }
  | { type: 'execute'; result: StmtResult }
  | { type: 'batch'; result: BatchResult }
  | { type: 'sequence' }
  | { type: 'describe'; result: DescribeResult }
  | { type: 'store_sql' }
  | { type: 'close_sql' }
  | { type: 'get_autocommit'; is_autocommit: boolean };

export type StreamResult = { type: 'ok'; response: StreamResponse } | { type: 'error'; error: ProtoError };

export interface PipelineResponse {
  baton: string | null;
  base_url: null;
  results: StreamResult[];
}

/** Serialises a pipeline response, writing infinite floats as JSON numbers that parse back to ±Infinity. */
export function serializeResponse(resp: PipelineResponse, state: EncodeState): string {
  const json = JSON.stringify(resp);
  if (!state.sawInfinity) return json;
  // Inside a JSON string every quote is escaped, so this unescaped sequence can only be the
  // structural value of a float that we wrote, never part of user text.
  return json
    .replaceAll(`"type":"float","value":${JSON.stringify(POS_INF)}`, `"type":"float","value":1e999`)
    .replaceAll(`"type":"float","value":${JSON.stringify(NEG_INF)}`, `"type":"float","value":-1e999`);
}
