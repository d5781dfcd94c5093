import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { migrateDatabase } from '../../cli/migrate.js';
import { Store, type StoreOptions } from '../../db/store.js';
import { startLibsqlServer } from '../../cli/libsql-server/server.js';

export interface TestDb {
  client: Client;
  /** The database URL other clients can open (a file: URL, or the libSQL server's). */
  url: string;
  store: Store;
  dir: string;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database in a temp dir, with a Store over it. `via: 'server'` reaches it
 * through the local libSQL server (Hrana over HTTP), as the worker does.
 */
export async function freshStore(options: StoreOptions = {}, via: 'file' | 'server' = 'file'): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-test-'));
  const file = join(dir, 'state.db');
  const server = via === 'server' ? await startLibsqlServer({ file }) : undefined;
  const url = server ? server.url : `file:${file}`;
  const client = createClient({ url });
  if (!server) {
    await client.execute('PRAGMA journal_mode = WAL');
    await client.execute('PRAGMA busy_timeout = 5000');
  }
  await migrateDatabase(client);
  return {
    client,
    url,
    dir,
    store: new Store(client, options),
    async close() {
      client.close();
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
