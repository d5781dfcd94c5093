import type { AdmissionPlugin } from '../admission/plugin.js';
import { jsonEqual } from '../json-equal.js';
import type { KubeObject } from '../object.js';
import type { StatusCause } from '../status.js';
import { RBAC_GROUP } from './types.js';

/**
 * RBAC's defaulting and validation (pkg/apis/rbac/v1 defaults, pkg/apis/rbac/validation):
 * roleRef and User/Group subjects default to the RBAC group; rules need verbs and either
 * resources with groups or non-resource URLs (never in a namespaced Role); bindings name a
 * supported role kind and subjects; a binding's roleRef never changes. Malformed objects
 * would otherwise be skipped by the authorizer silently.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);
const q = (v: unknown): string => JSON.stringify(v ?? '');

function required(field: string, detail = ''): StatusCause {
  return { type: 'FieldValueRequired', field, message: detail ? `Required value: ${detail}` : 'Required value' };
}
function invalid(field: string, value: unknown, detail: string): StatusCause {
  return { type: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(value)}: ${detail}` };
}
function notSupported(field: string, value: unknown, supported: string[]): StatusCause {
  return { type: 'FieldValueNotSupported', field, message: `Unsupported value: ${q(value)}: supported values: ${supported.map((s) => q(s)).join(', ')}` };
}

export function validateRules(rules: unknown, namespaced: boolean): StatusCause[] {
  if (rules === undefined || rules === null) return [];
  if (!Array.isArray(rules)) return [invalid('rules', rules, 'must be a list of rules')];
  const causes: StatusCause[] = [];
  rules.forEach((rule, i) => {
    const at = `rules[${i}]`;
    if (!isObj(rule)) {
      causes.push(invalid(at, rule, 'must be an object'));
      return;
    }
    for (const f of ['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs']) {
      if (rule[f] !== undefined && rule[f] !== null && !strings(rule[f])) causes.push(invalid(`${at}.${f}`, rule[f], 'must be a list of strings'));
    }
    const len = (f: string): number => strings(rule[f])?.length ?? 0;
    if (len('verbs') === 0) causes.push(required(`${at}.verbs`, 'verbs must contain at least one value'));
    if (len('nonResourceURLs') > 0) {
      if (namespaced) causes.push(invalid(`${at}.nonResourceURLs`, rule.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'));
      if (len('apiGroups') > 0 || len('resources') > 0 || len('resourceNames') > 0) {
        causes.push(invalid(`${at}.nonResourceURLs`, rule.nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'));
      }
      return;
    }
    if (len('apiGroups') === 0) causes.push(required(`${at}.apiGroups`, 'resource rules must supply at least one api group'));
    if (len('resources') === 0) causes.push(required(`${at}.resources`, 'resource rules must supply at least one resource'));
  });
  return causes;
}

export function validateBinding(obj: KubeObject, cluster: boolean, old?: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const ref = obj.roleRef;
  if (!isObj(ref)) {
    causes.push(required('roleRef'));
  } else {
    if (ref.apiGroup !== RBAC_GROUP) causes.push(notSupported('roleRef.apiGroup', ref.apiGroup, [RBAC_GROUP]));
    const kinds = cluster ? ['ClusterRole'] : ['Role', 'ClusterRole'];
    if (!kinds.includes(ref.kind as string)) causes.push(notSupported('roleRef.kind', ref.kind, kinds));
    if (typeof ref.name !== 'string' || ref.name === '') causes.push(required('roleRef.name'));
    else if (ref.name.includes('/') || ref.name.includes('%') || ref.name === '.' || ref.name === '..') {
      causes.push(invalid('roleRef.name', ref.name, 'may not contain "/" or "%" and may not be "." or ".."'));
    }
  }
  if (old && isObj(old.roleRef) && !jsonEqual(old.roleRef, ref)) causes.push(invalid('roleRef', ref, 'cannot change roleRef'));
  const subjects = obj.subjects;
  if (subjects !== undefined && subjects !== null && !Array.isArray(subjects)) causes.push(invalid('subjects', subjects, 'must be a list of subjects'));
  (Array.isArray(subjects) ? subjects : []).forEach((s, i) => {
    const at = `subjects[${i}]`;
    if (!isObj(s)) {
      causes.push(invalid(at, s, 'must be an object'));
      return;
    }
    if (typeof s.name !== 'string' || s.name === '') causes.push(required(`${at}.name`));
    switch (s.kind) {
      case 'ServiceAccount':
        if (s.apiGroup) causes.push(notSupported(`${at}.apiGroup`, s.apiGroup, ['']));
        if (cluster && !s.namespace) causes.push(required(`${at}.namespace`));
        break;
      case 'User':
      case 'Group':
        if (s.apiGroup !== RBAC_GROUP) causes.push(notSupported(`${at}.apiGroup`, s.apiGroup, [RBAC_GROUP]));
        break;
      default:
        causes.push(notSupported(`${at}.kind`, s.kind, ['ServiceAccount', 'User', 'Group']));
    }
  });
  return causes;
}

/** The v1 defaults clients may leave out: the RBAC group on roleRef and on User and Group subjects. */
export function defaultBinding(obj: KubeObject): KubeObject {
  const out = structuredClone(obj);
  if (isObj(out.roleRef) && !out.roleRef.apiGroup) out.roleRef.apiGroup = RBAC_GROUP;
  if (Array.isArray(out.subjects)) {
    for (const s of out.subjects) {
      if (isObj(s) && !s.apiGroup && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = RBAC_GROUP;
    }
  }
  return out;
}

export function rbacAdmissionPlugins(): AdmissionPlugin[] {
  return [
    {
      name: 'RBACRole',
      resources: [`roles.${RBAC_GROUP}`, `clusterroles.${RBAC_GROUP}`],
      validate: ({ object, resource }) => validateRules(object.rules, resource.startsWith('roles.')),
    },
    {
      name: 'RBACBinding',
      resources: [`rolebindings.${RBAC_GROUP}`, `clusterrolebindings.${RBAC_GROUP}`],
      mutate: ({ object }) => defaultBinding(object),
      validate: ({ object, oldObject, resource }) => validateBinding(object, resource.startsWith('clusterrolebindings.'), oldObject),
    },
  ];
}
