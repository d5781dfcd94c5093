// The reconcilers' durable work queues (table work_queue): client-go's workqueue guarantees
// kept in rows, so they hold across invocations, isolates and processes. Every operation is
// one statement over many keys, and callers batch them, so the queue's cost per reconcile is a
// fraction of a round trip.

import type { Client, InStatement, InValue } from '@libsql/client';

/** A key to put on a reconciler's queue, runnable from `readyAt` (ms since epoch). */
export interface QueueAdd {
  reconciler: string;
  key: string;
  readyAt: number;
}

/** A key this holder now owns until `claimExpires`; `fence` identifies this claim and no other. */
export interface ClaimedKey {
  reconciler: string;
  key: string;
  fence: number;
  addedAt: number;
  readyAt: number;
  failures: number;
}

export interface ClaimRef {
  reconciler: string;
  key: string;
  fence: number;
}

/** How a claim ends: forgotten (done), or back on the queue from `readyAt` with a backoff count. */
export type Ack = ClaimRef & ({ outcome: 'forget' } | { outcome: 'requeue'; readyAt: number; failures: number });

/** Rows per statement: well under SQLite's bound on parameters. */
const CHUNK = 100;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

function values(rows: number, width: number): string {
  const row = `(${Array.from({ length: width }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => row).join(', ');
}

/**
 * Statements that add keys. A waiting key stays one entry (it only becomes ready sooner); a
 * claimed key is marked dirty, so it runs once more after its holder is done, never beside it.
 * `onlyIf` makes the adds conditional on a SQL predicate evaluated in the same transaction (the
 * fan-out's cursor check), so a fan-out that lost a race adds nothing.
 */
export function addStatements(adds: readonly QueueAdd[], onlyIf?: { sql: string; args: InValue[] }): InStatement[] {
  return chunks(adds).map((part) => ({
    sql: `INSERT INTO work_queue (reconciler, key, ready_at, added_at)
          SELECT column1, column2, column3, column3 FROM (VALUES ${values(part.length, 3)}) WHERE ${onlyIf?.sql ?? '1'}
          ON CONFLICT(reconciler, key) DO UPDATE SET
            ready_at = CASE WHEN claim_expires IS NULL THEN MIN(ready_at, excluded.ready_at) ELSE ready_at END,
            dirty_at = CASE WHEN claim_expires IS NULL THEN dirty_at ELSE MIN(COALESCE(dirty_at, excluded.ready_at), excluded.ready_at) END`,
    args: [...part.flatMap((a) => [a.reconciler, a.key, a.readyAt]), ...(onlyIf?.args ?? [])],
  }));
}

export async function addKeys(client: Client, adds: readonly QueueAdd[]): Promise<void> {
  if (adds.length === 0) return;
  await client.batch(addStatements(adds), 'write');
}

/**
 * Claims up to `limit` ready keys of each reconciler, in one transaction. A claim whose holder
 * let it lapse (crashed, or hung past its lease) is claimable again: the key is reconciled
 * anew, and the old holder's fence no longer matches anything it might acknowledge.
 */
export function claimKeys(
  client: Client,
  wants: ReadonlyArray<{ reconciler: string; limit: number }>,
  now: number,
  leaseMs: number,
): Promise<ClaimedKey[]> {
  return exchange(client, { wants, now, leaseMs });
}

/** Statements ending claims: one DELETE and two UPDATEs per hundred keys, whatever the outcome. */
export function ackStatements(acks: readonly Ack[], now: number): InStatement[] {
  const out: InStatement[] = [];
  const done = acks.filter((a) => a.outcome === 'forget');
  const again = acks.filter((a): a is Extract<Ack, { outcome: 'requeue' }> => a.outcome === 'requeue');
  for (const part of chunks(done)) {
    const refs = part.flatMap((a) => [a.reconciler, a.key, a.fence]);
    // Done and not added meanwhile: the key leaves the queue.
    out.push({
      sql: `DELETE FROM work_queue WHERE dirty_at IS NULL AND claim_expires IS NOT NULL
            AND (reconciler, key, fence) IN (VALUES ${values(part.length, 3)})`,
      args: refs,
    });
    // Done but added while it ran: waiting again, from when it was added.
    out.push({
      sql: `UPDATE work_queue SET claim_expires = NULL, claimed_at = NULL, ready_at = dirty_at, added_at = MIN(dirty_at, ?),
              dirty_at = NULL, failures = 0
            WHERE claim_expires IS NOT NULL AND (reconciler, key, fence) IN (VALUES ${values(part.length, 3)})`,
      args: [now, ...refs],
    });
  }
  for (const part of chunks(again)) {
    out.push({
      sql: `UPDATE work_queue SET claim_expires = NULL, claimed_at = NULL,
              ready_at = MIN(COALESCE(work_queue.dirty_at, v.ready), v.ready), added_at = ?, dirty_at = NULL, failures = v.failures
            FROM (SELECT column1 AS r, column2 AS k, column3 AS f, column4 AS ready, column5 AS failures
                  FROM (VALUES ${values(part.length, 5)})) AS v
            WHERE work_queue.reconciler = v.r AND work_queue.key = v.k AND work_queue.fence = v.f
              AND work_queue.claim_expires IS NOT NULL`,
      args: [now, ...part.flatMap((a) => [a.reconciler, a.key, a.fence, a.readyAt, a.failures])],
    });
  }
  return out;
}

export async function ackKeys(client: Client, acks: readonly Ack[], now: number): Promise<void> {
  if (acks.length === 0) return;
  await client.batch(ackStatements(acks, now), 'write');
}

/** Statements extending claims still being worked on (the holder's heartbeat). */
export function renewStatements(claims: readonly ClaimRef[], expires: number): InStatement[] {
  return chunks(claims).map((part) => ({
    sql: `UPDATE work_queue SET claim_expires = ? WHERE claim_expires IS NOT NULL
          AND (reconciler, key, fence) IN (VALUES ${values(part.length, 3)})`,
    args: [expires, ...part.flatMap((c) => [c.reconciler, c.key, c.fence])],
  }));
}

/** Claim statements: up to `limit` ready keys of each reconciler, oldest first. */
function claimStatements(wants: ReadonlyArray<{ reconciler: string; limit: number }>, now: number, leaseMs: number): InStatement[] {
  return wants.map((w) => ({
    sql: `UPDATE work_queue SET claim_expires = :exp, claimed_at = :now, fence = fence + 1,
            dirty_at = CASE WHEN dirty_at > :now THEN dirty_at ELSE NULL END
          WHERE reconciler = :r AND key IN (
            SELECT key FROM work_queue
            WHERE reconciler = :r AND ((claim_expires IS NULL AND ready_at <= :now) OR claim_expires < :now)
            ORDER BY ready_at LIMIT :n)
          RETURNING key, fence, added_at, ready_at, failures`,
    args: { r: w.reconciler, n: w.limit, now, exp: now + leaseMs },
  }));
}

/**
 * The runtime's one write per round: acknowledgements, heartbeats of claims still running,
 * keys reconciles asked for, and new claims, in one transaction. A crash before it commits
 * loses nothing (the claims lapse and their keys run again, re-adding what they add); after
 * it, everything it says holds.
 */
export async function exchange(
  client: Client,
  round: {
    acks?: readonly Ack[];
    renew?: readonly ClaimRef[];
    adds?: readonly QueueAdd[];
    wants?: ReadonlyArray<{ reconciler: string; limit: number }>;
    now: number;
    leaseMs: number;
  },
): Promise<ClaimedKey[]> {
  const wants = (round.wants ?? []).filter((w) => w.limit > 0);
  const head = [
    ...ackStatements(round.acks ?? [], round.now),
    ...renewStatements(round.renew ?? [], round.now + round.leaseMs),
    ...addStatements(round.adds ?? []),
  ];
  const statements = [...head, ...claimStatements(wants, round.now, round.leaseMs)];
  if (statements.length === 0) return [];
  const results = await client.batch(statements, 'write');
  return results.slice(head.length).flatMap((rs, i) =>
    rs.rows.map((row) => ({
      reconciler: wants[i]!.reconciler,
      key: String(row.key),
      fence: Number(row.fence),
      addedAt: Number(row.added_at),
      readyAt: Number(row.ready_at),
      failures: Number(row.failures),
    })),
  );
}

/** Per reconciler: how many keys are claimable now. A read: an idle sweep writes nothing. */
export async function claimableCounts(client: Client, now: number): Promise<Map<string, number>> {
  const rs = await client.execute({
    sql: `SELECT reconciler, COUNT(*) AS n FROM work_queue
          WHERE (claim_expires IS NULL AND ready_at <= :now) OR claim_expires < :now GROUP BY reconciler`,
    args: { now },
  });
  return new Map(rs.rows.map((r) => [String(r.reconciler), Number(r.n)]));
}

/** The earliest time anything becomes claimable (a waiting key's ready time or a claim's expiry). */
export async function nextDueAt(client: Client): Promise<number | undefined> {
  const rs = await client.execute(
    `SELECT MIN(t) AS t FROM (SELECT MIN(ready_at) AS t FROM work_queue WHERE claim_expires IS NULL
                               UNION ALL SELECT MIN(claim_expires) FROM work_queue WHERE claim_expires IS NOT NULL)`,
  );
  const t = rs.rows[0]?.t;
  return t === null || t === undefined ? undefined : Number(t);
}

/** What /metrics reports of each queue: depth (waiting), keys being worked on and for how long. */
export interface QueueGauge {
  reconciler: string;
  depth: number;
  processing: number;
  /** Sum of the running claims' ages, in ms (client-go's unfinished work). */
  unfinishedMs: number;
  longestRunningMs: number;
}

export async function queueGauges(client: Client, now: number): Promise<QueueGauge[]> {
  const rs = await client.execute({
    sql: `SELECT reconciler,
            SUM(CASE WHEN claim_expires IS NULL THEN 1 ELSE 0 END) AS depth,
            SUM(CASE WHEN claim_expires IS NULL THEN 0 ELSE 1 END) AS processing,
            COALESCE(SUM(CASE WHEN claim_expires IS NULL THEN 0 ELSE :now - claimed_at END), 0) AS unfinished,
            COALESCE(MAX(CASE WHEN claim_expires IS NULL THEN 0 ELSE :now - claimed_at END), 0) AS longest
          FROM work_queue GROUP BY reconciler ORDER BY reconciler`,
    args: { now },
  });
  return rs.rows.map((r) => ({
    reconciler: String(r.reconciler),
    depth: Number(r.depth),
    processing: Number(r.processing),
    unfinishedMs: Number(r.unfinished),
    longestRunningMs: Number(r.longest),
  }));
}

/** Every entry of one reconciler's queue (tests, and `flotilla` diagnostics). */
export async function queueEntries(
  client: Client,
  reconciler?: string,
): Promise<Array<{ reconciler: string; key: string; readyAt: number; claimed: boolean; dirty: boolean; failures: number }>> {
  const rs = await client.execute({
    sql: `SELECT reconciler, key, ready_at, claim_expires, dirty_at, failures FROM work_queue
          WHERE :r IS NULL OR reconciler = :r ORDER BY ready_at, reconciler, key`,
    args: { r: reconciler ?? null },
  });
  return rs.rows.map((r) => ({
    reconciler: String(r.reconciler),
    key: String(r.key),
    readyAt: Number(r.ready_at),
    claimed: r.claim_expires !== null,
    dirty: r.dirty_at !== null,
    failures: Number(r.failures),
  }));
}
