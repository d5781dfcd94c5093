// The worker's Hrana-over-HTTP client against the local libSQL server: it must answer what
// @libsql/client answers (rows, numbers, errors, transactions), since the store runs on
// either. The store, history and watch suites also run through it (test/helpers/db.ts).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, LibsqlError, type Client } from '@libsql/client/web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLibsqlServer, type LibsqlServer } from '../../cli/libsql-server/server.js';
import { HranaHttpClient } from '../../db/sql-client.js';

describe('HranaHttpClient', () => {
  let dir: string;
  let server: LibsqlServer;
  let ours: HranaHttpClient;
  let library: Client;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-sql-client-'));
    server = await startLibsqlServer({ file: join(dir, 'db'), authToken: 'secret' });
    ours = new HranaHttpClient(server.url, 'secret');
    library = createClient({ url: server.url, authToken: 'secret' });
    await library.execute('CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER, f REAL, b BLOB, s TEXT CHECK (s IS NULL OR s <> \'bad\'))');
  });
  afterAll(async () => {
    library.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('binds named and positional arguments and reads rows by name and by index, as the library does', async () => {
    await ours.execute({ sql: 'INSERT INTO t (k, n, f, b, s) VALUES (:k, :n, :f, :b, :s)', args: { k: 'a', n: 42, f: 1.5, b: new Uint8Array([0, 1, 255]), s: null } });
    const r = await ours.execute({ sql: 'INSERT INTO t (k, n, f) VALUES (?, ?, ?)', args: ['b', 7, 0.25] });
    expect(r.rowsAffected).toBe(1);
    expect(r.lastInsertRowid).toBe(2n);
    const sql = 'SELECT k, n, f, b, s, CAST(n AS TEXT) AS text_n, n * 2 AS twice FROM t ORDER BY k';
    const [mine, theirs] = [await ours.execute(sql), await library.execute(sql)];
    expect(mine.columns).toEqual(theirs.columns);
    expect(mine.rows.length).toBe(2);
    for (let i = 0; i < theirs.rows.length; i++) {
      for (const [j, c] of theirs.columns.entries()) {
        expect(mine.rows[i]![c]).toEqual(theirs.rows[i]![c]);
        expect(mine.rows[i]![j]).toEqual(theirs.rows[i]![j]);
      }
      expect(mine.rows[i]!.length).toBe(theirs.rows[i]!.length);
    }
    expect(mine.rows[0]!.n).toBe(42);
    expect(new Uint8Array(mine.rows[0]!.b as ArrayBuffer)).toEqual(new Uint8Array([0, 1, 255]));
  });

  it('runs a batch as one transaction and returns each statement’s result', async () => {
    const results = await ours.batch(
      [
        { sql: 'INSERT INTO t (k, n) VALUES (:k, 1)', args: { k: 'c' } },
        { sql: 'UPDATE t SET n = n + 1 WHERE k = :k RETURNING n', args: { k: 'c' } },
      ],
      'write',
    );
    expect(results.map((r) => r.rowsAffected)).toEqual([1, 1]);
    expect(results[1]!.rows[0]!.n).toBe(2);
    const [read] = await ours.batch([{ sql: 'SELECT n FROM t WHERE k = :k', args: { k: 'c' } }], 'read');
    expect(read!.rows[0]!.n).toBe(2);
  });

  it('rolls the whole batch back when a statement fails, and reports SQLite’s code as the library does', async () => {
    const attempt = (c: { batch: HranaHttpClient['batch'] }) =>
      c.batch(
        [
          { sql: 'INSERT INTO t (k, n) VALUES (:k, 1)', args: { k: 'd' } },
          { sql: 'INSERT INTO t (k, s) VALUES (:k, :s)', args: { k: 'e', s: 'bad' } },
        ],
        'write',
      );
    const mine = await attempt(ours).catch((e: unknown) => e);
    const theirs = await attempt(library).catch((e: unknown) => e);
    expect(mine).toBeInstanceOf(LibsqlError);
    expect((mine as LibsqlError).code).toBe((theirs as LibsqlError).code);
    expect((mine as LibsqlError).code).toMatch(/^SQLITE_CONSTRAINT/);
    expect((await ours.execute({ sql: 'SELECT COUNT(*) AS n FROM t WHERE k IN (:a, :b)', args: { a: 'd', b: 'e' } })).rows[0]!.n).toBe(0);
  });

  it('reports a bad statement and a refused token as errors with codes', async () => {
    const bad = await ours.execute('SELECT * FROM missing_table').catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(LibsqlError);
    expect((bad as Error).message).toMatch(/no such table/);
    const refused = await new HranaHttpClient(server.url, 'wrong').execute('SELECT 1').catch((e: unknown) => e);
    expect((refused as LibsqlError).code).toBe('SERVER_ERROR');
    expect((refused as Error).message).toContain('HTTP status 401');
  });

  it('refuses non-finite numbers before sending anything, as the library does', async () => {
    await expect(ours.execute({ sql: 'SELECT ?', args: [Infinity] })).rejects.toThrow(RangeError);
  });
});
