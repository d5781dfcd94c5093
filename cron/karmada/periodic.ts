// Karmada's periodic work that must not cost a write while nothing changes: member health
// probes and the work status poll. The cron tick runs them in-process, a few clusters at a
// time, each member call under its own deadline.
//
// Every tick asks each member for its health, so a member that stops answering is noticed
// within a tick. The slow part of a look (version, API discovery, every Node and Pod for the
// resource summary) and the status poll of members whose changes already arrive as watch
// events come once per --cluster-status-update-frequency (Karmada: 10 s) per cluster: on a
// fleet of large members, listing every Pod of every member each tick was most of the
// control plane's work while nothing changed.

import type { ReconcileContext } from '../reconciler.js';
import { controllerSettings } from '../../shared/controller-settings.js';
import { forEachLimited } from '../object-writes.js';
import { clusterNames, reconcileCluster } from './cluster.js';
import { pollWorkStatuses } from './work-status.js';

/** When this isolate last took a full look at each cluster; a new isolate starts with one. */
const lastFullLook = new Map<string, number>();

export async function karmadaPeriodic(ctx: ReconcileContext): Promise<void> {
  if (!ctx.members) return;
  const now = ctx.now();
  const every = controllerSettings(ctx).clusterStatusUpdateFrequencyMs;
  const names = await clusterNames(ctx);
  const due = new Set(names.filter((n) => now - (lastFullLook.get(n) ?? -Infinity) >= every));
  await forEachLimited(names, 5, async (name) => {
    try {
      await reconcileCluster(ctx, name, due.has(name));
    } catch (e) {
      console.error(`cluster ${name}: ${(e as Error).message}`);
    }
  });
  await pollWorkStatuses(ctx, (c) => due.has(c.metadata.name ?? ''));
  for (const name of due) lastFullLook.set(name, now);
  const present = new Set(names);
  for (const name of lastFullLook.keys()) if (!present.has(name)) lastFullLook.delete(name);
}
