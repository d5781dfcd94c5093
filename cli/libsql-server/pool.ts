// Idle connections kept open between streams, so a one-shot request (execute + close in one
// pipeline, what @libsql/client sends for execute() and batch()) does not pay for opening a
// connection, setting its PRAGMAs and re-preparing its statements.

import { SqlConnection, type ConnectionOptions } from './connection.js';

/** Connections above the pool's size that sit idle this long are closed. */
const SURPLUS_IDLE_MS = 30_000;

export class ConnectionPool {
  readonly #file: string;
  readonly #opts: ConnectionOptions;
  readonly #maxIdle: number;
  readonly #idle: Array<{ conn: SqlConnection; since: number }> = [];
  #sweep: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  /**
   * `maxIdle` connections are kept however long they sit idle. A burst that needs more opens
   * them, and they stay for SURPLUS_IDLE_MS after it: closing each as soon as it came back made
   * every burst above the size open (and re-prepare) connections again and again.
   */
  constructor(file: string, opts: ConnectionOptions, maxIdle: number) {
    this.#file = file;
    this.#opts = opts;
    this.#maxIdle = maxIdle;
  }

  /** An idle connection if there is one, else a new one: streams never wait for each other here. */
  async acquire(): Promise<SqlConnection> {
    if (this.#closed) throw new Error('The database server is shutting down');
    // Most recently used first: its page cache and statement cache are the warmest.
    return this.#idle.pop()?.conn ?? (await SqlConnection.open(this.#file, this.#opts));
  }

  /** Takes back a connection that is in autocommit mode; anything else is closed instead. */
  release(conn: SqlConnection): void {
    if (this.#closed || conn.tainted || conn.inTransaction) {
      conn.close();
      return;
    }
    this.#idle.push({ conn, since: Date.now() });
    if (this.#idle.length > this.#maxIdle && !this.#sweep) {
      this.#sweep = setInterval(() => this.#closeSurplus(), SURPLUS_IDLE_MS / 3);
      this.#sweep.unref();
    }
  }

  /** Closes the surplus that has been idle long enough: the least recently used sit at the bottom. */
  #closeSurplus(): void {
    const cutoff = Date.now() - SURPLUS_IDLE_MS;
    while (this.#idle.length > this.#maxIdle && this.#idle[0]!.since < cutoff) this.#idle.shift()!.conn.close();
    if (this.#idle.length <= this.#maxIdle) {
      clearInterval(this.#sweep);
      this.#sweep = undefined;
    }
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#sweep);
    this.#sweep = undefined;
    for (const { conn } of this.#idle.splice(0)) conn.close();
  }
}
