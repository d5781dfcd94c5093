import type { Store } from '../db/store.js';
import { readCursor } from '../db/dispatcher-cursor.js';
import { addKeys, claimableCounts } from '../db/work-queue.js';
import type { ControllerSettings } from '../shared/controller-settings.js';
import type { MemberClients } from '../shared/member/member-client.js';
import type { Registry } from '../shared/registry/index.js';
import type { Reconciler, ReconcileContext } from './reconciler.js';
import type { QueueProducer, ReconcileMessage } from './queue.js';
import { QueueProcessor, type ProcessorOptions, type BaseContext } from './runtime/processor.js';
import { resyncDue, type ResyncState } from './runtime/resync.js';
import { queueLabels, runtimeMetrics } from './runtime/metrics.js';

export interface ManagerOptions {
  store: Store;
  registry: Registry;
  reconcilers: readonly Reconciler[];
  queue?: QueueProducer;
  now?: () => number;
  /** Change-log retention: older changes are compacted (watchers further behind get 410). */
  compaction?: { maxAgeMs: number; maxCount: number };
  /** How often the tick resyncs a reconciler that declares no period of its own. */
  resyncMs?: number;
  /** When each reconciler last resynced: the worker passes the isolate's; by default, this manager's own. */
  resyncState?: ResyncState;
  /** The worker env's token signing key (and cluster CA) for the Secret-based token reconciler. */
  serviceAccountTokens?: { signingKey: string; caCertPem?: string };
  members?: MemberClients;
  settings?: ControllerSettings;
  /** Per-reconciler limits by Karmada flag name (`concurrent-work-syncs`) or reconciler name. */
  concurrency?: Readonly<Record<string, number>>;
  /** Timing of the queue runtime (claim lease, reconcile deadline, polling, budget). */
  runtime?: Pick<ProcessorOptions, 'leaseMs' | 'reconcileTimeoutMs' | 'pollMs' | 'budgetMs' | 'inProcessRetryMs' | 'prefetch' | 'breaker'>;
}

export interface DispatchResult {
  cursor: number;
  changes: number;
  reconciles: number;
  failures: number;
  ran: boolean;
}

/**
 * kube-controller-manager's role, as entry points the worker's queue and scheduled handlers
 * call. Holds no state between invocations: the cursor and the work queues are rows.
 */
export class ControllerManager {
  readonly ctx: ReconcileContext;
  private readonly base: BaseContext;
  private readonly now: () => number;
  private readonly resyncState: ResyncState;

  constructor(private readonly opts: ManagerOptions) {
    this.now = opts.now ?? Date.now;
    this.resyncState = opts.resyncState ?? new Map();
    const enqueue = (reconciler: string, key: string, delayMs = 0): Promise<void> => this.enqueueMany([{ reconciler, key }], delayMs);
    this.base = {
      store: opts.store,
      registry: opts.registry,
      now: this.now,
      enqueue,
      arm: enqueue,
      ...(opts.serviceAccountTokens ? { serviceAccountTokens: opts.serviceAccountTokens } : {}),
      ...(opts.members ? { members: opts.members } : {}),
      ...(opts.settings ? { settings: opts.settings } : {}),
    };
    this.ctx = this.base;
  }

  /** Adds keys (due after `delayMs`) in one write, with one wake message per reconciler. */
  async enqueueMany(keys: ReadonlyArray<{ reconciler: string; key: string }>, delayMs = 0): Promise<void> {
    const delay = Math.max(0, delayMs);
    const readyAt = this.now() + delay;
    await addKeys(this.opts.store.client, keys.map((k) => ({ ...k, readyAt })));
    for (const k of keys) runtimeMetrics.adds.inc(queueLabels(k.reconciler));
    for (const reconciler of new Set(keys.map((k) => k.reconciler))) await this.opts.queue?.send({ kind: 'wake', reconciler }, { delaySeconds: Math.ceil(delay / 1000) });
  }

  private processor(budgetMs?: number): QueueProcessor {
    const queue = this.opts.queue;
    return new QueueProcessor({
      store: this.opts.store,
      client: this.opts.store.client,
      reconcilers: this.opts.reconcilers,
      base: this.base,
      now: this.now,
      fanOut: true,
      ...(this.opts.concurrency ? { concurrency: this.opts.concurrency } : {}),
      ...(this.opts.settings ? { memberTimeoutMs: this.opts.settings.memberTimeoutMs } : {}),
      ...(queue ? { wake: (reconciler: string, delaySeconds: number) => queue.send({ kind: 'wake', reconciler }, { delaySeconds }) } : {}),
      ...this.opts.runtime,
      ...(budgetMs !== undefined ? { budgetMs } : {}),
    });
  }

  /**
   * Fans out the change log and runs every key that is ready, until nothing is ready or
   * running, however long that takes (tests, the member host's drain). What comes due later
   * is left to its delayed message (or the tick).
   */
  async dispatch(hint?: Iterable<string>, budgetMs = Infinity): Promise<DispatchResult> {
    return this.run(hint, budgetMs);
  }

  /** One invocation's share: a queue consumer or a tick stops claiming after the runtime's budget (25 s). */
  private async run(hint: Iterable<string> | undefined, budgetMs?: number): Promise<DispatchResult> {
    const r = await this.processor(budgetMs).run(hint);
    return { cursor: await readCursor(this.opts.store.client), changes: r.changes, reconciles: r.reconciles, failures: r.failures, ran: true };
  }

  /** The queue consumer: any number of messages is one run, looking where they point. */
  async onQueue(messages: readonly ReconcileMessage[]): Promise<void> {
    const names = new Set(this.opts.reconcilers.map((r) => r.name));
    const hint = new Set<string>();
    let everywhere = false;
    for (const m of messages) {
      if (m.kind === 'wake' && names.has(m.reconciler)) hint.add(m.reconciler);
      else if (m.kind === 'timer') {
        const name = m.id.slice(0, m.id.indexOf('|'));
        if (names.has(name)) hint.add(name);
      } else if (m.kind === 'nudge') everywhere = true;
    }
    // A nudge looks at every queue (one read): work left by a consumer that stopped is found too.
    await this.run(everywhere ? undefined : hint);
  }

  /**
   * The cron tick: catch up on the change log and on keys whose message was lost, resync what
   * is due (read-only unless something changed), compact. Idle, it only reads.
   */
  async onTick(): Promise<void> {
    const client = this.opts.store.client;
    const ready = [...(await claimableCounts(client, this.now())).keys()];
    await this.run(ready);
    const { adds } = await resyncDue({
      base: this.base,
      reconcilers: this.opts.reconcilers,
      now: this.now,
      state: this.resyncState,
      defaultPeriodMs: this.opts.resyncMs ?? 10 * 60_000,
      ...(this.opts.concurrency ? { concurrency: this.opts.concurrency } : {}),
      ...(this.opts.runtime?.breaker ? { breaker: this.opts.runtime.breaker } : {}),
    });
    if (adds.length) {
      await addKeys(client, adds);
      for (const a of adds) runtimeMetrics.adds.inc(queueLabels(a.reconciler));
      await this.run(new Set(adds.map((a) => a.reconciler)));
    }
    const c = this.opts.compaction ?? { maxAgeMs: 15 * 60_000, maxCount: 200_000 };
    const cursor = await readCursor(client);
    await this.opts.store.compact({ ...c, keepFrom: cursor + 1 });
  }
}
