import type { LoggedChange, Scope, Store } from '../db/store.js';
import type { KubeObject } from '../shared/object.js';
import type { Registry } from '../shared/registry/index.js';
import type { MemberClients } from '../shared/member/member-client.js';
import type { ControllerSettings } from '../shared/controller-settings.js';

/**
 * What every key of one batch shares, read once per batch: the stateless form of an
 * informer cache. `revision` is the store's global revision the list was read at; anything
 * the reconciler writes conditionally (on resourceVersion) stays safe however stale it is.
 */
export interface BatchCache {
  list(scope: Scope): Promise<{ items: KubeObject[]; revision: number }>;
}

/** What a reconciler gets: the store, a clock and a way to come back later. */
export interface ReconcileContext {
  store: Store;
  /** Kinds' rules (propagation defaults, finalizers) for the objects reconcilers write. */
  registry: Registry;
  now(): number;
  /**
   * Puts `key` on `reconciler`'s queue, at once or after `delayMs`. Adding a key that is
   * already waiting does nothing; one added while it is being reconciled runs once more after.
   */
  enqueue(reconciler: string, key: string, delayMs?: number): Promise<void>;
  /** The older name of `enqueue` with a delay. */
  arm(reconciler: string, key: string, delayMs: number): Promise<void>;
  /** What Secret-based ServiceAccount tokens are signed with; absent, that reconciler does nothing. */
  serviceAccountTokens?: { signingKey: string; caCertPem?: string };
  /** Lists shared by every key of the batch being reconciled (absent outside a batch). */
  cache?: BatchCache;
  /**
   * Aborted when this reconcile's claim on its key is about to lapse or its deadline has
   * passed: pass it to member calls (fetch's `signal`). The store a claimed reconcile gets
   * refuses writes once it is aborted, so a claim another worker has retaken never writes.
   */
  signal?: AbortSignal;
  /** How Karmada's controllers reach member clusters (absent where no member is reachable, e.g. inside a member). */
  members?: MemberClients;
  /** Control-plane settings (Karmada's flags) the controllers read. */
  settings?: ControllerSettings;
}

/** What a reconcile pass may ask for: to run again later even if nothing changes. */
export interface ReconcileResult {
  requeueAfterMs?: number;
  /** Run again with the per-key backoff, as a failure would, without logging one. */
  requeue?: boolean;
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
  /**
   * Keys to revisit periodically, for anything a lost message could have missed and for checks
   * of the outside world (member health). Each key is first reconciled read-only; only one
   * whose reconcile wants to write goes on the queue, so a converged world stays quiet.
   */
  resync?(ctx: ReconcileContext): Promise<string[]>;
  /** How often `resync` runs (on the tick, per isolate); the manager's default (10 min) otherwise. */
  readonly resyncPeriodMs?: number;
  /** Keys reconciled at once per invocation (Karmada's `--concurrent-*-syncs`); defaults per flag, else 5. */
  readonly concurrency?: number;
  /** The karmada-controller-manager flag this limit stands for, e.g. `concurrent-cluster-syncs`. */
  readonly maxConcurrentFlag?: string;
}
