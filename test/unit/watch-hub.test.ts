import { setMaxListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Client } from '@libsql/client';
import { freshStore, type TestDb } from '../helpers/db.js';
import { Store, type Scope, type WatchEvent } from '../../db/store.js';
import { WatchHub, localWatchHub, type Bookmark } from '../../functions/watch-hub.js';
import type { KubeObject, ObjectKey } from '../../shared/object.js';
import { ApiError } from '../../shared/status.js';

const cm = (ns: string, name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, labels, uid: `uid-${ns}-${name}` },
  data,
});
const key = (ns: string, name: string, resource = 'configmaps'): ObjectKey => ({ group: '', resource, namespace: ns, name });

type Ev = WatchEvent | Bookmark;

/** Collects a watch's events in the background until stopped. */
function collect(events: AsyncIterable<Ev>): { seen: Ev[]; done: Promise<unknown>; until(n: number, ms?: number): Promise<void> } {
  const seen: Ev[] = [];
  const listeners = new Set<() => void>();
  const done = (async () => {
    for await (const ev of events) {
      seen.push(ev);
      for (const l of listeners) l();
    }
  })().catch((e: unknown) => e);
  return {
    seen,
    done,
    until(n, ms = 5000) {
      if (seen.filter((e) => e.type !== 'BOOKMARK').length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`got ${seen.length} events, wanted ${n}`)), ms);
        const check = (): void => {
          if (seen.filter((e) => e.type !== 'BOOKMARK').length >= n) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
      });
    },
  };
}

/** Counts the change-log reads a client serves (the fan-out's whole cost). */
function countingReads(client: Client): { client: Client; reads: () => number } {
  let reads = 0;
  const counted = new Proxy(client, {
    get(target, prop, recv) {
      const v = Reflect.get(target, prop, recv) as unknown;
      if (prop === 'batch') {
        return (stmts: unknown[], mode?: string) => {
          const first = stmts[0] as { sql?: string } | string;
          if (/FROM changes/.test(typeof first === 'string' ? first : (first.sql ?? ''))) reads++;
          return (v as (...a: unknown[]) => unknown).call(target, stmts, mode);
        };
      }
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { client: counted, reads: () => reads };
}

const plain = (evs: Ev[]): Array<[string, string, number]> =>
  evs.filter((e): e is WatchEvent => e.type !== 'BOOKMARK').map((e) => [e.type, e.object.metadata.name!, e.revision]);

describe.each(['file', 'server'] as const)('watch fan-out (%s)', (via) => {
  let db: TestDb;
  let abort: AbortController;
  beforeEach(async () => {
    db = await freshStore({}, via);
    abort = new AbortController();
    // Dozens of watchers share this one signal here.
    setMaxListeners(200, abort.signal);
  });
  afterEach(async () => {
    abort.abort();
    await db.close();
  });

  it('wakes every watcher from the commit itself, with no polling at all', async () => {
    const hub = new WatchHub(db.store, { fallbackPollMs: 0 });
    const unsubscribe = db.store.onCommitted((c) => hub.notify(c.revision));
    const from = await db.store.currentRevision();
    const watchers = Array.from({ length: 20 }, () => collect(hub.watch({ group: '', resource: 'configmaps', namespace: 'a' }, from, { signal: abort.signal })));
    // Through another Store over the same client: the commit still reaches the hub.
    const other = new Store(db.client);
    await other.create(key('a', 'x'), cm('a', 'x'));
    await other.create(key('b', 'y'), cm('b', 'y'));
    await other.create(key('a', 'z'), cm('a', 'z'));
    for (const w of watchers) await w.until(2);
    for (const w of watchers) expect(plain(w.seen).map(([t, n]) => `${t} ${n}`)).toEqual(['ADDED x', 'ADDED z']);
    expect(hub.watchers).toBe(20);
    abort.abort();
    await Promise.all(watchers.map((w) => w.done));
    expect(hub.watchers).toBe(0);
    unsubscribe();
  });

  it('reads the change log once per commit, however many watch', async () => {
    const { client, reads } = countingReads(db.client);
    const store = new Store(client);
    const hub = localWatchHub(store, { fallbackPollMs: 0 });
    const from = await store.currentRevision();
    const watchers = Array.from({ length: 50 }, (_, i) =>
      collect(hub.watch({ group: '', resource: 'configmaps' }, from, { signal: abort.signal, ...(i % 2 ? { labelSelector: 'tier=odd' } : {}) })),
    );
    await Promise.resolve();
    const before = reads();
    for (let i = 0; i < 10; i++) {
      await store.create(key('n', `c${i}`), cm('n', `c${i}`, { tier: i % 2 ? 'odd' : 'even' }));
      await watchers[0]!.until(i + 1);
    }
    for (const [i, w] of watchers.entries()) await w.until(i % 2 ? 5 : 10);
    // Fifty watchers, ten commits: at most one read per commit, never one per watcher.
    expect(reads() - before).toBeLessThanOrEqual(10);
    expect(localWatchHub(new Store(client))).toBe(hub);
  });

  it('shows each watcher exactly what polling the log shows it: same events, order, no duplicates', async () => {
    type Op = { kind: 'create' | 'update' | 'delete'; ns: 'a' | 'b'; name: 'p' | 'q' | 'r'; tier: 'x' | 'y' };
    const op = fc.record({
      kind: fc.constantFrom<'create' | 'update' | 'delete'>('create', 'update', 'delete'),
      ns: fc.constantFrom<'a' | 'b'>('a', 'b'),
      name: fc.constantFrom<'p' | 'q' | 'r'>('p', 'q', 'r'),
      tier: fc.constantFrom<'x' | 'y'>('x', 'y'),
    });
    let round = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 6 }), async (ops: Op[], bufferRows) => {
        const resource = `things${round++}`;
        const ctl = new AbortController();
        // A small buffer sends some watchers to the database to catch up, mid-stream.
        const hub = new WatchHub(db.store, { fallbackPollMs: 0, bufferRows });
        const off = db.store.onCommitted((c) => hub.notify(c.revision));
        const from = await db.store.currentRevision();
        const scopes: Array<{ scope: Scope; labelSelector?: string }> = [
          { scope: { group: '', resource } },
          { scope: { group: '', resource, namespace: 'a' } },
          { scope: { group: '', resource }, labelSelector: 'tier=x' },
          { scope: { group: '', resource, namespace: 'b' }, labelSelector: 'tier!=x' },
        ];
        const watchers = scopes.map((s) => collect(hub.watch(s.scope, from, { signal: ctl.signal, ...(s.labelSelector ? { labelSelector: s.labelSelector } : {}) })));
        for (const o of ops) {
          const k = key(o.ns, o.name, resource);
          const current = await db.store.get(k);
          const obj = cm(o.ns, o.name, { tier: o.tier });
          if (o.kind === 'create' && !current) await db.store.create(k, obj);
          else if (o.kind === 'update' && current) await db.store.update(k, obj, { resourceVersion: current.metadata.resourceVersion });
          else if (o.kind === 'delete' && current) await db.store.delete(k);
        }
        for (const [i, s] of scopes.entries()) {
          const expected = await db.store.changes(s.scope, from, { limit: 1000, ...(s.labelSelector ? { labelSelector: s.labelSelector } : {}) });
          await watchers[i]!.until(expected.events.length);
          expect(plain(watchers[i]!.seen)).toEqual(expected.events.map((e) => [e.type, e.object.metadata.name!, e.revision]));
          expect(watchers[i]!.seen.every((e) => e.type === 'BOOKMARK' || e.object.metadata.resourceVersion === String(e.revision))).toBe(true);
        }
        ctl.abort();
        await Promise.all(watchers.map((w) => w.done));
        off();
      }),
      { numRuns: via === 'server' ? 15 : 30 },
    );
  });

  it('answers 410 to a watcher behind the compaction horizon, even while others are served from memory', async () => {
    const hub = new WatchHub(db.store, { fallbackPollMs: 0, bufferRows: 2 });
    db.store.onCommitted((c) => hub.notify(c.revision));
    const scope = { group: '', resource: 'configmaps' };
    const start = await db.store.currentRevision();
    const live = collect(hub.watch(scope, start, { signal: abort.signal }));
    for (let i = 0; i < 5; i++) await db.store.create(key('n', `c${i}`), cm('n', `c${i}`));
    await live.until(5);
    await db.store.compact({ maxCount: 1 });
    const stale = collect(hub.watch(scope, start, { signal: abort.signal }));
    const err = await stale.done;
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(410);
    // The live watcher keeps going.
    await db.store.create(key('n', 'after'), cm('n', 'after'));
    await live.until(6);
    expect(plain(live.seen).map(([, n]) => n)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'after']);
  });

  it('sends a BOOKMARK at the head when quiet, and catches up a watcher that asks from before the reader started', async () => {
    for (let i = 0; i < 3; i++) await db.store.create(key('n', `c${i}`), cm('n', `c${i}`));
    const hub = new WatchHub(db.store, { fallbackPollMs: 0 });
    db.store.onCommitted((c) => hub.notify(c.revision));
    const w = collect(hub.watch({ group: '', resource: 'configmaps' }, 0, { signal: abort.signal, bookmarkMs: 30 }));
    await w.until(3);
    const head = await db.store.currentRevision();
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error('no bookmark')), 3000);
      const tick = setInterval(() => {
        if (w.seen.some((e) => e.type === 'BOOKMARK' && e.revision === head)) {
          clearInterval(tick);
          clearTimeout(deadline);
          resolve();
        }
      }, 5);
    });
    expect(plain(w.seen).map(([, n]) => n)).toEqual(['c0', 'c1', 'c2']);
  });
});
