// Node registration, as kubelets do when a node boots: the member's simulated Nodes are
// created when it starts, their capacity follows the configured shape, and simulated nodes
// beyond the configured count are removed. Nodes are not re-created if deleted while the
// member runs (that is how one simulates losing a node) and post no heartbeats.

import type { ReconcileContext } from '../reconciler.js';
import type { KubeObject } from '../../shared/object.js';
import { SIMULATED_NODE_ANNOTATION, reconcileRegisteredNode } from '../../shared/simulator/nodes.js';
import { createObject, keyOf, removeObject, writeObject } from '../object-writes.js';
import { NODES } from './resources.js';

export interface RegistrationResult {
  created: number;
  updated: number;
  removed: number;
}

export async function registerNodes(ctx: ReconcileContext, desired: readonly KubeObject[]): Promise<RegistrationResult> {
  const result: RegistrationResult = { created: 0, updated: 0, removed: 0 };
  const wanted = new Set(desired.map((n) => n.metadata.name));
  for (const node of desired) {
    const key = keyOf(NODES, '', node.metadata.name ?? '');
    const existing = await ctx.store.get(key);
    if (!existing) {
      if (await createObject(ctx, NODES, node)) result.created++;
      continue;
    }
    const next = reconcileRegisteredNode(existing, node);
    if (next && (await writeObject(ctx, key, existing, next)) === 'written') result.updated++;
  }
  const all = await ctx.store.list({ ...NODES });
  for (const node of all.items) {
    if (node.metadata.annotations?.[SIMULATED_NODE_ANNOTATION] && !wanted.has(node.metadata.name)) {
      await removeObject(ctx, NODES, node);
      result.removed++;
    }
  }
  return result;
}
