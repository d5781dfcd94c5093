/**
 * The messages on the reconcile queue. None carries work: the change log and the work queue
 * rows are the truth, and a message only says where to look (and, delayed, when).
 */
export type ReconcileMessage =
  /** A write committed: fan the change log out and run what it queued. */
  | { kind: 'nudge'; revision?: number }
  /** Keys of `reconciler` are due (a retry or requeueAfter, delayed to their time). */
  | { kind: 'wake'; reconciler: string }
  /** A message from before the work queues: read as a wake of the reconciler the id names. */
  | { kind: 'timer'; id: string };

/** The part of a Cloudflare Queue producer we use; Node tests pass an in-memory one. */
export interface QueueProducer {
  send(body: ReconcileMessage, options?: { delaySeconds?: number }): Promise<void>;
}
