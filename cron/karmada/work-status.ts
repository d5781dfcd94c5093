// Karmada's work status controller: what the members hold comes back into each Work's
// manifestStatuses. Stateless functions cannot hold watches, so the tick polls each ready
// Push member (one list per kind in use) and writes only the Works whose status changed;
// a Work is also refreshed on demand by its key (the member watches' path).

import type { Reconciler, ReconcileContext } from '../reconciler.js';
import type { KubeObject } from '../../shared/object.js';
import type { Cluster } from '../../shared/karmada/cluster.js';
import { CLUSTER_CONDITION_READY } from '../../shared/karmada/cluster.js';
import { EXECUTION_SPACE_PREFIX, type Work } from '../../shared/karmada/work.js';
import { manifestStatuses } from '../../shared/binding/work-status.js';
import { getMemberObject, listMemberObjects, resourcePath } from '../../shared/member/member-api.js';
import { isMemberError, type MemberClient } from '../../shared/member/member-client.js';
import { MANAGED_LABEL } from '../../shared/binding/work-manifest.js';
import { jsonEqual } from '../../shared/json-equal.js';
import { keyOf, splitNamespacedName, writeObject, forEachLimited } from '../object-writes.js';
import { registryResolver, appliedAtGeneration } from './execution.js';
import { memberClientFor } from './member-endpoint.js';
import { CLUSTERS, WORKS } from './resources.js';

export const WORK_STATUS = 'work-status';

function isReady(c: Cluster): boolean {
  return c.status?.conditions?.some((x) => x.type === CLUSTER_CONDITION_READY && x.status === 'True') ?? false;
}

async function writeStatuses(ctx: ReconcileContext, work: Work, observed: Array<KubeObject | undefined>): Promise<void> {
  const statuses = manifestStatuses(work, observed, registryResolver(ctx.registry));
  const status = { ...(work.status ?? {}), manifestStatuses: statuses };
  if (!statuses.length) delete (status as { manifestStatuses?: unknown }).manifestStatuses;
  if (jsonEqual(status, work.status ?? {})) return;
  await writeObject(ctx, keyOf(WORKS, work.metadata.namespace ?? '', work.metadata.name ?? ''), work as KubeObject, { ...work, status } as KubeObject);
}

async function observe(ctx: ReconcileContext, client: MemberClient, work: Work): Promise<Array<KubeObject | undefined>> {
  const resolve = registryResolver(ctx.registry);
  const out: Array<KubeObject | undefined> = [];
  for (const m of (work.spec.workload?.manifests ?? []) as KubeObject[]) {
    const info = resolve(m.apiVersion ?? '', m.kind ?? '');
    out.push(info ? await getMemberObject(client, resourcePath(info, info.namespaced ? m.metadata.namespace || 'default' : undefined, m.metadata.name)) : undefined);
  }
  return out;
}

/** Polls one member: every kind its Works use is listed once (managed objects only), then each Work's statuses are compared. */
/** `evenIfWatched`: poll a member whose changes already arrive as watch events (the periodic safety net). */
export async function pollClusterWorkStatuses(ctx: ReconcileContext, cluster: Cluster, opts: { evenIfWatched?: boolean } = {}): Promise<void> {
  if (!isReady(cluster) || cluster.spec.syncMode === 'Pull') return;
  const client = await memberClientFor(ctx, cluster);
  if (!client || (client.watched && !opts.evenIfWatched)) return;
  const ns = `${EXECUTION_SPACE_PREFIX}${cluster.metadata.name}`;
  const works = ((await ctx.store.list({ group: WORKS.group, resource: WORKS.resource, namespace: ns })).items as Work[]).filter((w) => appliedAtGeneration(w) && !w.metadata.deletionTimestamp);
  if (!works.length) return;
  const resolve = registryResolver(ctx.registry);
  const byPath = new Map<string, Map<string, KubeObject>>();
  for (const w of works) {
    for (const m of (w.spec.workload?.manifests ?? []) as KubeObject[]) {
      const info = resolve(m.apiVersion ?? '', m.kind ?? '');
      if (!info) continue;
      const listPath = resourcePath(info, undefined);
      if (byPath.has(listPath)) continue;
      try {
        const items = await listMemberObjects(client, listPath, { labelSelector: `${MANAGED_LABEL}=true` });
        byPath.set(listPath, new Map(items.map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`, o])));
      } catch (e) {
        if (isMemberError(e, 'unreachable') || isMemberError(e, 'timeout')) return;
        byPath.set(listPath, new Map());
      }
    }
  }
  for (const w of works) {
    const observed = ((w.spec.workload?.manifests ?? []) as KubeObject[]).map((m) => {
      const info = resolve(m.apiVersion ?? '', m.kind ?? '');
      if (!info) return undefined;
      const ns = info.namespaced ? m.metadata.namespace || 'default' : '';
      return byPath.get(resourcePath(info, undefined))?.get(`${ns}/${m.metadata.name ?? ''}`);
    });
    await writeStatuses(ctx, w, observed);
  }
}

/** The tick's pass over every member (a few at a time: one slow member delays only its own slot). */
/**
 * Polls every ready Push member nobody watches; a watched one only when `safetyNetDue` says
 * (its changes come as events; the poll catches what a watch restart may have missed).
 */
export async function pollWorkStatuses(ctx: ReconcileContext, safetyNetDue: (cluster: Cluster) => boolean = () => true): Promise<void> {
  const { items } = await ctx.store.list({ group: CLUSTERS.group, resource: CLUSTERS.resource });
  await forEachLimited(items as Cluster[], 5, (c) => pollClusterWorkStatuses(ctx, c, { evenIfWatched: safetyNetDue(c) }));
}

export const workStatusController: Reconciler = {
  name: WORK_STATUS,
  concurrency: 5,
  maxConcurrentFlag: 'concurrent-work-syncs',
  // Driven by member observations (the tick's poll, member watches), not by the change log.
  keysFor() {
    return [];
  },
  async reconcile(ctx, key) {
    const { namespace, name } = splitNamespacedName(key);
    const work = (await ctx.store.get(keyOf(WORKS, namespace, name))) as Work | undefined;
    if (!work || !appliedAtGeneration(work)) return;
    const cluster = (await ctx.store.get(keyOf(CLUSTERS, '', namespace.slice(EXECUTION_SPACE_PREFIX.length)))) as Cluster | undefined;
    if (!cluster || !isReady(cluster)) return;
    const client = await memberClientFor(ctx, cluster);
    if (!client) return;
    await writeStatuses(ctx, work, await observe(ctx, client, work));
  },
};
