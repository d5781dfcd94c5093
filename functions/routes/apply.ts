import { parse as parseYaml } from 'yaml';
import { applyConfiguration } from '../../shared/apply/index.js';
import { toServedVersion, toStorageVersion } from '../../shared/conversion/index.js';
import type { KubeObject } from '../../shared/object.js';
import { refOf, type UpdateTarget } from '../../shared/object-semantics.js';
import { groupVersionString } from '../../shared/registry/resource-type.js';
import { errors, isApiError } from '../../shared/status.js';
import { duplicateYamlFields } from '../../shared/openapi/duplicate-fields.js';
import { readBody } from '../body.js';
import { fieldManagerContext, forceParam, requestManager } from '../field-manager.js';
import { addWarning } from '../warnings.js';
import { writeOptions } from '../write-options.js';
import type { ResourceRequest } from './resources.js';

/** What a read-modify-write step returns (routes/resources.ts runs it). */
export interface WriteStep {
  input: KubeObject;
  target: UpdateTarget;
  expect: { resourceVersion?: string; uid?: string };
}

/** The generic handler's write paths an apply goes through, so it gets the same admission and storage rules. */
export interface ApplyWritePaths {
  readModifyWrite(r: ResourceRequest, name: string, step: (current: KubeObject) => Promise<WriteStep>): Promise<KubeObject>;
  /** Creates an object of the URL's name from a storage-version input; answers 201. */
  createNamed(r: ResourceRequest, name: string, input: KubeObject): Promise<Response>;
  /** Checks a body's apiVersion, kind and namespace against the URL. */
  admitBody(r: ResourceRequest, body: Record<string, unknown>): KubeObject;
  respond(r: ResourceRequest, obj: KubeObject): Response;
}

/**
 * The applied configuration: YAML or JSON (JSON is YAML), one object. Duplicate keys decode
 * (the last wins) and are what fieldValidation judges, as upstream's strict YAML decoding.
 */
async function decodeConfiguration(r: ResourceRequest): Promise<KubeObject> {
  const { fieldValidation } = writeOptions(r.c, 'PatchOptions');
  const text = new TextDecoder().decode(await readBody(r.c.req.raw, r.ctx.config.maxRequestBodyBytes));
  let value: unknown;
  try {
    value = parseYaml(text, { uniqueKeys: false });
  } catch (e) {
    throw errors.badRequest(`error decoding YAML: ${(e as Error).message}`);
  }
  if (fieldValidation !== 'Ignore') {
    const duplicates = duplicateYamlFields(text).map((f) => `duplicate field ${JSON.stringify(f)}`);
    if (duplicates.length && fieldValidation === 'Strict') throw errors.badRequest(`error strict decoding YAML: ${duplicates.join(', ')}`);
    for (const d of duplicates) addWarning(r.c, d);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw errors.badRequest('error decoding YAML: the applied configuration must be an object');
  }
  const config = value as KubeObject;
  const expected = groupVersionString(r.type.group, r.version);
  if (config.apiVersion !== expected) {
    throw errors.badRequest(`Incorrect version specified in apply patch. Specified patch version: ${String(config.apiVersion ?? '')}, expected: ${expected}`);
  }
  if (config.kind !== r.type.kind) {
    throw errors.badRequest(`the kind in the data (${String(config.kind ?? '')}) does not match the expected kind (${r.type.kind})`);
  }
  if (config.metadata !== undefined && (typeof config.metadata !== 'object' || config.metadata === null || Array.isArray(config.metadata))) {
    throw errors.badRequest('metadata: must be an object');
  }
  config.metadata ??= {};
  return config;
}

function checkName(obj: KubeObject, name: string): void {
  if (obj.metadata.name !== name) {
    throw errors.badRequest(`the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${name})`);
  }
}

/**
 * PATCH with `application/apply-patch+yaml` (server-side apply): the configuration is merged
 * into the object by the field manager, conflicts with other managers are 409 unless
 * `force=true`; a missing object is created from it (201), as upstream's apply patcher does.
 */
export async function serveApply(r: ResourceRequest, name: string, target: UpdateTarget, paths: ApplyWritePaths): Promise<Response> {
  const manager = requestManager(r);
  const force = forceParam(r);
  const config = await decodeConfiguration(r);
  // Same namespace and identity rules as any body, on a copy: the configuration itself is applied as sent.
  paths.admitBody(r, structuredClone(config) as Record<string, unknown>);
  const ctx = await fieldManagerContext(r);
  const req = { manager, force };
  const stamped = (obj: KubeObject, managedFields: unknown): KubeObject => {
    const out: KubeObject = { ...obj, metadata: { ...obj.metadata } };
    if (managedFields) out.metadata.managedFields = managedFields as KubeObject['metadata']['managedFields'];
    else delete out.metadata.managedFields;
    return out;
  };

  const key = { group: r.type.group, resource: r.type.resource, namespace: r.namespace, name };
  if (!(await r.ctx.store.get(key))) {
    if (target !== 'main') throw errors.notFound(refOf(r.type, name));
    const result = applyConfiguration(undefined, config, req, ctx);
    const created = stamped(result.object, result.managedFields);
    checkName(created, name);
    if (created.metadata.uid) {
      throw errors.conflict(refOf(r.type, name), `uid mismatch: the provided object specified uid ${created.metadata.uid}, and no existing object was found`);
    }
    try {
      return await paths.createNamed(r, name, toStorageVersion(r.type, paths.admitBody(r, created as Record<string, unknown>), r.version));
    } catch (e) {
      // Someone created it meanwhile: apply to theirs instead.
      if (!(isApiError(e) && e.reason === 'AlreadyExists')) throw e;
    }
  }

  const updated = await paths.readModifyWrite(r, name, async (current) => {
    const live = toServedVersion(r.type, current, r.version);
    const result = applyConfiguration(live, config, req, ctx);
    const next = stamped(result.object, result.managedFields);
    checkName(next, name);
    const input = toStorageVersion(r.type, paths.admitBody(r, next as Record<string, unknown>), r.version);
    // A resourceVersion in the configuration is a precondition, as in any patch.
    const rv = config.metadata.resourceVersion;
    return { input, target, expect: rv && rv !== current.metadata.resourceVersion ? { resourceVersion: rv } : {} };
  });
  return paths.respond(r, updated);
}
