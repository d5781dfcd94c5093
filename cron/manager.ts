import type { Store } from '../db/store.js';
import type { Registry } from '../shared/registry/index.js';
import type { Reconciler, ReconcileContext } from './reconciler.js';
import type { QueueProducer, ReconcileMessage } from './queue.js';
import { dispatch, readCursor, runReconcile, type DispatchResult } from './dispatcher.js';
import { armTimer, claimTimer, overdueTimers } from './timers.js';

export interface ManagerOptions {
  store: Store;
  registry: Registry;
  reconcilers: readonly Reconciler[];
  queue?: QueueProducer;
  now?: () => number;
  /** Change-log retention: older changes are compacted (watchers further behind get 410). */
  compaction?: { maxAgeMs: number; maxCount: number };
  /** How often the tick re-lists every reconciler's keys. */
  resyncMs?: number;
  /** A timer this late has lost its message; the tick fires it. */
  timerLateMs?: number;
  retryMs?: number;
  /** The worker env's token signing key (and cluster CA) for the Secret-based token reconciler. */
  serviceAccountTokens?: { signingKey: string; caCertPem?: string };
}

const RESYNC_AT = 'resync_at';

/**
 * kube-controller-manager's role, as two entry points the worker's queue and scheduled
 * handlers call. Holds no state between invocations: cursor, lease and timers are rows.
 */
export class ControllerManager {
  readonly ctx: ReconcileContext;
  private readonly byName: Map<string, Reconciler>;

  constructor(private readonly opts: ManagerOptions) {
    const now = opts.now ?? Date.now;
    this.byName = new Map(opts.reconcilers.map((r) => [r.name, r]));
    this.ctx = {
      store: opts.store,
      registry: opts.registry,
      now,
      arm: (reconciler, key, delayMs) => armTimer(opts.store.client, opts.queue, { reconciler, key, delayMs, now: now() }),
      ...(opts.serviceAccountTokens ? { serviceAccountTokens: opts.serviceAccountTokens } : {}),
    };
  }

  /** Drains the outbox; if changes landed while another holder had the lease, tries again. */
  async dispatch(): Promise<DispatchResult> {
    let last: DispatchResult | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      last = await dispatch(this.ctx, this.opts.reconcilers, { retryMs: this.opts.retryMs });
      if (!last.ran) return last;
      if ((await this.opts.store.currentRevision()) <= (await readCursor(this.opts.store.client))) return last;
    }
    return last!;
  }

  /** The queue consumer: timers fire once each, and any number of nudges is one dispatch. */
  async onQueue(messages: readonly ReconcileMessage[]): Promise<void> {
    const timerIds = new Set<string>();
    let nudged = false;
    for (const m of messages) {
      if (m.kind === 'timer') timerIds.add(m.id);
      else nudged = true;
    }
    for (const id of timerIds) await this.fireTimer(id);
    if (nudged) await this.dispatch();
  }

  private async fireTimer(id: string): Promise<void> {
    const t = await claimTimer(this.opts.store.client, id, this.ctx.now());
    if (!t) return;
    const reconciler = this.byName.get(t.reconciler);
    if (reconciler) await runReconcile(this.ctx, reconciler, t.key, this.opts.retryMs ?? 2000);
  }

  /** The cron tick: catch up on the outbox, fire lost timers, resync slowly, compact. */
  async onTick(): Promise<void> {
    await this.dispatch();
    for (const id of await overdueTimers(this.opts.store.client, this.ctx.now(), this.opts.timerLateMs ?? 10_000)) {
      await this.fireTimer(id);
    }
    await this.resyncIfDue();
    const c = this.opts.compaction ?? { maxAgeMs: 15 * 60_000, maxCount: 200_000 };
    const cursor = await readCursor(this.opts.store.client);
    await this.opts.store.compact({ ...c, keepFrom: cursor + 1 });
  }

  private async resyncIfDue(): Promise<void> {
    const every = this.opts.resyncMs ?? 10 * 60_000;
    const now = this.ctx.now();
    const client = this.opts.store.client;
    // A conditional write elects one resync per period however many ticks race.
    const rs = await client.execute({
      sql: `INSERT INTO meta (key, value, updated_at) VALUES (:k, CAST(:now AS INTEGER), :now)
            ON CONFLICT(key) DO UPDATE SET value = CAST(:now AS INTEGER), updated_at = :now WHERE CAST(value AS INTEGER) <= :due`,
      args: { k: RESYNC_AT, now, due: now - every },
    });
    if (rs.rowsAffected !== 1) return;
    for (const r of this.opts.reconcilers) {
      if (!r.resync) continue;
      for (const key of await r.resync(this.ctx)) await runReconcile(this.ctx, r, key, this.opts.retryMs ?? 2000);
    }
  }
}
