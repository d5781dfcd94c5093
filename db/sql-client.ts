// How the store and the runtime reach the database: the two calls they make (`execute`,
// `batch`), served by @libsql/client in Node and, in the worker, by the HTTP client below.
//
// Why a client of our own for the worker: there a client lives for one invocation, and an API
// request makes one round trip. @libsql/client's HTTP client, built for long-lived streams,
// then costs more CPU than the round trip itself: per client its configuration and stream
// machinery, per request a stream, a request queue, its own JSON writer and reader, rows
// built property by property, and an Error constructed on every stream close. Measured in
// Node against the local libSQL server, one point read cost 2.0 ms of CPU (client and server)
// through a fresh library client and 0.9 ms as one plain pipeline request. This client sends
// exactly what the library sends for `execute` and `batch` (Hrana v2 over HTTP: one pipeline
// request holding the statement or the transaction, then `close`), and reports errors as the
// library does (LibsqlError with the server's code), so the two are interchangeable.

import { LibsqlError, type Client, type InArgs, type InStatement, type InValue, type ResultSet, type Row, type TransactionMode } from '@libsql/client/web';

/** What Flotilla's database code uses of a libSQL client. */
export type SqlClient = Pick<Client, 'execute' | 'batch'>;

type ProtoValue = { type: 'null' } | { type: 'integer'; value: string } | { type: 'float'; value: number } | { type: 'text'; value: string } | { type: 'blob'; base64: string };

interface ProtoStmt {
  sql: string;
  args: ProtoValue[];
  named_args: Array<{ name: string; value: ProtoValue }>;
  want_rows: boolean;
}

interface ProtoRows {
  cols: Array<{ name: string | null; decltype?: string | null }>;
  rows: ProtoValue[][];
  affected_row_count: number;
  last_insert_rowid: string | null;
}

interface ProtoError {
  message: string;
  code?: string | null;
}

type StepCondition = { type: 'ok'; step: number } | { type: 'not'; cond: StepCondition };

type StreamResult =
  | { type: 'ok'; response: { type: 'execute'; result: ProtoRows } | { type: 'batch'; result: { step_results: Array<ProtoRows | null>; step_errors: Array<ProtoError | null> } } | { type: 'close' } }
  | { type: 'error'; error: ProtoError };

const BEGIN: Record<TransactionMode, string> = { write: 'BEGIN IMMEDIATE', read: 'BEGIN TRANSACTION READONLY', deferred: 'BEGIN DEFERRED' };

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): ArrayBuffer {
  const s = atob(text);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes.buffer;
}

/** A bound value as the library encodes it: JS numbers as floats, booleans and bigints as integers. */
function valueToProto(value: InValue): ProtoValue {
  if (value === null) return { type: 'null' };
  if (typeof value === 'string') return { type: 'text', value };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError('Only finite numbers (not Infinity or NaN) can be passed as arguments');
    return { type: 'float', value };
  }
  if (typeof value === 'bigint') return { type: 'integer', value: value.toString() };
  if (typeof value === 'boolean') return { type: 'integer', value: value ? '1' : '0' };
  if (value instanceof ArrayBuffer) return { type: 'blob', base64: toBase64(new Uint8Array(value)) };
  if (value instanceof Uint8Array) return { type: 'blob', base64: toBase64(value) };
  if (value instanceof Date) return { type: 'float', value: value.valueOf() };
  throw new TypeError('Unsupported type of value');
}

function valueFromProto(v: ProtoValue): InValue {
  switch (v.type) {
    case 'null':
      return null;
    case 'text':
      return v.value;
    case 'float':
      return v.value;
    case 'integer': {
      const n = Number(v.value);
      if (!Number.isSafeInteger(n)) throw new RangeError('Received integer which is too large to be safely represented as a JavaScript number');
      return n;
    }
    case 'blob':
      return fromBase64(v.base64);
  }
}

function stmtToProto(stmt: InStatement | [string, InArgs?]): ProtoStmt {
  const [sql, args] = typeof stmt === 'string' ? [stmt, undefined] : Array.isArray(stmt) ? stmt : [stmt.sql, stmt.args];
  const out: ProtoStmt = { sql, args: [], named_args: [], want_rows: true };
  if (Array.isArray(args)) out.args = args.map(valueToProto);
  else if (args) for (const [name, value] of Object.entries(args)) out.named_args.push({ name, value: valueToProto(value) });
  return out;
}

/** Rows as the library gives them: each value by column index and by column name. */
function resultSet(r: ProtoRows): ResultSet {
  const columns = r.cols.map((c) => c.name ?? '');
  const rows = r.rows.map((values) => {
    const row: Record<string | number, InValue> = {};
    for (let i = 0; i < values.length; i++) {
      const v = valueFromProto(values[i]!);
      row[i] = v;
      if (columns[i]) row[columns[i]!] = v;
    }
    Object.defineProperty(row, 'length', { value: values.length });
    return row as unknown as Row;
  });
  const lastInsertRowid = r.last_insert_rowid === null || r.last_insert_rowid === undefined ? undefined : BigInt(r.last_insert_rowid);
  return {
    columns,
    columnTypes: r.cols.map((c) => c.decltype ?? ''),
    rows,
    rowsAffected: r.affected_row_count,
    lastInsertRowid,
    toJSON: () => ({ columns, rows, rowsAffected: r.affected_row_count, lastInsertRowid: lastInsertRowid?.toString() }),
  };
}

function sqlError(e: ProtoError): LibsqlError {
  return new LibsqlError(e.message, e.code ?? 'UNKNOWN');
}

/** Hrana v2 over HTTP, one pipeline request per call, no stream kept between calls. */
export class HranaHttpClient implements SqlClient {
  private readonly pipelineUrl: string;
  private readonly headers: Record<string, string>;

  constructor(url: string, authToken?: string) {
    const u = new URL(url.replace(/^libsql:/, 'https:'));
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`the worker reaches its database over HTTP(S): ${u.protocol} URLs are not supported`);
    u.pathname = `${u.pathname.replace(/\/$/, '')}/v2/pipeline`;
    this.pipelineUrl = u.toString();
    this.headers = { 'content-type': 'application/json', ...(authToken ? { authorization: `Bearer ${authToken}` } : {}) };
  }

  private async pipeline(request: unknown): Promise<StreamResult> {
    const res = await fetch(this.pipelineUrl, { method: 'POST', headers: this.headers, body: JSON.stringify({ baton: null, requests: [request, { type: 'close' }] }) });
    if (!res.ok) {
      const text = await res.text();
      let message = text;
      try {
        const body = JSON.parse(text) as { message?: unknown };
        if (typeof body.message === 'string') message = body.message;
      } catch {
        // a plain-text answer is the message
      }
      throw new LibsqlError(`Server returned HTTP status ${res.status}: ${message}`, 'SERVER_ERROR');
    }
    const body = (await res.json()) as { results: StreamResult[] };
    const first = body.results[0];
    if (!first) throw new LibsqlError('the server answered a pipeline request without results', 'HRANA_PROTO_ERROR');
    return first;
  }

  execute(stmt: InStatement): Promise<ResultSet>;
  execute(sql: string, args?: InArgs): Promise<ResultSet>;
  async execute(stmtOrSql: InStatement, args?: InArgs): Promise<ResultSet> {
    const stmt = typeof stmtOrSql === 'string' && args !== undefined ? { sql: stmtOrSql, args } : stmtOrSql;
    const r = await this.pipeline({ type: 'execute', stmt: stmtToProto(stmt) });
    if (r.type === 'error') throw sqlError(r.error);
    if (r.response.type !== 'execute') throw new LibsqlError(`expected an execute response, got ${r.response.type}`, 'HRANA_PROTO_ERROR');
    return resultSet(r.response.result);
  }

  /** The statements in one transaction, as the library runs them: BEGIN, each only if the one before succeeded, COMMIT, else ROLLBACK. */
  async batch(stmts: Array<InStatement | [string, InArgs?]>, mode: TransactionMode = 'deferred'): Promise<ResultSet[]> {
    const steps: Array<{ stmt: ProtoStmt; condition?: StepCondition }> = [{ stmt: stmtToProto(BEGIN[mode]) }];
    for (const s of stmts) steps.push({ stmt: stmtToProto(s), condition: { type: 'ok', step: steps.length - 1 } });
    const commit = steps.length;
    steps.push({ stmt: stmtToProto('COMMIT'), condition: { type: 'ok', step: commit - 1 } });
    steps.push({ stmt: stmtToProto('ROLLBACK'), condition: { type: 'not', cond: { type: 'ok', step: commit } } });
    const r = await this.pipeline({ type: 'batch', batch: { steps } });
    if (r.type === 'error') throw sqlError(r.error);
    if (r.response.type !== 'batch') throw new LibsqlError(`expected a batch response, got ${r.response.type}`, 'HRANA_PROTO_ERROR');
    const { step_results: results, step_errors: errors } = r.response.result;
    if (errors[0]) throw sqlError(errors[0]);
    const out: ResultSet[] = [];
    for (let i = 1; i <= stmts.length; i++) {
      const rows = results[i];
      if (errors[i]) throw sqlError(errors[i]!);
      if (!rows) throw new LibsqlError('Statement in a batch was not executed, probably because the transaction has been rolled back', 'TRANSACTION_CLOSED');
      out.push(resultSet(rows));
    }
    if (errors[commit]) throw sqlError(errors[commit]!);
    return out;
  }
}
