import { sqliteTable, text, integer, primaryKey, index, uniqueIndex, check } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';

/**
 * One row per stored object. The body is kept without metadata.resourceVersion: the
 * column is the single source of truth, so the revision assigned inside the write batch
 * never has to be spliced back into the JSON.
 */
export const objects = sqliteTable(
  'objects',
  {
    group: text('group').notNull(),
    resource: text('resource').notNull(),
    namespace: text('namespace').notNull(), // '' for cluster-scoped objects
    name: text('name').notNull(),
    uid: text('uid').notNull(),
    resourceVersion: integer('resource_version').notNull(),
    body: text('body').notNull(),
    // Selectable fields (metadata.name, status.phase, spec.nodeName, …) as a JSON map,
    // precomputed at write time so field-selector lists and watches need not parse bodies.
    fields: text('fields').notNull().default('{}'),
    createdRevision: integer('created_revision').notNull(),
  },
  (t) => [
    uniqueIndex('objects_key').on(t.group, t.resource, t.namespace, t.name),
    index('objects_rv').on(t.resourceVersion),
    index('objects_uid').on(t.uid),
    // Namespace finalization walks everything in a namespace, whatever its resource.
    index('objects_namespace').on(t.namespace),
  ],
);

/**
 * The change log. Its AUTOINCREMENT key is the global revision, exactly like etcd's:
 * AUTOINCREMENT (not a bare rowid) so that compaction can never make SQLite hand out a
 * revision twice. prevLabels/prevFields let a filtered watch tell that an object left its
 * selector; prevRevision doubles as the optimistic-concurrency guard (see store.ts).
 */
export const changes = sqliteTable(
  'changes',
  {
    revision: integer('revision').primaryKey({ autoIncrement: true }),
    type: text('type', { enum: ['ADDED', 'MODIFIED', 'DELETED'] }).notNull(),
    group: text('group').notNull(),
    resource: text('resource').notNull(),
    namespace: text('namespace').notNull(),
    name: text('name').notNull(),
    body: text('body').notNull(),
    labels: text('labels').notNull().default('{}'),
    fields: text('fields').notNull().default('{}'),
    prevRevision: integer('prev_revision'),
    prevLabels: text('prev_labels'),
    prevFields: text('prev_fields'),
    createdAt: integer('created_at').notNull(), // ms since epoch, for age-based compaction
  },
  (t) => [
    index('changes_scope').on(t.group, t.resource, t.namespace, t.revision),
    index('changes_resource').on(t.group, t.resource, t.revision),
    index('changes_created').on(t.createdAt),
    // The write guard: an update or delete must name the revision it replaces. The store
    // fills prev_revision from a subquery that is NULL when the object is missing or its
    // resourceVersion differs, so a lost race aborts the whole batch inside SQLite.
    check('changes_guard', sql`${t.type} = 'ADDED' OR ${t.prevRevision} IS NOT NULL`),
  ],
);

/** Label index: selector lists become index lookups instead of JSON scans at 100k objects. */
export const objectLabels = sqliteTable(
  'object_labels',
  {
    group: text('group').notNull(),
    resource: text('resource').notNull(),
    namespace: text('namespace').notNull(),
    name: text('name').notNull(),
    key: text('key').notNull(),
    value: text('value').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.group, t.resource, t.namespace, t.name, t.key] }),
    index('object_labels_kv').on(t.group, t.resource, t.key, t.value),
  ],
);

/**
 * Small named values the control plane keeps: the compaction horizon, the dispatcher's
 * cursor, armed timers. Updated with compare-and-swap like objects.
 */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull().default(sql`(unixepoch() * 1000)`),
});

/** Timers: delayed reconciles. The queue delivers them; the cron sweep re-arms lost ones. */
export const timers = sqliteTable(
  'timers',
  {
    id: text('id').primaryKey(), // reconciler + key: arming the same timer twice keeps one
    reconciler: text('reconciler').notNull(),
    key: text('key').notNull(),
    dueAt: integer('due_at').notNull(),
    armedAt: integer('armed_at').notNull(),
  },
  (t) => [index('timers_due').on(t.dueAt)],
);

/**
 * ownerReferences index: the garbage collector finds an owner's dependents by uid without
 * scanning every body. Maintained by the store in the same batch as the object.
 */
export const objectOwners = sqliteTable(
  'object_owners',
  {
    ownerUid: text('owner_uid').notNull(),
    group: text('group').notNull(),
    resource: text('resource').notNull(),
    namespace: text('namespace').notNull(),
    name: text('name').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.group, t.resource, t.namespace, t.name, t.ownerUid] }),
    index('object_owners_uid').on(t.ownerUid),
  ],
);

/**
 * The reconcilers' work queues, one row per (reconciler, key) that is waiting or being
 * reconciled: client-go's workqueue made durable. A waiting row is claimable from `ready_at`;
 * a claimed row has `claim_expires`, and `fence` (bumped by every claim) fences the holder's
 * acknowledgement. `dirty_at` records an add while the key was claimed: it runs once more
 * after. `failures` is the per-key backoff count, forgotten on success.
 */
export const workQueue = sqliteTable(
  'work_queue',
  {
    reconciler: text('reconciler').notNull(),
    key: text('key').notNull(),
    readyAt: integer('ready_at').notNull(),
    addedAt: integer('added_at').notNull(),
    dirtyAt: integer('dirty_at'),
    claimExpires: integer('claim_expires'),
    claimedAt: integer('claimed_at'),
    fence: integer('fence').notNull().default(0),
    failures: integer('failures').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.reconciler, t.key] }), index('work_queue_ready').on(t.reconciler, t.readyAt)],
);
