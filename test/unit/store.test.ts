import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { freshStore, type TestDb } from '../helpers/db.js';
import type { KubeObject, ObjectKey } from '../../shared/object.js';
import type { WatchEvent } from '../../db/store.js';
import { ApiError } from '../../shared/status.js';

const cm = (ns: string, name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, labels, uid: `uid-${ns}-${name}` },
  data,
});
const key = (ns: string, name: string): ObjectKey => ({ group: '', resource: 'configmaps', namespace: ns, name });
const scope = { group: '', resource: 'configmaps' };

async function code(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 0;
  } catch (e) {
    if (e instanceof ApiError) return e.code;
    throw e;
  }
}

describe.each(['file', 'server'] as const)('store (%s)', (via) => {
  let db: TestDb;
  beforeEach(async () => {
    db = await freshStore({}, via);
  });
  afterEach(() => db.close());

  it('creates, reads, updates and deletes with one global revision', async () => {
    const a = await db.store.create(key('default', 'a'), cm('default', 'a'));
    const b = await db.store.create(key('default', 'b'), cm('default', 'b'));
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    expect((await db.store.get(key('default', 'a')))?.metadata.resourceVersion).toBe(a.metadata.resourceVersion);
    const a2 = await db.store.update(key('default', 'a'), { ...a, data: { x: '1' } }, { resourceVersion: a.metadata.resourceVersion });
    expect(Number(a2.metadata.resourceVersion)).toBeGreaterThan(Number(b.metadata.resourceVersion));
    const gone = await db.store.delete(key('default', 'a'));
    expect(Number(gone.metadata.resourceVersion)).toBeGreaterThan(Number(a2.metadata.resourceVersion));
    expect(gone.data).toEqual({ x: '1' });
    expect(await db.store.get(key('default', 'a'))).toBeUndefined();
    expect(await db.store.currentRevision()).toBe(Number(gone.metadata.resourceVersion));
  });

  it('refuses duplicates (409 AlreadyExists), stale updates (409 Conflict) and missing objects (404)', async () => {
    const a = await db.store.create(key('default', 'a'), cm('default', 'a'));
    expect(await code(db.store.create(key('default', 'a'), cm('default', 'a')))).toBe(409);
    await db.store.update(key('default', 'a'), { ...a, data: { v: '2' } }, { resourceVersion: a.metadata.resourceVersion });
    const err = await db.store.update(key('default', 'a'), { ...a, data: { v: '3' } }, { resourceVersion: a.metadata.resourceVersion }).catch((e: ApiError) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).reason).toBe('Conflict');
    expect((await db.store.get(key('default', 'a')))?.data).toEqual({ v: '2' });
    expect(await code(db.store.update(key('default', 'nope'), cm('default', 'nope')))).toBe(404);
    expect(await code(db.store.delete(key('default', 'nope')))).toBe(404);
    expect(await code(db.store.delete(key('default', 'a'), { resourceVersion: a.metadata.resourceVersion }))).toBe(409);
  });

  it('concurrent writers with the same resourceVersion: exactly one wins', async () => {
    const a = await db.store.create(key('default', 'race'), cm('default', 'race'));
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        db.store.update(key('default', 'race'), { ...a, data: { writer: String(i) } }, { resourceVersion: a.metadata.resourceVersion }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost.every((r) => r.reason instanceof ApiError && r.reason.code === 409)).toBe(true);
    const stored = await db.store.get(key('default', 'race'));
    expect(stored?.data).toEqual((won[0] as PromiseFulfilledResult<KubeObject>).value.data);
  });

  it('lists with every label selector operator and field selectors', async () => {
    await db.store.create(key('a', 'one'), cm('a', 'one', { app: 'web', tier: 'front' }));
    await db.store.create(key('a', 'two'), cm('a', 'two', { app: 'db' }));
    await db.store.create(key('b', 'three'), cm('b', 'three', { app: 'web', release: '3' }));
    await db.store.create(key('b', 'four'), cm('b', 'four', {}));
    const names = async (sel: string, ns?: string, fieldSelector?: string) =>
      (await db.store.list({ ...scope, namespace: ns }, { labelSelector: sel, fieldSelector })).items.map((o) => o.metadata.name);
    expect(await names('app=web')).toEqual(['one', 'three']);
    expect(await names('app==web')).toEqual(['one', 'three']);
    expect(await names('app!=web')).toEqual(['two', 'four']);
    expect(await names('app in (web,db)')).toEqual(['one', 'two', 'three']);
    expect(await names('app notin (web)')).toEqual(['two', 'four']);
    expect(await names('tier')).toEqual(['one']);
    expect(await names('!app')).toEqual(['four']);
    expect(await names('app=web,!tier')).toEqual(['three']);
    expect(await names('release>2')).toEqual(['three']);
    expect(await names('app=web', 'b')).toEqual(['three']);
    expect(await names('', undefined, 'metadata.name=two')).toEqual(['two']);
    expect(await names('', undefined, 'metadata.namespace!=a')).toEqual(['four', 'three']);
    await expect(db.store.list(scope, { labelSelector: 'app in ()' })).rejects.toMatchObject({ code: 400 });
  });

  it('pages with limit/continue at one revision; an old token after compaction is 410', async () => {
    for (let i = 0; i < 7; i++) await db.store.create(key('default', `cm-${i}`), cm('default', `cm-${i}`));
    const seen: string[] = [];
    let cont: string | undefined;
    let rv: string | undefined;
    do {
      const page = await db.store.list(scope, { limit: 3, continue: cont });
      rv ??= page.resourceVersion;
      expect(page.resourceVersion).toBe(rv);
      seen.push(...page.items.map((o) => o.metadata.name!));
      cont = page.continue;
    } while (cont);
    expect(seen).toEqual(['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4', 'cm-5', 'cm-6']);
    const first = await db.store.list(scope, { limit: 2 });
    for (let i = 0; i < 5; i++) await db.store.create(key('default', `late-${i}`), cm('default', `late-${i}`));
    await db.store.compact({ maxCount: 1 });
    await expect(db.store.list(scope, { limit: 2, continue: first.continue })).rejects.toMatchObject({ code: 410 });
    await expect(db.store.list(scope, { continue: 'garbage' })).rejects.toMatchObject({ code: 400 });
  });

  it('a watch from any revision sees every later change exactly once, in order', async () => {
    const revs: number[] = [];
    let obj = await db.store.create(key('default', 'w'), cm('default', 'w'));
    revs.push(Number(obj.metadata.resourceVersion));
    for (let i = 0; i < 30; i++) {
      if (i % 7 === 6) {
        revs.push(Number((await db.store.delete(key('default', 'w'))).metadata.resourceVersion));
        obj = await db.store.create(key('default', 'w'), cm('default', 'w'));
      } else {
        obj = await db.store.update(key('default', 'w'), { ...obj, data: { i: String(i) } }, { resourceVersion: obj.metadata.resourceVersion });
      }
      revs.push(Number(obj.metadata.resourceVersion));
    }
    for (const from of [0, ...revs]) {
      const got: number[] = [];
      let cursor = from;
      for (;;) {
        const res = await db.store.changes(scope, cursor, { limit: 4 });
        got.push(...res.events.map((e) => e.revision));
        cursor = res.revision;
        if (!res.more) break;
      }
      expect(got).toEqual(revs.filter((r) => r > from));
    }
  });

  it('a filtered watch sees an object leave its selector as DELETED and enter it as ADDED', async () => {
    const start = await db.store.currentRevision();
    let o = await db.store.create(key('default', 's'), cm('default', 's', { app: 'web' }));
    o = await db.store.update(key('default', 's'), { ...o, data: { a: '1' } });
    o = await db.store.update(key('default', 's'), { ...o, metadata: { ...o.metadata, labels: { app: 'db' } } });
    o = await db.store.update(key('default', 's'), { ...o, data: { a: '2' } });
    o = await db.store.update(key('default', 's'), { ...o, metadata: { ...o.metadata, labels: { app: 'web' } } });
    await db.store.delete(key('default', 's'));
    await db.store.create(key('default', 'other'), cm('default', 'other', { app: 'db' }));
    const res = await db.store.changes(scope, start, { labelSelector: 'app=web' });
    expect(res.events.map((e: WatchEvent) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED', 'ADDED', 'DELETED']);
    const byField = await db.store.changes({ ...scope, namespace: 'default' }, start, { fieldSelector: 'metadata.name=other' });
    expect(byField.events.map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'other']]);
  });

  it('compaction by count and by age gives 410 below the horizon and keeps what it must', async () => {
    let now = 1_000_000;
    const timed = await freshStore({ now: () => now }, via);
    try {
      const s = timed.store;
      const revs: number[] = [];
      for (let i = 0; i < 10; i++) {
        now += 1000;
        revs.push(Number((await s.create(key('default', `c${i}`), cm('default', `c${i}`))).metadata.resourceVersion));
      }
      const byCount = await s.compact({ maxCount: 6 });
      expect(byCount.horizon).toBe(revs[3]);
      expect(byCount.removed).toBe(4);
      await expect(s.changes(scope, revs[2]!)).rejects.toMatchObject({ code: 410 });
      expect((await s.changes(scope, revs[3]!)).events.map((e) => e.revision)).toEqual(revs.slice(4));
      // by age: everything created more than 3.5 s before "now" goes, but never at or past keepFrom
      const byAge = await s.compact({ maxAgeMs: 3500, keepFrom: revs[5]! });
      expect(byAge.horizon).toBe(revs[4]);
      const byAge2 = await s.compact({ maxAgeMs: 3500 });
      expect(byAge2.horizon).toBe(revs[5]);
      // objects themselves are never compacted
      expect((await s.list(scope)).items).toHaveLength(10);
      // revisions never repeat after compaction (AUTOINCREMENT)
      const next = await s.create(key('default', 'after'), cm('default', 'after'));
      expect(Number(next.metadata.resourceVersion)).toBe(revs[9]! + 1);
    } finally {
      await timed.close();
    }
  });

  it('watch() streams events and bookmarks until aborted', async () => {
    const ctl = new AbortController();
    const from = await db.store.currentRevision();
    const it = db.store.watch(scope, from, { signal: ctl.signal, pollMs: 10, bookmarkMs: 0 });
    await db.store.create(key('default', 'x'), cm('default', 'x'));
    const types: string[] = [];
    for await (const ev of it) {
      types.push(ev.type);
      if (ev.type === 'ADDED') ctl.abort();
    }
    expect(types).toContain('ADDED');
  });
});
