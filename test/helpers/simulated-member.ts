// A simulated member cluster in-process, on a fake clock: the store, the simulator's
// reconcilers and a way to run the world forward until something is true. Timers fire when
// the clock reaches them, so a test of "Running after the start delay" takes no real time.

import { ControllerManager } from '../../cron/manager.js';
import { readCursor } from '../../cron/dispatcher.js';
import { nextDueAt } from '../../db/work-queue.js';
import { registerNodes } from '../../cron/simulator/node-registration.js';
import { simulatorReconcilers } from '../../cron/simulator/registry.js';
import { ensureBootstrap } from '../../functions/bootstrap.js';
import type { KubeObject, ObjectKey } from '../../shared/object.js';
import { prepareForCreate, prepareForUpdate } from '../../shared/object-semantics.js';
import { createBuiltinRegistry } from '../../shared/registry/index.js';
import { desiredNodes, nodeShapeSchema, type NodeShape } from '../../shared/simulator/nodes.js';
import { simulatorSettings, type SimulatorSettingsInput } from '../../shared/simulator/settings.js';
import { freshStore, type TestDb } from './db.js';
import { MemoryQueue } from './memory-queue.js';

export const START = Date.parse('2026-01-05T10:00:00Z');

export interface SimulatedMember {
  db: TestDb;
  manager: ControllerManager;
  now(): number;
  /** Creates an object as a client would through the API. */
  create(group: string, resource: string, obj: KubeObject): Promise<KubeObject>;
  /** Replaces an object's spec as a client update would (generation moves). */
  update(group: string, resource: string, obj: KubeObject): Promise<KubeObject>;
  get(group: string, resource: string, namespace: string, name: string): Promise<KubeObject | undefined>;
  list(group: string, resource: string, namespace?: string): Promise<KubeObject[]>;
  /** Drains the outbox until the reconcilers have seen every change. */
  settle(): Promise<void>;
  /**
   * Settles, then moves the clock to the next timer and fires it, until `done` holds;
   * fails when the simulated time would pass `withinMs` first.
   */
  runUntil(done: () => Promise<boolean>, withinMs?: number): Promise<number>;
  /** Moves the clock forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSimulatedMember(
  opts: { settings?: SimulatorSettingsInput; nodes?: Partial<NodeShape>; member?: string } = {},
): Promise<SimulatedMember> {
  let now = START;
  const clock = (): number => now;
  const registry = createBuiltinRegistry();
  const db = await freshStore({ fieldsOf: registry.fieldsOf, now: clock });
  const queue = new MemoryQueue();
  const settings = simulatorSettings(opts.settings ?? {});
  const manager = new ControllerManager({ store: db.store, registry, reconcilers: simulatorReconcilers(settings), queue, now: clock });
  await ensureBootstrap(db.store, { registry, now: clock });
  const shape = nodeShapeSchema.parse(opts.nodes ?? {});
  await registerNodes(manager.ctx, desiredNodes(shape, { member: opts.member ?? 'member1', memberIndex: settings.memberIndex, region: 'r1', now }));

  const key = (group: string, resource: string, namespace: string, name: string): ObjectKey => ({ group, resource, namespace, name });
  const typeOf = (group: string, resource: string) => registry.byResource(group, resource)!;

  const settle = async (): Promise<void> => {
    for (let i = 0; i < 100; i++) {
      await manager.dispatch();
      queue.take();
      if ((await readCursor(db.client)) >= (await db.store.currentRevision())) return;
    }
    throw new Error('the simulator did not settle within 100 dispatches');
  };

  const fireDue = async (until: number): Promise<boolean> => {
    const due = await nextDueAt(db.client);
    if (due === undefined || due > until) return false;
    now = Math.max(now, due);
    await manager.dispatch();
    return true;
  };

  return {
    db,
    manager,
    now: clock,
    async create(group, resource, obj) {
      const t = typeOf(group, resource);
      const ns = t.namespaced ? (obj.metadata.namespace ?? 'default') : '';
      const prepared = prepareForCreate(t, obj, { namespace: ns, now, uid: crypto.randomUUID() });
      return db.store.create(key(group, resource, ns, obj.metadata.name!), prepared);
    },
    async update(group, resource, obj) {
      const t = typeOf(group, resource);
      const k = key(group, resource, obj.metadata.namespace ?? '', obj.metadata.name!);
      const old = (await db.store.get(k))!;
      return db.store.update(k, prepareForUpdate(t, old, obj), { resourceVersion: old.metadata.resourceVersion });
    },
    get: (group, resource, namespace, name) => db.store.get(key(group, resource, namespace, name)),
    async list(group, resource, namespace) {
      return (await db.store.list({ group, resource, ...(namespace !== undefined ? { namespace } : {}) })).items;
    },
    settle,
    async runUntil(done, withinMs = 60_000) {
      const deadline = now + withinMs;
      for (;;) {
        await settle();
        if (await done()) return now - START;
        if (!(await fireDue(deadline))) throw new Error(`not reached within ${withinMs} ms of simulated time (clock at +${now - START} ms)`);
      }
    },
    async advance(ms) {
      const until = now + ms;
      for (;;) {
        await settle();
        if (!(await fireDue(until))) break;
      }
      now = until;
      await settle();
    },
    close: () => db.close(),
  };
}
