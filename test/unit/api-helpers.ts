import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { migrateDatabase } from '../../cli/migrate.js';
import { Store } from '../../db/store.js';
import { createApp, ensureBootstrap, type AppConfig, type AppDeps } from '../../functions/app.js';
import { fieldsOf } from '../../shared/registry/fields.js';
import { sha256Hex } from '../../shared/service-account-token.js';

export const ADMIN_TOKEN = 'test-admin-token';

export interface TestApi {
  app: ReturnType<typeof createApp>;
  store: Store;
  client: Client;
  /** A request as the admin; a plain object body is sent as JSON. */
  req(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  json<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
  close(): void;
}

/** A fresh database (one per test file), migrated and bootstrapped, behind a fresh app. */
export async function startApi(config: Partial<AppConfig> = {}, deps: Pick<AppDeps, 'audit' | 'limiter' | 'now'> = {}): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-api-'));
  const client = createClient({ url: `file:${join(dir, 'db.sqlite')}` });
  await migrateDatabase(client);
  const store = new Store(client, { fieldsOf });
  await ensureBootstrap(store);
  const app = createApp({
    store,
    ...deps,
    config: { adminTokenSha256: await sha256Hex(ADMIN_TOKEN), tokenSigningKey: 'test-signing-key', watchPollMs: 10, ...config },
  });
  const req: TestApi['req'] = (method, path, body, headers = {}) => {
    const h: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers };
    let payload: BodyInit | undefined;
    if (typeof body === 'string' || body instanceof Uint8Array) payload = body as BodyInit;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] ??= method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
    }
    return Promise.resolve(app.request(path, { method, headers: h, ...(payload !== undefined ? { body: payload } : {}) }));
  };
  return {
    app,
    store,
    client,
    req,
    async json(method, path, body, headers) {
      const res = await req(method, path, body, headers);
      return { status: res.status, body: await res.json() };
    },
    close() {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Reads newline-delimited JSON events from a streaming response until `until` says stop,
 * failing after `ms` (no fixed sleeps: it returns as soon as the events are there).
 */
export async function readEvents(
  res: Response,
  until: (events: any[]) => boolean,
  ms = 5000,
): Promise<{ events: any[]; reader: ReadableStreamDefaultReader<Uint8Array> }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: any[] = [];
  let buf = '';
  const deadline = Date.now() + ms;
  while (!until(events)) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out; got ${JSON.stringify(events.map((e) => e.type))}`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const next = await Promise.race([
      reader.read(),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), left))),
    ]);
    clearTimeout(timer);
    if (next === 'timeout') continue;
    if (next.done) break;
    buf += decoder.decode(next.value, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.trim()) events.push(JSON.parse(line));
    }
  }
  return { events, reader };
}
