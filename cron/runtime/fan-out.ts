import type { Client } from '@libsql/client';
import type { LoggedChange, Store } from '../../db/store.js';
import { commitFanOutPage, readCursorAndHead } from '../../db/dispatcher-cursor.js';
import type { QueueAdd } from '../../db/work-queue.js';
import type { Reconciler } from '../reconciler.js';
import { queueLabels, runtimeMetrics } from './metrics.js';

/** The distinct (reconciler, key) pairs a page of changes asks for: a burst on one key is one add. */
export function plan(changes: readonly LoggedChange[], reconcilers: readonly Reconciler[]): Array<{ reconciler: Reconciler; key: string }> {
  const seen = new Set<string>();
  const out: Array<{ reconciler: Reconciler; key: string }> = [];
  for (const change of changes) {
    for (const reconciler of reconcilers) {
      for (const key of reconciler.keysFor(change)) {
        const id = `${reconciler.name}\u0000${key}`;
        if (seen.has(id)) continue;
        seen.add(id);
        out.push({ reconciler, key });
      }
    }
  }
  return out;
}

export interface FanOutResult {
  cursor: number;
  changes: number;
  adds: number;
  /** Reconcilers that got keys: the ones worth waking. */
  woken: Set<string>;
}

/**
 * Moves the change log onto the reconcilers' queues: a page of changes becomes its adds and
 * the cursor's advance in one transaction, so a crash loses no key and never skips a change.
 * The adds are conditional on the cursor still being where this fan-out read it, so two
 * fan-outs racing on one page add it once; no lease is needed, and an idle log costs two reads.
 * It never waits for a reconcile.
 */
export async function fanOut(
  store: Store,
  client: Client,
  reconcilers: readonly Reconciler[],
  opts: { now: () => number; pageSize?: number; maxChanges?: number },
): Promise<FanOutResult> {
  const pageSize = opts.pageSize ?? 500;
  const maxChanges = opts.maxChanges ?? 20_000;
  const start = await readCursorAndHead(client);
  let cursor = start.cursor;
  const result: FanOutResult = { cursor, changes: 0, adds: 0, woken: new Set() };
  if (start.head <= cursor) return result;
  while (result.changes < maxChanges) {
    const page = await store.changeLog(cursor, pageSize);
    if (page.length === 0) break;
    const to = page[page.length - 1]!.revision;
    const now = opts.now();
    const adds: QueueAdd[] = plan(page, reconcilers).map(({ reconciler, key }) => ({ reconciler: reconciler.name, key, readyAt: now }));
    // Another fan-out moved the cursor first: its adds stand for this page, and ours were not made.
    if (!(await commitFanOutPage(client, adds, cursor, to, now))) break;
    for (const a of adds) {
      result.woken.add(a.reconciler);
      runtimeMetrics.adds.inc(queueLabels(a.reconciler));
    }
    result.adds += adds.length;
    result.changes += page.length;
    cursor = to;
    result.cursor = to;
  }
  return result;
}
