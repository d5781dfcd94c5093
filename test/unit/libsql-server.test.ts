import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, LibsqlError, type Client } from '@libsql/client';
import { startLibsqlServer, type LibsqlServer } from '../../cli/libsql-server/server.js';

interface Fixture {
  server: LibsqlServer;
  dir: string;
  clients: Client[];
  client(opts?: { intMode?: 'number' | 'bigint'; authToken?: string; concurrency?: number }): Client;
  close(): Promise<void>;
}

async function fixture(opts: { batonTtlMs?: number; authToken?: string } = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-libsql-'));
  const server = await startLibsqlServer({ file: join(dir, 'state.db'), ...opts });
  const clients: Client[] = [];
  return {
    server,
    dir,
    clients,
    client(c = {}) {
      const client = createClient({ url: server.url, ...c });
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) c.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `p` and returns the error it rejects with (failing the test if it resolves). */
async function failure(p: Promise<unknown>): Promise<LibsqlError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LibsqlError);
    return e as LibsqlError;
  }
  throw new Error('expected the operation to fail');
}

/** A pipeline response body, loosely typed: the tests look into it by path. */
interface PipelineBody {
  baton: string | null;
  base_url: string | null;
  results: Array<{ type: string; response?: Record<string, unknown> & { result?: Record<string, unknown> }; error?: { message: string; code: string } }>;
}

async function pipeline(server: LibsqlServer, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/v2/pipeline`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('libsql server: values, errors, batches', () => {
  let f: Fixture;
  let db: Client;
  beforeAll(async () => {
    f = await fixture();
    db = f.client();
    await db.executeMultiple(`
      CREATE TABLE vals (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB, n);
      CREATE TABLE owners (name TEXT PRIMARY KEY);
      CREATE TABLE items (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        qty INTEGER NOT NULL CHECK (qty >= 0),
        owner TEXT REFERENCES owners(name)
      );
    `);
  });
  afterAll(async () => {
    await f.close();
  });

  it('answers /health and GET /v2, and 404s v3 probes so clients fall back to v2', async () => {
    expect((await fetch(`${f.server.url}/health`)).status).toBe(200);
    expect((await fetch(`${f.server.url}/v2`)).status).toBe(200);
    expect((await fetch(`${f.server.url}/v3-protobuf`)).status).toBe(404);
  });

  it('round-trips integer, float, text, blob and null values with their storage classes', async () => {
    const big = 2n ** 62n + 1n; // not representable as a double
    const blob = new Uint8Array([0, 1, 2, 254, 255]);
    const ins = await db.execute({
      sql: 'INSERT INTO vals (i, r, t, b, n) VALUES (?, ?, ?, ?, ?)',
      args: [big, 2.0, 'héllo ✓ "quoted"', blob, null],
    });
    expect(ins.rowsAffected).toBe(1);
    expect(typeof ins.lastInsertRowid).toBe('bigint');

    const exact = f.client({ intMode: 'bigint' });
    const rs = await exact.execute({
      sql: 'SELECT i, r, t, b, n, typeof(i) ti, typeof(r) tr, typeof(b) tb, typeof(n) tn FROM vals WHERE id = ?',
      args: [ins.lastInsertRowid!],
    });
    expect(rs.columns).toEqual(['i', 'r', 't', 'b', 'n', 'ti', 'tr', 'tb', 'tn']);
    expect(rs.columnTypes.slice(0, 4)).toEqual(['INTEGER', 'REAL', 'TEXT', 'BLOB']);
    const row = rs.rows[0]!;
    expect(row.i).toBe(big);
    expect(row.r).toBe(2);
    expect(row.t).toBe('héllo ✓ "quoted"');
    expect(new Uint8Array(row.b as ArrayBuffer)).toEqual(blob);
    expect(row.n).toBeNull();
    // A JS number travels as a Hrana float and stays REAL; a bigint stays INTEGER.
    expect([row.ti, row.tr, row.tb, row.tn]).toEqual(['integer', 'real', 'blob', 'null']);

    const lits = await exact.execute('SELECT 1.5 AS f, -7 AS neg, 1e999 AS inf, x\'00ff\' AS bl, NULL AS nul');
    expect(lits.rows[0]!.f).toBe(1.5);
    expect(lits.rows[0]!.neg).toBe(-7n);
    expect(lits.rows[0]!.inf).toBe(Infinity);
    expect(new Uint8Array(lits.rows[0]!.bl as ArrayBuffer)).toEqual(new Uint8Array([0, 255]));
  });

  it('binds named parameters with or without their prefix, and mixed with positional ones', async () => {
    const named = await db.execute({ sql: 'SELECT :a AS a, @b AS b, $c AS c', args: { a: 1n, '@b': 'two', $c: null } });
    expect(named.rows[0]).toMatchObject({ a: 1, b: 'two', c: null });
    const reused = await db.execute({ sql: 'SELECT :x + :x AS twice', args: { x: 21n } });
    expect(reused.rows[0]!.twice).toBe(42);
  });

  it('reports affected rows and last insert rowid, also for RETURNING', async () => {
    const r = await db.execute({
      sql: "INSERT INTO owners (name) VALUES ('ann'), ('bob') RETURNING name",
    });
    expect(r.rows.map((x) => x.name)).toEqual(['ann', 'bob']);
    expect(r.rowsAffected).toBe(2);
    const u = await db.execute("UPDATE owners SET name = name WHERE name IN ('ann', 'bob')");
    expect(u.rowsAffected).toBe(2);
    const s = await db.execute('SELECT * FROM owners');
    expect(s.rowsAffected).toBe(0);
  });

  it('surfaces constraint failures with their extended SQLite codes', async () => {
    await db.execute({ sql: 'INSERT INTO items (name, qty) VALUES (?, ?)', args: ['widget', 1n] });

    const unique = await failure(db.execute({ sql: 'INSERT INTO items (name, qty) VALUES (?, ?)', args: ['widget', 1n] }));
    expect(unique.code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(unique.message).toBe('SQLITE_CONSTRAINT_UNIQUE: UNIQUE constraint failed: items.name');

    const check = await failure(db.execute({ sql: 'INSERT INTO items (name, qty) VALUES (?, ?)', args: ['gadget', -1n] }));
    expect(check.code).toBe('SQLITE_CONSTRAINT_CHECK');
    expect(check.message).toBe('SQLITE_CONSTRAINT_CHECK: CHECK constraint failed: qty >= 0');

    // foreign_keys is ON for every connection.
    const fk = await failure(db.execute("INSERT INTO items (name, qty, owner) VALUES ('orphan', 1, 'nobody')"));
    expect(fk.code).toBe('SQLITE_CONSTRAINT_FOREIGNKEY');

    const notNull = await failure(db.execute('INSERT INTO items (name) VALUES (NULL)'));
    expect(notNull.code).toBe('SQLITE_CONSTRAINT_NOTNULL');

    const syntax = await failure(db.execute('SELEC 1'));
    expect(syntax.code).toBe('SQLITE_ERROR');

    // Inside a batch the client wraps the same code in a LibsqlBatchError.
    const inBatch = await failure(
      db.batch(
        [
          { sql: 'INSERT INTO items (name, qty) VALUES (?, ?)', args: ['fresh', 1n] },
          { sql: 'INSERT INTO items (name, qty) VALUES (?, ?)', args: ['widget', 1n] },
        ],
        'write',
      ),
    );
    expect(inBatch.code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(inBatch.message).toContain('UNIQUE constraint failed: items.name');
  });

  it('rolls back a whole batch when one statement fails', async () => {
    await db.execute('CREATE TABLE atomic (k TEXT PRIMARY KEY, v INTEGER CHECK (v < 100))');
    const ok = await db.batch(
      [
        "INSERT INTO atomic VALUES ('a', 1)",
        "INSERT INTO atomic VALUES ('b', 2)",
        'SELECT count(*) AS n FROM atomic',
      ],
      'write',
    );
    expect(ok[2]!.rows[0]!.n).toBe(2);

    const err = await failure(
      db.batch(
        ["INSERT INTO atomic VALUES ('c', 3)", "UPDATE atomic SET v = 10 WHERE k = 'a'", "INSERT INTO atomic VALUES ('d', 500)"],
        'write',
      ),
    );
    expect(err.code).toBe('SQLITE_CONSTRAINT_CHECK');
    const after = await db.execute('SELECT k, v FROM atomic ORDER BY k');
    expect(after.rows.map((r) => [r.k, r.v])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('evaluates batch step conditions (ok, error, not, and, or, is_autocommit)', async () => {
    const stmt = (sql: string) => ({ sql, want_rows: true });
    const res = await pipeline(f.server, {
      requests: [
        {
          type: 'batch',
          batch: {
            steps: [
              { stmt: stmt('SELECT 1') }, // 0 ok
              { stmt: stmt('SELECT nope') }, // 1 error
              { condition: { type: 'ok', step: 0 }, stmt: stmt('SELECT 2') }, // 2 runs
              { condition: { type: 'ok', step: 1 }, stmt: stmt('SELECT 3') }, // 3 skipped
              { condition: { type: 'error', step: 1 }, stmt: stmt('SELECT 4') }, // 4 runs
              { condition: { type: 'not', cond: { type: 'is_autocommit' } }, stmt: stmt('SELECT 5') }, // 5 skipped
              {
                condition: { type: 'and', conds: [{ type: 'ok', step: 0 }, { type: 'error', step: 3 }] },
                stmt: stmt('SELECT 6'),
              }, // 6 skipped: step 3 did not fail, it was skipped
              {
                condition: { type: 'or', conds: [{ type: 'ok', step: 3 }, { type: 'is_autocommit' }] },
                stmt: stmt('SELECT 7'),
              }, // 7 runs
            ],
          },
        },
        { type: 'close' },
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      baton: string | null;
      base_url: string | null;
      results: Array<{ type: string; response: { result: { step_results: unknown[]; step_errors: unknown[] } } }>;
    };
    expect(body.baton).toBeNull();
    expect(body.base_url).toBeNull();
    const { step_results, step_errors } = body.results[0]!.response.result;
    expect(step_results.map((r) => r !== null)).toEqual([true, false, true, false, true, false, false, true]);
    expect(step_errors.map((e) => e !== null)).toEqual([false, true, false, false, false, false, false, false]);
    expect(step_errors[1]).toMatchObject({ code: 'SQLITE_ERROR', message: expect.stringContaining('no such column') });
  });

  it('refuses an execute holding several statements instead of running only the first', async () => {
    expect((await failure(db.execute('SELECT 1; DROP TABLE vals'))).code).toBe('SQL_MANY_STATEMENTS');
    expect((await failure(db.execute('  -- nothing'))).code).toBe('SQL_NO_STATEMENT');
    expect((await db.execute('SELECT count(*) AS n FROM vals; -- trailing comment')).rows[0]!.n).toBeGreaterThan(0);
  });

  it('serves sequence, describe, store_sql/close_sql and get_autocommit on a baton stream', async () => {
    await db.execute("INSERT INTO items (name, qty) VALUES ('described', 1)");
    const first = await pipeline(f.server, {
      requests: [
        { type: 'store_sql', sql_id: 1, sql: 'SELECT name, qty FROM items WHERE name = :name AND qty > ?2' },
        { type: 'describe', sql_id: 1 },
        { type: 'sequence', sql: 'BEGIN; CREATE TABLE seq (x); INSERT INTO seq VALUES (1);' },
        { type: 'get_autocommit' },
        { type: 'bogus' },
      ],
    });
    const a = (await first.json()) as PipelineBody;
    expect(a.results.map((r) => r.type)).toEqual(['ok', 'ok', 'ok', 'ok', 'error']);
    expect(a.results[1]?.response?.result).toEqual({
      // Named as sqlite3_bind_parameter_name names them.
      params: [{ name: ':name' }, { name: '?2' }],
      cols: [
        { name: 'name', decltype: 'TEXT' },
        { name: 'qty', decltype: 'INTEGER' },
      ],
      is_explain: false,
      is_readonly: true,
    });
    expect(a.results[3]?.response?.is_autocommit).toBe(false);
    expect(a.baton).toEqual(expect.any(String));

    const second = await pipeline(f.server, {
      baton: a.baton,
      requests: [
        {
          type: 'execute',
          // Positional and named together: ?2 by position, :name (position 1) by name.
          stmt: {
            sql_id: 1,
            args: [{ type: 'null' }, { type: 'integer', value: '0' }],
            named_args: [{ name: ':name', value: { type: 'text', value: 'described' } }],
            want_rows: true,
          },
        },
        { type: 'close_sql', sql_id: 1 },
        { type: 'execute', stmt: { sql_id: 1 } },
        { type: 'execute', stmt: { sql: 'ROLLBACK' } },
        { type: 'get_autocommit' },
        { type: 'close' },
        { type: 'get_autocommit' },
      ],
    });
    const b = (await second.json()) as PipelineBody;
    expect(b.baton).toBeNull();
    expect(b.results[0]?.response?.result?.rows).toEqual([[{ type: 'text', value: 'described' }, { type: 'integer', value: '1' }]]);
    expect(b.results[2]).toMatchObject({ type: 'error', error: { code: 'SQL_NOT_FOUND' } });
    expect(b.results[4]?.response?.is_autocommit).toBe(true);
    expect(b.results[6]).toMatchObject({ type: 'error', error: { code: 'STREAM_CLOSED' } });

    // The sequence ran inside the rolled-back transaction.
    expect(await failure(db.execute('SELECT * FROM seq'))).toMatchObject({ code: 'SQLITE_ERROR' });

    // A baton is single-use: replaying the first one is refused.
    const replay = await pipeline(f.server, { baton: a.baton, requests: [{ type: 'get_autocommit' }] });
    expect(replay.status).toBe(400);
  });
});

describe('libsql server: concurrency and transactions', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture();
    await f.client().executeMultiple(`
      CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, writer INTEGER NOT NULL, seq INTEGER NOT NULL);
      CREATE TABLE counter (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
      INSERT INTO counter VALUES (1, 0);
      CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER);
    `);
  });
  afterAll(async () => {
    await f.close();
  });

  it('lets 50 concurrent writers each commit a write batch without SQLITE_BUSY', async () => {
    // Several clients, so the requests really are concurrent (a client runs 20 at a time).
    const clients = Array.from({ length: 5 }, () => f.client({ concurrency: 50 }));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, w) =>
        clients[w % clients.length]!.batch(
          [
            { sql: 'INSERT INTO events (writer, seq) VALUES (?, 1)', args: [BigInt(w)] },
            { sql: 'INSERT INTO events (writer, seq) VALUES (?, 2)', args: [BigInt(w)] },
            'UPDATE counter SET n = n + 1 WHERE id = 1',
          ],
          'write',
        ),
      ),
    );
    const failures = outcomes.filter((o) => o.status === 'rejected');
    expect(failures).toEqual([]);
    const db = f.client();
    expect((await db.execute('SELECT count(*) AS n FROM events')).rows[0]!.n).toBe(100);
    expect((await db.execute('SELECT count(DISTINCT writer) AS n FROM events')).rows[0]!.n).toBe(50);
    expect((await db.execute('SELECT n FROM counter')).rows[0]!.n).toBe(50);
  });

  it('serialises concurrent read-modify-write transactions so no update is lost', async () => {
    const clients = Array.from({ length: 4 }, () => f.client());
    await f.client().execute('UPDATE counter SET n = 0');
    await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const tx = await clients[i % clients.length]!.transaction('write');
        try {
          const n = (await tx.execute('SELECT n FROM counter WHERE id = 1')).rows[0]!.n as number;
          await tx.execute({ sql: 'UPDATE counter SET n = ? WHERE id = 1', args: [BigInt(n + 1)] });
          await tx.commit();
        } finally {
          tx.close();
        }
      }),
    );
    expect((await f.client().execute('SELECT n FROM counter')).rows[0]!.n).toBe(12);
  });

  it('runs two concurrent interactive write transactions to completion, isolated from each other', async () => {
    const a = f.client();
    const b = f.client();
    const reader = f.client();

    const tx1 = await a.transaction('write');
    await tx1.execute("INSERT INTO kv VALUES ('one', 1)");

    // The uncommitted row is invisible to plain reads and to a read transaction, and neither
    // waits for the writer (WAL).
    expect((await reader.execute("SELECT count(*) AS n FROM kv WHERE k = 'one'")).rows[0]!.n).toBe(0);
    const rtx = await reader.transaction('read');
    expect((await rtx.execute('SELECT count(*) AS n FROM kv')).rows[0]!.n).toBe(0);
    await rtx.rollback();
    // A read-only batch (BEGIN DEFERRED; SELECT; COMMIT) does not queue behind the writer either.
    const [readInBatch] = await reader.batch(['SELECT count(*) AS n FROM kv']);
    expect(readInBatch!.rows[0]!.n).toBe(0);

    // A second write transaction started now queues behind the first instead of failing.
    let secondSettled = false;
    const second = (async () => {
      const tx2 = await b.transaction('write');
      const seen = (await tx2.execute('SELECT count(*) AS n FROM kv')).rows[0]!.n;
      await tx2.execute("INSERT INTO kv VALUES ('two', 2)");
      await tx2.commit();
      return seen;
    })().finally(() => {
      secondSettled = true;
    });

    // While it waits, the first keeps working and sees its own write.
    await tx1.execute("UPDATE kv SET v = 11 WHERE k = 'one'");
    expect((await tx1.execute({ sql: 'SELECT v FROM kv WHERE k = ?', args: ['one'] })).rows[0]!.v).toBe(11);
    expect(secondSettled).toBe(false);
    await tx1.commit();

    // The second ran after the first committed, so it saw exactly the committed row.
    expect(await second).toBe(1);
    const all = await reader.execute('SELECT k, v FROM kv ORDER BY k');
    expect(all.rows.map((r) => [r.k, r.v])).toEqual([
      ['one', 11],
      ['two', 2],
    ]);
  });

  it('runs both of two fully concurrent write transactions without SQLITE_BUSY', async () => {
    const run = async (client: Client, key: string) => {
      const tx = await client.transaction('write');
      try {
        await tx.execute({ sql: 'INSERT INTO kv VALUES (?, 0)', args: [key] });
        for (let i = 0; i < 5; i++) await tx.execute({ sql: 'UPDATE kv SET v = v + 1 WHERE k = ?', args: [key] });
        await tx.commit();
      } finally {
        tx.close();
      }
    };
    await Promise.all([run(f.client(), 'p'), run(f.client(), 'q')]);
    const rows = await f.client().execute("SELECT k, v FROM kv WHERE k IN ('p', 'q') ORDER BY k");
    expect(rows.rows.map((r) => [r.k, r.v])).toEqual([
      ['p', 5],
      ['q', 5],
    ]);
  });

  it('keeps a read-only transaction read-only', async () => {
    const tx = await f.client().transaction('read');
    try {
      await tx.execute('SELECT 1');
      const err = await failure(tx.execute("INSERT INTO kv VALUES ('ro', 1)"));
      expect(err.code).toBe('SQLITE_READONLY');
    } finally {
      tx.close();
    }
  });
});

describe('libsql server: baton expiry', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ batonTtlMs: 300 });
    await f.client().execute('CREATE TABLE t (k TEXT PRIMARY KEY)');
  });
  afterAll(async () => {
    await f.close();
  });

  it('rolls back an abandoned transaction and frees the write lock when its baton expires', async () => {
    const db = f.client();
    const abandoned = await db.transaction('write');
    await abandoned.execute("INSERT INTO t VALUES ('ghost')");

    // This writer queues behind the abandoned transaction; it gets through once the idle
    // stream expires and is rolled back.
    const started = Date.now();
    await db.execute("INSERT INTO t VALUES ('after')");
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);

    const rows = await db.execute('SELECT k FROM t ORDER BY k');
    expect(rows.rows.map((r) => r.k)).toEqual(['after']);

    const err = await failure(abandoned.commit());
    expect(err.code).toBe('STREAM_EXPIRED');
  });
});

describe('libsql server: auth token', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ authToken: 's3cret' });
  });
  afterAll(async () => {
    await f.close();
  });

  it('rejects requests without the right bearer token', async () => {
    const none = await failure(f.client().execute('SELECT 1'));
    expect(none.code).toBe('SERVER_ERROR');
    expect(none.message).toContain('HTTP status 401');
    const wrong = await failure(f.client({ authToken: 'nope' }).execute('SELECT 1'));
    expect(wrong.message).toContain('HTTP status 401');
    expect((await fetch(`${f.server.url}/v2`)).status).toBe(401);
    expect((await pipeline(f.server, { requests: [] }, { authorization: 'Bearer s3cret!' })).status).toBe(401);
  });

  it('accepts the right token and leaves /health open', async () => {
    const rs = await f.client({ authToken: 's3cret' }).execute('SELECT 42 AS answer');
    expect(rs.rows[0]!.answer).toBe(42);
    expect((await fetch(`${f.server.url}/health`)).status).toBe(200);
  });
});
