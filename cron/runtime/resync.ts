import type { QueueAdd } from '../../db/work-queue.js';
import type { Reconciler, ReconcileContext } from '../reconciler.js';
import { concurrencyOf } from './concurrency.js';
import { readOnlyStore, WriteIntent } from './guarded-store.js';
import { guardMembers, isolateBreaker, type MemberBreaker } from './member-guard.js';
import type { BaseContext } from './processor.js';
import { createBatchCache } from './batch-cache.js';

/** When each reconciler last resynced, per isolate (or per manager in tests): a non-durable timer. */
export type ResyncState = Map<string, number>;

/** The isolate's resync clock: module state, plain numbers. */
export const isolateResyncState: ResyncState = new Map();

export interface ResyncOptions {
  base: BaseContext;
  reconcilers: readonly Reconciler[];
  now: () => number;
  state: ResyncState;
  /** Period of a reconciler that declares none. */
  defaultPeriodMs: number;
  concurrency?: Readonly<Record<string, number>>;
  memberTimeoutMs?: number;
  breaker?: MemberBreaker;
}

/**
 * The periodic resync, written so that a converged world costs no write: every due
 * reconciler's keys are reconciled against a store (and members) that only read. A key whose
 * reconcile wants to write, or fails, goes on its queue, to be reconciled for real under a
 * claim; the others needed nothing. So health probes and other periodic checks run on the tick
 * without ever holding a key, and write only when something changed.
 */
export async function resyncDue(opts: ResyncOptions): Promise<{ checked: number; adds: QueueAdd[] }> {
  const adds: QueueAdd[] = [];
  let checked = 0;
  for (const r of opts.reconcilers) {
    if (!r.resync) continue;
    const now = opts.now();
    const period = r.resyncPeriodMs ?? opts.defaultPeriodMs;
    const last = opts.state.get(r.name);
    if (last !== undefined && now - last < period && now >= last) continue;
    opts.state.set(r.name, now);
    const cache = createBatchCache(opts.base.store);
    const ctxFor = (key: string): ReconcileContext => {
      const intent = async (): Promise<void> => {
        throw new WriteIntent(`queue work while resyncing ${key}`);
      };
      return {
        ...opts.base,
        store: readOnlyStore(opts.base.store),
        cache,
        enqueue: intent,
        arm: intent,
        ...(opts.base.members
          ? {
              members: guardMembers(opts.base.members, {
                defaultTimeoutMs: opts.memberTimeoutMs ?? opts.base.settings?.memberTimeoutMs ?? 10_000,
                readOnly: true,
                breaker: opts.breaker ?? isolateBreaker,
              }),
            }
          : {}),
      };
    };
    let keys: string[];
    try {
      keys = await r.resync(ctxFor(''));
    } catch (e) {
      console.error(`resync of ${r.name} failed: ${(e as Error).message}`);
      continue;
    }
    const limit = concurrencyOf(r, opts.concurrency);
    let i = 0;
    await Promise.all(
      Array.from({ length: Math.min(limit, keys.length) }, async () => {
        while (i < keys.length) {
          const key = keys[i++]!;
          checked++;
          try {
            await r.reconcile(ctxFor(key), key);
          } catch (e) {
            // A write it wanted, or a failure: either way, the real reconcile decides.
            if (!(e instanceof WriteIntent)) console.error(`resync check of ${r.name} ${key} failed: ${(e as Error).message}`);
            adds.push({ reconciler: r.name, key, readyAt: opts.now() });
          }
        }
      }),
    );
  }
  return { checked, adds };
}
