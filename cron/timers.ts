import type { Client } from '@libsql/client';
import type { QueueProducer } from './queue.js';

export interface DueTimer {
  id: string;
  reconciler: string;
  key: string;
  dueAt: number;
}

export function timerId(reconciler: string, key: string): string {
  return `${reconciler}|${key}`;
}

/**
 * Arms a timer: the row is the durable record, the delayed message the fast path. Arming
 * the same (reconciler, key) again moves its due time, so a burst keeps one timer.
 */
export async function armTimer(
  client: Client,
  queue: QueueProducer | undefined,
  t: { reconciler: string; key: string; delayMs: number; now: number },
): Promise<void> {
  const id = timerId(t.reconciler, t.key);
  const dueAt = t.now + Math.max(0, t.delayMs);
  await client.execute({
    sql: `INSERT INTO timers (id, reconciler, key, due_at, armed_at) VALUES (:id, :rec, :key, :due, :now)
          ON CONFLICT(id) DO UPDATE SET due_at = :due, armed_at = :now`,
    args: { id, rec: t.reconciler, key: t.key, due: dueAt, now: t.now },
  });
  // Cloudflare's delay has one-second granularity; the sweep covers a message that never comes.
  await queue?.send({ kind: 'timer', id }, { delaySeconds: Math.ceil(Math.max(0, t.delayMs) / 1000) });
}

/**
 * Claims a timer that is due: deletes its row only if it still has the due time we read,
 * so a concurrent re-arm is not lost and two deliveries fire it once.
 */
export async function claimTimer(client: Client, id: string, now: number, slackMs = 1000): Promise<DueTimer | undefined> {
  const rs = await client.execute({ sql: `SELECT id, reconciler, key, due_at FROM timers WHERE id = :id`, args: { id } });
  const row = rs.rows[0];
  if (!row) return undefined;
  const dueAt = Number(row.due_at);
  if (dueAt > now + slackMs) return undefined; // re-armed for later: its own message will come
  const del = await client.execute({ sql: `DELETE FROM timers WHERE id = :id AND due_at = :due`, args: { id, due: dueAt } });
  if (del.rowsAffected !== 1) return undefined;
  return { id, reconciler: String(row.reconciler), key: String(row.key), dueAt };
}

/** Timers overdue by more than `lateMs`: their messages were lost, so the cron sweep fires them. */
export async function overdueTimers(client: Client, now: number, lateMs: number): Promise<string[]> {
  const rs = await client.execute({
    sql: `SELECT id FROM timers WHERE due_at < :cut ORDER BY due_at LIMIT 200`,
    args: { cut: now - lateMs },
  });
  return rs.rows.map((r) => String(r.id));
}
