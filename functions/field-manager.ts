import {
  managedFieldsAfterUpdate,
  managedFieldsShapeError,
  resetFieldsFor,
  type FieldManagerContext,
  type KindSchema,
} from '../shared/apply/index.js';
import { toServedVersion } from '../shared/conversion/index.js';
import type { KubeObject } from '../shared/object.js';
import { schemaForKind } from '../shared/openapi/schema.js';
import { groupVersionString } from '../shared/registry/resource-type.js';
import { ApiError, errors, type StatusCause } from '../shared/status.js';
import { rfc3339 } from '../shared/time.js';
import { mediaTypeOf } from './body.js';
import type { ResourceRequest } from './routes/resources.js';

/**
 * The handlers' side of managedFields (kube-apiserver wires its field manager into the
 * create, update and patch handlers the same way): which manager a request writes as, and
 * the managedFields every non-apply write stores. Apply itself is routes/apply.ts.
 */

export const APPLY_PATCH_MEDIA_TYPE = 'application/apply-patch+yaml';

/** Upstream's FieldManagerMaxLength. */
const FIELD_MANAGER_MAX_LENGTH = 128;

export function isApplyPatch(req: Request): boolean {
  return req.method === 'PATCH' && mediaTypeOf(req.headers.get('content-type')) === APPLY_PATCH_MEDIA_TYPE;
}

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/**
 * Upstream's prefixFromUserAgent: what precedes the first '/', printable characters only, at
 * most 128 bytes. `kubectl/v1.33.4 (linux/amd64) kubernetes/…` writes as `kubectl`.
 */
export function managerFromUserAgent(userAgent: string | undefined): string {
  const head = (userAgent ?? '').split('/')[0]!;
  let out = '';
  for (const ch of head) {
    if (!PRINTABLE.test(ch)) continue;
    if (new TextEncoder().encode(out).length >= FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
  }
  return out;
}

type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions';

function optionsKind(r: ResourceRequest): OptionsKind {
  const m = r.c.req.method;
  return m === 'POST' ? 'CreateOptions' : m === 'PUT' ? 'UpdateOptions' : 'PatchOptions';
}

function invalidOptions(kind: OptionsKind, causes: StatusCause[]): ApiError {
  return errors.invalid({ group: 'meta.k8s.io', resource: '', kind, name: '' }, causes);
}

/** Upstream's ValidateFieldManager. */
function fieldManagerCauses(manager: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (new TextEncoder().encode(manager).length > FIELD_MANAGER_MAX_LENGTH) {
    causes.push({ type: 'FieldValueTooLong', message: `Too long: may not be more than ${FIELD_MANAGER_MAX_LENGTH} bytes`, field: 'fieldManager' });
  }
  let i = 0;
  for (const ch of manager) {
    if (!PRINTABLE.test(ch)) {
      const cp = ch.codePointAt(0)!;
      causes.push({ type: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(manager)}: invalid character U+${cp.toString(16).toUpperCase().padStart(4, '0')} (at position ${i})`, field: 'fieldManager' });
    }
    i += ch.length;
  }
  return causes;
}

/**
 * The manager a request writes as: `fieldManager`, else the User-Agent's prefix. Checks the
 * write options as upstream's Validate{Create,Update,Patch}Options do (422): an apply must
 * name its manager, only an apply may force.
 */
export function requestManager(r: ResourceRequest): string {
  const kind = optionsKind(r);
  const param = r.c.req.query('fieldManager') ?? '';
  const causes: StatusCause[] = [];
  if (isApplyPatch(r.c.req.raw)) {
    if (param === '') causes.push({ type: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' });
  } else if (kind === 'PatchOptions' && r.c.req.query('force') !== undefined) {
    causes.push({ type: 'FieldValueForbidden', message: 'Forbidden: may not be specified for non-apply patch', field: 'force' });
  }
  causes.push(...fieldManagerCauses(param));
  if (causes.length) throw invalidOptions(kind, causes);
  return param || managerFromUserAgent(r.c.req.header('user-agent'));
}

/** `force` as upstream's parameter codec reads a bool. */
export function forceParam(r: ResourceRequest): boolean {
  const v = r.c.req.query('force');
  if (v === undefined || v === '') return false;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  throw errors.badRequest(`strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

/** The subresource a write goes through, as managedFields record it. */
export function writeSubresource(r: ResourceRequest): string | undefined {
  return r.path.subresource || undefined;
}

/** The kind's schema at the request's version (built-in, CRD or Karmada), if it has one. */
export async function kindSchemaOf(r: ResourceRequest): Promise<KindSchema | undefined> {
  const set = await r.ctx.schemas();
  const root = schemaForKind(set, r.type.group, r.version, r.type.kind);
  return root ? { set, root } : undefined;
}

export async function fieldManagerContext(r: ResourceRequest): Promise<FieldManagerContext> {
  const subresource = writeSubresource(r);
  const resetFields = resetFieldsFor(r.type.subresources.includes('status'), subresource);
  return {
    schema: await kindSchemaOf(r),
    apiVersion: groupVersionString(r.type.group, r.version),
    ...(subresource ? { subresource } : {}),
    ...(resetFields ? { resetFields } : {}),
    now: rfc3339(r.ctx.now()),
  };
}

/**
 * Stamps metadata.managedFields on an object about to be stored: for an apply, what the apply
 * computed (carried on `input`); for any other write, ownership moved by what the write changed
 * between `old` (undefined on create) and `prepared`.
 */
export async function withManagedFields(r: ResourceRequest, old: KubeObject | undefined, input: KubeObject, prepared: KubeObject): Promise<KubeObject> {
  if (r.type.virtual) return prepared;
  const manager = requestManager(r);
  const out: KubeObject = { ...prepared, metadata: { ...prepared.metadata } };
  if (isApplyPatch(r.c.req.raw)) {
    if (input.metadata.managedFields) out.metadata.managedFields = input.metadata.managedFields;
    else delete out.metadata.managedFields;
    return out;
  }
  const incoming = input.metadata.managedFields;
  const shapeError = managedFieldsShapeError(incoming);
  if (shapeError) throw errors.badRequest(shapeError);
  const subresource = writeSubresource(r);
  const ctx = await fieldManagerContext(r);
  const managed = managedFieldsAfterUpdate(
    {
      live: old && toServedVersion(r.type, old, r.version),
      next: toServedVersion(r.type, prepared, r.version),
      incoming,
      ignoreIncoming: subresource !== undefined,
      manager,
    },
    ctx,
  );
  if (managed) out.metadata.managedFields = managed as unknown as KubeObject['metadata']['managedFields'];
  else delete out.metadata.managedFields;
  return out;
}
