import { jsonEqual } from '../json-equal.js';
import type { KubeObject } from '../object.js';
import { groupVersionString, type ResourceType } from '../registry/resource-type.js';
import type { StatusCause } from '../status.js';
import { applyDefaults, pruneNonNullableNulls } from './defaulting.js';
import { fieldError } from './field-errors.js';
import { pruneUnknownFields } from './pruning.js';
import { readPath } from './scale.js';
import type { CustomResourceInfo, CustomResourceVersionInfo } from './types.js';
import { validateAgainstSchema } from './validation.js';

export interface CustomResourceAdmission {
  /** The object defaulted and pruned, ready to store. */
  object: KubeObject;
  /** Paths pruning removed: fieldValidation Strict refuses them, Warn reports them. */
  unknownFields: string[];
  /** Field errors: non-empty means 422 Invalid. */
  causes: StatusCause[];
}

/** Everything but metadata: what a finalizer or label edit leaves untouched. */
function content(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, apiVersion: _a, ...rest } = obj;
  return rest;
}

/** Upstream's checks of the values the scale subresource reads, on top of the schema. */
function scaleCauses(v: CustomResourceVersionInfo, obj: KubeObject): StatusCause[] {
  const out: StatusCause[] = [];
  if (!v.scale) return out;
  const asField = (p: string): string => p.replace(/^\./, '');
  for (const p of [v.scale.specReplicasPath, v.scale.statusReplicasPath]) {
    const value = readPath(obj, p);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value)) out.push(fieldError.invalid(asField(p), value, 'should be an integer'));
    else if (value < 0) out.push(fieldError.invalid(asField(p), value, 'should be a non-negative integer'));
  }
  if (v.scale.labelSelectorPath) {
    const sel = readPath(obj, v.scale.labelSelectorPath);
    if (sel !== undefined && typeof sel !== 'string') out.push(fieldError.invalid(asField(v.scale.labelSelectorPath), sel, 'must be a string'));
  }
  return out;
}

/**
 * What a write of a custom resource goes through, in the version the client spoke: nulls
 * where null is not allowed are dropped, defaults applied, unknown fields pruned, then the
 * structural schema validated. An update that leaves everything but metadata as it was
 * (a finalizer or a label) is not re-validated, so objects written under an older schema
 * can still be released for deletion.
 */
export function admitCustomResource(info: CustomResourceInfo, version: string, obj: KubeObject, old?: KubeObject): CustomResourceAdmission {
  const v = info.versions[version];
  const object = structuredClone(obj);
  if (!v?.schema) return { object, unknownFields: [], causes: [] };
  pruneNonNullableNulls(object, v.schema);
  const unknownFields = info.preserveUnknownFields ? [] : pruneUnknownFields(object, v.schema);
  applyDefaults(object, v.schema);
  if (old && jsonEqual(content(old), content(object))) return { object, unknownFields, causes: [] };
  const causes = [...validateAgainstSchema(v.schema, object), ...scaleCauses(v, object)];
  return { object, unknownFields, causes };
}

/**
 * A stored custom resource as a client of `version` sees it. Conversion is None: only
 * apiVersion changes. Defaults of the stored version, then of the served one, apply on the
 * way out, as upstream defaults on every read, so objects stored before a default was
 * added to the schema show it.
 */
export function customResourceForVersion(type: ResourceType, obj: KubeObject, version: string): KubeObject {
  const info = type.customResource;
  if (!info) return obj;
  const storedVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion.split('/').pop()! : info.storageVersion;
  const target = groupVersionString(type.group, version);
  const schemas = [...new Set([storedVersion, version])]
    .map((v) => info.versions[v])
    .filter((v) => v?.hasDefaults && v.schema)
    .map((v) => v!.schema!);
  if (schemas.length === 0) return obj.apiVersion === target ? obj : { ...obj, apiVersion: target };
  const out = structuredClone(obj);
  for (const s of schemas) applyDefaults(out, s);
  out.apiVersion = target;
  return out;
}

/** The unknown-field messages kube-apiserver puts in warnings and strict-decoding errors. */
export function unknownFieldMessages(paths: string[]): string[] {
  return paths.map((p) => `unknown field "${p}"`);
}

