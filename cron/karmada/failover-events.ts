// Records the failover controllers' Events (what moved, from where, to where, why). An Event
// that cannot be written never fails the reconcile that produced it: the write it reports
// already happened.

import type { ReconcileContext } from '../reconciler.js';
import { buildEvent, type EventInput } from '../../shared/failover/events.js';
import { createObject } from '../object-writes.js';

const EVENTS = { group: '', resource: 'events' };

export async function recordEvent(ctx: ReconcileContext, input: Omit<EventInput, 'nowMs'>): Promise<void> {
  try {
    await createObject(ctx, EVENTS, buildEvent({ ...input, nowMs: ctx.now() }));
  } catch (e) {
    console.error(`event ${input.reason} on ${input.about.kind} ${input.about.metadata.name ?? ''}: ${(e as Error).message}`);
  }
}
