import type { LoggedChange, Store } from '../db/store.js';
import type { Registry } from '../shared/registry/index.js';

/** What a reconciler gets: the store, a clock and a way to come back later. */
export interface ReconcileContext {
  store: Store;
  /** Kinds' rules (propagation defaults, finalizers) for the objects reconcilers write. */
  registry: Registry;
  now(): number;
  /** Asks for `reconciler` to run for `key` again after `delayMs` (a delayed queue message). */
  arm(reconciler: string, key: string, delayMs: number): Promise<void>;
  /** What Secret-based ServiceAccount tokens are signed with; absent, that reconciler does nothing. */
  serviceAccountTokens?: { signingKey: string; caCertPem?: string };
}

/** What a reconcile pass may ask for: to run again later even if nothing changes. */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

/**
 * A level-triggered reconciler in controller-runtime's shape: it never trusts the change that
 * woke it, only the store, so running twice, late or concurrently with itself is harmless.
 */
export interface Reconciler {
  readonly name: string;
  /** The keys this change should make it look at; [] when it does not care. */
  keysFor(change: LoggedChange): string[];
  reconcile(ctx: ReconcileContext, key: string): Promise<ReconcileResult | void>;
  /** Keys to revisit on the slow periodic resync, for anything a lost message could have missed. */
  resync?(ctx: ReconcileContext): Promise<string[]>;
}
