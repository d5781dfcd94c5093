import type { Client } from '@libsql/client';
import { addKeys } from '../db/work-queue.js';
import type { QueueProducer } from './queue.js';

/**
 * Puts a key on a reconciler's queue from `now + delayMs`, and sends the delayed message that
 * wakes a consumer then. The row is the durable record; the message (one-second granularity,
 * as Cloudflare's) is the fast path, and the tick's sweep covers one that never comes.
 */
export async function armTimer(
  client: Client,
  queue: QueueProducer | undefined,
  t: { reconciler: string; key: string; delayMs: number; now: number },
): Promise<void> {
  const delayMs = Math.max(0, t.delayMs);
  await addKeys(client, [{ reconciler: t.reconciler, key: t.key, readyAt: t.now + delayMs }]);
  await queue?.send({ kind: 'wake', reconciler: t.reconciler }, { delaySeconds: Math.ceil(delayMs / 1000) });
}
