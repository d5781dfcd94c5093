/**
 * Server-side field validation (the `fieldValidation` query parameter) for every write: unknown
 * fields per the kind's schema and duplicate keys in the body. Unknown fields are dropped from
 * what is stored whatever the directive, as kube-apiserver's decoding drops them for built-in
 * kinds; the directive decides whether that is an error (Strict), a warning (Warn, the default)
 * or silent (Ignore).
 */
import type { Context } from 'hono';
import { duplicateJsonFields, duplicateYamlFields } from '../shared/openapi/duplicate-fields.js';
import { pruneUnknownFields, strictDecodingMessage, strictErrors } from '../shared/openapi/field-validation.js';
import { schemaForKind } from '../shared/openapi/schema.js';
import { errors } from '../shared/status.js';
import { bodySourceOf } from './body-source.js';
import type { ServerContext } from './context.js';
import { addWarning } from './warnings.js';
import { writeOptions, type WriteOptionsKind } from './write-options.js';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** The parts of a resource request field validation reads. */
export interface WriteRequest {
  ctx: ServerContext;
  c: Context;
  type: { group: string; kind: string };
  version: string;
}

/** The kind a request's URL addresses, at the URL's version. */
export function requestKind(r: WriteRequest): GroupVersionKind {
  return { group: r.type.group, version: r.version, kind: r.type.kind };
}

/** autoscaling/v1 Scale: what a /scale write carries, whatever the parent kind. */
export const SCALE_KIND: GroupVersionKind = { group: 'autoscaling', version: 'v1', kind: 'Scale' };

/** Keys a JSON patch operation may have; anything else is reported as unknown. */
const JSON_PATCH_OP_FIELDS = new Set(['op', 'path', 'value', 'from']);

function duplicatesOf(body: unknown): string[] {
  const source = bodySourceOf(body);
  if (!source) return [];
  return source.format === 'json' ? duplicateJsonFields(source.text) : duplicateYamlFields(source.text);
}

async function prune<T>(ctx: ServerContext, gvk: GroupVersionKind, value: T): Promise<{ value: T; unknownFields: string[] }> {
  const set = await ctx.schemas();
  const schema = schemaForKind(set, gvk.group, gvk.version, gvk.kind);
  if (!schema) return { value, unknownFields: [] };
  const result = pruneUnknownFields(set, schema, value);
  return { value: result.value as T, unknownFields: result.unknownFields };
}

/** Warn: one Warning header per violation, as upstream's addStrictDecodingWarnings. */
function warnAll(c: Context, found: string[]): void {
  for (const w of found) addWarning(c, w);
}

/**
 * The body of a create or an update (of the object, its status, or a Scale) with unknown
 * fields dropped. Strict with violations is upstream's decoding error: 400
 * `<Kind> in version "<v>" cannot be handled as a <Kind>: strict decoding error: unknown field "spec.foo"`.
 */
export async function decodeFieldsStrictly<T extends Record<string, unknown>>(
  r: WriteRequest,
  body: T,
  options: WriteOptionsKind,
  gvk: GroupVersionKind = requestKind(r),
): Promise<T> {
  const { ctx, c } = r;
  const { fieldValidation } = writeOptions(c, options);
  const { value, unknownFields } = await prune(ctx, gvk, body);
  if (fieldValidation === 'Ignore') return value;
  const found = strictErrors(unknownFields, duplicatesOf(body));
  if (!found.length) return value;
  if (fieldValidation === 'Strict') {
    throw errors.badRequest(`${gvk.kind} in version "${gvk.version}" cannot be handled as a ${gvk.kind}: ${strictDecodingMessage(found)}`);
  }
  warnAll(c, found);
  return value;
}

export interface PatchedObject<T> {
  /** The object as stored before the patch (its own unknown fields, if any, are not the patch's doing). */
  current: unknown;
  /** The object the patch produced. */
  patched: T;
  /** The patch body, as decoded. */
  patch: unknown;
  patchType: string;
}

function jsonPatchViolations(patch: unknown): string[] {
  if (!Array.isArray(patch)) return [];
  const out: string[] = [];
  patch.forEach((op, i) => {
    if (typeof op !== 'object' || op === null || Array.isArray(op)) return;
    for (const key of Object.keys(op)) if (!JSON_PATCH_OP_FIELDS.has(key)) out.push(`json patch unknown field "[${i}].${key}"`);
  });
  return out;
}

/**
 * A patched object with unknown fields dropped. Violations are the patch body's duplicate keys
 * (and a JSON patch's unknown operation fields) plus the unknown fields the patch introduced;
 * Strict refuses them as upstream does for patches: 422 on the field `patch`.
 */
export async function validatePatchedFields<T>(r: WriteRequest, p: PatchedObject<T>, gvk: GroupVersionKind = requestKind(r)): Promise<T> {
  const { ctx, c } = r;
  const { fieldValidation } = writeOptions(c, 'PatchOptions');
  const { value, unknownFields } = await prune(ctx, gvk, p.patched);
  if (fieldValidation === 'Ignore') return value;
  const before = new Set((await prune(ctx, gvk, p.current)).unknownFields);
  const introduced = unknownFields.filter((f) => !before.has(f));
  const isJsonPatch = p.patchType === 'json';
  const patchErrors = isJsonPatch
    ? [...duplicatesOf(p.patch).map((d) => `json patch duplicate field "${d}"`), ...jsonPatchViolations(p.patch)]
    : strictErrors([], duplicatesOf(p.patch));
  const found = [...patchErrors, ...strictErrors(introduced, [])];
  if (!found.length) return value;
  if (fieldValidation === 'Strict') {
    // Upstream shows the patched object for JSON and merge patches, and the patch for the others.
    const shown = JSON.stringify(isJsonPatch || p.patchType === 'merge' ? p.patched : p.patch);
    throw errors.invalid({ group: '', resource: '', kind: '', name: '' }, [
      { type: 'FieldValueInvalid', message: `Invalid value: ${shown === undefined ? '""' : JSON.stringify(shown)}: ${strictDecodingMessage(found)}`, field: 'patch' },
    ]);
  }
  warnAll(c, found);
  return value;
}
