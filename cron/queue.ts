/** The messages on the reconcile queue. A nudge carries nothing: the change log is the truth. */
export type ReconcileMessage = { kind: 'nudge'; revision?: number } | { kind: 'timer'; id: string };

/** The part of a Cloudflare Queue producer we use; Node tests pass an in-memory one. */
export interface QueueProducer {
  send(body: ReconcileMessage, options?: { delaySeconds?: number }): Promise<void>;
}
