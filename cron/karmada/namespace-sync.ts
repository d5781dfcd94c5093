// Karmada's namespace sync controller: each namespace that should be everywhere gets a Work
// in every cluster's execution namespace, clusters joined later included. The Works are
// owned by the namespace, so deleting it takes them (and the members' copies) away.
// A namespace a ClusterPropagationPolicy holds is left to that policy's binding.

import type { Reconciler, ReconcileContext } from '../reconciler.js';
import type { LoggedChange } from '../../db/store.js';
import type { KubeObject } from '../../shared/object.js';
import type { Cluster } from '../../shared/karmada/cluster.js';
import type { ClusterOverridePolicy } from '../../shared/karmada/override-policy.js';
import type { ClusterPropagationPolicy } from '../../shared/karmada/propagation-policy.js';
import { WORK_GROUP, WORK_VERSION, WORK_PERMANENT_ID_LABEL, EXECUTION_CONTROLLER_FINALIZER, WORK_NAME_ANNOTATION, WORK_NAMESPACE_ANNOTATION, type Work } from '../../shared/karmada/work.js';
import { CLUSTER_RESOURCE_BINDING_PERMANENT_ID_LABEL } from '../../shared/karmada/resource-binding.js';
import { stampManifest } from '../../shared/karmada/admission/work.js';
import { workName } from '../../shared/binding/names.js';
import { namespaceClaimedByPolicy, namespaceNameSynced, namespaceShouldBeSynced, namespaceWorkManifest } from '../../shared/namespace/namespace-sync.js';
import { jsonEqual } from '../../shared/json-equal.js';
import { createObject, isDeleting, keyOf, writeSpec } from '../object-writes.js';
import { executionNamespace } from './cluster.js';
import { CLUSTERS, CLUSTER_OVERRIDE_POLICIES, CLUSTER_PROPAGATION_POLICIES, NAMESPACES, WORKS } from './resources.js';

export const NAMESPACE_SYNC = 'namespace-sync';
const ALL = 'all';

async function listAll(ctx: ReconcileContext, r: { group: string; resource: string }): Promise<KubeObject[]> {
  if (ctx.cache) return (await ctx.cache.list({ group: r.group, resource: r.resource })).items;
  const out: KubeObject[] = [];
  let cont: string | undefined;
  do {
    const page = await ctx.store.list({ group: r.group, resource: r.resource }, { limit: 500, ...(cont ? { continue: cont } : {}) });
    out.push(...page.items);
    cont = page.continue;
  } while (cont);
  return out;
}

async function reconcileNamespace(ctx: ReconcileContext, name: string): Promise<void> {
  if (!namespaceNameSynced(name)) return;
  const ns = await ctx.store.get(keyOf(NAMESPACES, '', name));
  // A namespace being deleted: its Works go with it through their owner reference.
  if (!ns || !namespaceShouldBeSynced(ns)) return;
  const cpps = (await listAll(ctx, CLUSTER_PROPAGATION_POLICIES)) as ClusterPropagationPolicy[];
  if (namespaceClaimedByPolicy(ns, cpps)) return;
  const clusters = ((await listAll(ctx, CLUSTERS)) as Cluster[]).filter((c) => !isDeleting(c as KubeObject));
  const cops = (await listAll(ctx, CLUSTER_OVERRIDE_POLICIES)) as ClusterOverridePolicy[];
  const wName = workName('Namespace', name, undefined);
  const owner = { apiVersion: 'v1', kind: 'Namespace', name, uid: ns.metadata.uid!, controller: true, blockOwnerDeletion: true };
  for (const cluster of clusters) {
    const wNs = executionNamespace(cluster.metadata.name ?? '');
    const current = (await ctx.store.get(keyOf(WORKS, wNs, wName))) as Work | undefined;
    // A binding's Work of the same name (a policy took the namespace over) is not ours to touch.
    if (current?.metadata.labels?.[CLUSTER_RESOURCE_BINDING_PERMANENT_ID_LABEL]) continue;
    if (current && isDeleting(current as KubeObject)) continue;
    const { manifest, workAnnotations } = namespaceWorkManifest(ns, cluster, cops);
    const workId = current?.metadata.labels?.[WORK_PERMANENT_ID_LABEL] ?? crypto.randomUUID();
    const stamped = stampManifest(manifest as unknown as Record<string, unknown>, workId);
    const meta = stamped.metadata as Record<string, unknown>;
    meta.annotations = { ...(meta.annotations as Record<string, string>), [WORK_NAMESPACE_ANNOTATION]: wNs, [WORK_NAME_ANNOTATION]: wName };
    const labels = { ...(current?.metadata.labels ?? {}), [WORK_PERMANENT_ID_LABEL]: workId };
    const annotations = { ...Object.fromEntries(Object.entries(current?.metadata.annotations ?? {}).filter(([k]) => !k.startsWith('policy.karmada.io/applied-'))), ...workAnnotations };
    const spec = { workload: { manifests: [stamped] } };
    if (!current) {
      await createObject(ctx, WORKS, {
        apiVersion: `${WORK_GROUP}/${WORK_VERSION}`,
        kind: 'Work',
        metadata: { name: wName, namespace: wNs, finalizers: [EXECUTION_CONTROLLER_FINALIZER], labels, annotations, ownerReferences: [owner] },
        spec,
      } as KubeObject);
      continue;
    }
    const others = (current.metadata.ownerReferences ?? []).filter((o) => o.uid !== owner.uid && !o.controller);
    const next = { ...current, metadata: { ...current.metadata, labels, annotations, ownerReferences: [owner, ...others] }, spec };
    if (!jsonEqual(next, current)) await writeSpec(ctx, WORKS, current as KubeObject, next as KubeObject);
  }
}

/** Every namespace looked at again: a cluster joined, or a ClusterOverridePolicy or ClusterPropagationPolicy changed. */
async function enqueueAll(ctx: ReconcileContext): Promise<void> {
  for (const ns of await listAll(ctx, NAMESPACES)) {
    const name = ns.metadata.name ?? '';
    if (namespaceNameSynced(name)) await ctx.enqueue(NAMESPACE_SYNC, `ns/${name}`);
  }
}

function isOf(change: LoggedChange, r: { group: string; resource: string }): boolean {
  return change.key.group === r.group && change.key.resource === r.resource;
}

export const namespaceSyncController: Reconciler = {
  name: NAMESPACE_SYNC,
  maxConcurrentFlag: 'concurrent-namespace-syncs',
  keysFor(change: LoggedChange) {
    if (isOf(change, NAMESPACES)) return change.type === 'DELETED' || !namespaceNameSynced(change.key.name) ? [] : [`ns/${change.key.name}`];
    // A joined cluster gets every namespace; a cluster's status updates change nothing here.
    if (isOf(change, CLUSTERS)) return change.type === 'ADDED' ? [ALL] : [];
    if (isOf(change, CLUSTER_OVERRIDE_POLICIES) || isOf(change, CLUSTER_PROPAGATION_POLICIES)) return [ALL];
    // A Work of ours deleted by hand is made again.
    if (isOf(change, WORKS) && change.type === 'DELETED') {
      const owner = change.object.metadata.ownerReferences?.find((o) => o.controller && o.kind === 'Namespace' && o.apiVersion === 'v1');
      return owner ? [`ns/${owner.name}`] : [];
    }
    return [];
  },
  async reconcile(ctx, key) {
    if (key === ALL) await enqueueAll(ctx);
    else if (key.startsWith('ns/')) await reconcileNamespace(ctx, key.slice(3));
  },
  async resync(ctx) {
    return (await listAll(ctx, NAMESPACES)).map((n) => n.metadata.name ?? '').filter(namespaceNameSynced).map((n) => `ns/${n}`);
  },
};
