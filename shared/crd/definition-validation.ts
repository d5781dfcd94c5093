import { jsonEqual } from '../json-equal.js';
import type { StatusCause } from '../status.js';
import { fieldError, path } from './field-errors.js';
import { validateCustomResourceSchema } from './structural.js';
import type {
  CustomResourceColumnDefinition,
  CustomResourceDefinition,
  CustomResourceDefinitionNames,
  CustomResourceDefinitionSpec,
  CustomResourceSubresources,
  JSONSchemaProps,
} from './types.js';

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_LABEL}(\\.${DNS1123_LABEL})*$`);
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** apimachinery's IsDNS1035Label messages, joined as upstream joins them into one detail. */
function dns1035(value: string): string | undefined {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1035_LABEL.test(value)) {
    errs.push(
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    );
  }
  return errs.length ? errs.join(',') : undefined;
}

function dns1123Subdomain(value: string): string | undefined {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(value)) {
    errs.push(
      `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_LABEL}(\\.${DNS1123_LABEL})*')`,
    );
  }
  return errs.length ? errs.join(',') : undefined;
}

/** The annotation upstream requires on CRDs in *.k8s.io and *.kubernetes.io groups. */
export const API_APPROVAL_ANNOTATION = 'api-approved.kubernetes.io';

function isProtectedKubernetesGroup(group: string): boolean {
  return group === 'k8s.io' || group.endsWith('.k8s.io') || group === 'kubernetes.io' || group.endsWith('.kubernetes.io');
}

export interface DefinitionValidationOptions {
  /** Says whether Flotilla serves the group itself (built-in and Karmada groups): such a CRD is refused. */
  servedGroup(group: string): boolean;
}

/** SetDefaults for apiextensions.k8s.io/v1 CRDs: singular, listKind and the conversion strategy. */
export function defaultCustomResourceDefinition(crd: CustomResourceDefinition): void {
  const spec: CustomResourceDefinitionSpec = (crd.spec ??= {});
  const names: CustomResourceDefinitionNames = (spec.names ??= {});
  if (!names.singular && names.kind) names.singular = names.kind.toLowerCase();
  if (!names.listKind && names.kind) names.listKind = `${names.kind}List`;
  spec.conversion ??= { strategy: 'None' };
  spec.conversion.strategy ??= 'None';
  for (const v of spec.versions ?? []) {
    v.served ??= false;
    v.storage ??= false;
  }
}

/** The storage version named by spec.versions (undefined unless exactly one is marked). */
export function storageVersionOf(crd: CustomResourceDefinition): string | undefined {
  const storage = (crd.spec?.versions ?? []).filter((v) => v.storage);
  return storage.length === 1 ? storage[0]!.name : undefined;
}

export function validateCustomResourceDefinition(crd: CustomResourceDefinition, opts: DefinitionValidationOptions): StatusCause[] {
  const out: StatusCause[] = [];
  const spec = crd.spec ?? {};
  const name = String(crd.metadata.name ?? '');
  if (name && name !== `${spec.names?.plural ?? ''}.${spec.group ?? ''}`) {
    out.push(fieldError.invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  }
  out.push(...validateApiApproval(crd));
  out.push(...validateSpec(spec, opts));
  if (spec.preserveUnknownFields === true) {
    out.push(fieldError.invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
  }
  out.push(...validateCustomResourceDefinitionStatus(crd));
  return out;
}

export function validateCustomResourceDefinitionUpdate(
  crd: CustomResourceDefinition,
  old: CustomResourceDefinition,
  opts: DefinitionValidationOptions,
): StatusCause[] {
  const out: StatusCause[] = [];
  const spec = crd.spec ?? {};
  const oldSpec = old.spec ?? {};
  out.push(...validateApiApproval(crd));
  out.push(...validateSpec(spec, opts));
  const immutable = (p: string, now: unknown, before: unknown): void => {
    if (!jsonEqual(now, before)) out.push(fieldError.invalid(p, now, 'field is immutable'));
  };
  if (isEstablished(old)) {
    immutable('spec.scope', spec.scope, oldSpec.scope);
    immutable('spec.names.kind', spec.names?.kind, oldSpec.names?.kind);
  }
  immutable('spec.group', spec.group, oldSpec.group);
  immutable('spec.names.plural', spec.names?.plural, oldSpec.names?.plural);
  if (spec.preserveUnknownFields === true && oldSpec.preserveUnknownFields !== true) {
    out.push(fieldError.invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
  }
  out.push(...validateCustomResourceDefinitionStatus(crd));
  return out;
}

export function isEstablished(crd: CustomResourceDefinition): boolean {
  return (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
}

/** Status rules every write checks: accepted names are well formed, storedVersions match spec.versions. */
export function validateCustomResourceDefinitionStatus(crd: CustomResourceDefinition): StatusCause[] {
  const out = validateNames(crd.status?.acceptedNames ?? {}, 'status.acceptedNames');
  const stored = crd.status?.storedVersions ?? [];
  const p = 'status.storedVersions';
  if (stored.length === 0) return [...out, fieldError.invalid(p, stored, 'must have at least one stored version')];
  const remaining = new Map(stored.map((v, i) => [v, i]));
  for (const v of crd.spec?.versions ?? []) {
    if (v.storage && v.name !== undefined && !remaining.has(v.name)) out.push(fieldError.invalid(p, stored, `must have the storage version ${v.name}`));
    if (v.name !== undefined) remaining.delete(v.name);
  }
  for (const [v, i] of remaining) {
    out.push(
      fieldError.invalid(
        path.index(p, i),
        v,
        `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`,
      ),
    );
  }
  return out;
}

function validateApiApproval(crd: CustomResourceDefinition): StatusCause[] {
  const group = crd.spec?.group ?? '';
  if (!isProtectedKubernetesGroup(group)) return [];
  if ((crd.metadata.annotations ?? {})[API_APPROVAL_ANNOTATION]) return [];
  return [
    fieldError.required(
      `metadata.annotations[${API_APPROVAL_ANNOTATION}]`,
      `protected groups must have approval annotation "${API_APPROVAL_ANNOTATION}", see https://github.com/kubernetes/enhancements/pull/1111`,
    ),
  ];
}

function validateSpec(spec: CustomResourceDefinitionSpec, opts: DefinitionValidationOptions): StatusCause[] {
  const out: StatusCause[] = [];
  const group = spec.group ?? '';
  if (!group) out.push(fieldError.required('spec.group'));
  else if (opts.servedGroup(group)) {
    out.push(
      fieldError.forbidden(
        'spec.group',
        `the API group "${group}" is served by Flotilla itself; a CustomResourceDefinition cannot define resources in it (use a group of your own, such as "${group.replace(/\.?karmada\.io$/, '') || 'things'}.example.com")`,
      ),
    );
  } else {
    const err = dns1123Subdomain(group);
    if (err) out.push(fieldError.invalid('spec.group', group, err));
    else if (group.split('.').length < 2) out.push(fieldError.invalid('spec.group', group, 'should be a domain with at least one dot'));
  }

  if (!spec.scope) out.push(fieldError.required('spec.scope'));
  else if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') out.push(fieldError.notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));

  const versions = spec.versions ?? [];
  let storageCount = 0;
  const seen = new Set<string>();
  let unique = true;
  versions.forEach((v, i) => {
    const vp = path.index('spec.versions', i);
    if (v.storage) storageCount++;
    const vname = v.name ?? '';
    if (seen.has(vname)) unique = false;
    seen.add(vname);
    const err = dns1035(vname);
    if (err) out.push(fieldError.invalid(path.child(vp, 'name'), vname, err));
    const schema = v.schema?.openAPIV3Schema;
    const statusEnabled = v.subresources?.status !== undefined;
    if (!schema) out.push(fieldError.required(path.child(vp, 'schema', 'openAPIV3Schema'), 'schemas are required'));
    else out.push(...validateCustomResourceSchema(schema, path.child(vp, 'schema', 'openAPIV3Schema'), { statusEnabled }));
    out.push(...validateSubresources(v.subresources, path.child(vp, 'subresources')));
    (v.additionalPrinterColumns ?? []).forEach((col, j) =>
      out.push(...validatePrinterColumn(col, path.index(path.child(vp, 'additionalPrinterColumns'), j))),
    );
    if (v.deprecationWarning !== undefined) {
      const wp = path.child(vp, 'deprecationWarning');
      if (!v.deprecated) out.push(fieldError.invalid(wp, v.deprecationWarning, 'can only be set for deprecated versions'));
      else if (v.deprecationWarning.length > 256) out.push(fieldError.invalid(wp, v.deprecationWarning, 'must be <= 256 characters long'));
      else if (v.deprecationWarning.length === 0) out.push(fieldError.invalid(wp, v.deprecationWarning, 'must not be an empty string'));
    }
    out.push(...validateSelectableFields(v.selectableFields ?? [], schema, path.child(vp, 'selectableFields')));
  });
  if (!unique) out.push(fieldError.invalid('spec.versions', versions.map((v) => v.name), 'must contain unique version names'));
  if (storageCount !== 1) out.push(fieldError.invalid('spec.versions', versions.map((v) => v.name), 'must have exactly one version marked as storage version'));

  const names = spec.names ?? {};
  for (const k of ['plural', 'singular', 'kind', 'listKind'] as const) {
    if (!names[k]) out.push(fieldError.required(`spec.names.${k}`));
  }
  out.push(...validateNames(names, 'spec.names'));

  const strategy = spec.conversion?.strategy ?? 'None';
  if (strategy === 'Webhook') {
    out.push(
      fieldError.invalid('spec.conversion.strategy', strategy, 'Flotilla does not call conversion webhooks: only "None" is supported (objects are served in every version as stored, with apiVersion rewritten)'),
    );
  } else if (strategy !== 'None') {
    out.push(fieldError.notSupported('spec.conversion.strategy', strategy, ['None', 'Webhook']));
  } else if (spec.conversion?.webhook !== undefined) {
    out.push(fieldError.forbidden('spec.conversion.webhook', 'should not be set when strategy is not set to Webhook'));
  }
  return out;
}

function validateNames(names: CustomResourceDefinitionNames, p: string): StatusCause[] {
  const out: StatusCause[] = [];
  const check = (field: string, value: string | undefined, lower = false): void => {
    if (!value) return;
    const err = dns1035(lower ? value.toLowerCase() : value);
    if (err) out.push(fieldError.invalid(path.child(p, field), value, lower ? `may have mixed case, but should otherwise match: ${err}` : err));
  };
  check('plural', names.plural);
  check('singular', names.singular);
  check('kind', names.kind, true);
  check('listKind', names.listKind, true);
  (names.shortNames ?? []).forEach((s, i) => {
    const err = dns1035(s);
    if (err) out.push(fieldError.invalid(path.index(path.child(p, 'shortNames'), i), s, err));
  });
  if (names.kind && names.kind === names.listKind) out.push(fieldError.invalid(path.child(p, 'listKind'), names.listKind, 'kind and listKind may not be the same'));
  (names.categories ?? []).forEach((c, i) => {
    const err = dns1035(c);
    if (err) out.push(fieldError.invalid(path.index(path.child(p, 'categories'), i), c, err));
  });
  return out;
}

/** The JSON paths CRDs use for scale and columns: a leading dot, dot-separated. */
function validateSimpleJsonPath(s: string, p: string): StatusCause[] {
  if (s.length === 0) return [fieldError.invalid(p, s, 'must not be empty')];
  if (!s.startsWith('.')) return [fieldError.invalid(p, s, 'must be a simple json path starting with .')];
  return [];
}

function validateSubresources(sub: CustomResourceSubresources | undefined, p: string): StatusCause[] {
  const scale = sub?.scale;
  if (!scale) return [];
  const out: StatusCause[] = [];
  const sp = path.child(p, 'scale');
  const rule = (field: string, value: string | undefined, prefixes: string[], where: string, required: boolean): void => {
    const fp = path.child(sp, field);
    if (!value) {
      if (required) out.push(fieldError.required(fp));
      return;
    }
    const errs = validateSimpleJsonPath(value, fp);
    if (errs.length) out.push(...errs);
    else if (!prefixes.some((x) => value.startsWith(x))) out.push(fieldError.invalid(fp, value, `should be a json path under ${where}`));
  };
  rule('specReplicasPath', scale.specReplicasPath, ['.spec.'], '.spec', true);
  rule('statusReplicasPath', scale.statusReplicasPath, ['.status.'], '.status', true);
  rule('labelSelectorPath', scale.labelSelectorPath, ['.spec.', '.status.'], 'either .spec or .status', false);
  return out;
}

const COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];

function validatePrinterColumn(col: CustomResourceColumnDefinition, p: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (!col.name) out.push(fieldError.required(path.child(p, 'name')));
  if (!col.type) out.push(fieldError.required(path.child(p, 'type'), `must be one of ${COLUMN_TYPES.join(',')}`));
  else if (!COLUMN_TYPES.includes(col.type)) out.push(fieldError.invalid(path.child(p, 'type'), col.type, `must be one of ${COLUMN_TYPES.join(',')}`));
  if (col.format && !COLUMN_FORMATS.includes(col.format)) {
    out.push(fieldError.invalid(path.child(p, 'format'), col.format, `must be one of ${COLUMN_FORMATS.join(',')}`));
  }
  if (!col.jsonPath) out.push(fieldError.required(path.child(p, 'jsonPath')));
  else out.push(...validateSimpleJsonPath(col.jsonPath, path.child(p, 'jsonPath')));
  return out;
}

const MAX_SELECTABLE_FIELDS = 8;

function validateSelectableFields(fields: Array<{ jsonPath?: string }>, schema: JSONSchemaProps | undefined, p: string): StatusCause[] {
  if (fields.length === 0) return [];
  if (!schema) return [fieldError.invalid(p, '', 'selectableFields may only be set when version.schema.openAPIV3Schema is not included')];
  const out: StatusCause[] = [];
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    const fp = path.child(path.index(p, i), 'jsonPath');
    const jp = f.jsonPath ?? '';
    if (!jp) {
      out.push(fieldError.required(fp));
      return;
    }
    const parts = jp.replace(/^\./, '').split('.');
    if (parts[0] === 'metadata') out.push(fieldError.invalid(fp, jp, 'must not point to fields in metadata'));
    let node: JSONSchemaProps | undefined = schema;
    for (const part of parts) node = node?.properties?.[part];
    if (!node) out.push(fieldError.invalid(fp, jp, `is an invalid path: does not refer to a valid field`));
    else if (!['string', 'boolean', 'integer'].includes(node.type ?? '')) {
      out.push(fieldError.invalid(fp, jp, 'must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.'));
    }
    if (seen.has(jp)) out.push(fieldError.duplicate(fp, jp));
    seen.add(jp);
  });
  if (seen.size > MAX_SELECTABLE_FIELDS) out.push(fieldError.tooMany(p, seen.size, MAX_SELECTABLE_FIELDS));
  return out;
}
