// The database's single write lock, held by one stream at a time.
//
// SQLite admits one writer. If two of our connections both tried to write, the loser would
// wait on SQLite's busy handler inside a synchronous native call, freezing the event loop that
// the winner needs to receive its COMMIT. Taking this lock before any statement that may write,
// and holding it until the connection is back in autocommit mode, means SQLite never has to
// wait on one of our own connections; waiting happens here, asynchronously and in FIFO order.

import { HranaError } from './errors.js';

interface Waiter {
  owner: object;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

export class WriteLock {
  #holder: object | null = null;
  #waiters: Waiter[] = [];
  #closedWith: Error | null = null;

  get holder(): object | null {
    return this.#holder;
  }

  /** Takes the lock now if it is free, without a microtask hop. */
  tryAcquire(owner: object): boolean {
    if (this.#closedWith !== null) throw this.#closedWith;
    if (this.#holder === null) {
      this.#holder = owner;
      return true;
    }
    return this.#holder === owner;
  }

  /**
   * Waits for the lock. The timeout bounds how long a request can queue behind a transaction
   * that keeps working (an idle one is rolled back when its baton expires, which is shorter).
   */
  acquire(owner: object, timeoutMs: number): Promise<void> {
    if (this.tryAcquire(owner)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { owner, resolve, reject, timer: undefined };
      if (Number.isFinite(timeoutMs)) {
        waiter.timer = setTimeout(() => {
          const i = this.#waiters.indexOf(waiter);
          if (i >= 0) this.#waiters.splice(i, 1);
          reject(
            new HranaError(
              `database is locked: waited ${timeoutMs} ms for another stream's write transaction to finish`,
              'SQLITE_BUSY',
            ),
          );
        }, timeoutMs);
        waiter.timer.unref();
      }
      this.#waiters.push(waiter);
    });
  }

  /** Releases the lock, handing it straight to the longest waiter so no newcomer can barge in. */
  release(owner: object): void {
    if (this.#holder !== owner) return;
    const next = this.#waiters.shift();
    if (next === undefined) {
      this.#holder = null;
      return;
    }
    if (next.timer !== undefined) clearTimeout(next.timer);
    this.#holder = next.owner;
    next.resolve();
  }

  /** Fails every waiter and all later acquisitions (server shutdown). */
  close(err: Error): void {
    this.#closedWith = err;
    for (const w of this.#waiters.splice(0)) {
      if (w.timer !== undefined) clearTimeout(w.timer);
      w.reject(err);
    }
  }
}
