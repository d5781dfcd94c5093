import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { Client } from '@libsql/client';

/** The drizzle-kit migrations folder shipped in the repository. */
export const migrationsFolder = fileURLToPath(new URL('../db/migrations', import.meta.url));

/**
 * Brings a database (local file, the local libSQL server, sqld or Turso) to the current
 * schema. Runs from Node only: the worker never migrates, so a deploy cannot race itself.
 */
export async function migrateDatabase(client: Client): Promise<void> {
  await migrate(drizzle(client), { migrationsFolder });
}
