import { jsonEqual } from './json-equal.js';
import type { KubeObject, ObjectMeta } from './object.js';
import { validateName, validateNamespaceName } from './names.js';
import { groupVersionString, storageVersionOf, type ResourceType } from './registry/resource-type.js';
import { ApiError, errors, type StatusCause } from './status.js';
import { rfc3339 } from './time.js';
import { normalizeSecret } from './secrets.js';
import { checkObjectMeta } from './metadata-validation.js';

/** Finalizers the garbage collector acts on (set by DELETE with a propagation policy). */
export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';
/** The namespace controller's spec finalizer. */
export const NAMESPACE_FINALIZER = 'kubernetes';

/** Namespaces kube-apiserver creates at start-up; the first three may never be deleted. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;
export const IMMORTAL_NAMESPACES = ['default', 'kube-system', 'kube-public'] as const;

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

/** Who the object is, for error messages ("deployments.apps "x""). */
export function refOf(type: ResourceType, name: string | undefined): { group: string; resource: string; name?: string } {
  return { group: type.group, resource: type.resource, ...(name !== undefined ? { name } : {}) };
}

export function invalidError(type: ResourceType, name: string, causes: StatusCause[]): ApiError {
  return errors.invalid({ group: type.group, resource: type.resource, kind: type.kind, name }, causes);
}

function hasStatusSubresource(type: ResourceType): boolean {
  return type.subresources.includes('status');
}

/** Everything generation tracks: the object without metadata, status and type information. */
function specOf(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

/** Whether an update must bump metadata.generation (upstream: spec changes; deployments also annotations). */
export function generationChanged(type: ResourceType, old: KubeObject, next: KubeObject): boolean {
  if (type.generation === 'none') return false;
  if (!jsonEqual(specOf(old), specOf(next))) return true;
  return type.generation === 'spec+annotations' && !jsonEqual(old.metadata.annotations ?? {}, next.metadata.annotations ?? {});
}

/** Field errors of the metadata every kind shares: name, namespace. */
export function validateObjectMeta(type: ResourceType, meta: ObjectMeta): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!meta.name) {
    causes.push({ type: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' });
  } else {
    causes.push(...validateName(meta.name, type.nameRule));
  }
  if (type.namespaced) {
    if (!meta.namespace) causes.push({ type: 'FieldValueRequired', message: 'Required value', field: 'metadata.namespace' });
    else causes.push(...validateNamespaceName(meta.namespace));
  }
  return causes;
}

/** Defaults the handlers apply on every write: what kube's defaulting would make visible to kubectl. */
function applyDefaults(type: ResourceType, obj: KubeObject): void {
  const spec = obj.spec as Record<string, unknown> | undefined;
  // Custom resources default only what their schema says (shared/crd/defaulting.ts).
  if (type.subresources.includes('scale') && !type.customResource && spec && typeof spec === 'object' && spec.replicas === undefined) {
    spec.replicas = 1;
  }
  if (type.group === '' && type.resource === 'namespaces') {
    if (obj.spec !== undefined && obj.spec !== null && (typeof obj.spec !== 'object' || Array.isArray(obj.spec))) {
      throw errors.badRequest(`Namespace in version "v1" cannot be handled as a Namespace: spec must be an object, not ${Array.isArray(obj.spec) ? 'an array' : typeof obj.spec}`);
    }
    const nsSpec = (obj.spec ?? {}) as Record<string, unknown>;
    if (!Array.isArray(nsSpec.finalizers)) nsSpec.finalizers = [NAMESPACE_FINALIZER];
    obj.spec = nsSpec;
    // Every namespace carries its own name as a label so selectors can pick namespaces by name.
    if (obj.metadata.name) obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
  }
  if (type.group === '' && type.resource === 'secrets') normalizeSecret(obj, obj.metadata.name ?? '');
}

/** Metadata types and label/annotation syntax (shared/metadata-validation.ts): 400 or 422 before anything is stored. */
function checkMeta(type: ResourceType, obj: KubeObject): void {
  const causes = checkObjectMeta(type.kind, storageVersionOf(type), obj.metadata as Record<string, unknown>);
  if (causes.length) throw invalidError(type, obj.metadata.name ?? '', causes);
}

export interface CreateContext {
  /** The namespace from the URL ('' for cluster-scoped). */
  namespace: string;
  now: number;
  uid: string;
}

/**
 * Fills in what kube-apiserver owns on create: uid, creationTimestamp, generation 1, type
 * information in the storage version, a reset status for kinds with a status subresource,
 * and no deletion state. The name (or generateName's result) must already be set.
 */
export function prepareForCreate(type: ResourceType, input: KubeObject, ctx: CreateContext): KubeObject {
  const obj = structuredClone(input);
  const meta: ObjectMeta = { ...(obj.metadata ?? {}) };
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  meta.uid = ctx.uid;
  meta.creationTimestamp = rfc3339(ctx.now);
  if (type.namespaced) meta.namespace = ctx.namespace;
  else delete meta.namespace;
  if (type.generation !== 'none') meta.generation = 1;
  else delete meta.generation;
  obj.metadata = meta;
  obj.apiVersion = groupVersionString(type.group, storageVersionOf(type));
  obj.kind = type.kind;
  if (hasStatusSubresource(type) && !type.keepStatusOnCreate) {
    obj.status = structuredClone(type.initialStatus ?? {});
  }
  applyDefaults(type, obj);
  checkMeta(type, obj);
  return obj;
}

export type UpdateTarget = 'main' | 'status' | 'finalize';

/**
 * Merges an incoming object over the stored one the way kube-apiserver's update strategies
 * do: the main resource cannot change status, /status can change only status, /finalize only
 * a namespace's spec.finalizers; identity and deletion state always come from storage;
 * generation moves only when the spec does. Throws 422 for new finalizers on an object
 * being deleted.
 */
export function prepareForUpdate(type: ResourceType, old: KubeObject, input: KubeObject, target: UpdateTarget = 'main'): KubeObject {
  let next: KubeObject;
  if (target === 'status') {
    next = { ...structuredClone(old), status: structuredClone(input.status) };
    if (input.status === undefined) delete next.status;
  } else if (target === 'finalize') {
    const spec = { ...((old.spec as Record<string, unknown>) ?? {}) };
    spec.finalizers = structuredClone((input.spec as Record<string, unknown> | undefined)?.finalizers ?? []);
    next = { ...structuredClone(old), spec };
  } else {
    next = structuredClone(input);
    next.metadata = { ...(input.metadata ?? {}) };
    if (hasStatusSubresource(type)) {
      if (old.status === undefined) delete next.status;
      else next.status = structuredClone(old.status);
    }
    if (type.group === '' && type.resource === 'namespaces') {
      next.spec = { ...((next.spec as Record<string, unknown>) ?? {}), finalizers: (old.spec as Record<string, unknown> | undefined)?.finalizers };
    }
  }
  const om = old.metadata;
  const meta: ObjectMeta = { ...next.metadata };
  delete meta.resourceVersion;
  delete meta.selfLink;
  meta.name = om.name;
  if (type.namespaced) meta.namespace = om.namespace;
  else delete meta.namespace;
  meta.uid = om.uid;
  meta.creationTimestamp = om.creationTimestamp;
  if (om.deletionTimestamp) meta.deletionTimestamp = om.deletionTimestamp;
  else delete meta.deletionTimestamp;
  if (om.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
  else delete meta.deletionGracePeriodSeconds;
  if (type.generation !== 'none') meta.generation = om.generation ?? 1;
  else delete meta.generation;
  next.metadata = meta;
  next.apiVersion = groupVersionString(type.group, storageVersionOf(type));
  next.kind = type.kind;
  if (target === 'main') {
    applyDefaults(type, next);
    checkMeta(type, next);
  }
  if (type.generation !== 'none' && generationChanged(type, old, next)) meta.generation = (om.generation ?? 1) + 1;

  if (om.deletionTimestamp) {
    const before = new Set(om.finalizers ?? []);
    const added = (meta.finalizers ?? []).filter((f) => !before.has(f));
    if (added.length) {
      throw invalidError(type, om.name ?? '', [
        {
          type: 'FieldValueForbidden',
          message: 'Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ' + JSON.stringify(added),
          field: 'metadata.finalizers',
        },
      ]);
    }
  }
  return next;
}

/** Whether an object marked for deletion has nothing left holding it (the update path then deletes it). */
export function readyToDelete(type: ResourceType, obj: KubeObject): boolean {
  if (!obj.metadata.deletionTimestamp) return false;
  if ((obj.metadata.finalizers ?? []).length > 0) return false;
  if (type.group === '' && type.resource === 'namespaces') {
    const fins = (obj.spec as Record<string, unknown> | undefined)?.finalizers;
    if (Array.isArray(fins) && fins.length > 0) return false;
  }
  return true;
}

export interface DeletionPlan {
  /** The object to store (deletion marked) when it cannot go yet; undefined to delete now. */
  marked?: KubeObject;
}

/**
 * kube-apiserver's graceful-deletion decision: a propagation policy adds the GC's finalizer,
 * an object with finalizers (or a namespace with spec finalizers) gets deletionTimestamp and
 * stays; anything else is removed at once.
 */
export function planDeletion(
  type: ResourceType,
  obj: KubeObject,
  opts: { propagationPolicy?: PropagationPolicy; now: number },
): DeletionPlan {
  const policy = opts.propagationPolicy ?? type.defaultPropagation;
  const finalizers = [...(obj.metadata.finalizers ?? [])];
  const alreadyDeleting = Boolean(obj.metadata.deletionTimestamp);
  const withFinalizer = (f: string): void => {
    if (!finalizers.includes(f)) finalizers.push(f);
  };
  const without = (f: string): void => {
    const i = finalizers.indexOf(f);
    if (i >= 0) finalizers.splice(i, 1);
  };
  // The policy only matters while dependents may exist; upstream applies it on every DELETE.
  if (policy === 'Orphan') {
    withFinalizer(FINALIZER_ORPHAN);
    without(FINALIZER_FOREGROUND);
  } else if (policy === 'Foreground') {
    withFinalizer(FINALIZER_FOREGROUND);
    without(FINALIZER_ORPHAN);
  } else if (opts.propagationPolicy === 'Background') {
    without(FINALIZER_ORPHAN);
    without(FINALIZER_FOREGROUND);
  }
  const isNamespace = type.group === '' && type.resource === 'namespaces';
  const nsFinalizers = isNamespace ? ((obj.spec as Record<string, unknown> | undefined)?.finalizers as unknown[] | undefined) ?? [] : [];
  // Orphaning nothing costs nothing: an object that never had finalizers and is asked to orphan
  // still waits for the GC, as upstream does, so the GC can clear ownerReferences first.
  if (finalizers.length === 0 && nsFinalizers.length === 0) return {};
  const marked = structuredClone(obj);
  marked.metadata = { ...marked.metadata, finalizers };
  if (!alreadyDeleting) {
    marked.metadata.deletionTimestamp = rfc3339(opts.now);
    marked.metadata.deletionGracePeriodSeconds = 0;
    if (type.generation !== 'none' && marked.metadata.generation !== undefined) marked.metadata.generation += 1;
  }
  if (isNamespace) {
    marked.status = { ...((marked.status as Record<string, unknown>) ?? {}), phase: 'Terminating' };
  }
  return { marked };
}
