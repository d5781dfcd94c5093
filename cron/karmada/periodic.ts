// Karmada's periodic work that must not cost a write while nothing changes: member health
// probes (--cluster-status-update-frequency) and the work status poll. The cron tick runs
// them in-process, a few clusters at a time, each member call under its own deadline.

import type { ReconcileContext } from '../reconciler.js';
import { forEachLimited } from '../object-writes.js';
import { clusterNames, reconcileCluster } from './cluster.js';
import { pollWorkStatuses } from './work-status.js';

export async function karmadaPeriodic(ctx: ReconcileContext): Promise<void> {
  if (!ctx.members) return;
  const names = await clusterNames(ctx);
  await forEachLimited(names, 5, async (name) => {
    try {
      await reconcileCluster(ctx, name);
    } catch (e) {
      console.error(`cluster ${name}: ${(e as Error).message}`);
    }
  });
  await pollWorkStatuses(ctx);
}
