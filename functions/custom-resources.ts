import type { MiddlewareHandler } from 'hono';
import { listCrds, registryWithCustomResources } from '../db/crd-registry.js';
import { namedStatus } from '../shared/crd/conditions.js';
import { admitCustomResource, unknownFieldMessages } from '../shared/crd/custom-resource.js';
import {
  defaultCustomResourceDefinition,
  storageVersionOf,
  validateCustomResourceDefinition,
  validateCustomResourceDefinitionStatus,
  validateCustomResourceDefinitionUpdate,
} from '../shared/crd/definition-validation.js';
import { withCustomResourceSchemas } from '../shared/crd/openapi.js';
import { isServedByFlotilla } from '../shared/crd/served-groups.js';
import { CRD_CLEANUP_FINALIZER, CRD_GROUP, CRD_RESOURCE, crdSchema, type CustomResourceDefinition, type CustomResourceInfo } from '../shared/crd/types.js';
import { jsonEqual } from '../shared/json-equal.js';
import type { KubeObject } from '../shared/object.js';
import { generationChanged, invalidError, type UpdateTarget } from '../shared/object-semantics.js';
import type { SchemaSet } from '../shared/openapi/schema.js';
import type { Registry } from '../shared/registry/index.js';
import type { ResourceType } from '../shared/registry/resource-type.js';
import { ApiError, errors } from '../shared/status.js';
import type { AppEnv, ServerContext } from './context.js';
import { parseResourcePath } from './request-info.js';
import type { ResourceRequest } from './routes/resources.js';
import { addWarning } from './warnings.js';

function isCrdType(type: ResourceType): boolean {
  return type.group === CRD_GROUP && type.resource === CRD_RESOURCE;
}

/** Paths whose handlers read the registry or the schemas; other requests skip the CRD lookup. */
function readsRegistry(path: string): boolean {
  return path === '/api' || path === '/apis' || path.startsWith('/api/') || path.startsWith('/apis/') || path.startsWith('/openapi/');
}

const schemaSets = new WeakMap<Registry, { base: SchemaSet; set: SchemaSet }>();

/**
 * Makes every request see the kinds CRDs define: `ctx.registry` becomes built-ins plus the
 * Established CRDs as of this request (one indexed aggregate when nothing changed, see
 * db/crd-registry.ts), and `ctx.schemas` adds their structural schemas. In workerd the
 * context belongs to one request; in Node it is shared, and every request installs a
 * registry at least as new as the one it replaces. Also sends a deprecated version's warning.
 */
export function customResourceRegistry(ctx: ServerContext): MiddlewareHandler<AppEnv> {
  const base = ctx.registry;
  const baseSchemas = ctx.schemas;
  ctx.schemas = async () => {
    const registry = ctx.registry;
    const set = await baseSchemas();
    if (registry === base) return set;
    const hit = schemaSets.get(registry);
    if (hit && hit.base === set) return hit.set;
    const merged = withCustomResourceSchemas(set, registry);
    schemaSets.set(registry, { base: set, set: merged });
    return merged;
  };
  return async (c, next) => {
    if (!readsRegistry(c.req.path)) return next();
    const p = parseResourcePath(c.req.path);
    // A built-in kind wins every name clash with a CRD, so its requests resolve without the
    // CRD lookup: one round trip to the database fewer on the hot paths.
    if (p && base.byGroupVersionResource(p.group, p.version, p.resource)) return next();
    ctx.registry = await registryWithCustomResources(ctx.store, base);
    const version = p && ctx.registry.byGroupVersionResource(p.group, p.version, p.resource)?.customResource?.versions[p.version];
    if (p && version?.deprecated) addWarning(c, version.deprecationWarning ?? defaultDeprecationWarning(ctx.registry.byResource(p.group, p.resource)!, p.version));
    await next();
  };
}

/** Upstream's words for a deprecated CRD version, pointing at the best served version that is not. */
function defaultDeprecationWarning(type: ResourceType, version: string): string {
  const msg = `${type.group}/${version} ${type.kind} is deprecated`;
  // type.versions is in priority order: the first non-deprecated one ahead of this one is the one to use.
  const better = type.versions.slice(0, type.versions.indexOf(version)).find((v) => !type.customResource?.versions[v]?.deprecated);
  return better ? `${msg}; use ${type.group}/${better} ${type.kind}` : msg;
}

/** Group checks use the built-in kinds only: a custom group is not "served by Flotilla". */
function servedGroup(registry: Registry): (group: string) => boolean {
  return (group) => isServedByFlotilla(group, registry.all().some((t) => t.group === group && !t.customResource));
}

function decodeCrd(obj: KubeObject): CustomResourceDefinition {
  const parsed = crdSchema.safeParse(obj);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.reduce<string>((p, s) => (typeof s === 'number' ? `${p}[${s}]` : p ? `${p}.${String(s)}` : String(s)), '');
    throw errors.badRequest(`error decoding CustomResourceDefinition: ${field}: ${issue.message}`);
  }
  // Metadata stays as the server prepared it; the typed view drops fields a CRD does not have.
  return { ...parsed.data, apiVersion: obj.apiVersion, kind: obj.kind, metadata: obj.metadata } as CustomResourceDefinition;
}

function asObject(crd: CustomResourceDefinition): KubeObject {
  return crd as unknown as KubeObject;
}

/**
 * Admission of CRDs: defaults, upstream's validation (with groups Flotilla serves refused),
 * the cleanup finalizer, storedVersions, and names checked at once: a CRD whose names
 * are free is Established when its create returns, so its kind is served on the next
 * request (the crd-lifecycle reconciler keeps the conditions right afterwards).
 */
async function admitCrd(r: ResourceRequest, obj: KubeObject, old: KubeObject | undefined, target: UpdateTarget): Promise<KubeObject> {
  const crd = decodeCrd(obj);
  const name = String(obj.metadata.name ?? '');
  const now = r.ctx.now();
  const opts = { servedGroup: servedGroup(r.ctx.registry) };
  if (!old) {
    defaultCustomResourceDefinition(crd);
    const storage = storageVersionOf(crd);
    crd.status = { acceptedNames: {}, conditions: [], storedVersions: storage ? [storage] : [] };
    const causes = validateCustomResourceDefinition(crd, opts);
    if (causes.length) throw invalidError(r.type, name, causes);
    crd.metadata.finalizers = [...new Set([...(crd.metadata.finalizers ?? []), CRD_CLEANUP_FINALIZER])];
    crd.status = namedStatus(crd, [...(await listCrds(r.ctx.store)), crd], now) ?? crd.status;
    return asObject(crd);
  }
  const before = decodeCrd(old);
  if (target === 'status') {
    const causes = validateCustomResourceDefinitionStatus(crd);
    if (causes.length) throw invalidError(r.type, name, causes);
    return asObject(crd);
  }
  defaultCustomResourceDefinition(crd);
  // Only metadata moved (a finalizer released, a label): nothing to re-validate.
  if (jsonEqual(crd.spec, before.spec)) return asObject(crd);
  const storage = storageVersionOf(crd);
  const stored = crd.status?.storedVersions ?? [];
  if (storage && !stored.includes(storage)) crd.status = { ...(crd.status ?? {}), storedVersions: [...stored, storage] };
  const causes = validateCustomResourceDefinitionUpdate(crd, before, opts);
  if (causes.length) throw invalidError(r.type, name, causes);
  crd.status = namedStatus(crd, await listCrds(r.ctx.store), now) ?? crd.status;
  return asObject(crd);
}

function fieldValidation(r: ResourceRequest): 'Strict' | 'Warn' | 'Ignore' {
  const v = r.c.req.query('fieldValidation');
  return v === 'Strict' || v === 'Ignore' ? v : 'Warn';
}

/**
 * The write step for CRDs and for the kinds they define, called on the object the update
 * strategy prepared (create or update, any subresource). Custom resources are pruned,
 * defaulted and validated against the structural schema of the version the client spoke;
 * unknown fields are refused (fieldValidation=Strict) or reported as warnings (Warn).
 * Other kinds pass through untouched.
 */
export async function admitCustomResourceWrite(r: ResourceRequest, obj: KubeObject, old?: KubeObject, target: UpdateTarget = 'main'): Promise<KubeObject> {
  if (!isCrdType(r.type) && !r.type.customResource) return obj;
  const admitted = isCrdType(r.type) ? await admitCrd(r, obj, old, target) : admitCr(r, r.type.customResource!, obj, old);
  if (!old || r.type.generation === 'none') return admitted;
  // Defaults can undo the difference the strategy counted (a field left out, then defaulted back).
  const base = old.metadata.generation ?? 1;
  return { ...admitted, metadata: { ...admitted.metadata, generation: generationChanged(r.type, old, admitted) ? base + 1 : base } };
}

function admitCr(r: ResourceRequest, info: CustomResourceInfo, obj: KubeObject, old: KubeObject | undefined): KubeObject {
  if (!old && info.terminating) {
    throw new ApiError(405, 'MethodNotAllowed', 'create not allowed while custom resource definition is terminating', {
      name: obj.metadata.name ?? '',
      group: r.type.group,
      kind: r.type.resource,
    });
  }
  let input = obj;
  // Upstream drops status on create when status is a subresource (the generic strategy resets it to {}).
  if (!old && info.versions[r.version]?.status && jsonEqual(obj.status, {})) {
    const { status: _s, ...rest } = obj;
    input = rest as KubeObject;
  }
  const result = admitCustomResource(info, r.version, input, old);
  if (result.unknownFields.length) {
    const messages = unknownFieldMessages(result.unknownFields);
    const mode = fieldValidation(r);
    if (mode === 'Strict') {
      throw errors.badRequest(`${r.type.kind} in version "${r.version}" cannot be handled as a ${r.type.kind}: strict decoding error: ${messages.join(', ')}`);
    }
    if (mode === 'Warn') for (const m of messages) addWarning(r.c, m);
  }
  if (result.causes.length) throw invalidError(r.type, obj.metadata.name ?? '', result.causes);
  return result.object;
}
