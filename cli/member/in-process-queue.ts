// The reconcile queue of a member running inside the member host: what Cloudflare Queues are
// to the worker, done with the event loop. A committed write's nudge becomes one dispatch on
// the next turn (however many writes a request made); a timer becomes a setTimeout at the due
// time its row records. Everything a member reconciles runs through one chain, one pass at a
// time, so an idle member holds no timer at all and a busy one never runs two passes at once.

import type { Client } from '@libsql/client';
import type { QueueProducer, ReconcileMessage } from '../../cron/queue.js';

export interface InProcessQueueOptions {
  client: Client;
  /** Delivers a batch, as the worker's queue handler would (ControllerManager.onQueue). */
  deliver: (messages: ReconcileMessage[]) => Promise<void>;
  onError: (err: unknown) => void;
  now?: () => number;
}

export class InProcessQueue implements QueueProducer {
  private readonly timeouts = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly dueTimers = new Set<string>();
  private nudged = false;
  private scheduled = false;
  private draining: Promise<void> | undefined;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly opts: InProcessQueueOptions) {
    this.now = opts.now ?? Date.now;
  }

  async send(body: ReconcileMessage, options?: { delaySeconds?: number }): Promise<void> {
    if (body.kind === 'nudge') {
      this.nudge();
      return;
    }
    // The message's delay is whole seconds (Cloudflare's granularity); the row has the exact time.
    const rs = await this.opts.client.execute({ sql: 'SELECT due_at FROM timers WHERE id = :id', args: { id: body.id } });
    const due = rs.rows[0] ? Number(rs.rows[0].due_at) : this.now() + (options?.delaySeconds ?? 0) * 1000;
    this.schedule(body.id, due);
  }

  /** A write committed: look at the change log soon. */
  nudge(): void {
    this.nudged = true;
    this.kick();
  }

  /** Timers armed before a restart have no setTimeout yet; their rows are the record. */
  async rearm(): Promise<number> {
    const rs = await this.opts.client.execute('SELECT id, due_at FROM timers');
    for (const row of rs.rows) this.schedule(String(row.id), Number(row.due_at));
    return rs.rows.length;
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

  private schedule(id: string, dueAt: number): void {
    if (this.stopped) return;
    const existing = this.timeouts.get(id);
    if (existing) clearTimeout(existing);
    const t = setTimeout(() => {
      this.timeouts.delete(id);
      this.dueTimers.add(id);
      this.kick();
    }, Math.max(0, dueAt - this.now()));
    // The member's server keeps the process alive; a pending timer alone must not.
    t.unref?.();
    this.timeouts.set(id, t);
  }

  private kick(): void {
    if (this.stopped || this.scheduled || this.draining) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.draining = this.drain().finally(() => {
        this.draining = undefined;
        if (this.nudged || this.dueTimers.size) this.kick();
      });
    });
  }

  private async drain(): Promise<void> {
    while (!this.stopped && (this.nudged || this.dueTimers.size)) {
      const messages: ReconcileMessage[] = [...this.dueTimers].map((id) => ({ kind: 'timer', id }));
      if (this.nudged) messages.push({ kind: 'nudge' });
      this.dueTimers.clear();
      this.nudged = false;
      try {
        await this.opts.deliver(messages);
      } catch (err) {
        this.opts.onError(err);
      }
    }
  }
}
