// Karmada's dependencies distributor, the pure part: a binding with propagateDeps records
// what its template depends on, and each dependency gets an "attached" ResourceBinding whose
// requiredBy lists a snapshot (namespace, name, clusters) of every binding needing it; the
// binding controller sends the dependency wherever any of those snapshots goes.

import type { BindingSpec, ResourceBinding } from '../karmada/resource-binding.js';
import { RESOURCE_BINDING_PERMANENT_ID_LABEL, WORK_GROUP, BINDING_VERSION, BINDING_CONTROLLER_FINALIZER } from '../karmada/resource-binding.js';
import type { DependentObjectReference } from '../interpreter/types.js';
import type { KubeObject } from '../object.js';
import { bindingName, bindingReferenceKey } from './names.js';

/** On the independent binding: its template's dependencies, sorted, as JSON. */
export const DEPENDENCIES_ANNOTATION = 'resourcebinding.karmada.io/dependencies';
/** On an attached binding, one per binding depending on it; the value is that binding's permanent id. */
export const DEPENDED_BY_LABEL_PREFIX = 'resourcebinding.karmada.io/depended-by-';

export type BindingSnapshot = NonNullable<BindingSpec['requiredBy']>[number];

export function dependedByLabelKey(namespace: string, name: string): string {
  return `${DEPENDED_BY_LABEL_PREFIX}${bindingReferenceKey(namespace, name)}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Dependencies in Karmada's order (apiVersion, kind, namespace, name), duplicates dropped. */
export function sortDependencies(deps: readonly DependentObjectReference[]): DependentObjectReference[] {
  const seen = new Set<string>();
  const out: DependentObjectReference[] = [];
  for (const d of deps) {
    const k = `${d.apiVersion}|${d.kind}|${d.namespace}|${d.name}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ apiVersion: d.apiVersion, kind: d.kind, namespace: d.namespace, name: d.name });
  }
  return out.sort((a, b) => compare(a.apiVersion, b.apiVersion) || compare(a.kind, b.kind) || compare(a.namespace, b.namespace) || compare(a.name, b.name));
}

/** The dependencies an independent binding recorded (none when absent or unreadable). */
export function recordedDependencies(binding: Pick<KubeObject, 'metadata'>): DependentObjectReference[] {
  const raw = binding.metadata.annotations?.[DEPENDENCIES_ANNOTATION];
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? (parsed as DependentObjectReference[]) : [];
  } catch {
    return [];
  }
}

/** Whether the dependency list names this object. */
export function dependsOn(deps: readonly DependentObjectReference[], apiVersion: string, kind: string, namespace: string, name: string): boolean {
  return deps.some((d) => d.apiVersion === apiVersion && d.kind === kind && d.namespace === namespace && d.name === name);
}

/** requiredBy with `snapshot` put in place of an entry for the same binding, or appended. */
export function mergeSnapshot(existing: readonly BindingSnapshot[] | undefined, snapshot: BindingSnapshot): BindingSnapshot[] {
  const out = [...(existing ?? [])];
  const i = out.findIndex((s) => (s.namespace ?? '') === (snapshot.namespace ?? '') && s.name === snapshot.name);
  if (i >= 0) out[i] = snapshot;
  else out.push(snapshot);
  return out;
}

/** The object reference a binding holds for a dependency it was built from. */
function resourceRef(obj: KubeObject): BindingSpec['resource'] {
  return {
    apiVersion: obj.apiVersion ?? '',
    kind: obj.kind ?? '',
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    name: obj.metadata.name ?? '',
    ...(obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
  };
}

/**
 * The attached binding for `dependency` as `independent` needs it: created fresh when
 * `existing` is undefined (with a fresh permanent id), else `existing` with this binding's
 * snapshot merged in. A binding a policy made (it has a placement) keeps its own conflictResolution.
 */
export function attachedBinding(independent: ResourceBinding, dependency: KubeObject, existing: ResourceBinding | undefined, newId: () => string = () => crypto.randomUUID()): ResourceBinding {
  const ns = independent.metadata.namespace ?? '';
  const name = independent.metadata.name ?? '';
  const snapshot: BindingSnapshot = { namespace: ns, name, ...(independent.spec.clusters?.length ? { clusters: independent.spec.clusters } : {}) };
  const label = { [dependedByLabelKey(ns, name)]: independent.metadata.labels?.[RESOURCE_BINDING_PERMANENT_ID_LABEL] ?? '' };
  const preserve = independent.spec.preserveResourcesOnDeletion;
  if (!existing) {
    return {
      apiVersion: `${WORK_GROUP}/${BINDING_VERSION}`,
      kind: 'ResourceBinding',
      metadata: {
        name: bindingName(dependency.kind ?? '', dependency.metadata.name ?? ''),
        namespace: ns,
        // The permanent id the webhook would stamp: the binding controller finds its Works by it.
        labels: { ...label, [RESOURCE_BINDING_PERMANENT_ID_LABEL]: newId() },
        finalizers: [BINDING_CONTROLLER_FINALIZER],
        ownerReferences: [{ apiVersion: dependency.apiVersion ?? '', kind: dependency.kind ?? '', name: dependency.metadata.name ?? '', uid: dependency.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        resource: resourceRef(dependency),
        requiredBy: [snapshot],
        conflictResolution: independent.spec.conflictResolution ?? 'Abort',
        ...(preserve !== undefined ? { preserveResourcesOnDeletion: preserve } : {}),
      },
    } as ResourceBinding;
  }
  const spec: BindingSpec = { ...existing.spec, resource: resourceRef(dependency), requiredBy: mergeSnapshot(existing.spec.requiredBy, snapshot) };
  if (!existing.spec.placement) spec.conflictResolution = independent.spec.conflictResolution ?? 'Abort';
  if (preserve !== undefined) spec.preserveResourcesOnDeletion = preserve;
  else delete spec.preserveResourcesOnDeletion;
  return { ...existing, metadata: { ...existing.metadata, labels: { ...(existing.metadata.labels ?? {}), ...label } }, spec };
}

/** An attached binding no longer needed by binding namespace/name: its label and snapshot removed. */
export function detachBinding(attached: ResourceBinding, namespace: string, name: string): ResourceBinding {
  const labels = { ...(attached.metadata.labels ?? {}) };
  delete labels[dependedByLabelKey(namespace, name)];
  const requiredBy = (attached.spec.requiredBy ?? []).filter((s) => !((s.namespace ?? '') === namespace && s.name === name));
  const spec: BindingSpec = { ...attached.spec };
  if (requiredBy.length) spec.requiredBy = requiredBy;
  else delete spec.requiredBy;
  delete spec.preserveResourcesOnDeletion;
  const metadata = { ...attached.metadata };
  if (Object.keys(labels).length) metadata.labels = labels;
  else delete metadata.labels;
  return { ...attached, metadata, spec };
}

/**
 * Karmada's mergeTargetClusters: where the binding controller sends a binding's resource, its
 * own scheduling result first, then every cluster a binding depending on it goes to.
 */
export function bindingTargetClusters(spec: Pick<BindingSpec, 'clusters' | 'requiredBy'>): NonNullable<BindingSpec['clusters']> {
  const out = [...(spec.clusters ?? [])];
  const seen = new Set(out.map((c) => c.name));
  for (const s of spec.requiredBy ?? []) {
    for (const c of s.clusters ?? []) {
      if (seen.has(c.name)) continue;
      seen.add(c.name);
      out.push({ name: c.name });
    }
  }
  return out;
}
