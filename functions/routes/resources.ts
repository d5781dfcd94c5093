import type { Context, Hono } from 'hono';
import { parseFieldSelector, checkSelectableFields } from '../../shared/field-selector.js';
import { parseLabelSelector } from '../../shared/label-selector.js';
import { toServedVersion, toStorageVersion } from '../../shared/conversion/index.js';
import { jsonEqual } from '../../shared/json-equal.js';
import { generateName } from '../../shared/names.js';
import type { KubeObject, ObjectKey } from '../../shared/object.js';
import {
  invalidError,
  planDeletion,
  prepareForCreate,
  prepareForUpdate,
  readyToDelete,
  refOf,
  validateObjectMeta,
  type UpdateTarget,
} from '../../shared/object-semantics.js';
import { applyJsonPatch } from '../../shared/patch/json-patch.js';
import { applyMergePatch } from '../../shared/patch/merge-patch.js';
import { applyStrategicMergePatch } from '../../shared/patch/strategic-merge.js';
import { groupVersionString, type ResourceType, type Verb } from '../../shared/registry/resource-type.js';
import { scaleAdapterFor } from '../../shared/crd/scale.js';
import { ApiError, errors, isApiError } from '../../shared/status.js';
import { decodeObjectBody, decodeOptionalJson, decodePatchBody, type PatchType } from '../body.js';
import { decodeFieldsStrictly, SCALE_KIND, validatePatchedFields } from '../field-validation.js';
import { checkDryRunQuery } from '../write-options.js';
import { admitWrite } from '../admission.js';
import { preventEscalation } from '../rbac-escalation.js';
import { admitCustomResourceWrite } from '../custom-resources.js';
import type { AppEnv, ServerContext } from '../context.js';
import { resolveDeleteOptions, type ResolvedDeleteOptions } from '../delete-options.js';
import { NamespaceInactiveError } from '../../db/store.js';
import { notFoundResponse } from '../errors.js';
import { admitCreateInNamespace, admitDelete } from '../namespace-lifecycle.js';
import { negotiateRendering } from '../negotiation.js';
import { isApplyPatch, withManagedFields } from '../field-manager.js';
import { jsonResponse, parseIncludeObject, renderList, renderObject } from '../render.js';
import { parseResourcePath, type ResourcePath } from '../request-info.js';
import { strategicMergeSchema, type StrategicMergeSchema } from '../strategic-merge.js';
import { serveWatch } from '../watch.js';
import { serveApply, type ApplyWritePaths } from './apply.js';
import { createReview } from './reviews.js';
import { createToken } from './token-request.js';

/** One resolved resource request: what the handlers below share. */
export interface ResourceRequest {
  ctx: ServerContext;
  c: Context<AppEnv>;
  type: ResourceType;
  path: ResourcePath;
  version: string;
  /** '' for cluster-scoped kinds. */
  namespace: string;
}

/** Attempts for writes that were not conditioned by the client (upstream's GuaranteedUpdate retries too). */
const MAX_WRITE_ATTEMPTS = 5;
const MAX_GENERATE_NAME_ATTEMPTS = 8;

function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

function keyOf(r: ResourceRequest, name: string): ObjectKey {
  return { group: r.type.group, resource: r.type.resource, namespace: r.namespace, name };
}

function isDryRun(r: ResourceRequest): boolean {
  return (r.c.req.queries('dryRun') ?? []).includes('All');
}

function served(r: ResourceRequest, obj: KubeObject): KubeObject {
  return toServedVersion(r.type, obj, r.version);
}

function requireVerb(type: ResourceType, verb: Verb): void {
  if (!type.verbs.includes(verb)) throw methodNotAllowed();
}

function isConflict(e: unknown): boolean {
  return isApiError(e) && e.reason === 'Conflict';
}

function conflict(r: ResourceRequest, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError {
  return errors.conflict(refOf(r.type, name), why);
}

async function getOrNotFound(r: ResourceRequest, name: string): Promise<KubeObject> {
  const obj = await r.ctx.store.get(keyOf(r, name));
  if (!obj) throw errors.notFound(refOf(r.type, name));
  return obj;
}

/**
 * Checks apiVersion and kind of a request body against the URL (both may be omitted, as
 * kube's decoder then defaults them) and reconciles its namespace with the URL's.
 */
function admitBody(r: ResourceRequest, body: Record<string, unknown>, expectKind = r.type.kind, expectGroupVersion = groupVersionString(r.type.group, r.version)): KubeObject {
  const apiVersion = body.apiVersion;
  if (apiVersion !== undefined && apiVersion !== '' && apiVersion !== expectGroupVersion) {
    throw errors.badRequest(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${expectGroupVersion})`);
  }
  const kind = body.kind;
  if (kind !== undefined && kind !== '' && kind !== expectKind) {
    throw errors.badRequest(`the kind in the data (${String(kind)}) does not match the expected kind (${expectKind})`);
  }
  const metadata = body.metadata;
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))) {
    throw errors.badRequest('metadata: must be an object');
  }
  const obj = { ...body, metadata: { ...((metadata as Record<string, unknown>) ?? {}) } } as KubeObject;
  if (r.type.namespaced) {
    const ns = obj.metadata.namespace;
    if (ns && ns !== r.namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = r.namespace;
  } else {
    delete obj.metadata.namespace;
  }
  return obj;
}

function respondObject(r: ResourceRequest, obj: KubeObject, status = 200): Response {
  const rendering = negotiateRendering(r.c.req.header('accept'), 'object');
  const includeObject = parseIncludeObject(r.c.req.query('includeObject'));
  return jsonResponse(renderObject(r.type, served(r, obj), rendering, { now: r.ctx.now(), ...(includeObject ? { includeObject } : {}) }), status);
}

function selectorsOf(r: ResourceRequest): { labelSelector?: string; fieldSelector?: string } {
  const labelSelector = r.c.req.query('labelSelector') ?? '';
  const fieldSelector = r.c.req.query('fieldSelector') ?? '';
  parseLabelSelector(labelSelector);
  checkSelectableFields(parseFieldSelector(fieldSelector), r.ctx.registry.selectableFieldNames(r.type), r.type.resource);
  return { ...(labelSelector ? { labelSelector } : {}), ...(fieldSelector ? { fieldSelector } : {}) };
}

// ---- read ----

async function getObject(r: ResourceRequest, name: string): Promise<Response> {
  requireVerb(r.type, 'get');
  return respondObject(r, await getOrNotFound(r, name));
}

async function listObjects(r: ResourceRequest): Promise<Response> {
  requireVerb(r.type, 'list');
  const selectors = selectorsOf(r);
  const rendering = negotiateRendering(r.c.req.header('accept'), 'list');
  const includeObject = parseIncludeObject(r.c.req.query('includeObject'));
  const limitParam = r.c.req.query('limit');
  const limit = limitParam ? Number(limitParam) : undefined;
  if (limitParam && (!Number.isInteger(limit) || limit! < 0)) throw errors.badRequest(`limit: Invalid value: "${limitParam}": must be a non-negative integer`);
  const cont = r.c.req.query('continue');
  const result = await r.ctx.store.list(
    { group: r.type.group, resource: r.type.resource, ...(r.namespace ? { namespace: r.namespace } : {}) },
    { ...selectors, ...(limit ? { limit } : {}), ...(cont ? { continue: cont } : {}) },
  );
  result.items = result.items.map((o) => served(r, o));
  return jsonResponse(renderList(r.type, r.version, result, rendering, { now: r.ctx.now(), ...(includeObject ? { includeObject } : {}) }));
}

async function watchObjects(r: ResourceRequest, name?: string): Promise<Response> {
  requireVerb(r.type, 'watch');
  const selectors = selectorsOf(r);
  // Watching one object is a watch with a metadata.name field selector, as client-go does it.
  if (name !== undefined) selectors.fieldSelector = [selectors.fieldSelector, `metadata.name=${name}`].filter(Boolean).join(',');
  const timeout = r.c.req.query('timeoutSeconds');
  const includeObject = parseIncludeObject(r.c.req.query('includeObject'));
  return serveWatch(r.ctx, {
    type: r.type,
    version: r.version,
    scope: { group: r.type.group, resource: r.type.resource, ...(r.namespace ? { namespace: r.namespace } : {}) },
    selectors,
    resourceVersion: r.c.req.query('resourceVersion') ?? '',
    allowBookmarks: r.c.req.query('allowWatchBookmarks') === 'true',
    sendInitialEvents: r.c.req.query('sendInitialEvents') === 'true',
    ...(timeout && /^\d+$/.test(timeout) ? { timeoutSeconds: Number(timeout) } : {}),
    rendering: negotiateRendering(r.c.req.header('accept'), 'watch'),
    ...(includeObject ? { includeObject } : {}),
    signal: r.c.req.raw.signal,
  });
}

// ---- create ----

async function createObject(r: ResourceRequest): Promise<Response> {
  requireVerb(r.type, 'create');
  const body = await decodeFieldsStrictly(r, await decodeObjectBody(r.c.req.raw, r.ctx.config.maxRequestBodyBytes), 'CreateOptions');
  if (r.type.virtual) return createReview(r, admitBody(r, body));
  const input = toStorageVersion(r.type, admitBody(r, body), r.version);
  const meta = input.metadata;
  // NamespaceLifecycle runs inside the create's own transaction, so a create is one round trip;
  // any refusal is then explained by reading the namespace, which answers first, as upstream's
  // admission does. A dry run writes nothing, so it reads the namespace up front.
  const guarded = r.type.namespaced && !isDryRun(r);
  if (!guarded) await admitCreateInNamespace(r.ctx.store, r.type, r.namespace, meta.name ?? '');
  for (let tries = 1; ; tries++) {
    try {
      return await createAttempts(r, input, guarded);
    } catch (e) {
      if (!guarded) throw e;
      await admitCreateInNamespace(r.ctx.store, r.type, r.namespace, meta.name ?? '');
      // The namespace appeared between the write and the read: the write may go through now.
      if (e instanceof NamespaceInactiveError && tries < MAX_WRITE_ATTEMPTS) continue;
      throw e;
    }
  }
}

async function createAttempts(r: ResourceRequest, input: KubeObject, activeNamespace: boolean): Promise<Response> {
  const meta = input.metadata;
  const wantsGenerated = !meta.name && Boolean(meta.generateName);
  for (let attempt = 1; ; attempt++) {
    const name = wantsGenerated ? generateName(meta.generateName!) : (meta.name ?? '');
    const candidate = { ...input, metadata: { ...meta, name } };
    const causes = validateObjectMeta(r.type, candidate.metadata);
    if (causes.length) throw invalidError(r.type, name, causes);
    const prepared = await withManagedFields(r, undefined, candidate, await admitWrite(r.ctx, r.type, await admitCustomResourceWrite(r, prepareForCreate(r.type, candidate, { namespace: r.namespace, now: r.ctx.now(), uid: crypto.randomUUID() }))));
    await preventEscalation(r, prepared);
    if (isDryRun(r)) return respondObject(r, prepared, 201);
    try {
      const created = await r.ctx.store.create(keyOf(r, name), prepared, { activeNamespace });
      return respondObject(r, created, 201);
    } catch (e) {
      if (wantsGenerated && isApiError(e) && e.reason === 'AlreadyExists' && attempt < MAX_GENERATE_NAME_ATTEMPTS) continue;
      throw e;
    }
  }
}

// ---- update ----

/**
 * Writes `input` over the stored object through the kind's update strategy. Deletes instead
 * when the update removed the last finalizer of an object being deleted; writes nothing when
 * nothing changed (so a no-op update does not advance the revision, as upstream).
 */
async function writeUpdate(r: ResourceRequest, old: KubeObject, input: KubeObject, target: UpdateTarget): Promise<KubeObject> {
  // CRDs and custom resources: defaults, pruning and schema validation, whatever the target (functions/custom-resources.ts).
  const strategy = await admitCustomResourceWrite(r, prepareForUpdate(r.type, old, input, target), old, target);
  // Admission: every plugin for the main resource; for /status only those that admit status (a schema, not webhooks).
  // managedFields last: ownership follows what is actually stored (functions/field-manager.ts).
  const admitted = target === 'finalize' ? strategy : await admitWrite(r.ctx, r.type, strategy, old, target === 'status' ? 'status' : undefined);
  const prepared = await withManagedFields(r, old, input, admitted);
  if (target === 'main') await preventEscalation(r, prepared, old);
  const key = keyOf(r, old.metadata.name!);
  const rv = old.metadata.resourceVersion!;
  if (readyToDelete(r.type, prepared)) {
    if (isDryRun(r)) return prepared;
    const deleted = await r.ctx.store.delete(key, { resourceVersion: rv });
    return { ...prepared, metadata: { ...prepared.metadata, resourceVersion: deleted.metadata.resourceVersion } };
  }
  if (sameContent(old, prepared)) return old;
  if (isDryRun(r)) return { ...prepared, metadata: { ...prepared.metadata, resourceVersion: rv } };
  return r.ctx.store.update(key, prepared, { resourceVersion: rv });
}

/** Preconditions an update body carries: resourceVersion (409 when stale) and uid. */
function checkPreconditions(r: ResourceRequest, current: KubeObject, wanted: { resourceVersion?: string; uid?: string }): void {
  const name = current.metadata.name ?? '';
  if (wanted.uid && wanted.uid !== current.metadata.uid) {
    throw conflict(r, name, `Precondition failed: UID in precondition: ${wanted.uid}, UID in object meta: ${current.metadata.uid ?? ''}`);
  }
  if (wanted.resourceVersion && wanted.resourceVersion !== current.metadata.resourceVersion) {
    if (!/^\d+$/.test(wanted.resourceVersion)) {
      throw invalidError(r.type, name, [
        { type: 'FieldValueInvalid', message: `Invalid value: "${wanted.resourceVersion}": must be a valid resourceVersion`, field: 'metadata.resourceVersion' },
      ]);
    }
    throw conflict(r, name);
  }
}

/**
 * Runs a read-modify-write. A client-supplied resourceVersion makes it one conditional
 * attempt; without one a lost race is retried against the fresh object.
 */
async function readModifyWrite(
  r: ResourceRequest,
  name: string,
  step: (current: KubeObject) => Promise<{ input: KubeObject; target: UpdateTarget; expect: { resourceVersion?: string; uid?: string } }>,
  /** The object as the caller just read it: the first attempt need not read it again. */
  read?: KubeObject,
): Promise<KubeObject> {
  for (let attempt = 1; ; attempt++) {
    const current = attempt === 1 && read ? read : await getOrNotFound(r, name);
    const { input, target, expect } = await step(current);
    checkPreconditions(r, current, expect);
    try {
      return await writeUpdate(r, current, input, target);
    } catch (e) {
      if (isConflict(e) && !expect.resourceVersion && attempt < MAX_WRITE_ATTEMPTS) continue;
      throw e;
    }
  }
}

/** Equal apart from resourceVersion: such a write would change nothing but the revision. */
function sameContent(a: KubeObject, b: KubeObject): boolean {
  const { resourceVersion: _a, ...am } = a.metadata;
  const { resourceVersion: _b, ...bm } = b.metadata;
  return jsonEqual({ ...a, metadata: am }, { ...b, metadata: bm });
}

function checkBodyName(obj: KubeObject, name: string): void {
  if (obj.metadata.name !== name) {
    throw errors.badRequest(`the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${name})`);
  }
}

/** Creates the object the URL names from a storage-version input (create-on-update, apply to a missing object). */
async function createNamed(r: ResourceRequest, name: string, input: KubeObject): Promise<Response> {
  // As createObject: the namespace is checked inside the write, and explains any refusal.
  const guarded = r.type.namespaced && !isDryRun(r);
  if (!guarded) await admitCreateInNamespace(r.ctx.store, r.type, r.namespace, name);
  try {
    const causes = validateObjectMeta(r.type, input.metadata);
    if (causes.length) throw invalidError(r.type, name, causes);
    const prepared = await withManagedFields(r, undefined, input, await admitWrite(r.ctx, r.type, await admitCustomResourceWrite(r, prepareForCreate(r.type, input, { namespace: r.namespace, now: r.ctx.now(), uid: crypto.randomUUID() }))));
    await preventEscalation(r, prepared);
    if (isDryRun(r)) return respondObject(r, prepared, 201);
    return respondObject(r, await r.ctx.store.create(keyOf(r, name), prepared, { activeNamespace: guarded }), 201);
  } catch (e) {
    if (!guarded) throw e;
    await admitCreateInNamespace(r.ctx.store, r.type, r.namespace, name);
    // The namespace appeared between the write and the read: the client's retry will go through.
    if (e instanceof NamespaceInactiveError) throw conflict(r, name, `namespace ${r.namespace} was not ready; please retry`);
    throw e;
  }
}

async function replaceObject(r: ResourceRequest, name: string, target: UpdateTarget): Promise<Response> {
  requireVerb(r.type, 'update');
  const body = await decodeFieldsStrictly(r, await decodeObjectBody(r.c.req.raw, r.ctx.config.maxRequestBodyBytes), 'UpdateOptions');
  const input = toStorageVersion(r.type, admitBody(r, body), r.version);
  checkBodyName(input, name);
  const expect = {
    ...(input.metadata.resourceVersion ? { resourceVersion: input.metadata.resourceVersion } : {}),
    ...(input.metadata.uid ? { uid: input.metadata.uid } : {}),
  };
  const existing = await r.ctx.store.get(keyOf(r, name));
  if (!existing) {
    if (!r.type.allowCreateOnUpdate || target !== 'main') throw errors.notFound(refOf(r.type, name));
    // Upstream's create-on-update: a PUT naming a missing object of such a kind creates it.
    return createNamed(r, name, input);
  }
  const updated = await readModifyWrite(r, name, async () => ({ input, target, expect }), existing);
  return respondObject(r, updated);
}

// ---- patch ----

/** `strategic` is the schema strategicMergeSchema resolved; only a strategic merge patch reads it. */
function applyPatch(patchType: PatchType, target: unknown, patch: unknown, strategic?: StrategicMergeSchema): KubeObject {
  const out =
    patchType === 'json' ? applyJsonPatch(target, patch)
    : patchType === 'strategic' && strategic ? applyStrategicMergePatch(target, patch, strategic)
    : applyMergePatch(target, patch);
  if (typeof out !== 'object' || out === null || Array.isArray(out)) {
    throw new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
  }
  const obj = out as KubeObject;
  if (typeof obj.metadata !== 'object' || obj.metadata === null) obj.metadata = {};
  return obj;
}

/** Server-side apply (routes/apply.ts) writes through the same paths as every other write. */
const applyPaths: ApplyWritePaths = { readModifyWrite, createNamed, admitBody: (r, body) => admitBody(r, body), respond: (r, obj) => respondObject(r, obj) };

async function patchObject(r: ResourceRequest, name: string, target: UpdateTarget): Promise<Response> {
  requireVerb(r.type, 'patch');
  if (isApplyPatch(r.c.req.raw)) return serveApply(r, name, target, applyPaths);
  const { type: patchType, patch } = await decodePatchBody(r.c.req.raw, r.ctx.config.maxRequestBodyBytes);
  const strategic = patchType === 'strategic' ? await strategicMergeSchema(r.type, r.version) : undefined;
  const updated = await readModifyWrite(r, name, async (current) => {
    const oldRv = current.metadata.resourceVersion;
    const patched = await validatePatchedFields(r, { current: served(r, current), patched: applyPatch(patchType, served(r, current), patch, strategic), patch, patchType });
    if (patched.metadata.name !== name) {
      throw errors.badRequest(`the name of the object (${String(patched.metadata.name ?? '')}) does not match the name on the URL (${name})`);
    }
    const input = toStorageVersion(r.type, admitBody(r, patched as Record<string, unknown>), r.version);
    // A resourceVersion the patch itself sets (or leaves differing) is a precondition, as upstream.
    const rv = input.metadata.resourceVersion;
    return { input, target, expect: rv && rv !== oldRv ? { resourceVersion: rv } : {} };
  });
  return respondObject(r, updated);
}

// ---- scale ----

function requireScale(r: ResourceRequest): void {
  if (!r.type.subresources.includes('scale')) throw errors.notFound(refOf(r.type, r.path.name));
}

function checkReplicas(r: ResourceRequest, name: string, scale: KubeObject): void {
  const replicas = (scale.spec as Record<string, unknown> | undefined)?.replicas;
  if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)) {
    throw errors.invalid({ group: 'autoscaling', resource: 'scale', kind: 'Scale', name }, [
      { type: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, field: 'spec.replicas' },
    ]);
  }
}

async function scaleRequest(r: ResourceRequest, name: string, method: string): Promise<Response> {
  requireScale(r);
  // Built-in workloads keep replicas in spec.replicas; custom resources where their CRD says.
  const { scaleOf, applyScale } = scaleAdapterFor(r.type, r.version);
  if (method === 'GET') return jsonResponse(scaleOf(await getOrNotFound(r, name)));
  let updated: KubeObject;
  if (method === 'PUT') {
    const body = await decodeFieldsStrictly(r, await decodeObjectBody(r.c.req.raw, r.ctx.config.maxRequestBodyBytes), 'UpdateOptions', SCALE_KIND);
    const scale = admitBody(r, body, 'Scale', 'autoscaling/v1');
    checkBodyName(scale, name);
    checkReplicas(r, name, scale);
    updated = await readModifyWrite(r, name, async (current) => ({
      input: applyScale(current, scale),
      target: 'main',
      expect: scale.metadata.resourceVersion ? { resourceVersion: scale.metadata.resourceVersion } : {},
    }));
  } else if (method === 'PATCH') {
    const { type: patchType, patch } = await decodePatchBody(r.c.req.raw, r.ctx.config.maxRequestBodyBytes);
    const strategic = patchType === 'strategic' ? await strategicMergeSchema(r.type, r.version, 'scale') : undefined;
    updated = await readModifyWrite(r, name, async (current) => {
      const before = scaleOf(current);
      const scale = await validatePatchedFields(r, { current: before, patched: applyPatch(patchType, before, patch, strategic), patch, patchType }, SCALE_KIND);
      checkReplicas(r, name, scale);
      const rv = scale.metadata.resourceVersion;
      return { input: applyScale(current, scale), target: 'main', expect: rv && rv !== before.metadata.resourceVersion ? { resourceVersion: rv } : {} };
    });
  } else {
    throw methodNotAllowed();
  }
  return jsonResponse(scaleOf(updated));
}

// ---- delete ----

function deletedStatus(r: ResourceRequest, obj: KubeObject): unknown {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: obj.metadata.name, ...(r.type.group ? { group: r.type.group } : {}), kind: r.type.resource, uid: obj.metadata.uid },
  };
}

/** Deletes (or marks for deletion) one object; returns what the response shows and whether it is gone. */
async function deleteOne(r: ResourceRequest, name: string, opts: ResolvedDeleteOptions): Promise<{ obj: KubeObject; gone: boolean }> {
  admitDelete(r.type, name);
  for (let attempt = 1; ; attempt++) {
    const current = await getOrNotFound(r, name);
    checkPreconditions(r, current, opts.preconditions);
    const plan = planDeletion(r.type, current, { ...(opts.propagationPolicy ? { propagationPolicy: opts.propagationPolicy } : {}), now: r.ctx.now() });
    const rv = current.metadata.resourceVersion!;
    try {
      if (!plan.marked) {
        if (opts.dryRun) return { obj: current, gone: true };
        return { obj: await r.ctx.store.delete(keyOf(r, name), { resourceVersion: rv }), gone: true };
      }
      if (sameContent(current, plan.marked) || opts.dryRun) return { obj: opts.dryRun ? plan.marked : current, gone: false };
      return { obj: await r.ctx.store.update(keyOf(r, name), plan.marked, { resourceVersion: rv }), gone: false };
    } catch (e) {
      if (isConflict(e) && !opts.preconditions.resourceVersion && attempt < MAX_WRITE_ATTEMPTS) continue;
      throw e;
    }
  }
}

async function deleteOptionsOf(r: ResourceRequest): Promise<ResolvedDeleteOptions> {
  const body = await decodeOptionalJson(r.c.req.raw, r.ctx.config.maxRequestBodyBytes);
  return resolveDeleteOptions(body, (n) => r.c.req.query(n), (n) => r.c.req.queries(n));
}

async function deleteObject(r: ResourceRequest, name: string): Promise<Response> {
  requireVerb(r.type, 'delete');
  const { obj, gone } = await deleteOne(r, name, await deleteOptionsOf(r));
  if (gone && !r.type.returnDeletedObject) return jsonResponse(deletedStatus(r, obj));
  return respondObject(r, obj);
}

async function deleteCollection(r: ResourceRequest): Promise<Response> {
  requireVerb(r.type, 'deletecollection');
  const opts = await deleteOptionsOf(r);
  const selectors = selectorsOf(r);
  const scope = { group: r.type.group, resource: r.type.resource, ...(r.namespace ? { namespace: r.namespace } : {}) };
  const listed = await r.ctx.store.list(scope, selectors);
  const items: KubeObject[] = [];
  for (const obj of listed.items) {
    try {
      items.push(served(r, (await deleteOne(r, obj.metadata.name!, opts)).obj));
    } catch (e) {
      if (isApiError(e) && e.code === 404) continue;
      throw e;
    }
  }
  return jsonResponse({
    kind: `${r.type.kind}List`,
    apiVersion: groupVersionString(r.type.group, r.version),
    metadata: { resourceVersion: String(await r.ctx.store.currentRevision()) },
    items,
  });
}

// ---- dispatch ----

function isWatch(r: ResourceRequest): boolean {
  const w = r.c.req.query('watch');
  return r.path.watch || w === 'true' || w === '1';
}

async function dispatch(r: ResourceRequest): Promise<Response> {
  const method = r.c.req.method;
  const { name, subresource } = r.path;
  if (r.path.watch && method !== 'GET') throw methodNotAllowed();
  checkDryRunQuery(r.c);
  if (name === undefined) {
    if (subresource !== undefined) return notFoundResponse();
    if (method === 'GET') return isWatch(r) ? watchObjects(r) : listObjects(r);
    if (method === 'POST') {
      if (r.type.namespaced && !r.namespace) return notFoundResponse();
      return createObject(r);
    }
    if (method === 'DELETE') return deleteCollection(r);
    throw methodNotAllowed();
  }
  if (r.type.namespaced && !r.namespace) return notFoundResponse();
  if (subresource === undefined) {
    switch (method) {
      case 'GET':
        return isWatch(r) ? watchObjects(r, name) : getObject(r, name);
      case 'PUT':
        return replaceObject(r, name, 'main');
      case 'PATCH':
        return patchObject(r, name, 'main');
      case 'DELETE':
        return deleteObject(r, name);
      default:
        throw methodNotAllowed();
    }
  }
  if (!r.type.subresources.includes(subresource as never)) return notFoundResponse();
  switch (subresource) {
    case 'status':
      if (method === 'GET') return getObject(r, name);
      if (method === 'PUT') return replaceObject(r, name, 'status');
      if (method === 'PATCH') return patchObject(r, name, 'status');
      throw methodNotAllowed();
    case 'finalize':
      if (method === 'PUT') return replaceObject(r, name, 'finalize');
      throw methodNotAllowed();
    case 'scale':
      return scaleRequest(r, name, method);
    case 'token':
      if (method === 'POST') return createToken(r, name);
      throw methodNotAllowed();
    default:
      return notFoundResponse();
  }
}

/** The generic resource routes: every kind in the registry behind two patterns. */
export function registerResources(app: Hono<AppEnv>, ctx: ServerContext): void {
  const handle = async (c: Context<AppEnv>): Promise<Response> => {
    const path = parseResourcePath(c.req.path);
    if (!path) return notFoundResponse();
    const type = ctx.registry.byGroupVersionResource(path.group, path.version, path.resource);
    if (!type) return notFoundResponse();
    // A cluster-scoped kind has no namespaced URLs (the namespace object itself is handled by the parser).
    if (!type.namespaced && path.namespace !== undefined) return notFoundResponse();
    return dispatch({ ctx, c, type, path, version: path.version, namespace: type.namespaced ? (path.namespace ?? '') : '' });
  };
  app.all('/api/:version/*', handle);
  app.all('/apis/:group/:version/*', handle);
}
