/**
 * Store throughput: writes/s and point reads/s, in-process libSQL against the same store
 * through the local libSQL server (Hrana over HTTP), as medians of several rounds.
 * Run: npm run bench. Prints the machine it ran on; figures are for comparison, not assertions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { migrateDatabase } from '../../cli/migrate.js';
import { startLibsqlServer } from '../../cli/libsql-server/server.js';
import { Store } from '../../db/store.js';
import type { ObjectKey } from '../../shared/object.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const OPS = Number(process.env.BENCH_OPS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function parallel(n: number, total: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < total) await fn(next++);
  }));
  return total / ((performance.now() - t0) / 1000);
}

async function measure(label: string, client: Client): Promise<Record<string, number | string>> {
  const store = new Store(client);
  const writes: number[] = [];
  const reads: number[] = [];
  const updates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const key = (i: number): ObjectKey => ({ group: '', resource: 'configmaps', namespace: `bench-${r}`, name: `cm-${i}` });
    writes.push(await parallel(CONCURRENCY, OPS, (i) =>
      store.create(key(i), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: `bench-${r}`, uid: crypto.randomUUID(), labels: { app: `a${i % 10}` } }, data: { i: String(i) } }),
    ));
    updates.push(await parallel(CONCURRENCY, OPS, async (i) => {
      const cur = (await store.get(key(i)))!;
      await store.update(key(i), { ...cur, data: { i: `${i}-2` } }, { resourceVersion: cur.metadata.resourceVersion });
    }));
    reads.push(await parallel(CONCURRENCY, OPS * 2, (i) => store.get(key(i % OPS))));
  }
  return {
    mode: label,
    'creates/s': Math.round(median(writes)),
    'read+update/s': Math.round(median(updates)),
    'point reads/s': Math.round(median(reads)),
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-'));
  try {
    const local = createClient({ url: `file:${join(dir, 'local.db')}` });
    await local.execute('PRAGMA journal_mode = WAL');
    await local.execute('PRAGMA busy_timeout = 10000');
    await migrateDatabase(local);
    const server = await startLibsqlServer({ file: join(dir, 'served.db') });
    const remote = createClient({ url: server.url });
    await migrateDatabase(remote);
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
    console.log(`${ROUNDS} rounds × ${OPS} ops, ${CONCURRENCY} concurrent callers; medians\n`);
    const rows = [await measure('in-process (file:)', local), await measure('libSQL server (Hrana/HTTP)', remote)];
    console.table(rows);
    const ratio = (k: string) => (Number(rows[0]![k]) / Number(rows[1]![k])).toFixed(1);
    console.log(`in-process / server: creates ${ratio('creates/s')}×, read+update ${ratio('read+update/s')}×, point reads ${ratio('point reads/s')}×`);
    local.close();
    // The HTTP client's close() fires stream-close requests without awaiting them; closing the
    // server under them only produces a spurious ECONNRESET, so the server goes first and the
    // client is simply dropped.
    await server.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
