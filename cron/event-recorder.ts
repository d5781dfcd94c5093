// core/v1 Events as client-go's recorder writes them, for reconcilers: one Event per object,
// reason and message, its count and lastTimestamp moving on a repeat (the recorder's
// correlator), so a retried failure does not grow the namespace without bound.

import type { KubeObject } from '../shared/object.js';
import { fnv32a } from '../shared/simulator/hash.js';
import type { ReconcileContext } from './reconciler.js';
import { createObject, keyOf, writeObject, type Resource } from './object-writes.js';

const EVENTS: Resource = { group: '', resource: 'events' };

export interface InvolvedObject {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
}

export interface EventRecord {
  involved: InvolvedObject;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** The reporting component (the event's source), e.g. the scheduler's name. */
  component: string;
}

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/** The stable name repeats of one event share: the object's name and a hash of what the event says. */
export function eventName(e: EventRecord): string {
  const seed = `${e.involved.uid ?? ''}/${e.involved.kind ?? ''}/${e.involved.name ?? ''}/${e.type}/${e.reason}/${e.message}`;
  return `${e.involved.name ?? 'unknown'}.${hex(fnv32a(seed))}${hex(fnv32a(`${seed}#`))}`;
}

/**
 * Records an event on `involved` (cluster-scoped objects' events go to `default`, as the API
 * server's). Best effort, as client-go's recorder: a failed write is dropped, never the
 * reconcile's failure.
 */
export async function recordEvent(ctx: ReconcileContext, e: EventRecord): Promise<void> {
  const namespace = e.involved.namespace || 'default';
  const name = eventName(e);
  const now = isoSeconds(ctx.now());
  try {
    const key = keyOf(EVENTS, namespace, name);
    const existing = await ctx.store.get(key);
    if (existing) {
      const prior = existing as KubeObject & { count?: number };
      await writeObject(ctx, key, existing, { ...existing, count: (prior.count ?? 1) + 1, lastTimestamp: now } as KubeObject);
      return;
    }
    await createObject(ctx, EVENTS, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: { ...e.involved },
      reason: e.reason,
      message: e.message,
      type: e.type,
      source: { component: e.component },
      reportingComponent: e.component,
      reportingInstance: '',
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    } as KubeObject);
  } catch {
    // An event is a courtesy to the reader; the state it reports is already written.
  }
}
