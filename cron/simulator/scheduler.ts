// The simulated kube-scheduler. One key ('pending') stands for "some pod may need placing":
// a pending pod appearing, capacity freed (a pod gone or finished), a node or a claim changing.
// Each pass places every pending pod it can, oldest first, and records why the rest cannot go.

import type { Reconciler } from '../reconciler.js';
import type { KubeObject } from '../../shared/object.js';
import { boundPod, schedulePods, unschedulablePod } from '../../shared/simulator/pod-binding.js';
import { isActive, isTerminal, podSpec } from '../../shared/simulator/pod.js';
import { createMutex } from './mutex.js';
import { forEachLimited, isResource, keyOf, writeObject } from '../object-writes.js';
import { CLAIMS, NODES, PODS } from './resources.js';

const PENDING = 'pending';

async function listAll(list: (cont?: string) => Promise<{ items: KubeObject[]; continue?: string }>): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  let cont: string | undefined;
  do {
    const page = await list(cont);
    out.push(...page.items);
    cont = page.continue;
  } while (cont);
  return out;
}

function ownsScheduling(pod: KubeObject): boolean {
  const name = (pod.spec as { schedulerName?: string } | undefined)?.schedulerName;
  return name === undefined || name === 'default-scheduler';
}

export function createScheduler(): Reconciler {
  const exclusive = createMutex();
  return {
    name: 'scheduler',

    keysFor(change) {
      if (isResource(change.key, NODES) || isResource(change.key, CLAIMS)) return [PENDING];
      if (!isResource(change.key, PODS)) return [];
      const bound = Boolean(podSpec(change.object).nodeName);
      if (change.type === 'DELETED') return bound ? [PENDING] : [];
      if (!bound) return isActive(change.object) ? [PENDING] : [];
      return isTerminal(change.object) || change.object.metadata.deletionTimestamp ? [PENDING] : [];
    },

    reconcile(ctx) {
      return exclusive(async () => {
        const { store } = ctx;
        const scope = { ...PODS };
        const pending = (
          await listAll((c) => store.list(scope, { fieldSelector: 'spec.nodeName=', limit: 500, ...(c ? { continue: c } : {}) }))
        ).filter((p) => isActive(p) && ownsScheduling(p));
        if (pending.length === 0) return;
        const [nodes, placed] = await Promise.all([
          listAll((c) => store.list({ ...NODES }, { limit: 500, ...(c ? { continue: c } : {}) })),
          listAll((c) => store.list(scope, { fieldSelector: 'spec.nodeName!=', limit: 500, ...(c ? { continue: c } : {}) })),
        ]);
        const wantsClaims = pending.some((p) => (podSpec(p).volumes ?? []).some((v) => v.persistentVolumeClaim));
        const claims = new Map<string, string>();
        if (wantsClaims) {
          for (const c of await listAll((cont) => store.list({ ...CLAIMS }, { limit: 500, ...(cont ? { continue: cont } : {}) }))) {
            claims.set(`${c.metadata.namespace}/${c.metadata.name}`, String((c.status as { phase?: string } | undefined)?.phase ?? 'Pending'));
          }
        }
        const placements = schedulePods(pending, nodes, placed, (ns, name) => claims.get(`${ns}/${name}`));
        const now = ctx.now();
        await forEachLimited(placements, 4, async ({ pod, nodeName, message }) => {
          const key = keyOf(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '');
          const next = nodeName ? boundPod(pod, nodeName, now) : unschedulablePod(pod, message ?? '', now);
          if (next) await writeObject(ctx, key, pod, next);
        });
      });
    },

    async resync() {
      return [PENDING];
    },
  };
}
