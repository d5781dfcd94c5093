import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvents, startApi, type TestApi } from './api-helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
  await api.req('POST', '/api/v1/namespaces', { metadata: { name: 'lw' } });
  for (let i = 0; i < 5; i++) {
    await api.req('POST', '/api/v1/namespaces/lw/configmaps', { metadata: { name: `cm-${i}`, labels: { tier: i % 2 ? 'odd' : 'even' } }, data: {} });
  }
});
afterAll(() => api.close());

const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

describe('list', () => {
  it('selects by label and by field, and refuses unknown fields', async () => {
    const odd = (await api.json('GET', '/api/v1/namespaces/lw/configmaps?labelSelector=tier%3Dodd')).body;
    expect(odd.items.map((i: any) => i.metadata.name)).toEqual(['cm-1', 'cm-3']);
    expect(odd.items[0]).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
    const notOdd = (await api.json('GET', '/api/v1/namespaces/lw/configmaps?labelSelector=tier!%3Dodd')).body;
    expect(notOdd.items).toHaveLength(3);
    const byName = (await api.json('GET', '/api/v1/configmaps?fieldSelector=metadata.name%3Dcm-2')).body;
    expect(byName.items.map((i: any) => i.metadata.namespace)).toEqual(['lw']);
    const bad = await api.json('GET', '/api/v1/configmaps?fieldSelector=spec.foo%3Dx');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('field label not supported: spec.foo');
    const badLabel = await api.json('GET', '/api/v1/configmaps?labelSelector=%3D%3D');
    expect(badLabel.status).toBe(400);
  });

  it('selects pods by spec.nodeName and status.phase', async () => {
    await api.req('POST', '/api/v1/namespaces/lw/pods', { metadata: { name: 'p1' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] } });
    await api.req('POST', '/api/v1/namespaces/lw/pods', { metadata: { name: 'p2' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    const onN1 = (await api.json('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dn1')).body;
    expect(onN1.items.map((p: any) => p.metadata.name)).toEqual(['p1']);
    const pending = (await api.json('GET', '/api/v1/namespaces/lw/pods?fieldSelector=status.phase%3DPending')).body;
    expect(pending.items).toHaveLength(2);
    const unscheduled = (await api.json('GET', '/api/v1/namespaces/lw/pods?fieldSelector=spec.nodeName%3D')).body;
    expect(unscheduled.items.map((p: any) => p.metadata.name)).toEqual(['p2']);
  });

  it('pages with limit and continue', async () => {
    const names: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const page = (await api.json('GET', `/api/v1/namespaces/lw/configmaps?limit=2${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)).body;
      names.push(...page.items.map((i: any) => i.metadata.name));
      cont = page.metadata.continue ?? '';
      pages++;
    } while (cont);
    expect(pages).toBe(3);
    expect(names).toEqual(['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4']);
  });

  it('returns a Table when kubectl asks for one', async () => {
    const res = await api.req('GET', '/api/v1/namespaces/lw/configmaps?limit=500', undefined, { accept: TABLE_ACCEPT });
    const table = await res.json();
    expect(table).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(table.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(table.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(table.rows).toHaveLength(5);
    expect(table.rows[0].cells[0]).toBe('cm-0');
    expect(table.rows[0].cells[2]).toMatch(/^\d+s$/);
    expect(table.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'cm-0', namespace: 'lw' } });
    const withObject = await (await api.req('GET', '/api/v1/namespaces/lw/configmaps/cm-0?includeObject=Object', undefined, { accept: TABLE_ACCEPT })).json();
    expect(withObject.rows[0].object.kind).toBe('ConfigMap');
  });

  it('406s an Accept it cannot satisfy', async () => {
    const res = await api.req('GET', '/api/v1/namespaces/lw/configmaps', undefined, { accept: 'text/html' });
    expect(res.status).toBe(406);
  });
});

describe('watch', () => {
  it('replays current objects for resourceVersion 0, then streams changes (deletes included)', async () => {
    const ctrl = new AbortController();
    const res = await api.app.request('/api/v1/namespaces/lw/configmaps?watch=true&resourceVersion=0', {
      headers: { authorization: 'Bearer test-admin-token' },
      signal: ctrl.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('content-encoding')).toBe('identity');
    const first = await readEvents(res, (ev) => ev.length >= 5);
    expect(first.events.every((e) => e.type === 'ADDED')).toBe(true);
    expect(first.events[0].object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1' });
    await api.req('POST', '/api/v1/namespaces/lw/configmaps', { metadata: { name: 'w1' }, data: {} });
    await api.req('PATCH', '/api/v1/namespaces/lw/configmaps/w1', { data: { a: 'b' } });
    const del = await api.json('DELETE', '/api/v1/namespaces/lw/configmaps/w1');
    expect(del.status).toBe(200);
    const events: any[] = [];
    const reader = first.reader;
    const decoder = new TextDecoder();
    let buf = '';
    while (events.length < 3) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        events.push(JSON.parse(buf.slice(0, i)));
        buf = buf.slice(i + 1);
      }
    }
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(Number(events[2].object.metadata.resourceVersion)).toBeGreaterThan(Number(events[1].object.metadata.resourceVersion));
    await reader.cancel();
    ctrl.abort();
  });

  it('resumes after a resourceVersion with selectors, on the legacy /watch/ path too', async () => {
    const list = (await api.json('GET', '/api/v1/namespaces/lw/configmaps')).body;
    const res = await api.req('GET', `/api/v1/watch/namespaces/lw/configmaps?resourceVersion=${list.metadata.resourceVersion}&labelSelector=tier%3Dodd`);
    await api.req('PATCH', '/api/v1/namespaces/lw/configmaps/cm-0', { metadata: { labels: { seen: 'no' } } });
    await api.req('PATCH', '/api/v1/namespaces/lw/configmaps/cm-1', { metadata: { labels: { tier: 'even' } } });
    const { events, reader } = await readEvents(res, (ev) => ev.length >= 1);
    // cm-0 never matched; cm-1 left the selector, which a filtered watcher sees as DELETED.
    expect(events[0]).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'cm-1' } } });
    await reader.cancel();
  });

  it('ends after timeoutSeconds and sends bookmarks when allowed', async () => {
    const quick = await startApi({ watchBookmarkMs: 20 });
    try {
      const res = await quick.req('GET', '/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=1&allowWatchBookmarks=true&timeoutSeconds=1');
      const { events } = await readEvents(res, () => false, 3000).catch((e) => ({ events: [] as any[], e }));
      // readEvents returns when the stream ends (timeoutSeconds=1)
      expect(events.some((e) => e.type === 'BOOKMARK')).toBe(true);
      const bm = events.find((e) => e.type === 'BOOKMARK');
      expect(bm.object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } });
    } finally {
      quick.close();
    }
  });

  it('answers 410 Expired below the compaction horizon', async () => {
    await api.store.compact({ maxCount: 1 });
    const res = await api.json('GET', '/api/v1/namespaces/lw/configmaps?watch=true&resourceVersion=1');
    expect(res.status).toBe(410);
    expect(res.body).toMatchObject({ reason: 'Expired', code: 410 });
  });

  it('wraps events in Tables for kubectl get -w, headers only first', async () => {
    const res = await api.req('GET', '/api/v1/namespaces/lw/configmaps?watch=true&resourceVersion=0', undefined, { accept: TABLE_ACCEPT });
    const { events, reader } = await readEvents(res, (ev) => ev.length >= 2);
    expect(events[0].object.kind).toBe('Table');
    expect(events[0].object.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(events[0].object.rows).toHaveLength(1);
    expect(events[1].object.columnDefinitions).toEqual([]);
    await reader.cancel();
  });
});
