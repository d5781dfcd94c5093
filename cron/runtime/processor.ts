import type { Client } from '@libsql/client';
import type { Store } from '../../db/store.js';
import { claimableCounts, exchange, type Ack, type ClaimedKey, type QueueAdd } from '../../db/work-queue.js';
import type { MemberClients } from '../../shared/member/member-client.js';
import type { Reconciler, ReconcileContext, ReconcileResult } from '../reconciler.js';
import { createBatchCache } from './batch-cache.js';
import { concurrencyOf } from './concurrency.js';
import { fanOut } from './fan-out.js';
import { fencedStore } from './guarded-store.js';
import { guardMembers, isolateBreaker, type MemberBreaker } from './member-guard.js';
import { queueLabels, runtimeMetrics } from './metrics.js';
import { TokenBucket, retryDelayMs } from './rate-limiter.js';

/** The context every reconcile starts from; the processor adds its claim's signal, cache and fenced store. */
export type BaseContext = Omit<ReconcileContext, 'cache' | 'signal'>;

export interface ProcessorOptions {
  store: Store;
  client: Client;
  reconcilers: readonly Reconciler[];
  base: BaseContext;
  now: () => number;
  /** Per-reconciler limits by flag name (`concurrent-work-syncs`) or reconciler name. */
  concurrency?: Readonly<Record<string, number>>;
  /** How long a claim lasts without a heartbeat. */
  leaseMs?: number;
  /** A reconcile running longer is stopped (its writes refused) and retried with backoff. */
  reconcileTimeoutMs?: number;
  /** While keys are running, how often to look for new changes and new work. */
  pollMs?: number;
  /** How long one invocation keeps claiming new work; what is left wakes the next one. */
  budgetMs?: number;
  /** Retries due sooner than this are waited for in process; later ones are delayed messages. */
  inProcessRetryMs?: number;
  /** Fan the change log out as part of the loop. */
  fanOut?: boolean;
  /** Asks for another invocation for `reconciler` after `delaySeconds` (a delayed queue message). */
  wake?: (reconciler: string, delaySeconds: number) => Promise<void>;
  memberTimeoutMs?: number;
  breaker?: MemberBreaker;
  /** Keys claimed beyond the concurrency limit, waiting in process for a slot (fewer round trips per key). */
  prefetch?: number;
}

export interface ProcessResult {
  reconciles: number;
  failures: number;
  changes: number;
}

interface Running {
  claim: ClaimedKey;
  reconciler: Reconciler;
  abort: AbortController;
  /** Member calls in flight: while any is, the key is parked and its slot lent out. */
  waiting: number;
  claimedAt: number;
  expiresAt: number;
  deadline: ReturnType<typeof setTimeout> | undefined;
  done: boolean;
}

/** One token bucket per reconciler and isolate, as one client-go queue has one. */
const buckets = new Map<string, TokenBucket>();
function bucketFor(name: string): TokenBucket {
  let b = buckets.get(name);
  if (!b) buckets.set(name, (b = new TokenBucket()));
  return b;
}

/** After a reconcile finishes, the next look at the change log comes this soon… */
const FAST_POLL_MS = 5;
/** …while no more keys than this are running. */
const FAST_POLL_MAX_RUNNING = 4;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Runs the reconcilers' queues inside one invocation: claims ready keys in batches, runs each
 * reconciler's keys up to its own limit, and settles them (acknowledge, back off, requeue)
 * in batches, one transaction per round. While keys run it keeps fanning out new changes and
 * claiming new work, so one slow key holds back nothing but itself.
 */
export class QueueProcessor {
  private readonly byName: Map<string, Reconciler>;
  private readonly limits = new Map<string, number>();
  private readonly running = new Map<string, Running>();
  private readonly ready: ClaimedKey[] = [];
  private acks: Ack[] = [];
  private adds: QueueAdd[] = [];
  private readonly hint = new Set<string>();
  private readonly localRetries: Array<{ reconciler: string; at: number }> = [];
  private readonly laterWakes = new Map<string, number>();
  private notify: (() => void) | undefined;
  private readonly result: ProcessResult = { reconciles: 0, failures: 0, changes: 0 };
  private readonly leaseMs: number;
  private changedSinceFanOut = false;
  /** When the oldest unsent acknowledgement or add was made. */
  private pendingSince = Infinity;

  constructor(private readonly opts: ProcessorOptions) {
    this.byName = new Map(opts.reconcilers.map((r) => [r.name, r]));
    for (const r of opts.reconcilers) this.limits.set(r.name, concurrencyOf(r, opts.concurrency));
    this.leaseMs = opts.leaseMs ?? 30_000;
  }

  /**
   * Runs until nothing is ready and nothing is running (or the budget is spent). `hint`: the
   * reconcilers known to have work; undefined looks at all of them.
   */
  async run(hint?: Iterable<string>): Promise<ProcessResult> {
    const o = this.opts;
    const started = Date.now();
    const budgetMs = o.budgetMs ?? 25_000;
    const pollMs = o.pollMs ?? 25;
    const inProcess = o.inProcessRetryMs ?? 1000;
    let lastPoll = -Infinity;
    let lastRenew = Date.now();
    let first = true;
    let within = true;
    for (;;) {
      within = Date.now() - started < budgetMs;
      // Look for new changes and new work: at the start, then while anything runs or waits.
      // A finished reconcile's writes are looked for sooner while few keys run (a chain of hops,
      // the quick start); a busy loop keeps the full interval, so one fan-out covers many writes.
      const interval = this.fastPoll() ? Math.min(pollMs, FAST_POLL_MS) : pollMs;
      if (within && Date.now() - lastPoll >= interval && (first || this.running.size > 0 || this.localRetries.length > 0)) {
        lastPoll = Date.now();
        if (o.fanOut) {
          this.changedSinceFanOut = false;
          const f = await fanOut(o.store, o.client, o.reconcilers, { now: o.now });
          this.result.changes += f.changes;
          for (const r of f.woken) this.hint.add(r);
        }
        if (first && hint) {
          for (const name of hint) if (this.byName.has(name)) this.hint.add(name);
        } else {
          for (const [name, n] of await claimableCounts(o.client, o.now())) if (n > 0 && this.byName.has(name)) this.hint.add(name);
        }
      }
      first = false;
      for (let i = this.localRetries.length - 1; i >= 0; i--) {
        const r = this.localRetries[i]!;
        if (r.at > Date.now()) continue;
        this.localRetries.splice(i, 1);
        this.hint.add(r.reconciler);
      }
      const renewDue = this.running.size > 0 && Date.now() - lastRenew >= this.leaseMs / 3;
      const wants = within ? this.wants() : [];
      const pending = this.acks.length + this.adds.length;
      // Acknowledgements wait a little for company (one transaction settles many keys), never long.
      const settle = pending >= 64 || (pending > 0 && ((this.running.size === 0 && this.ready.length === 0) || Date.now() - this.pendingSince >= pollMs));
      if (settle || wants.length || renewDue) {
        const acks = this.acks;
        const adds = this.adds;
        this.acks = [];
        this.adds = [];
        this.pendingSince = Infinity;
        const renew = renewDue ? [...this.running.values()].filter((r) => !r.done).map((r) => r.claim) : [];
        const sentAt = o.now();
        let claimed: ClaimedKey[];
        try {
          claimed = await exchange(o.client, { acks, adds, renew, wants, now: sentAt, leaseMs: this.leaseMs });
        } catch (e) {
          // Nothing of the round happened (or its claims lapse unused): keep what it carried.
          this.acks.push(...acks);
          this.adds.push(...adds);
          console.error(`work queue round failed: ${(e as Error).message}`);
          await sleep(pollMs);
          continue;
        }
        if (renewDue) {
          lastRenew = Date.now();
          for (const r of this.running.values()) r.expiresAt = sentAt + this.leaseMs;
        }
        this.afterRound(acks, adds, sentAt, inProcess);
        for (const w of wants) {
          if (claimed.filter((c) => c.reconciler === w.reconciler).length < w.limit) this.hint.delete(w.reconciler);
        }
        // One cache per claim round: the keys claimed together share their lists.
        const cache = createBatchCache(o.store);
        for (const c of claimed) {
          this.ready.push(c);
          this.readyCache.set(c, cache);
          this.readySince.set(c, Date.now());
        }
      }
      this.startReady(o.now());
      this.releaseStale(o.now(), pollMs * 4);
      this.checkLapses();
      if (this.running.size === 0 && this.ready.length === 0) {
        if (this.acks.length || this.adds.length) continue;
        if (within && this.hint.size > 0) continue;
        // The last reconciles' own writes may have queued more: one look before leaving.
        if (within && o.fanOut && this.changedSinceFanOut) {
          this.changedSinceFanOut = false;
          lastPoll = Date.now();
          const f = await fanOut(o.store, o.client, o.reconcilers, { now: o.now });
          this.result.changes += f.changes;
          for (const r of f.woken) this.hint.add(r);
          if (this.hint.size > 0) continue;
        }
        const soon = this.localRetries.filter((r) => r.at - Date.now() < inProcess).map((r) => r.at);
        if (!within || soon.length === 0) break;
        await sleep(Math.min(...soon) - Date.now());
        continue;
      }
      if (this.acks.length + this.adds.length >= 64) continue;
      const lingering = this.acks.length + this.adds.length > 0 ? Math.max(0, this.pendingSince + pollMs - Date.now()) : pollMs;
      const nextPoll = this.fastPoll() ? Math.max(0, lastPoll + FAST_POLL_MS - Date.now()) : pollMs;
      await this.waitForProgress(Math.min(pollMs, lingering, nextPoll));
    }
    await this.sendWakes(within);
    return this.result;
  }

  /** A write since the last fan-out, and few keys running: look at the change log soon. */
  private fastPoll(): boolean {
    return this.changedSinceFanOut && this.running.size <= FAST_POLL_MAX_RUNNING;
  }

  private readonly readyCache = new Map<ClaimedKey, ReturnType<typeof createBatchCache>>();
  private readonly readySince = new Map<ClaimedKey, number>();
  private readonly lastStart = new Map<string, number>();

  /** Free slots per reconciler, counting parked keys as free, plus what may be fetched ahead. */
  private wants(): Array<{ reconciler: string; limit: number }> {
    const out: Array<{ reconciler: string; limit: number }> = [];
    for (const name of this.hint) {
      const limit = this.limits.get(name) ?? 1;
      let busy = 0;
      let held = 0;
      for (const r of this.running.values()) if (r.reconciler.name === name) held++, (busy += r.waiting > 0 ? 0 : 1);
      // Claimed keys still waiting here for a slot: no new claim until they have started.
      if (this.ready.some((c) => c.reconciler === name)) continue;
      // Parked keys lend their slot, up to four times the limit in flight; no free slot, no claim.
      const free = Math.min(limit - busy, limit * 4 - held);
      if (free > 0) out.push({ reconciler: name, limit: Math.min(free + this.prefetchOf(limit), 500) });
    }
    return out;
  }

  /** Keys fetched ahead of a free slot: a few rounds' worth, so a claim round trip serves many keys. */
  private prefetchOf(limit: number): number {
    return this.opts.prefetch ?? Math.min(64, Math.max(8, limit * 4));
  }

  /**
   * Keys fetched ahead that found no slot for a while (a key ahead of them is slow) go back to
   * the queue at once, for another consumer: a slow key holds back nothing but itself.
   */
  private releaseStale(now: number, maxWaitMs: number): void {
    for (let i = this.ready.length - 1; i >= 0; i--) {
      const c = this.ready[i]!;
      const since = Math.max(this.readySince.get(c) ?? Date.now(), this.lastStart.get(c.reconciler) ?? 0);
      // Keys still starting now and then are moving; only a queue that has stalled gives back.
      if (Date.now() - since < maxWaitMs) continue;
      this.ready.splice(i, 1);
      this.readyCache.delete(c);
      this.readySince.delete(c);
      this.pendingSince = Math.min(this.pendingSince, Date.now());
      this.acks.push({ ...c, outcome: 'requeue', readyAt: now, failures: c.failures });
    }
  }

  /** Keys a reconcile asks for travel with its acknowledgement: both commit, or neither. */
  private add(a: QueueAdd): void {
    this.pendingSince = Math.min(this.pendingSince, Date.now());
    this.adds.push(a);
    this.notify?.();
  }

  private slotsFree(name: string): boolean {
    const limit = this.limits.get(name) ?? 1;
    let busy = 0;
    let held = 0;
    for (const r of this.running.values()) if (r.reconciler.name === name) held++, (busy += r.waiting > 0 ? 0 : 1);
    return busy < limit && held < limit * 4;
  }

  private startReady(claimedAt: number): void {
    for (let i = 0; i < this.ready.length; ) {
      const c = this.ready[i]!;
      if (!this.slotsFree(c.reconciler)) {
        i++;
        continue;
      }
      this.ready.splice(i, 1);
      const cache = this.readyCache.get(c);
      this.readyCache.delete(c);
      this.readySince.delete(c);
      this.start(c, claimedAt, cache ?? createBatchCache(this.opts.store));
    }
  }

  private start(claim: ClaimedKey, claimedAt: number, cache: ReturnType<typeof createBatchCache>): void {
    const o = this.opts;
    const reconciler = this.byName.get(claim.reconciler)!;
    const id = `${claim.reconciler}\u0000${claim.key}`;
    const abort = new AbortController();
    this.lastStart.set(claim.reconciler, Date.now());
    const run: Running = { claim, reconciler, abort, waiting: 0, claimedAt, expiresAt: claimedAt + this.leaseMs, deadline: undefined, done: false };
    this.running.set(id, run);
    const labels = queueLabels(reconciler.name);
    runtimeMetrics.queueDuration.observe(labels, Math.max(0, o.now() - Math.max(claim.addedAt, claim.readyAt)) / 1000);
    const startedAt = Date.now();
    const ctx: ReconcileContext = {
      ...o.base,
      // A committed write is looked for soon, even while its reconcile goes on (a chain of hops).
      store: fencedStore(o.store, abort.signal, () => {
        this.changedSinceFanOut = true;
        this.notify?.();
      }),
      cache,
      signal: abort.signal,
      enqueue: async (name, key, delayMs) => this.add({ reconciler: name, key, readyAt: o.now() + Math.max(0, delayMs ?? 0) }),
      arm: async (name, key, delayMs) => this.add({ reconciler: name, key, readyAt: o.now() + Math.max(0, delayMs) }),
      ...(o.base.members
        ? {
            members: guardMembers(o.base.members as MemberClients, {
              defaultTimeoutMs: o.memberTimeoutMs ?? o.base.settings?.memberTimeoutMs ?? 10_000,
              signal: abort.signal,
              breaker: o.breaker ?? isolateBreaker,
              onWait: (w) => {
                run.waiting += w ? 1 : -1;
                // A parked key frees its slot: let the loop start another.
                this.notify?.();
              },
            }),
          }
        : {}),
    };
    const finish = (outcome: 'success' | 'error' | 'requeue' | 'requeue_after', res?: ReconcileResult | void, err?: unknown): void => {
      if (run.done) return;
      run.done = true;
      clearTimeout(run.deadline);
      this.running.delete(id);
      runtimeMetrics.workDuration.observe(labels, (Date.now() - startedAt) / 1000);
      runtimeMetrics.reconciles.inc({ controller: reconciler.name, result: outcome });
      this.result.reconciles++;
      const now = o.now();
      this.pendingSince = Math.min(this.pendingSince, Date.now());
      this.changedSinceFanOut = true;
      if (outcome === 'success') this.acks.push({ ...claim, outcome: 'forget' });
      else if (outcome === 'requeue_after') this.acks.push({ ...claim, outcome: 'requeue', readyAt: now + Math.max(0, res?.requeueAfterMs ?? 0), failures: 0 });
      else {
        if (outcome === 'error') {
          this.result.failures++;
          runtimeMetrics.reconcileErrors.inc({ controller: reconciler.name });
          console.error(`reconciler ${reconciler.name} failed for ${claim.key}: ${(err as Error)?.message ?? String(err)}`);
        }
        runtimeMetrics.retries.inc(labels);
        const delay = retryDelayMs(claim.failures, bucketFor(reconciler.name), Date.now());
        this.acks.push({ ...claim, outcome: 'requeue', readyAt: now + delay, failures: claim.failures + 1 });
      }
      // The freed slot takes the next fetched key now, not after the loop's round trip.
      this.startReady(now);
      this.notify?.();
    };
    run.deadline = setTimeout(() => {
      abort.abort(new Error(`reconcile of ${claim.key} ran past ${o.reconcileTimeoutMs ?? 60_000} ms`));
      finish('error', undefined, abort.signal.reason);
    }, o.reconcileTimeoutMs ?? 60_000);
    Promise.resolve()
      .then(() => reconciler.reconcile(ctx, claim.key))
      .then(
        (res) => {
          if (res?.requeue) finish('requeue', res);
          else if (res?.requeueAfterMs !== undefined) finish('requeue_after', res);
          else finish('success', res);
        },
        (err: unknown) => finish('error', undefined, err),
      );
  }

  /** A claim about to lapse (heartbeats failing) stops its reconcile before anyone can retake it. */
  private checkLapses(): void {
    const now = this.opts.now();
    const margin = this.leaseMs / 3;
    for (const r of this.running.values()) {
      if (!r.done && r.expiresAt - margin <= now && !r.abort.signal.aborted) r.abort.abort(new Error(`claim on ${r.claim.key} is about to lapse`));
    }
  }

  private afterRound(acks: readonly Ack[], adds: readonly QueueAdd[], now: number, inProcess: number): void {
    const later = (reconciler: string, at: number): void => {
      const delay = at - now;
      if (delay <= 0) {
        this.hint.add(reconciler);
        return;
      }
      if (delay < inProcess) this.localRetries.push({ reconciler, at: Date.now() + delay });
      // Whatever this invocation may not be around for gets a delayed message as it ends.
      this.laterWakes.set(reconciler, Math.min(this.laterWakes.get(reconciler) ?? Infinity, at));
    };
    for (const a of acks) if (a.outcome === 'requeue') later(a.reconciler, a.readyAt);
    for (const a of adds) {
      runtimeMetrics.adds.inc(queueLabels(a.reconciler));
      later(a.reconciler, a.readyAt);
    }
    // A key added while it ran is waiting again now that it is done.
    for (const a of acks) if (a.outcome === 'forget') this.hint.add(a.reconciler);
  }

  private waitForProgress(pollMs: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.notify = undefined;
        resolve();
      }, pollMs);
      this.notify = () => {
        clearTimeout(t);
        this.notify = undefined;
        resolve();
      };
    });
  }

  /** Delayed messages for what this invocation leaves for later: each reconciler's earliest due key. */
  private async sendWakes(budgetLeft: boolean): Promise<void> {
    const wake = this.opts.wake;
    if (!wake) return;
    const now = this.opts.now();
    const due = new Map(this.laterWakes);
    // Out of budget with work still ready: the next invocation continues at once.
    if (!budgetLeft) for (const name of this.hint) due.set(name, now);
    for (const [name, at] of due) await wake(name, Math.max(0, Math.ceil((at - now) / 1000)));
  }
}
