import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { migrateDatabase } from '../../cli/migrate.js';
import { Store, type StoreOptions } from '../../db/store.js';

export interface TestDb {
  client: Client;
  store: Store;
  dir: string;
  close(): void;
}

/** A fresh, migrated database file in a temp dir, with a Store over it. */
export async function freshStore(options: StoreOptions = {}): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-test-'));
  const client = createClient({ url: `file:${join(dir, 'state.db')}` });
  await client.execute('PRAGMA journal_mode = WAL');
  await client.execute('PRAGMA busy_timeout = 5000');
  await migrateDatabase(client);
  return {
    client,
    dir,
    store: new Store(client, options),
    close() {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
