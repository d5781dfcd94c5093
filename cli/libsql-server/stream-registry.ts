// Streams that outlive one HTTP request, found again by baton.
//
// A baton is `<stream id>.<random>`, and every response carries a fresh one: the random part
// makes batons unguessable, and rotating it means a replayed or concurrent request with an old
// baton is refused instead of interleaving with the current one. A stream left idle longer than
// the TTL is closed, which rolls back its transaction and releases the write lock, so an
// abandoned client cannot block writers forever.

import { randomBytes } from 'node:crypto';
import { RequestError } from './errors.js';
import { Stream, type StreamContext } from './stream.js';

interface Parked {
  stream: Stream;
  /** null while a request is running on the stream. */
  baton: string | null;
  timer: NodeJS.Timeout | undefined;
}

export class StreamRegistry {
  readonly #ctx: StreamContext;
  readonly #ttlMs: number;
  readonly #parked = new Map<number, Parked>();
  readonly #closing = new Set<Promise<void>>();
  #nextId = 1;

  constructor(ctx: StreamContext, ttlMs: number) {
    this.#ctx = ctx;
    this.#ttlMs = ttlMs;
  }

  /** A new stream for a request without a baton. */
  open(): Stream {
    return new Stream(this.#nextId++, this.#ctx);
  }

  /** The stream a baton names, marked busy until `park` or `forget`. */
  take(baton: string): Stream {
    const dot = baton.indexOf('.');
    const id = dot > 0 ? Number(baton.slice(0, dot)) : NaN;
    if (!Number.isSafeInteger(id) || id <= 0 || id >= this.#nextId) {
      throw new RequestError('The baton was not issued by this server', 'BATON_INVALID', 400);
    }
    const entry = this.#parked.get(id);
    if (entry === undefined) {
      throw new RequestError(
        'The stream has expired or was closed (an idle stream is closed and its transaction rolled back)',
        'STREAM_EXPIRED',
        400,
      );
    }
    if (entry.baton !== baton) {
      throw new RequestError('The baton is stale or already in use by another request', 'BATON_REUSED', 400);
    }
    entry.baton = null;
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    entry.timer = undefined;
    return entry.stream;
  }

  /** Keeps a stream that is still open after a request and returns its next baton. */
  park(stream: Stream): string {
    const baton = `${stream.id}.${randomBytes(16).toString('base64url')}`;
    let entry = this.#parked.get(stream.id);
    if (entry === undefined) {
      entry = { stream, baton, timer: undefined };
      this.#parked.set(stream.id, entry);
    }
    entry.baton = baton;
    const parked = entry;
    entry.timer = setTimeout(() => this.#expire(parked), this.#ttlMs);
    entry.timer.unref();
    return baton;
  }

  /** Drops a stream that closed during a request. */
  forget(stream: Stream): void {
    const entry = this.#parked.get(stream.id);
    if (entry === undefined) return;
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    this.#parked.delete(stream.id);
  }

  #expire(entry: Parked): void {
    // Only idle streams have a timer, so no request can be running on this one.
    if (this.#parked.get(entry.stream.id) !== entry || entry.baton === null) return;
    this.#parked.delete(entry.stream.id);
    this.#track(entry.stream.close());
  }

  #track(p: Promise<void>): void {
    this.#closing.add(p);
    void p.finally(() => this.#closing.delete(p));
  }

  /**
   * Closes every parked stream and waits for all closes, including expiries under way. The
   * caller makes sure no request is still running.
   */
  async closeAll(): Promise<void> {
    for (const entry of this.#parked.values()) {
      if (entry.timer !== undefined) clearTimeout(entry.timer);
      this.#parked.delete(entry.stream.id);
      this.#track(entry.stream.close());
    }
    await Promise.all(this.#closing);
  }
}
