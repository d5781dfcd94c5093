// Classifies SQL text without executing it, so the server knows before running a statement
// whether it needs the database's write lock, whether it opens or ends a transaction, and
// whether it changes per-connection state that must not leak into the connection pool.
//
// Native libsql does not expose sqlite3_stmt_readonly, so this reads the leading keywords.
// Every uncertain case is classified as a write: a read mistaken for a write only costs some
// serialisation, while a write mistaken for a read could wait on SQLite's busy handler inside
// a synchronous call and stall the event loop.

export type StatementKind =
  /** Reads only (SELECT, VALUES, EXPLAIN, WITH ... SELECT, a query PRAGMA). */
  | 'read'
  /** May write to the database file: needs the write lock. */
  | 'write'
  /** BEGIN / BEGIN DEFERRED: a transaction that may write later. */
  | 'begin'
  /** BEGIN IMMEDIATE / EXCLUSIVE: takes SQLite's write lock at once. */
  | 'begin-immediate'
  /** BEGIN TRANSACTION READONLY, what @libsql/client sends for transaction('read'). */
  | 'begin-readonly'
  /** SAVEPOINT: opens a deferred transaction when run in autocommit mode. */
  | 'savepoint'
  /** COMMIT, END, ROLLBACK, RELEASE. */
  | 'end';

export interface StatementInfo {
  kind: StatementKind;
  /** INSERT/UPDATE/DELETE/REPLACE: only these make sqlite3_changes() meaningful. */
  dml: boolean;
  explain: boolean;
  /** Changes connection state (PRAGMA settings, ATTACH, TEMP objects). */
  taints: boolean;
  /** Parameter names by 1-based position minus one; null for an anonymous `?`. */
  params: Array<string | null>;
  /** The text holds no statement at all (only whitespace or comments). */
  empty: boolean;
  /** More statements follow the first one. */
  trailing: boolean;
}

export interface SequenceInfo {
  /** Some statement may write, begins a writable transaction or is unrecognised. */
  needsLock: boolean;
  /** Some statement may write to the database file. */
  writes: boolean;
  taints: boolean;
}

/** word (keyword or bare identifier), parameter, punctuation, quoted identifier, string or number */
type TokenType = 'word' | 'param' | 'punct' | 'ident' | 'literal';

interface Token {
  t: TokenType;
  /** Upper-cased for words, the full text for parameters, the character for punctuation. */
  v: string;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
}

function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

interface Scan {
  statements: Token[][];
  /** Something follows the first statement (only looked for when scanning the first one). */
  trailing: boolean;
}

/**
 * Splits SQL into statements of tokens. Strings, comments and quoted identifiers are consumed
 * whole so that a keyword or `;` inside them is never mistaken for structure. As in
 * sqlite3_complete(), a `;` inside CREATE TRIGGER ends the statement only after END.
 */
function tokenize(sql: string, firstOnly: boolean): Scan {
  const statements: Token[][] = [];
  let current: Token[] = [];
  let depth = 0;
  let inTrigger = false;
  const n = sql.length;
  let i = 0;
  const push = (tok: Token): boolean => {
    if (firstOnly && statements.length > 0) return false;
    if (tok.t === 'word' && tok.v === 'TRIGGER' && depth === 0 && current[0]?.v === 'CREATE') inTrigger = true;
    current.push(tok);
    return true;
  };
  while (i < n) {
    const c = sql.charCodeAt(i);
    let tok: Token | undefined;
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) {
      i++;
    } else if (c === 45 /* - */ && sql.charCodeAt(i + 1) === 45) {
      const end = sql.indexOf('\n', i + 2);
      i = end < 0 ? n : end + 1;
    } else if (c === 47 /* / */ && sql.charCodeAt(i + 1) === 42 /* * */) {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === 39 /* ' */ || c === 34 /* " */ || c === 96 /* ` */) {
      // A doubled quote character inside the literal is an escaped quote.
      let j = i + 1;
      for (;;) {
        const end = sql.indexOf(sql[i]!, j);
        if (end < 0) {
          j = n;
          break;
        }
        if (sql.charCodeAt(end + 1) === c) {
          j = end + 2;
          continue;
        }
        j = end + 1;
        break;
      }
      tok = { t: c === 39 ? 'literal' : 'ident', v: '' };
      i = j;
    } else if (c === 91 /* [ */) {
      const end = sql.indexOf(']', i + 1);
      tok = { t: 'ident', v: '' };
      i = end < 0 ? n : end + 1;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(sql.charCodeAt(j))) j++;
      tok = { t: 'word', v: sql.slice(i, j).toUpperCase() };
      i = j;
    } else if (isDigit(c) || (c === 46 && isDigit(sql.charCodeAt(i + 1)))) {
      let j = i + 1;
      while (j < n && (isIdentChar(sql.charCodeAt(j)) || sql.charCodeAt(j) === 46)) j++;
      tok = { t: 'literal', v: '' };
      i = j;
    } else if (c === 63 /* ? */) {
      let j = i + 1;
      while (j < n && isDigit(sql.charCodeAt(j))) j++;
      tok = { t: 'param', v: sql.slice(i, j) };
      i = j;
    } else if ((c === 58 /* : */ || c === 64 /* @ */ || c === 36) /* $ */ && isIdentChar(sql.charCodeAt(i + 1))) {
      let j = i + 1;
      while (j < n && isIdentChar(sql.charCodeAt(j))) j++;
      tok = { t: 'param', v: sql.slice(i, j) };
      i = j;
    } else if (c === 59 /* ; */ && depth === 0 && !(inTrigger && current[current.length - 1]?.v !== 'END')) {
      if (current.length > 0) {
        statements.push(current);
        current = [];
        inTrigger = false;
      }
      i++;
    } else {
      if (c === 40) depth++;
      else if (c === 41 && depth > 0) depth--;
      tok = { t: 'punct', v: sql[i]! };
      i++;
    }
    if (tok !== undefined && !push(tok)) return { statements, trailing: true };
  }
  if (current.length > 0) statements.push(current);
  return { statements, trailing: false };
}

/** PRAGMAs that take an argument yet only report. */
const QUERY_PRAGMAS_WITH_ARG = new Set([
  'TABLE_INFO',
  'TABLE_XINFO',
  'TABLE_LIST',
  'INDEX_INFO',
  'INDEX_XINFO',
  'INDEX_LIST',
  'FOREIGN_KEY_LIST',
  'FOREIGN_KEY_CHECK',
  'INTEGRITY_CHECK',
  'QUICK_CHECK',
]);

/** PRAGMAs that act even without an argument. */
const ACTION_PRAGMAS = new Set(['WAL_CHECKPOINT', 'OPTIMIZE', 'INCREMENTAL_VACUUM', 'SHRINK_MEMORY']);

function classifyPragma(toks: Token[]): Pick<StatementInfo, 'kind' | 'taints'> {
  let i = 1;
  // An optional schema qualifier: PRAGMA main.table_info(x)
  if (toks[i + 1]?.t === 'punct' && toks[i + 1]?.v === '.') i += 2;
  const name = toks[i]?.v ?? '';
  const next = toks[i + 1];
  const hasArg = next !== undefined && next.t === 'punct' && (next.v === '=' || next.v === '(');
  if (!hasArg) return { kind: ACTION_PRAGMAS.has(name) ? 'write' : 'read', taints: false };
  if (QUERY_PRAGMAS_WITH_ARG.has(name)) return { kind: 'read', taints: false };
  return { kind: 'write', taints: true };
}

/** Index just past a parenthesised group starting at `i` (which must be `(`), or -1. */
function skipParens(toks: Token[], i: number): number {
  if (toks[i]?.t !== 'punct' || toks[i]?.v !== '(') return -1;
  let depth = 0;
  for (let j = i; j < toks.length; j++) {
    const t = toks[j]!;
    if (t.t !== 'punct') continue;
    if (t.v === '(') depth++;
    else if (t.v === ')' && --depth === 0) return j + 1;
  }
  return -1;
}

/** The keyword of the statement a WITH clause prefixes, or undefined when it cannot be found. */
function keywordAfterWith(toks: Token[]): string | undefined {
  let i = 1;
  if (toks[i]?.v === 'RECURSIVE') i++;
  for (;;) {
    const name = toks[i];
    if (name === undefined || (name.t !== 'word' && name.t !== 'ident')) return undefined;
    i++;
    if (toks[i]?.t === 'punct' && toks[i]?.v === '(') i = skipParens(toks, i);
    if (i < 0 || toks[i]?.v !== 'AS') return undefined;
    i++;
    if (toks[i]?.v === 'NOT') i++;
    if (toks[i]?.v === 'MATERIALIZED') i++;
    i = skipParens(toks, i);
    if (i < 0) return undefined;
    if (toks[i]?.t === 'punct' && toks[i]?.v === ',') {
      i++;
      continue;
    }
    const kw = toks[i];
    return kw?.t === 'word' ? kw.v : undefined;
  }
}

function classifyTokens(toks: Token[]): Omit<StatementInfo, 'params' | 'empty' | 'trailing'> {
  const first = toks[0];
  const info = { kind: 'write' as StatementKind, dml: false, explain: false, taints: false };
  if (first === undefined || first.t !== 'word') return info;
  switch (first.v) {
    case 'SELECT':
    case 'VALUES':
      info.kind = 'read';
      break;
    case 'EXPLAIN':
      info.kind = 'read';
      info.explain = true;
      break;
    case 'WITH': {
      const kw = keywordAfterWith(toks);
      if (kw === 'SELECT' || kw === 'VALUES') info.kind = 'read';
      else info.dml = kw === 'INSERT' || kw === 'UPDATE' || kw === 'DELETE' || kw === 'REPLACE';
      break;
    }
    case 'INSERT':
    case 'UPDATE':
    case 'DELETE':
    case 'REPLACE':
      info.dml = true;
      break;
    case 'BEGIN': {
      const second = toks[1]?.v;
      if (second === 'IMMEDIATE' || second === 'EXCLUSIVE') info.kind = 'begin-immediate';
      else if (toks.some((t) => t.t === 'word' && t.v === 'READONLY')) info.kind = 'begin-readonly';
      else info.kind = 'begin';
      break;
    }
    case 'COMMIT':
    case 'END':
    case 'ROLLBACK':
    case 'RELEASE':
      info.kind = 'end';
      break;
    case 'SAVEPOINT':
      info.kind = 'savepoint';
      break;
    case 'PRAGMA':
      Object.assign(info, classifyPragma(toks));
      break;
    case 'ATTACH':
    case 'DETACH':
      info.taints = true;
      break;
    case 'CREATE':
      for (const t of toks) {
        if (t.t === 'punct' && t.v === '(') break;
        if (t.t === 'word' && (t.v === 'TEMP' || t.v === 'TEMPORARY')) info.taints = true;
      }
      break;
    default:
      // DROP, ALTER, VACUUM, REINDEX, ANALYZE and anything unrecognised.
      break;
  }
  return info;
}

/** Positions of parameters the way SQLite numbers them: ?NNN sets the index, a repeated name reuses its index. */
function paramNames(toks: Token[]): Array<string | null> {
  const names: Array<string | null> = [];
  const byName = new Map<string, number>();
  for (const t of toks) {
    if (t.t !== 'param') continue;
    let index: number;
    if (t.v === '?') {
      index = names.length + 1;
    } else if (t.v.startsWith('?')) {
      index = Number(t.v.slice(1));
    } else {
      index = byName.get(t.v) ?? names.length + 1;
    }
    byName.set(t.v, index);
    while (names.length < index) names.push(null);
    if (t.v !== '?') names[index - 1] = t.v;
  }
  return names;
}

const CACHE_LIMIT = 1024;
const statementCache = new Map<string, StatementInfo>();

/** Classifies the first statement of `sql` (the one native libsql prepares). */
export function classifyStatement(sql: string): StatementInfo {
  const cached = statementCache.get(sql);
  if (cached !== undefined) return cached;
  const scan = tokenize(sql, true);
  const toks = scan.statements[0] ?? [];
  const info: StatementInfo = {
    ...classifyTokens(toks),
    params: paramNames(toks),
    empty: toks.length === 0,
    trailing: scan.trailing,
  };
  // Dropping the oldest entry keeps the cache bounded; SQL texts repeat heavily, so a true
  // LRU would buy little.
  if (statementCache.size >= CACHE_LIMIT) {
    const oldest = statementCache.keys().next().value;
    if (oldest !== undefined) statementCache.delete(oldest);
  }
  statementCache.set(sql, info);
  return info;
}

/**
 * Classifies a multi-statement text for `sequence`. Should a trigger body split wrongly (a
 * CASE ... END; inside it), the pieces still start with a write keyword or follow a CREATE,
 * so a split never turns a write into a read.
 */
export function classifySequence(sql: string): SequenceInfo {
  const seq: SequenceInfo = { needsLock: false, writes: false, taints: false };
  for (const toks of tokenize(sql, false).statements) {
    const info = classifyTokens(toks);
    if (info.kind !== 'read' && info.kind !== 'end' && info.kind !== 'begin-readonly') seq.needsLock = true;
    if (info.kind === 'write' || info.kind === 'begin-immediate') seq.writes = true;
    if (info.taints) seq.taints = true;
  }
  return seq;
}
