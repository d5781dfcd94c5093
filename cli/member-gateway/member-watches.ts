// The member watches: one watch per member per kind in use, on objects labelled
// karmada.io/managed=true, each event turned into a refresh of the Work that placed the object.
// Which members and kinds: whatever the gateway's own traffic shows in use (watchCollectionOf);
// a watch nobody's traffic renews for `idleMs` stops. Events are batched for a few
// milliseconds and handed to the sink (the worker's member-events route). The status poll
// on the cron tick stays the fallback for anything a watch misses.

import { createHash } from 'node:crypto';
import type { KubeObject } from '../../shared/object.js';
import type { MemberEndpoint } from '../../shared/member/member-client.js';
import type { MemberEvents } from '../../shared/member/member-events.js';
import { isDrift, MANAGED_SELECTOR, seenVersionOf, watchCollectionOf, workKeyOf, type SeenVersion } from './watch-targets.js';

/** A member as the gateway reaches it: its endpoint (without the token) and the caller's Authorization header. */
export interface MemberRoute {
  endpoint: MemberEndpoint;
  authorization?: string;
}

export interface OpenedStream {
  status: number;
  body: AsyncIterable<Buffer | string> | Iterable<Buffer | string>;
}

/** Sends a GET to a member through the gateway's transport; the stream ends when `signal` aborts. */
export type OpenMember = (route: MemberRoute, pathAndQuery: string, signal: AbortSignal) => Promise<OpenedStream>;

export type MemberEventsSink = (events: MemberEvents) => Promise<void>;

export interface MemberWatchesOptions {
  open: OpenMember;
  /** A watch not renewed by traffic for this long stops (default 5 min). */
  idleMs?: number;
  /** Events are gathered this long before one post (default 20 ms). */
  batchMs?: number;
  /** Longest wait before retrying a failed watch (default 30 s). */
  maxBackoffMs?: number;
  /** Server-side watch timeout asked of the member (default 30 min); the watch then resumes. */
  watchTimeoutSeconds?: number;
  onError?: (message: string) => void;
}

interface Watch {
  readonly key: string;
  readonly route: MemberRoute;
  readonly collection: string;
  lastUsed: number;
  resourceVersion: string | undefined;
  readonly seen: Map<string, SeenVersion>;
  readonly abort: AbortController;
  /** Set once the watch stream is open (tests wait for it). */
  connected: boolean;
}

class Gone extends Error {}

async function readAll(body: OpenedStream['body']): Promise<string> {
  let s = '';
  for await (const c of body) s += typeof c === 'string' ? c : c.toString('utf8');
  return s;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    t.unref?.();
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export class MemberWatches {
  private readonly watches = new Map<string, Watch>();
  private sink: MemberEventsSink | undefined;
  private pending: { workStatus: Set<string>; drift: Set<string> } = { workStatus: new Set(), drift: new Set() };
  private flushTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly idleMs: number;
  private readonly batchMs: number;
  private readonly maxBackoffMs: number;
  private readonly watchTimeoutSeconds: number;

  constructor(private readonly opts: MemberWatchesOptions) {
    this.idleMs = opts.idleMs ?? 5 * 60_000;
    this.batchMs = opts.batchMs ?? 20;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
    this.watchTimeoutSeconds = opts.watchTimeoutSeconds ?? 1800;
  }

  /** Starts delivering: watches start only once someone listens. */
  deliverTo(sink: MemberEventsSink): void {
    this.sink = sink;
    if (!this.sweepTimer && !this.closed) {
      this.sweepTimer = setInterval(() => this.sweep(), Math.max(1000, Math.floor(this.idleMs / 4)));
      this.sweepTimer.unref?.();
    }
  }

  /** A request the gateway passed to a member and the member accepted: start or renew the watch it implies. */
  observe(route: MemberRoute, method: string, pathAndQuery: string): void {
    if (!this.sink || this.closed) return;
    const collection = watchCollectionOf(method, pathAndQuery);
    if (!collection) return;
    const key = createHash('sha256').update(JSON.stringify([route.endpoint, route.authorization ?? '', collection])).digest('hex');
    const existing = this.watches.get(key);
    if (existing) {
      existing.lastUsed = Date.now();
      return;
    }
    const w: Watch = { key, route, collection, lastUsed: Date.now(), resourceVersion: undefined, seen: new Map(), abort: new AbortController(), connected: false };
    this.watches.set(key, w);
    void this.run(w);
  }

  /** The watches running now, as `<cluster> <collection>` (for tests and diagnostics). */
  active(): Array<{ cluster: string; collection: string; connected: boolean }> {
    return [...this.watches.values()].map((w) => ({ cluster: w.route.endpoint.cluster, collection: w.collection, connected: w.connected }));
  }

  close(): void {
    this.closed = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const w of this.watches.values()) w.abort.abort();
    this.watches.clear();
  }

  private sweep(): void {
    const cutoff = Date.now() - this.idleMs;
    for (const w of this.watches.values()) {
      if (w.lastUsed < cutoff) this.stop(w);
    }
  }

  private stop(w: Watch): void {
    w.abort.abort();
    if (this.watches.get(w.key) === w) this.watches.delete(w.key);
  }

  private async run(w: Watch): Promise<void> {
    let failures = 0;
    while (!w.abort.signal.aborted) {
      try {
        if (w.resourceVersion === undefined) await this.list(w);
        const opened = Date.now();
        await this.watch(w);
        // A member that ends every watch at once must not be asked again in a tight loop.
        if (Date.now() - opened >= 1000) failures = 0;
        else await sleep(Math.min(this.maxBackoffMs, 250 * 2 ** Math.min(++failures, 10)), w.abort.signal);
      } catch (err) {
        if (w.abort.signal.aborted) break;
        w.connected = false;
        if (err instanceof Gone) {
          // The member compacted past us: list again and carry on from there.
          w.resourceVersion = undefined;
          w.seen.clear();
          continue;
        }
        failures++;
        // One dropped connection is routine (a member restarting, a proxy timing out): say so from the second.
        if (failures === 2 || failures % 10 === 0) this.opts.onError?.(`watch ${w.collection} on cluster ${w.route.endpoint.cluster}: ${(err as Error).message}`);
        await sleep(Math.min(this.maxBackoffMs, 250 * 2 ** Math.min(failures, 10)), w.abort.signal);
      }
    }
    w.connected = false;
  }

  /**
   * Where to start watching: the collection's current revision. What the list holds is
   * reported once as a status change (an informer's initial list and relist): a status that
   * moved between the apply that started this watch and the list, or while a compacted watch
   * was behind, would otherwise wait for the periodic safety-net poll.
   */
  private async list(w: Watch): Promise<void> {
    const q = new URLSearchParams({ labelSelector: MANAGED_SELECTOR });
    const res = await this.opts.open(w.route, `${w.collection}?${q}`, w.abort.signal);
    const text = await readAll(res.body);
    if (res.status < 200 || res.status >= 300) throw new Error(`list answered ${res.status}`);
    const list = JSON.parse(text) as { metadata?: { resourceVersion?: string }; items?: KubeObject[] };
    w.seen.clear();
    for (const o of list.items ?? []) {
      if (o.metadata?.uid) w.seen.set(o.metadata.uid, seenVersionOf(o));
      const work = workKeyOf(o);
      if (work) this.pending.workStatus.add(work);
    }
    w.resourceVersion = list.metadata?.resourceVersion ?? '';
    if (this.pending.workStatus.size) this.scheduleFlush();
  }

  private async watch(w: Watch): Promise<void> {
    const q = new URLSearchParams({
      watch: '1',
      labelSelector: MANAGED_SELECTOR,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(this.watchTimeoutSeconds),
      ...(w.resourceVersion ? { resourceVersion: w.resourceVersion } : {}),
    });
    const res = await this.opts.open(w.route, `${w.collection}?${q}`, w.abort.signal);
    if (res.status === 410) {
      await readAll(res.body);
      throw new Gone('410');
    }
    if (res.status < 200 || res.status >= 300) {
      await readAll(res.body);
      throw new Error(`watch answered ${res.status}`);
    }
    w.connected = true;
    let buffered = '';
    for await (const chunk of res.body) {
      buffered += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line) this.onEvent(w, JSON.parse(line) as { type: string; object: KubeObject & { code?: number } });
      }
    }
    w.connected = false;
  }

  private onEvent(w: Watch, ev: { type: string; object: KubeObject & { code?: number } }): void {
    if (ev.type === 'ERROR') {
      if (ev.object?.code === 410) throw new Gone('410');
      throw new Error(`watch error: ${JSON.stringify(ev.object).slice(0, 200)}`);
    }
    const obj = ev.object;
    if (obj?.metadata?.resourceVersion) w.resourceVersion = obj.metadata.resourceVersion;
    if (ev.type === 'BOOKMARK' || !obj?.metadata) return;
    const uid = obj.metadata.uid ?? '';
    const before = w.seen.get(uid);
    if (ev.type === 'DELETED') w.seen.delete(uid);
    else if (uid) w.seen.set(uid, seenVersionOf(obj));
    const work = workKeyOf(obj);
    if (!work) return;
    if (isDrift(ev.type, before, obj)) this.pending.drift.add(work);
    else this.pending.workStatus.add(work);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => void this.flush(), this.batchMs);
    this.flushTimer.unref?.();
  }

  private async flush(): Promise<void> {
    this.flushTimer = undefined;
    const { workStatus, drift } = this.pending;
    this.pending = { workStatus: new Set(), drift: new Set() };
    if (!this.sink || (!workStatus.size && !drift.size)) return;
    try {
      await this.sink({ workStatus: [...workStatus].filter((k) => !drift.has(k)), drift: [...drift] });
    } catch (err) {
      // The poll on the cron tick catches up with whatever this post would have said.
      this.opts.onError?.(`member events not delivered: ${(err as Error).message}`);
    }
  }
}
