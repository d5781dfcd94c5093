// Karmada's binding controllers (ResourceBinding and ClusterResourceBinding): one Work per
// target cluster in that cluster's execution namespace, named as Karmada names it, holding
// the template as that cluster should run it. Works of clusters no longer targeted go,
// except while a graceful eviction task still needs them; a binding being deleted takes its
// Works with it (a finalizer holds it until they are gone).

import type { Reconciler, ReconcileContext, ReconcileResult } from '../reconciler.js';
import type { LoggedChange } from '../../db/store.js';
import type { KubeObject } from '../../shared/object.js';
import type { Cluster } from '../../shared/karmada/cluster.js';
import type { ResourceBinding } from '../../shared/karmada/resource-binding.js';
import { releaseFinalizer } from './finalizers.js';
import { RESOURCE_BINDING_PERMANENT_ID_LABEL, CLUSTER_RESOURCE_BINDING_PERMANENT_ID_LABEL, BINDING_CONTROLLER_FINALIZER, CLUSTER_BINDING_CONTROLLER_FINALIZER } from '../../shared/karmada/resource-binding.js';
import type { ClusterOverridePolicy, OverridePolicy } from '../../shared/karmada/override-policy.js';
import { WORK_GROUP, WORK_VERSION, WORK_PERMANENT_ID_LABEL, EXECUTION_CONTROLLER_FINALIZER, WORK_NAME_ANNOTATION, WORK_NAMESPACE_ANNOTATION, type Work } from '../../shared/karmada/work.js';
import { stampManifest } from '../../shared/karmada/admission/work.js';
import { workName } from '../../shared/binding/names.js';
import { bindingTargetClusters } from '../../shared/binding/dependencies.js';
import { buildWorkManifest, BINDING_NAME_ANNOTATION, BINDING_NAMESPACE_ANNOTATION, CLUSTER_BINDING_NAME_ANNOTATION } from '../../shared/binding/work-manifest.js';
import { jsonEqual } from '../../shared/json-equal.js';
import { purgesDirectly } from '../../shared/failover/eviction-task.js';
import { preservedLabelsFor } from '../../shared/failover/preserved-label-state.js';
import { createObject, forEachLimited, isDeleting, keyOf, removeObject, writeObject, writeSpec, splitNamespacedName, type Resource } from '../object-writes.js';

/** Works of one binding written at once (one per cluster; a round trip each). */
const WORK_WRITES_IN_PARALLEL = 8;
import { executionNamespace } from './cluster.js';
import { CLUSTERS, CLUSTER_OVERRIDE_POLICIES, CLUSTER_RESOURCE_BINDINGS, OVERRIDE_POLICIES, RESOURCE_BINDINGS, WORKS } from './resources.js';

export const BINDING_CONTROLLER = 'binding';

function bindingKey(r: Resource, namespace: string, name: string): string {
  return `${r === RESOURCE_BINDINGS ? 'rb' : 'crb'}/${namespace}/${name}`;
}

function parseKey(key: string): { r: Resource; namespace: string; name: string } {
  const i = key.indexOf('/');
  const { namespace, name } = splitNamespacedName(key.slice(i + 1));
  return { r: key.slice(0, i) === 'rb' ? RESOURCE_BINDINGS : CLUSTER_RESOURCE_BINDINGS, namespace, name };
}

async function listScope(ctx: ReconcileContext, r: Resource, namespace?: string, labelSelector?: string): Promise<KubeObject[]> {
  const scope = { group: r.group, resource: r.resource, ...(namespace !== undefined ? { namespace } : {}) };
  if (ctx.cache && !labelSelector && namespace === undefined) return (await ctx.cache.list(scope)).items;
  const out: KubeObject[] = [];
  let cont: string | undefined;
  do {
    const page = await ctx.store.list(scope, { limit: 500, ...(cont ? { continue: cont } : {}), ...(labelSelector ? { labelSelector } : {}) });
    out.push(...page.items);
    cont = page.continue;
  } while (cont);
  return out;
}

/** The template a binding stands for, from its spec.resource. */
export async function templateOf(ctx: ReconcileContext, binding: ResourceBinding): Promise<KubeObject | undefined> {
  const res = binding.spec.resource;
  const [group, version] = res.apiVersion.includes('/') ? (res.apiVersion.split('/') as [string, string]) : ['', res.apiVersion];
  const types = ctx.registry.byKind(res.kind, group);
  const type = types.find((t) => t.versions.includes(version)) ?? types[0];
  if (!type) return undefined;
  const obj = await ctx.store.get(keyOf({ group: type.group, resource: type.resource }, type.namespaced ? (res.namespace ?? '') : '', res.name));
  if (!obj) return undefined;
  const v = type.storageVersion ?? type.versions[0]!;
  return { ...obj, apiVersion: obj.apiVersion ?? (type.group ? `${type.group}/${v}` : v), kind: obj.kind ?? type.kind };
}

function idLabel(r: Resource): string {
  return r === RESOURCE_BINDINGS ? RESOURCE_BINDING_PERMANENT_ID_LABEL : CLUSTER_RESOURCE_BINDING_PERMANENT_ID_LABEL;
}

async function worksOf(ctx: ReconcileContext, r: Resource, binding: ResourceBinding): Promise<Work[]> {
  const id = binding.metadata.labels?.[idLabel(r)];
  if (!id) return [];
  return (await listScope(ctx, WORKS, undefined, `${idLabel(r)}=${id}`)) as Work[];
}

async function reconcileBinding(ctx: ReconcileContext, key: string): Promise<ReconcileResult | void> {
  const { r, namespace, name } = parseKey(key);
  const bKey = keyOf(r, namespace, name);
  let binding = (await ctx.store.get(bKey)) as ResourceBinding | undefined;
  if (!binding) return;
  const finalizer = r === RESOURCE_BINDINGS ? BINDING_CONTROLLER_FINALIZER : CLUSTER_BINDING_CONTROLLER_FINALIZER;
  if (isDeleting(binding as KubeObject)) {
    const works = await worksOf(ctx, r, binding);
    for (const w of works) if (!isDeleting(w as KubeObject)) await removeObject(ctx, WORKS, w as KubeObject);
    if (works.length === 0 && binding.metadata.finalizers?.includes(finalizer)) await releaseFinalizer(ctx, bKey, binding as KubeObject, finalizer);
    return;
  }
  if (!binding.metadata.finalizers?.includes(finalizer)) {
    const next = { ...binding, metadata: { ...binding.metadata, finalizers: [...(binding.metadata.finalizers ?? []), finalizer] } };
    if ((await writeObject(ctx, bKey, binding as KubeObject, next as KubeObject)) !== 'written') return;
    binding = (await ctx.store.get(bKey)) as ResourceBinding | undefined;
    if (!binding) return;
  }
  const template = await templateOf(ctx, binding);
  if (!template) return;
  const clusters = new Map(((await listScope(ctx, CLUSTERS)) as Cluster[]).map((c) => [c.metadata.name ?? '', c]));
  const cops = (await listScope(ctx, CLUSTER_OVERRIDE_POLICIES)) as ClusterOverridePolicy[];
  const ops = template.metadata.namespace ? ((await listScope(ctx, OVERRIDE_POLICIES, template.metadata.namespace)) as OverridePolicy[]) : [];
  const existing = await worksOf(ctx, r, binding);
  const bindingId = binding.metadata.labels?.[idLabel(r)] ?? '';
  const wName = workName(template.kind ?? '', template.metadata.name ?? '', template.metadata.namespace);
  const wanted = new Set<string>();
  const suspension = binding.spec.suspension;
  let waiting = false;
  const spec = binding.spec;
  // A dependency's attached binding goes wherever the bindings needing it go (requiredBy).
  // Each cluster's Work is independent of the others': they are written side by side.
  await forEachLimited(bindingTargetClusters(spec), WORK_WRITES_IN_PARALLEL, async (target) => {
    const cluster = clusters.get(target.name);
    if (!cluster) return;
    const ns = executionNamespace(target.name);
    wanted.add(ns);
    const { manifest, workAnnotations } = buildWorkManifest({ template, spec, cluster, clusterOverridePolicies: cops, overridePolicies: ops });
    const preserved = preservedLabelsFor(spec, target.name);
    if (Object.keys(preserved).length) manifest.metadata = { ...manifest.metadata, labels: { ...(manifest.metadata.labels ?? {}), ...preserved } };
    let current = existing.find((w) => w.metadata.namespace === ns && w.metadata.name === wName);
    if (!current) {
      // A Work of that name written by someone else (the namespace sync, before a policy took
      // the namespace over) is adopted rather than fought over; one still going is waited for.
      const other = (await ctx.store.get(keyOf(WORKS, ns, wName))) as Work | undefined;
      if (other && isDeleting(other as KubeObject)) {
        waiting = true;
        return;
      }
      if (other) current = { ...other, metadata: { ...other.metadata, ownerReferences: other.metadata.ownerReferences?.filter((o) => !o.controller) } } as Work;
      if (current && !current.metadata.ownerReferences?.length) delete current.metadata.ownerReferences;
    }
    const workId = current?.metadata.labels?.[WORK_PERMANENT_ID_LABEL] ?? crypto.randomUUID();
    const stamped = stampManifest(manifest as unknown as Record<string, unknown>, workId);
    const meta = stamped.metadata as Record<string, unknown>;
    meta.annotations = { ...(meta.annotations as Record<string, string>), [WORK_NAMESPACE_ANNOTATION]: ns, [WORK_NAME_ANNOTATION]: wName };
    const suspended = Boolean(suspension?.dispatching || suspension?.dispatchingOnClusters?.clusterNames?.includes(target.name));
    const labels = { ...(current?.metadata.labels ?? {}), [idLabel(r)]: bindingId, [WORK_PERMANENT_ID_LABEL]: workId };
    const annotations: Record<string, string> = {
      ...Object.fromEntries(Object.entries(current?.metadata.annotations ?? {}).filter(([k]) => !k.startsWith('policy.karmada.io/applied-'))),
      ...(r === RESOURCE_BINDINGS ? { [BINDING_NAME_ANNOTATION]: name, [BINDING_NAMESPACE_ANNOTATION]: namespace } : { [CLUSTER_BINDING_NAME_ANNOTATION]: name }),
      ...workAnnotations,
    };
    const workSpec = {
      workload: { manifests: [stamped] },
      ...(suspended ? { suspendDispatching: true } : {}),
      ...(spec.preserveResourcesOnDeletion ? { preserveResourcesOnDeletion: true } : {}),
    };
    if (!current) {
      await createObject(ctx, WORKS, { apiVersion: `${WORK_GROUP}/${WORK_VERSION}`, kind: 'Work', metadata: { name: wName, namespace: ns, finalizers: [EXECUTION_CONTROLLER_FINALIZER], labels, annotations }, spec: workSpec } as KubeObject);
      return;
    }
    const next = { ...current, metadata: { ...current.metadata, labels, annotations }, spec: workSpec };
    const read = existing.includes(current) ? current : ((await ctx.store.get(keyOf(WORKS, ns, wName))) as Work);
    if (!jsonEqual(next, read)) await writeSpec(ctx, WORKS, read as KubeObject, next as KubeObject);
  });
  // A cluster still being evicted from keeps its Work until the eviction task is done.
  // Directly purges at once (Karmada's ObtainBindingSpecExistingClusters).
  const evicting = new Set((binding.spec.gracefulEvictionTasks ?? []).filter((t) => !purgesDirectly(t)).map((t) => executionNamespace(t.fromCluster)));
  for (const w of existing) {
    const ns = w.metadata.namespace ?? '';
    if (!wanted.has(ns) && !evicting.has(ns) && !isDeleting(w as KubeObject)) await removeObject(ctx, WORKS, w as KubeObject);
  }
  if (waiting) return { requeue: true };
}

/** An override policy changed: every binding it could touch is rebuilt (the builder decides what applies). */
async function reconcileOverridePolicy(ctx: ReconcileContext, namespace: string): Promise<void> {
  const rbs = await listScope(ctx, RESOURCE_BINDINGS, namespace || undefined);
  const crbs = namespace ? [] : await listScope(ctx, CLUSTER_RESOURCE_BINDINGS);
  for (const b of rbs) await ctx.enqueue(BINDING_CONTROLLER, bindingKey(RESOURCE_BINDINGS, b.metadata.namespace ?? '', b.metadata.name ?? ''));
  for (const b of crbs) await ctx.enqueue(BINDING_CONTROLLER, bindingKey(CLUSTER_RESOURCE_BINDINGS, '', b.metadata.name ?? ''));
}

export const bindingController: Reconciler = {
  name: BINDING_CONTROLLER,
  concurrency: 5,
  maxConcurrentFlag: 'concurrent-resourcebinding-syncs',
  keysFor(change: LoggedChange) {
    const k = change.key;
    if (k.group === RESOURCE_BINDINGS.group && k.resource === RESOURCE_BINDINGS.resource) return change.type === 'DELETED' ? [] : [bindingKey(RESOURCE_BINDINGS, k.namespace, k.name)];
    if (k.group === CLUSTER_RESOURCE_BINDINGS.group && k.resource === CLUSTER_RESOURCE_BINDINGS.resource) return change.type === 'DELETED' ? [] : [bindingKey(CLUSTER_RESOURCE_BINDINGS, '', k.name)];
    if (k.group === OVERRIDE_POLICIES.group && k.resource === OVERRIDE_POLICIES.resource) return [`op/${k.namespace}`];
    if (k.group === CLUSTER_OVERRIDE_POLICIES.group && k.resource === CLUSTER_OVERRIDE_POLICIES.resource) return ['op/'];
    // A Work deleted by hand (not by its binding) is made again.
    if (k.group === WORKS.group && k.resource === WORKS.resource && change.type === 'DELETED') {
      const a = change.object.metadata.annotations ?? {};
      if (a[BINDING_NAME_ANNOTATION]) return [bindingKey(RESOURCE_BINDINGS, a[BINDING_NAMESPACE_ANNOTATION] ?? '', a[BINDING_NAME_ANNOTATION])];
      if (a[CLUSTER_BINDING_NAME_ANNOTATION]) return [bindingKey(CLUSTER_RESOURCE_BINDINGS, '', a[CLUSTER_BINDING_NAME_ANNOTATION])];
    }
    return [];
  },
  async reconcile(ctx, key) {
    if (key.startsWith('op/')) await reconcileOverridePolicy(ctx, key.slice(3));
    else return reconcileBinding(ctx, key);
  },
};
