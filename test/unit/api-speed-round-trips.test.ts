import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { migrateDatabase } from '../../cli/migrate.js';
import { startLibsqlServer, type LibsqlServer } from '../../cli/libsql-server/server.js';
import { Store } from '../../db/store.js';
import { createApp, ensureBootstrap } from '../../functions/app.js';
import { fieldsOf } from '../../shared/registry/fields.js';
import { sha256Hex } from '../../shared/service-account-token.js';

/**
 * Round trips to the database per request, through the local libSQL server as the worker
 * reaches it: each one costs a hop, so the hot verbs are held to one (reads, creates) or to a
 * read and a conditional write (updates, patches, deletes), as kube-apiserver does against etcd.
 */
describe('round trips to the database per request', () => {
  let dir: string;
  let server: LibsqlServer;
  let raw: Client;
  let trips: string[] = [];
  let app: ReturnType<typeof createApp>;
  const TOKEN = 'round-trip-admin';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-rt-'));
    server = await startLibsqlServer({ file: join(dir, 'state.db') });
    raw = createClient({ url: server.url });
    await migrateDatabase(raw);
    const counted = new Proxy(raw, {
      get(target, prop, recv) {
        const v = Reflect.get(target, prop, recv) as unknown;
        if (prop === 'execute' || prop === 'batch') {
          return (...args: unknown[]) => {
            trips.push(String(prop));
            return (v as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const store = new Store(counted, { fieldsOf });
    await ensureBootstrap(store);
    app = createApp({ store, config: { adminTokenSha256: await sha256Hex(TOKEN), tokenSigningKey: 'k' } });
    await call('POST', '/api/v1/namespaces', { metadata: { name: 'rt' } });
  });
  afterAll(async () => {
    raw.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: any; trips: number }> {
    trips = [];
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const parsed: unknown = await res.json();
    return { status: res.status, body: parsed, trips: trips.length };
  }

  const base = '/api/v1/namespaces/rt/configmaps';

  it('creates, gets and lists in one round trip each; updates, patches and deletes in two', async () => {
    const created = await call('POST', base, { metadata: { name: 'one', labels: { app: 'a' } }, data: { k: 'v' } });
    expect([created.status, created.trips]).toEqual([201, 1]);
    const got = await call('GET', `${base}/one`);
    expect([got.status, got.trips, got.body.data]).toEqual([200, 1, { k: 'v' }]);
    const listed = await call('GET', `${base}?limit=500`);
    expect([listed.status, listed.trips, listed.body.items.length]).toEqual([200, 1, 1]);
    const selected = await call('GET', `${base}?labelSelector=app%3Db`);
    expect([selected.status, selected.trips, selected.body.items.length]).toEqual([200, 1, 0]);
    const put = await call('PUT', `${base}/one`, { ...got.body, data: { k: 'w' } });
    expect([put.status, put.trips, put.body.data]).toEqual([200, 2, { k: 'w' }]);
    const patched = await call('PATCH', `${base}/one`, { data: { p: '1' } }, 'application/merge-patch+json');
    expect([patched.status, patched.trips, patched.body.data]).toEqual([200, 2, { k: 'w', p: '1' }]);
    const deleted = await call('DELETE', `${base}/one`);
    expect([deleted.status, deleted.trips]).toEqual([200, 2]);
  });

  it('still refuses content in a missing or terminating namespace, the namespace answering first', async () => {
    const missing = await call('POST', '/api/v1/namespaces/nowhere/configmaps', { metadata: { name: 'x' } });
    expect([missing.status, missing.body.reason, missing.body.details?.kind]).toEqual([404, 'NotFound', 'namespaces']);
    // Invalid as well as homeless: upstream's NamespaceLifecycle admission answers before validation.
    const invalid = await call('POST', '/api/v1/namespaces/nowhere/configmaps', { metadata: { name: 'Not_Valid' } });
    expect([invalid.status, invalid.body.details?.kind]).toEqual([404, 'namespaces']);
    await call('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    await call('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    const del = await call('DELETE', '/api/v1/namespaces/doomed');
    expect(del.body.status?.phase).toBe('Terminating');
    const refused = await call('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'late' } });
    expect([refused.status, refused.body.details?.causes?.[0]?.type]).toEqual([403, 'NamespaceTerminating']);
    expect((await call('GET', '/api/v1/namespaces/doomed/configmaps/late')).status).toBe(404);
    // A duplicate in an active namespace is still AlreadyExists.
    await call('POST', base, { metadata: { name: 'dup' } });
    const dup = await call('POST', base, { metadata: { name: 'dup' } });
    expect([dup.status, dup.body.reason]).toEqual([409, 'AlreadyExists']);
  });
});
