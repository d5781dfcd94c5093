import type { Client } from '@libsql/client';
import type { LoggedChange } from '../db/store.js';
import type { Reconciler, ReconcileContext } from './reconciler.js';

const CURSOR = 'dispatcher_cursor';
const LEASE = 'dispatcher_lease';

export interface DispatchOptions {
  /** Changes read per step. */
  pageSize?: number;
  /** Stop after this many changes in one invocation (a Worker has a CPU budget); the next nudge continues. */
  maxChanges?: number;
  /** How long a dispatcher may hold the lease without renewing it. */
  leaseMs?: number;
  /** Retry delay for a failed reconcile. */
  retryMs?: number;
  concurrency?: number;
  holder?: string;
}

export interface DispatchResult {
  cursor: number;
  changes: number;
  reconciles: number;
  failures: number;
  /** False when another dispatcher held the lease. */
  ran: boolean;
}

export async function readCursor(client: Client): Promise<number> {
  const rs = await client.execute({ sql: `SELECT value FROM meta WHERE key = :k`, args: { k: CURSOR } });
  return Number(rs.rows[0]?.value ?? 0);
}

/** Moves the cursor forward only: a slower dispatcher finishing late never rewinds it. */
async function advanceCursor(client: Client, to: number, now: number): Promise<void> {
  await client.execute({
    sql: `INSERT INTO meta (key, value, updated_at) VALUES (:k, CAST(:v AS INTEGER), :now)
          ON CONFLICT(key) DO UPDATE SET value = MAX(CAST(value AS INTEGER), CAST(:v AS INTEGER)), updated_at = :now`,
    args: { k: CURSOR, v: to, now },
  });
}

/** One dispatcher at a time: the lease is a meta row taken with a conditional write. */
async function takeLease(client: Client, holder: string, now: number, leaseMs: number): Promise<boolean> {
  const rs = await client.execute({
    sql: `INSERT INTO meta (key, value, updated_at) VALUES (:k, :holder, :now)
          ON CONFLICT(key) DO UPDATE SET value = :holder, updated_at = :now
          WHERE value = :holder OR updated_at < :expired`,
    args: { k: LEASE, holder, now, expired: now - leaseMs },
  });
  return rs.rowsAffected === 1;
}

async function releaseLease(client: Client, holder: string): Promise<void> {
  await client.execute({ sql: `DELETE FROM meta WHERE key = :k AND value = :holder`, args: { k: LEASE, holder } });
}

/** The distinct (reconciler, key) pairs a page of changes asks for: a burst on one key runs once. */
export function plan(changes: LoggedChange[], reconcilers: readonly Reconciler[]): Array<{ reconciler: Reconciler; key: string }> {
  const seen = new Set<string>();
  const out: Array<{ reconciler: Reconciler; key: string }> = [];
  for (const change of changes) {
    for (const reconciler of reconcilers) {
      for (const key of reconciler.keysFor(change)) {
        const id = `${reconciler.name}|${key}`;
        if (seen.has(id)) continue;
        seen.add(id);
        out.push({ reconciler, key });
      }
    }
  }
  return out;
}

export async function runReconcile(
  ctx: ReconcileContext,
  reconciler: Reconciler,
  key: string,
  retryMs: number,
): Promise<boolean> {
  try {
    const res = await reconciler.reconcile(ctx, key);
    if (res?.requeueAfterMs !== undefined) await ctx.arm(reconciler.name, key, res.requeueAfterMs);
    return true;
  } catch (e) {
    console.error(`reconciler ${reconciler.name} failed for ${key}: ${(e as Error).message}`);
    await ctx.arm(reconciler.name, key, retryMs);
    return false;
  }
}

async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

/**
 * Drains the change log (the outbox) from the stored cursor through every reconciler. The
 * cursor moves only after a page's reconciles have run (or been re-armed as timers), so a
 * crash anywhere means the page is seen again, never skipped.
 */
export async function dispatch(
  ctx: ReconcileContext,
  reconcilers: readonly Reconciler[],
  opts: DispatchOptions = {},
): Promise<DispatchResult> {
  const client = ctx.store.client;
  const pageSize = opts.pageSize ?? 200;
  const maxChanges = opts.maxChanges ?? 5000;
  const leaseMs = opts.leaseMs ?? 30_000;
  const holder = opts.holder ?? crypto.randomUUID();
  const result: DispatchResult = { cursor: 0, changes: 0, reconciles: 0, failures: 0, ran: false };
  if (!(await takeLease(client, holder, ctx.now(), leaseMs))) return result;
  result.ran = true;
  try {
    let cursor = await readCursor(client);
    while (result.changes < maxChanges) {
      const page = await ctx.store.changeLog(cursor, pageSize);
      if (page.length === 0) break;
      const work = plan(page, reconcilers);
      await pool(work, opts.concurrency ?? 8, async ({ reconciler, key }) => {
        result.reconciles++;
        if (!(await runReconcile(ctx, reconciler, key, opts.retryMs ?? 2000))) result.failures++;
      });
      cursor = page[page.length - 1]!.revision;
      result.changes += page.length;
      await advanceCursor(client, cursor, ctx.now());
      if (!(await takeLease(client, holder, ctx.now(), leaseMs))) break;
    }
    result.cursor = cursor;
  } finally {
    await releaseLease(client, holder);
  }
  return result;
}
