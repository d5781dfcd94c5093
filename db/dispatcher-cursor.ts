// The change-log fan-out's cursor: the last revision whose changes are on the work queues.
// Kept in `meta`; compaction never trims past it.

import type { Client, InStatement, InValue } from '@libsql/client';
import { addStatements, type QueueAdd } from './work-queue.js';

const CURSOR = 'dispatcher_cursor';

export async function readCursor(client: Client): Promise<number> {
  const rs = await client.execute({ sql: `SELECT value FROM meta WHERE key = :k`, args: { k: CURSOR } });
  return Number(rs.rows[0]?.value ?? 0);
}

/** The cursor and the change log's head in one read: what every fan-out poll starts with. */
export async function readCursorAndHead(client: Client): Promise<{ cursor: number; head: number }> {
  const rs = await client.execute({
    sql: `SELECT (SELECT value FROM meta WHERE key = :k) AS cursor, COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0) AS head`,
    args: { k: CURSOR },
  });
  return { cursor: Number(rs.rows[0]?.cursor ?? 0), head: Number(rs.rows[0]?.head ?? 0) };
}

/** A SQL predicate true while the cursor is still `at`: what the fan-out's adds are conditional on. */
export function cursorIs(at: number): { sql: string; args: InValue[] } {
  return { sql: `COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = '${CURSOR}'), 0) = ?`, args: [at] };
}

/**
 * Moves the cursor from `from` to `to`, only if it is still at `from`: of two fan-outs that
 * read the same page, one moves it and the other's statements (guarded by `cursorIs`) do nothing.
 */
export function advanceCursorStatement(from: number, to: number, now: number): InStatement {
  return {
    sql: `INSERT INTO meta (key, value, updated_at) VALUES (:k, CAST(:to AS TEXT), :now)
          ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
          WHERE CAST(value AS INTEGER) = :from`,
    args: { k: CURSOR, to, from, now },
  };
}

/**
 * One page of the fan-out: its adds and the cursor's move from `from` to `to`, in one
 * transaction. False when another fan-out had moved the cursor first (nothing was added).
 */
export async function commitFanOutPage(client: Client, adds: readonly QueueAdd[], from: number, to: number, now: number): Promise<boolean> {
  const results = await client.batch([...addStatements(adds, cursorIs(from)), advanceCursorStatement(from, to, now)], 'write');
  return results[results.length - 1]!.rowsAffected === 1;
}
