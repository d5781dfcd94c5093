import type { Context } from 'hono';
import { FIELD_VALIDATION_VALUES, type FieldValidation } from '../shared/openapi/field-validation.js';
import { errors, type StatusCause } from '../shared/status.js';

/** Which options kind a write's query parameters are (kube decodes them into it). */
export type WriteOptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions';

export interface WriteOptions {
  dryRun: boolean;
  /** Warn when absent, as kube-apiserver defaults it (kubectl sends Strict itself). */
  fieldValidation: FieldValidation;
}

/** The dryRun values kube-apiserver accepts; anything else is refused rather than written for real. */
export const DRY_RUN_VALUES = ['All'];

/** `dryRun: Unsupported value: []string{"x"}: supported values: "All"`, worded as field.NotSupported. */
export function dryRunCause(values: readonly string[]): StatusCause | undefined {
  if (values.every((v) => DRY_RUN_VALUES.includes(v))) return undefined;
  return {
    type: 'FieldValueNotSupported',
    message: `Unsupported value: []string{${values.map((v) => JSON.stringify(v)).join(', ')}}: supported values: ${DRY_RUN_VALUES.map((v) => `"${v}"`).join(', ')}`,
    field: 'dryRun',
  };
}

/**
 * The dryRun and fieldValidation query parameters of a create, update or patch, validated as
 * kube-apiserver validates CreateOptions/UpdateOptions/PatchOptions (422 naming the options kind).
 */
export function writeOptions(c: Context, kind: WriteOptionsKind): WriteOptions {
  const dryRun = c.req.queries('dryRun') ?? [];
  const fieldValidation = c.req.query('fieldValidation') ?? '';
  const causes: StatusCause[] = [];
  const dry = dryRunCause(dryRun);
  if (dry) causes.push(dry);
  if (fieldValidation !== '' && !FIELD_VALIDATION_VALUES.includes(fieldValidation as FieldValidation)) {
    causes.push({
      type: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(fieldValidation)}: supported values: "", ${FIELD_VALIDATION_VALUES.map((v) => `"${v}"`).join(', ')}`,
      field: 'fieldValidation',
    });
  }
  if (causes.length) throw errors.invalid({ group: 'meta.k8s.io', resource: '', kind, name: '' }, causes);
  return { dryRun: dryRun.includes('All'), fieldValidation: (fieldValidation || 'Warn') as FieldValidation };
}

const OPTIONS_KIND_BY_METHOD: Record<string, WriteOptionsKind | 'DeleteOptions'> = {
  POST: 'CreateOptions',
  PUT: 'UpdateOptions',
  PATCH: 'PatchOptions',
  DELETE: 'DeleteOptions',
};

/**
 * Refuses a write whose dryRun query parameter holds a value other than All, before any
 * handler runs: an unrecognised directive must never fall through to a real write.
 */
export function checkDryRunQuery(c: Context): void {
  const kind = OPTIONS_KIND_BY_METHOD[c.req.method];
  if (!kind) return;
  const cause = dryRunCause(c.req.queries('dryRun') ?? []);
  if (cause) throw errors.invalid({ group: 'meta.k8s.io', resource: '', kind, name: '' }, [cause]);
}
