// An object's state just before one of its changes, read back from the change log: what an
// informer's update event hands a controller as the old object, for reconcilers that must
// compare (Karmada's scheduler asks whether a Cluster matched a placement before OR after).

import type { Client } from '@libsql/client';
import type { KubeObject, ObjectKey } from '../shared/object.js';
import { hydrate, type EventType } from './store.js';

export type PreviousVersion =
  /** `previous` is undefined when the change created the object; `current` is the last state when it deleted it. */
  | { known: true; type: EventType; previous: KubeObject | undefined; current: KubeObject }
  /** Compaction removed the change or the one before it: the caller must assume the worst. */
  | { known: false };

/** The object as the change at `revision` wrote it, and as it was before that change. */
export async function previousVersion(client: Client, key: ObjectKey, revision: number): Promise<PreviousVersion> {
  const rs = await client.execute({
    sql: `SELECT revision, type, body FROM changes
          WHERE "group" = :g AND resource = :r AND namespace = :ns AND name = :n AND revision <= :rev
          ORDER BY revision DESC LIMIT 2`,
    args: { g: key.group, r: key.resource, ns: key.namespace, n: key.name, rev: revision },
  });
  const [at, before] = rs.rows;
  if (!at || Number(at.revision) !== revision) return { known: false };
  const current = hydrate(String(at.body), Number(at.revision));
  const type = String(at.type) as EventType;
  if (type === 'ADDED') return { known: true, type, previous: undefined, current };
  if (!before) return { known: false };
  return { known: true, type, previous: hydrate(String(before.body), Number(before.revision)), current };
}
