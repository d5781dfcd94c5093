/**
 * The controller runtime inside workerd: `flotilla up` (Miniflare, the local libSQL server, no
 * members) and BENCH_KEYS ConfigMap templates (default 3,000) that no policy selects, written
 * straight into the database file so the API's own cost stays out of the figure. One create
 * through the API then nudges the dispatcher, and the run ends when the detector has
 * reconciled every template (`controller_runtime_reconcile_total` on /metrics). Each of those
 * reconciles reads its template and the batch's policies and writes nothing: the nearest the
 * real control plane comes to a no-op reconcile. The dependencies distributor looks at every
 * ConfigMap too; its count is printed beside.
 *
 * Run: npx tsx test/bench/runtime-worker.bench.ts. Figures are for comparison, never assertions.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { parse } from 'yaml';
import { Store } from '../../db/store.js';
import { createBuiltinRegistry } from '../../shared/registry/index.js';
import { startControlPlane } from '../helpers/control-plane.js';
import { call, callText, type Target } from './bench-kit.js';

const KEYS = Number(process.env.BENCH_KEYS ?? 3000);
const DEADLINE_MS = 300_000;

/** controller_runtime_reconcile_total summed over results, per controller. */
async function reconciles(t: Target): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const line of (await callText(t, '/metrics')).split('\n')) {
    const m = /^controller_runtime_reconcile_total\{controller="([^"]+)"[^}]*\} (\d+)/.exec(line);
    if (m) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + Number(m[2]));
  }
  return counts;
}

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const cp = await startControlPlane({ members: 0 });
  try {
    const kubeconfig = parse(readFileSync(cp.kubeconfig, 'utf8')) as { users: Array<{ user: { token: string } }> };
    const t: Target = { base: cp.url, ca: cp.ca, token: kubeconfig.users[0]!.user.token };
    // A second writer on the WAL database, beside the libSQL server: how a bulk import would land.
    const client = createClient({ url: `file:${join(cp.dataDir, 'state.db')}` });
    await client.execute('PRAGMA busy_timeout = 5000');
    const registry = createBuiltinRegistry();
    const store = new Store(client, { fieldsOf: registry.fieldsOf.bind(registry) });
    for (let i = 0; i < KEYS; i++) {
      const name = `runtime-${i}`;
      await store.create(
        { group: '', resource: 'configmaps', namespace: 'default', name },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', uid: crypto.randomUUID(), creationTimestamp: new Date().toISOString() }, data: { i: String(i) } },
      );
    }
    client.close();
    const before = await reconciles(t);
    const started = performance.now();
    await call(t, '/api/v1/namespaces/default/configmaps', 'POST', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'runtime-nudge' } });
    for (;;) {
      await new Promise((r) => setTimeout(r, 250));
      const now = await reconciles(t);
      const seconds = (performance.now() - started) / 1000;
      const done = (now.get('detector') ?? 0) - (before.get('detector') ?? 0);
      const deps = (now.get('dependencies-distributor') ?? 0) - (before.get('dependencies-distributor') ?? 0);
      if (done >= KEYS) {
        console.log(`under Miniflare: ${KEYS} templates no policy selects → detector reconciles ${(done / seconds).toFixed(0)}/s (${done} in ${seconds.toFixed(1)} s); the dependencies distributor meanwhile ${(deps / seconds).toFixed(0)}/s`);
        return;
      }
      if (seconds * 1000 > DEADLINE_MS) throw new Error(`only ${done} of ${KEYS} reconciled within ${DEADLINE_MS / 1000} s`);
    }
  } finally {
    await cp.stop();
  }
}

await main();
