// Karmada's dependencies distributor: for a ResourceBinding with propagateDeps, the
// ConfigMaps, Secrets, ServiceAccounts and PVCs its template references get attached
// bindings that follow it to the same clusters (requiredBy) and leave with it. It writes
// only the dependencies annotation of the binding it reads and the attached bindings.

import type { Reconciler, ReconcileContext, ReconcileResult } from '../reconciler.js';
import type { LoggedChange } from '../../db/store.js';
import type { KubeObject } from '../../shared/object.js';
import type { ResourceBinding } from '../../shared/karmada/resource-binding.js';
import { getDependencies } from '../../shared/interpreter/index.js';
import type { DependentObjectReference } from '../../shared/interpreter/types.js';
import {
  DEPENDENCIES_ANNOTATION,
  attachedBinding,
  dependedByLabelKey,
  dependsOn,
  detachBinding,
  recordedDependencies,
  sortDependencies,
} from '../../shared/binding/dependencies.js';
import { bindingName } from '../../shared/binding/names.js';
import { jsonEqual } from '../../shared/json-equal.js';
import { createObject, isDeleting, keyOf, splitNamespacedName, writeObject, writeSpec, type Resource } from '../object-writes.js';
import { templateOf } from './binding.js';
import { RESOURCE_BINDINGS } from './resources.js';

export const DEPENDENCIES_DISTRIBUTOR = 'dependencies-distributor';

/** The kinds a pod template can depend on (Karmada's supportedTypes). */
const DEPENDENT_RESOURCES: ReadonlyArray<Resource & { kind: string }> = [
  { group: '', resource: 'configmaps', kind: 'ConfigMap' },
  { group: '', resource: 'secrets', kind: 'Secret' },
  { group: '', resource: 'serviceaccounts', kind: 'ServiceAccount' },
  { group: '', resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim' },
];

async function listBindings(ctx: ReconcileContext, namespace: string, labelSelector?: string): Promise<ResourceBinding[]> {
  const out: KubeObject[] = [];
  let cont: string | undefined;
  do {
    const page = await ctx.store.list({ group: RESOURCE_BINDINGS.group, resource: RESOURCE_BINDINGS.resource, namespace }, { limit: 500, ...(cont ? { continue: cont } : {}), ...(labelSelector ? { labelSelector } : {}) });
    out.push(...page.items);
    cont = page.continue;
  } while (cont);
  return out as ResourceBinding[];
}

/** Takes binding namespace/name out of every attached binding it no longer needs (all of them when `keep` is empty). */
async function detach(ctx: ReconcileContext, namespace: string, name: string, keep: readonly DependentObjectReference[]): Promise<void> {
  for (const a of await listBindings(ctx, namespace, dependedByLabelKey(namespace, name))) {
    const r = a.spec.resource;
    if (dependsOn(keep, r.apiVersion, r.kind, r.namespace ?? '', r.name)) continue;
    const next = detachBinding(a, namespace, name);
    if (!jsonEqual(next, a)) await writeSpec(ctx, RESOURCE_BINDINGS, a as KubeObject, next as KubeObject);
  }
}

async function dependencyObject(ctx: ReconcileContext, dep: DependentObjectReference): Promise<KubeObject | undefined> {
  const r = DEPENDENT_RESOURCES.find((d) => d.kind === dep.kind && dep.apiVersion === 'v1');
  if (!r) return undefined;
  const obj = await ctx.store.get(keyOf(r, dep.namespace, dep.name));
  return obj && !isDeleting(obj) ? { ...obj, apiVersion: 'v1', kind: dep.kind } : undefined;
}

async function reconcileBinding(ctx: ReconcileContext, namespace: string, name: string): Promise<ReconcileResult | void> {
  const bKey = keyOf(RESOURCE_BINDINGS, namespace, name);
  const binding = (await ctx.store.get(bKey)) as ResourceBinding | undefined;
  // Gone, going, or propagateDeps turned off: every attached binding lets go of it.
  if (!binding || isDeleting(binding as KubeObject) || !binding.spec.propagateDeps) {
    await detach(ctx, namespace, name, []);
    return;
  }
  const template = await templateOf(ctx, binding);
  if (!template) return;
  const deps = sortDependencies(getDependencies(template));
  const recorded = JSON.stringify(deps);
  if (binding.metadata.annotations?.[DEPENDENCIES_ANNOTATION] !== recorded) {
    const annotations = { ...(binding.metadata.annotations ?? {}), [DEPENDENCIES_ANNOTATION]: recorded };
    // The write wakes this binding again; that pass sees the annotation and goes on.
    await writeObject(ctx, bKey, binding as KubeObject, { ...binding, metadata: { ...binding.metadata, annotations } } as KubeObject);
    return;
  }
  await detach(ctx, namespace, name, deps);
  let retry = false;
  for (const dep of deps) {
    const obj = await dependencyObject(ctx, dep);
    // A dependency not there yet is picked up when it is created.
    if (!obj) continue;
    const aKey = keyOf(RESOURCE_BINDINGS, namespace, bindingName(dep.kind, dep.name));
    const existing = (await ctx.store.get(aKey)) as ResourceBinding | undefined;
    const owner = existing?.metadata.ownerReferences?.find((o) => o.controller);
    // A binding left by an earlier object of that name: the garbage collector takes it first.
    if (existing && owner && owner.uid !== obj.metadata.uid) {
      retry = true;
      continue;
    }
    if (existing && isDeleting(existing as KubeObject)) {
      retry = true;
      continue;
    }
    const next = attachedBinding(binding, obj, existing);
    if (!existing) await createObject(ctx, RESOURCE_BINDINGS, next as KubeObject);
    else if (!jsonEqual(next, existing)) await writeSpec(ctx, RESOURCE_BINDINGS, existing as KubeObject, next as KubeObject);
  }
  if (retry) return { requeue: true };
}

/** A dependency changed: the bindings whose templates need it are looked at again. */
async function reconcileDependency(ctx: ReconcileContext, kind: string, namespace: string, name: string): Promise<void> {
  for (const b of await listBindings(ctx, namespace)) {
    if (isDeleting(b as KubeObject) || !b.spec.propagateDeps) continue;
    if (dependsOn(recordedDependencies(b), 'v1', kind, namespace, name)) await ctx.enqueue(DEPENDENCIES_DISTRIBUTOR, `rb/${namespace}/${b.metadata.name}`);
  }
}

export const dependenciesDistributor: Reconciler = {
  name: DEPENDENCIES_DISTRIBUTOR,
  maxConcurrentFlag: 'concurrent-dependent-resource-syncs',
  keysFor(change: LoggedChange) {
    const k = change.key;
    if (k.group === RESOURCE_BINDINGS.group && k.resource === RESOURCE_BINDINGS.resource) {
      const spec = (change.object as ResourceBinding).spec;
      // A binding that had dependencies recorded must let them go when propagateDeps turns off or it is deleted.
      const relevant = spec?.propagateDeps || change.object.metadata.annotations?.[DEPENDENCIES_ANNOTATION] !== undefined;
      return relevant ? [`rb/${k.namespace}/${k.name}`] : [];
    }
    const dep = DEPENDENT_RESOURCES.find((d) => d.group === k.group && d.resource === k.resource);
    return dep && k.namespace ? [`dep/${dep.kind}/${k.namespace}/${k.name}`] : [];
  },
  async reconcile(ctx, key) {
    if (key.startsWith('rb/')) {
      const { namespace, name } = splitNamespacedName(key.slice(3));
      return reconcileBinding(ctx, namespace, name);
    }
    if (key.startsWith('dep/')) {
      const [kind = '', rest = ''] = [key.slice(4, key.indexOf('/', 4)), key.slice(key.indexOf('/', 4) + 1)];
      const { namespace, name } = splitNamespacedName(rest);
      await reconcileDependency(ctx, kind, namespace, name);
    }
  },
  async resync(ctx) {
    const out: string[] = [];
    let cont: string | undefined;
    do {
      const page = await ctx.store.list({ group: RESOURCE_BINDINGS.group, resource: RESOURCE_BINDINGS.resource }, { limit: 500, ...(cont ? { continue: cont } : {}) });
      for (const b of page.items as ResourceBinding[]) if (b.spec.propagateDeps) out.push(`rb/${b.metadata.namespace}/${b.metadata.name}`);
      cont = page.continue;
    } while (cont);
    return out;
  },
};
