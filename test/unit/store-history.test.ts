import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createClient } from '@libsql/client';
import { freshStore } from '../helpers/db.js';
import { Store } from '../../db/store.js';
import { ApiError } from '../../shared/status.js';
import type { KubeObject, ObjectKey } from '../../shared/object.js';

interface Ack {
  key: string;
  revision: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  value?: string;
}

const key = (name: string): ObjectKey => ({ group: '', resource: 'configmaps', namespace: 'default', name });

/**
 * A linearizability-style history check: many clients on their own connections race random
 * creates, updates (with the resourceVersion they read) and deletes over a few keys. Every
 * acknowledged write must be in the change log exactly as acknowledged, no refused write may
 * be, and each object's final state must be its last acknowledged write.
 */
describe.each(['file', 'server'] as const)('store history under concurrent clients (%s)', (via) => {
  it('final state and change log agree with every acknowledged write', async () => {
    const db = await freshStore({}, via);
    try {
      const clients = Array.from({ length: 8 }, () => {
        const c = createClient({ url: db.url });
        return c;
      });
      if (via === 'file') for (const c of clients) await c.execute('PRAGMA busy_timeout = 10000');
      const stores = clients.map((c) => new Store(c));
      const names = ['k0', 'k1', 'k2', 'k3', 'k4'];
      const acks: Ack[] = [];
      const start = await db.store.currentRevision();
      const ops = fc.sample(
        fc.record({ client: fc.nat({ max: 7 }), name: fc.constantFrom(...names), op: fc.constantFrom('create', 'update', 'update', 'delete'), value: fc.string({ maxLength: 8 }) }),
        { numRuns: 400, seed: 42 },
      );
      let refused = 0;
      await Promise.all(
        clients.map(async (_c, ci) => {
          for (const op of ops.filter((o) => o.client === ci)) {
            const s = stores[ci]!;
            const k = key(op.name);
            try {
              if (op.op === 'create') {
                const o = await s.create(k, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: op.name, namespace: 'default', uid: crypto.randomUUID() }, data: { v: op.value } });
                acks.push({ key: op.name, revision: Number(o.metadata.resourceVersion), type: 'ADDED', value: op.value });
              } else {
                const cur = await s.get(k);
                if (!cur) continue;
                if (op.op === 'update') {
                  const next: KubeObject = { ...cur, data: { v: op.value } };
                  const o = await s.update(k, next, { resourceVersion: cur.metadata.resourceVersion });
                  acks.push({ key: op.name, revision: Number(o.metadata.resourceVersion), type: 'MODIFIED', value: op.value });
                } else {
                  const o = await s.delete(k, { resourceVersion: cur.metadata.resourceVersion });
                  acks.push({ key: op.name, revision: Number(o.metadata.resourceVersion), type: 'DELETED' });
                }
              }
            } catch (e) {
              if (!(e instanceof ApiError) || ![404, 409].includes(e.code)) throw e;
              refused++;
            }
          }
        }),
      );
      expect(acks.length).toBeGreaterThan(50);
      expect(refused).toBeGreaterThan(0); // the race was real
      // Revisions are unique and the log holds exactly the acknowledged writes.
      const log = await db.store.changeLog(start, 100_000);
      expect(new Set(acks.map((a) => a.revision)).size).toBe(acks.length);
      const byRev = new Map(log.map((c) => [c.revision, c]));
      expect(log.length).toBe(acks.length);
      for (const a of acks) {
        const c = byRev.get(a.revision);
        expect(c, `ack ${a.revision} missing from the change log`).toBeDefined();
        expect(c!.type).toBe(a.type);
        expect(c!.key.name).toBe(a.key);
        if (a.value !== undefined) expect((c!.object.data as { v: string }).v).toBe(a.value);
      }
      // Final state equals each key's last acknowledged write.
      for (const name of names) {
        const last = acks.filter((a) => a.key === name).sort((x, y) => y.revision - x.revision)[0];
        const stored = await db.store.get(key(name));
        if (!last || last.type === 'DELETED') expect(stored).toBeUndefined();
        else {
          expect(stored?.metadata.resourceVersion).toBe(String(last.revision));
          expect((stored?.data as { v: string }).v).toBe(last.value);
        }
      }
      for (const c of clients) c.close();
    } finally {
      await db.close();
    }
  });
});
