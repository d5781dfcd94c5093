import type { StatusCause } from '../../status.js';
import type { ClusterAffinity } from '../common.js';
import { child, invalid } from '../field-errors.js';

/** Cluster fields a field selector may test, and how. */
const FIELD_SELECTOR_KEYS = ['provider', 'region', 'zone'];
const FIELD_SELECTOR_OPERATORS = ['In', 'NotIn'];

/**
 * A cluster affinity's field selector may only test provider, region or zone with In or
 * NotIn. Like Karmada, the first bad requirement is reported, on the selector.
 */
export function validateClusterAffinity(affinity: ClusterAffinity | undefined, path: string): StatusCause[] {
  const selector = affinity?.fieldSelector;
  if (!selector) return [];
  for (const req of selector.matchExpressions ?? []) {
    if (!FIELD_SELECTOR_KEYS.includes(req.key)) {
      return [invalid(child(path, 'fieldSelector'), selector, `key ${JSON.stringify(req.key)} cannot be selected on; use provider, region or zone`)];
    }
    if (!FIELD_SELECTOR_OPERATORS.includes(req.operator)) {
      return [invalid(child(path, 'fieldSelector'), selector, `operator ${JSON.stringify(req.operator)} is not supported here; use In or NotIn`)];
    }
  }
  return [];
}

/** Whether an affinity names nothing at all (every part absent, as Karmada compares it with the zero value). */
export function isEmptyAffinity(a: ClusterAffinity): boolean {
  return a.labelSelector === undefined && a.fieldSelector === undefined && a.clusterNames === undefined && a.exclude === undefined;
}
