import { jsonEqual } from '../json-equal.js';
import { rfc3339 } from '../time.js';
import type { CustomResourceDefinition, CustomResourceDefinitionCondition, CustomResourceDefinitionNames } from './types.js';

export type ConditionType = 'NamesAccepted' | 'Established' | 'Terminating';

export function findCondition(crd: CustomResourceDefinition, type: ConditionType): CustomResourceDefinitionCondition | undefined {
  return (crd.status?.conditions ?? []).find((c) => c.type === type);
}

/**
 * Sets a condition, keeping lastTransitionTime when the status does not change (as
 * apiextensions' SetCRDCondition does), and returns the new list.
 */
export function withCondition(
  conditions: CustomResourceDefinitionCondition[],
  next: Omit<CustomResourceDefinitionCondition, 'lastTransitionTime'>,
  now: number,
): CustomResourceDefinitionCondition[] {
  const i = conditions.findIndex((c) => c.type === next.type);
  const old = i >= 0 ? conditions[i] : undefined;
  const lastTransitionTime = old && old.status === next.status ? (old.lastTransitionTime ?? rfc3339(now)) : rfc3339(now);
  const cond: CustomResourceDefinitionCondition = { type: next.type, status: next.status, lastTransitionTime, reason: next.reason, message: next.message };
  if (old && jsonEqual(old, cond)) return conditions;
  const out = [...conditions];
  if (i >= 0) out[i] = cond;
  else out.push(cond);
  return out;
}

function acceptedNamesInGroup(all: CustomResourceDefinition[], group: string): { resources: Set<string>; kinds: Set<string> } {
  const resources = new Set<string>();
  const kinds = new Set<string>();
  for (const crd of all) {
    if (crd.spec?.group !== group) continue;
    const n = crd.status?.acceptedNames ?? {};
    for (const r of [n.plural, n.singular, ...(n.shortNames ?? [])]) if (r) resources.add(r);
    for (const k of [n.kind, n.listKind]) if (k) kinds.add(k);
  }
  return { resources, kinds };
}

function conflict(requested: string | undefined, accepted: string | undefined, used: Set<string>): string | undefined {
  if (!requested || requested === accepted || !used.has(requested)) return undefined;
  return `"${requested}" is already in use`;
}

export interface NamingResult {
  acceptedNames: CustomResourceDefinitionNames;
  namesAccepted: Omit<CustomResourceDefinitionCondition, 'lastTransitionTime'>;
  established: Omit<CustomResourceDefinitionCondition, 'lastTransitionTime'>;
}

/**
 * apiextensions' naming controller and establishing controller in one step: the requested
 * names are accepted unless another CRD of the group already holds them (among accepted
 * names, its own included, so a CRD keeps the names it has); once names are accepted the
 * CRD is Established, and stays so. `all` holds every CRD, this one included.
 */
export function calculateNames(crd: CustomResourceDefinition, all: CustomResourceDefinition[]): NamingResult {
  const group = crd.spec?.group ?? '';
  const others = all.filter((c) => c.metadata.name !== crd.metadata.name);
  const { resources, kinds } = acceptedNamesInGroup([...others, crd], group);
  const requested = crd.spec?.names ?? {};
  const accepted = crd.status?.acceptedNames ?? {};
  const next: CustomResourceDefinitionNames = { ...accepted };
  let failure: { reason: string; message: string } | undefined;

  const take = (field: 'plural' | 'singular' | 'kind' | 'listKind', used: Set<string>, reason: string): void => {
    const err = conflict(requested[field], accepted[field], used);
    if (err) failure = { reason, message: err };
    else if (requested[field] !== undefined) next[field] = requested[field];
  };
  take('plural', resources, 'PluralConflict');
  take('singular', resources, 'SingularConflict');
  if (!jsonEqual(requested.shortNames ?? [], accepted.shortNames ?? [])) {
    const mine = new Set(accepted.shortNames ?? []);
    const errs = (requested.shortNames ?? []).filter((s) => !mine.has(s)).map((s) => conflict(s, '', resources)).filter((e): e is string => Boolean(e));
    if (errs.length) failure = { reason: 'ShortNamesConflict', message: errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]` };
    else next.shortNames = requested.shortNames;
  }
  take('kind', kinds, 'KindConflict');
  take('listKind', kinds, 'ListKindConflict');
  next.categories = requested.categories;
  if (!next.shortNames?.length) delete next.shortNames;
  if (!next.categories?.length) delete next.categories;

  const namesAccepted = failure
    ? { type: 'NamesAccepted', status: 'False', ...failure }
    : { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' };
  const old = findCondition(crd, 'Established');
  const established =
    old?.status === 'True'
      ? { type: 'Established', status: 'True', reason: old.reason ?? 'InitialNamesAccepted', message: old.message ?? 'the initial names have been accepted' }
      : failure
        ? { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' }
        : { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' };
  return { acceptedNames: next, namesAccepted, established };
}

/** The status naming and establishing would write; undefined when it is already so. */
export function namedStatus(crd: CustomResourceDefinition, all: CustomResourceDefinition[], now: number): CustomResourceDefinition['status'] | undefined {
  const result = calculateNames(crd, all);
  let conditions = [...(crd.status?.conditions ?? [])];
  conditions = withCondition(conditions, result.namesAccepted, now);
  conditions = withCondition(conditions, result.established, now);
  const status = { ...(crd.status ?? {}), acceptedNames: result.acceptedNames, conditions };
  return jsonEqual(status, crd.status ?? {}) ? undefined : status;
}
