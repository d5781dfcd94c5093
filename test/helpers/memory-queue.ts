import type { QueueProducer, ReconcileMessage } from '../../cron/queue.js';

/** A queue producer that records what was sent, so a test can deliver (or drop) it. */
export class MemoryQueue implements QueueProducer {
  sent: Array<{ body: ReconcileMessage; delaySeconds: number }> = [];
  async send(body: ReconcileMessage, options?: { delaySeconds?: number }): Promise<void> {
    this.sent.push({ body, delaySeconds: options?.delaySeconds ?? 0 });
  }
  take(): ReconcileMessage[] {
    const out = this.sent.map((s) => s.body);
    this.sent = [];
    return out;
  }
}
