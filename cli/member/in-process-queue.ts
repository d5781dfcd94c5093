// The reconcile queue of a member running inside the member host: what Cloudflare Queues are
// to the worker, done with the event loop. A committed write's nudge becomes one delivery on
// the next turn (however many writes a request made); a delayed wake becomes a setTimeout.
// Deliveries run one at a time, as Miniflare hands a queue's batches to its consumer, so an
// idle member holds no timer at all and a busy one never runs two passes at once.

import type { Client } from '@libsql/client';
import type { QueueProducer, ReconcileMessage } from '../../cron/queue.js';
import { nextDueAt } from '../../db/work-queue.js';

export interface InProcessQueueOptions {
  client: Client;
  /** Delivers a batch, as the worker's queue handler would (ControllerManager.onQueue). */
  deliver: (messages: ReconcileMessage[]) => Promise<void>;
  onError: (err: unknown) => void;
  now?: () => number;
}

export class InProcessQueue implements QueueProducer {
  /** Delayed wakes by due time: one timer per second and reconciler, however many retries. */
  private readonly timeouts = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly due = new Map<string, ReconcileMessage>();
  private scheduled = false;
  private draining: Promise<void> | undefined;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly opts: InProcessQueueOptions) {
    this.now = opts.now ?? Date.now;
  }

  async send(body: ReconcileMessage, options?: { delaySeconds?: number }): Promise<void> {
    const delayMs = (options?.delaySeconds ?? 0) * 1000;
    if (delayMs <= 0) this.arrive(body);
    else this.later(body, this.now() + delayMs);
  }

  /** A write committed: look at the change log soon. */
  nudge(): void {
    this.arrive({ kind: 'nudge' });
  }

  /** Keys due after a restart have no setTimeout yet; the queue rows are the record. */
  async rearm(): Promise<number> {
    const at = await nextDueAt(this.opts.client);
    if (at === undefined) return 0;
    this.later({ kind: 'nudge' }, at);
    return 1;
  }

  /** Stops taking work and waits for the pass in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timeouts.values()) clearTimeout(t);
    this.timeouts.clear();
    await this.draining;
  }

  /** Resolves once nothing is queued or running (tests, and a clean stop). */
  async idle(): Promise<void> {
    while (this.draining || this.scheduled) await (this.draining ?? new Promise((r) => setImmediate(r)));
  }

  private idOf(m: ReconcileMessage): string {
    return m.kind === 'wake' ? `wake:${m.reconciler}` : m.kind === 'timer' ? `timer:${m.id}` : 'nudge';
  }

  private later(body: ReconcileMessage, dueAt: number): void {
    if (this.stopped) return;
    const id = `${this.idOf(body)}@${Math.ceil(dueAt / 1000)}`;
    if (this.timeouts.has(id)) return;
    const t = setTimeout(() => {
      this.timeouts.delete(id);
      this.arrive(body);
    }, Math.max(0, dueAt - this.now()));
    // The member's server keeps the process alive; a pending timer alone must not.
    t.unref?.();
    this.timeouts.set(id, t);
  }

  private arrive(body: ReconcileMessage): void {
    if (this.stopped) return;
    this.due.set(this.idOf(body), body);
    this.kick();
  }

  private kick(): void {
    if (this.stopped || this.scheduled || this.draining) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.draining = this.drain().finally(() => {
        this.draining = undefined;
        if (this.due.size) this.kick();
      });
    });
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.due.size) {
      const messages = [...this.due.values()];
      this.due.clear();
      try {
        await this.opts.deliver(messages);
      } catch (err) {
        this.opts.onError(err);
      }
    }
  }
}
