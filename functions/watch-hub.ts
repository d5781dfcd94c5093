import { hydrate, type ChangeRow, type Scope, type SelectorOptions, type Store, type WatchEvent } from '../db/store.js';
import { compileWatchSelectors, watchEventTypeFor } from '../shared/watch-filter.js';

export interface Bookmark {
  type: 'BOOKMARK';
  revision: number;
}

export interface WatchStreamOptions extends SelectorOptions {
  signal?: AbortSignal;
  /** A quiet watch yields a BOOKMARK this often; none when undefined. */
  bookmarkMs?: number;
}

/** An event as a feed yields it: `json`, when present, is the object already serialised. */
export interface FeedEvent extends WatchEvent {
  json?: string;
}

/** Where a watch gets its events: Store.watch (polling), a WatchHub, or a hub in a Durable Object. */
export interface WatchFeed {
  watch(scope: Scope, from: number, opts: WatchStreamOptions): AsyncIterable<FeedEvent | Bookmark>;
}

export interface WatchHubOptions {
  /** Read only this resource's changes (a Durable Object per resource); all of them otherwise. */
  resource?: { group: string; resource: string };
  /** Rows kept in memory for watchers to read (default 1000); a watcher further behind reads the database. */
  bufferRows?: number;
  /** Bytes of bodies kept in memory at most (default 8 MiB). */
  bufferBytes?: number;
  /**
   * While anyone watches, the log is also read this often (default 1000 ms), for commits no
   * notification announced (another process, a lost notification). Commits made through this
   * process's store, or announced with notify(), are read at once.
   */
  fallbackPollMs?: number;
  /** Rows per read (default 500). */
  pageSize?: number;
}

/** A row with the object it holds parsed once, however many watchers receive it. */
interface HeldRow extends ChangeRow {
  object?: WatchEvent['object'];
}

/**
 * One reader of the change log fanning out to every watcher, as kube-apiserver's watch cache
 * does: a commit wakes the reader (notify), which reads the new rows once and keeps the most
 * recent in memory, and every watcher filters those rows for itself. Idle watchers cost
 * nothing but a waiting promise; only a watcher behind what memory holds reads the database,
 * which is also where 410 Gone comes from.
 *
 * Web APIs only: the same class serves Node (one per database client, woken by the store's
 * commits) and a Durable Object in workerd (one per resource, woken by notify requests).
 */
export class WatchHub implements WatchFeed {
  private readonly rows: HeldRow[] = [];
  private bytes = 0;
  /** Every row after `floor` up to `head` is in `rows`. */
  private floor = 0;
  private head = 0;
  private started?: Promise<void>;
  private reading = false;
  private readAgain = false;
  private waiters = new Set<() => void>();
  private subscribers = 0;
  private poll?: ReturnType<typeof setInterval>;
  private readonly bufferRows: number;
  private readonly bufferBytes: number;
  private readonly pageSize: number;

  constructor(
    private readonly store: Store,
    private readonly options: WatchHubOptions = {},
  ) {
    this.bufferRows = options.bufferRows ?? 1000;
    this.bufferBytes = options.bufferBytes ?? 8 * 1024 * 1024;
    this.pageSize = options.pageSize ?? 500;
  }

  /** How many watchers are attached (tests, and a Durable Object deciding it is idle). */
  get watchers(): number {
    return this.subscribers;
  }

  /** A commit happened (at `revision`, when known): read the log unless this revision was read already. */
  notify(revision?: number): void {
    if (!this.started || this.subscribers === 0) return;
    if (revision !== undefined && revision <= this.head) return;
    void this.read();
  }

  async *watch(scope: Scope, from: number, opts: WatchStreamOptions = {}): AsyncGenerator<WatchEvent | Bookmark> {
    const sel = compileWatchSelectors(opts.labelSelector, opts.fieldSelector);
    const signal = opts.signal;
    this.attach();
    try {
      await this.started;
      let cursor = from;
      let lastSent = Date.now();
      // A watcher ahead of what the reader has seen (it listed after a commit the reader has not read yet).
      if (cursor > this.head) void this.read();
      while (!signal?.aborted) {
        if (cursor < this.floor) {
          // Behind what memory holds: catch up from the database, which also answers 410.
          const res = await this.store.changes(scope, cursor, { ...opts, limit: this.pageSize });
          for (const ev of res.events) yield ev;
          if (res.events.length) lastSent = Date.now();
          cursor = Math.max(cursor, res.revision);
          if (res.more || cursor < this.floor) continue;
        }
        const pending = this.rowsAfter(cursor);
        const head = this.head;
        let sent = false;
        for (const row of pending) {
          if (!inScope(row, scope)) continue;
          const type = watchEventTypeFor(row, sel);
          if (!type) continue;
          row.object ??= hydrate(row.body, row.revision);
          yield { type, object: row.object, revision: row.revision };
          sent = true;
        }
        cursor = Math.max(cursor, pending.length ? pending[pending.length - 1]!.revision : cursor, head);
        if (sent) {
          lastSent = Date.now();
          continue;
        }
        if (cursor < this.floor || this.head > cursor) continue;
        const bookmarkIn = opts.bookmarkMs === undefined ? undefined : Math.max(0, lastSent + opts.bookmarkMs - Date.now());
        if (bookmarkIn === 0) {
          yield { type: 'BOOKMARK', revision: cursor };
          lastSent = Date.now();
          continue;
        }
        await this.advanced(cursor, bookmarkIn, signal);
      }
    } finally {
      this.detach();
    }
  }

  /** The held rows after `revision` (a copy: trimming never pulls rows from under a reader). */
  private rowsAfter(revision: number): HeldRow[] {
    const rows = this.rows;
    if (!rows.length || rows[rows.length - 1]!.revision <= revision) return [];
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rows[mid]!.revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return rows.slice(lo);
  }

  /** Resolves once the head moves past `revision`, after `timeoutMs`, or on abort. */
  private advanced(revision: number, timeoutMs: number | undefined, signal: AbortSignal | undefined): Promise<void> {
    if (this.head > revision || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = (): void => {
        this.waiters.delete(done);
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.add(done);
      if (timeoutMs !== undefined) timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private attach(): void {
    this.subscribers++;
    if (this.started) return;
    // The first watcher starts the reader at the log's head; rows before it are read by each
    // watcher from the database, as a watcher that falls behind does.
    this.started = this.store.currentRevision().then(
      (rev) => {
        this.floor = rev;
        this.head = rev;
      },
      (err: unknown) => {
        this.started = undefined;
        throw err;
      },
    );
    const pollMs = this.options.fallbackPollMs ?? 1000;
    if (pollMs > 0) this.poll = setInterval(() => void this.read(), pollMs);
  }

  private detach(): void {
    if (--this.subscribers > 0) return;
    // Nobody watches: hold nothing, read nothing. The next watcher starts afresh.
    if (this.poll !== undefined) clearInterval(this.poll);
    this.poll = undefined;
    this.started = undefined;
    this.rows.length = 0;
    this.bytes = 0;
  }

  /** Reads everything after the head, page by page; a notification during a read asks for one more. */
  private async read(): Promise<void> {
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    const started = this.started;
    if (!started) return;
    this.reading = true;
    try {
      await started;
      do {
        this.readAgain = false;
        const res = await this.store.changeRows(this.head, { ...this.options.resource, limit: this.pageSize });
        // The reader went idle (and perhaps restarted) while this read was in flight.
        if (this.started !== started) return;
        if (this.head < res.horizon) {
          // Compaction passed the reader: rows it never saw are gone. Watchers at or above the
          // horizon catch up from the database; those below it get 410 there.
          this.rows.length = 0;
          this.bytes = 0;
          this.floor = res.revision;
        } else {
          for (const row of res.rows) this.hold(row);
        }
        this.head = Math.max(this.head, res.revision);
        if (res.more) this.readAgain = true;
        this.wake();
      } while (this.readAgain);
    } catch {
      // The database did not answer: the next commit or poll tries again; watchers keep waiting.
      this.readAgain = false;
    } finally {
      this.reading = false;
      // A notification that arrived while a stale read (from before a restart) was in flight.
      if (this.readAgain && this.started) void this.read();
    }
  }

  private hold(row: ChangeRow): void {
    this.rows.push(row);
    this.bytes += row.body.length;
    let drop = 0;
    while (this.rows.length - drop > this.bufferRows || (this.bytes > this.bufferBytes && this.rows.length - drop > 1)) {
      this.bytes -= this.rows[drop]!.body.length;
      drop++;
    }
    if (drop) {
      this.floor = this.rows[drop - 1]!.revision;
      this.rows.splice(0, drop);
    }
  }

  private wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) w();
  }
}

function inScope(row: ChangeRow, scope: Scope): boolean {
  return row.group === scope.group && row.resource === scope.resource && (scope.namespace === undefined || row.namespace === scope.namespace);
}

// One hub per database client: every Store over it shares the reader and its commits wake it.
const hubs = new WeakMap<object, WatchHub>();

/**
 * The process's watch fan-out for this store's database (Node: the simulated members' API
 * servers, tests). Commits made through any Store over the same client wake it at once.
 */
export function localWatchHub(store: Store, options: WatchHubOptions = {}): WatchHub {
  let hub = hubs.get(store.client);
  if (!hub) {
    const h = new WatchHub(store, options);
    store.onCommitted((change) => h.notify(change.revision));
    hubs.set(store.client, h);
    hub = h;
  }
  return hub;
}
