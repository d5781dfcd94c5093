// Karmada's scheduling queue with PriorityBasedScheduling, for the bindings one batch holds:
// the keys reconciled together read the world concurrently, then take their scheduling
// decisions one after another, the highest schedulePriority first (then in arrival order).
// Decisions are synchronous, so each one is taken, and its first write sent, before the next
// begins; with overcommit protection the replicas an earlier decision placed count against
// the capacity later ones see.

import type { BatchCache } from '../reconciler.js';

export interface SchedulingTicket {
  /** Wait for this binding's turn; resolves once every binding of the batch with a higher priority has taken its decision. */
  turn(priority: number): Promise<void>;
  /** This binding takes no (further) part in the batch's order. Idempotent. */
  leave(): void;
}

export class SchedulingRound {
  private reading = 0;
  private seq = 0;
  private waiting: Array<{ priority: number; seq: number; go: () => void }> = [];
  /** Replicas decisions of this batch added per cluster, not yet visible in the clusters' status. */
  readonly assumed = new Map<string, number>();

  /** A binding of the batch starts reading; call synchronously, before its first await. */
  arrive(): SchedulingTicket {
    this.reading++;
    let state: 'reading' | 'waiting' | 'gone' = 'reading';
    return {
      turn: (priority) =>
        new Promise<void>((resolve) => {
          if (state !== 'reading') return resolve();
          state = 'waiting';
          this.reading--;
          this.waiting.push({ priority, seq: this.seq++, go: resolve });
          // Later, so that this caller is awaiting too before anyone is let go: turns resume in the order they are given.
          queueMicrotask(() => this.release());
        }),
      leave: () => {
        if (state === 'reading') {
          this.reading--;
          this.release();
        }
        state = 'gone';
      },
    };
  }

  /** Counts a decision's added replicas against each cluster for the rest of the batch. */
  assume(previous: ReadonlyArray<{ name: string; replicas?: number }>, next: ReadonlyArray<{ name: string; replicas?: number }>): void {
    const before = new Map(previous.map((t) => [t.name, t.replicas ?? 0]));
    for (const t of next) {
      const added = (t.replicas ?? 0) - (before.get(t.name) ?? 0);
      if (added > 0) this.assumed.set(t.name, (this.assumed.get(t.name) ?? 0) + added);
    }
  }

  // Once no binding of the batch is still reading, everyone waiting goes, in priority order.
  private release(): void {
    if (this.reading > 0 || this.waiting.length === 0) return;
    const ready = this.waiting.splice(0).sort((a, b) => b.priority - a.priority || a.seq - b.seq);
    for (const w of ready) w.go();
  }
}

const rounds = new WeakMap<BatchCache, SchedulingRound>();

/** The round of the batch `cache` stands for; a reconcile outside a batch gets one of its own. */
export function schedulingRound(cache: BatchCache | undefined): SchedulingRound {
  if (!cache) return new SchedulingRound();
  let round = rounds.get(cache);
  if (!round) rounds.set(cache, (round = new SchedulingRound()));
  return round;
}
