// Idle connections kept open between streams, so a one-shot request (execute + close in one
// pipeline, what @libsql/client sends for execute() and batch()) does not pay for opening a
// connection, setting its PRAGMAs and re-preparing its statements.

import { SqlConnection, type ConnectionOptions } from './connection.js';

export class ConnectionPool {
  readonly #file: string;
  readonly #opts: ConnectionOptions;
  readonly #maxIdle: number;
  readonly #idle: SqlConnection[] = [];
  #closed = false;

  constructor(file: string, opts: ConnectionOptions, maxIdle: number) {
    this.#file = file;
    this.#opts = opts;
    this.#maxIdle = maxIdle;
  }

  /** An idle connection if there is one, else a new one: streams never wait for each other here. */
  async acquire(): Promise<SqlConnection> {
    if (this.#closed) throw new Error('The database server is shutting down');
    // Most recently used first: its page cache and statement cache are the warmest.
    return this.#idle.pop() ?? (await SqlConnection.open(this.#file, this.#opts));
  }

  /** Takes back a connection that is in autocommit mode; anything else is closed instead. */
  release(conn: SqlConnection): void {
    if (this.#closed || conn.tainted || conn.inTransaction || this.#idle.length >= this.#maxIdle) {
      conn.close();
      return;
    }
    this.#idle.push(conn);
  }

  close(): void {
    this.#closed = true;
    for (const conn of this.#idle.splice(0)) conn.close();
  }
}
