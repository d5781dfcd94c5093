import type { Store } from '../../db/store.js';

/** The Store methods that write; everything else only reads. */
const WRITES = new Set<PropertyKey>(['create', 'update', 'delete', 'compact']);

/** A write refused because the reconcile no longer holds its key (claim lapsed or deadline passed). */
export class ClaimLostError extends Error {
  constructor(reason: string) {
    super(`write refused: ${reason}`);
    this.name = 'ClaimLostError';
  }
}

/** A read-only pass (resync, probes) wanted to write: the key must be reconciled under a claim. */
export class WriteIntent extends Error {
  constructor(what: string) {
    super(`a read-only pass wanted to ${what}`);
    this.name = 'WriteIntent';
  }
}

function guarded(store: Store, check: (method: string) => void, after?: () => void): Store {
  return new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (!WRITES.has(prop)) return fn.bind(target);
      return (...args: unknown[]) => {
        check(String(prop));
        const out = fn.apply(target, args);
        if (after && out instanceof Promise) void out.then(after, () => undefined);
        return out;
      };
    },
  });
}

/**
 * The store a claimed reconcile writes through: once `signal` is aborted (the claim is about to
 * lapse, or the reconcile's deadline passed) every write is refused before it is sent, so a
 * holder whose key another worker has retaken cannot write as if it still held it. The claim
 * is abandoned with a safety margin before it expires, larger than a write's round trip.
 */
export function fencedStore(store: Store, signal: AbortSignal, onWrite?: () => void): Store {
  return guarded(
    store,
    () => {
      if (signal.aborted) throw new ClaimLostError(String((signal.reason as Error | undefined)?.message ?? 'claim lost'));
    },
    onWrite,
  );
}

/** A store that reads and refuses every write with WriteIntent. */
export function readOnlyStore(store: Store): Store {
  return guarded(store, (method) => {
    throw new WriteIntent(method);
  });
}
