import type { Overriders } from '../karmada/override-policy.js';

/** Work annotation recording the OverridePolicies applied to its manifest (JSON, see encodeAppliedOverrides). */
export const APPLIED_OVERRIDES_ANNOTATION = 'policy.karmada.io/applied-overrides';
/** Work annotation recording the ClusterOverridePolicies applied to its manifest. */
export const APPLIED_CLUSTER_OVERRIDES_ANNOTATION = 'policy.karmada.io/applied-cluster-overrides';

/** One applied rule: the policy's name and the overriders of that rule. */
export interface OverridePolicyShadow {
  policyName: string;
  overriders: Overriders;
}

/** Karmada's AppliedOverrides: the rules applied, in the order they were applied. */
export interface AppliedOverrides {
  appliedItems: OverridePolicyShadow[];
}

// Go marshals Overriders in its struct's field order; keeping that order keeps the
// annotation byte-for-byte what Karmada writes, so Work diffs stay quiet.
const overriderFieldOrder = [
  'plaintext',
  'imageOverrider',
  'commandOverrider',
  'argsOverrider',
  'labelsOverrider',
  'annotationsOverrider',
  'fieldOverrider',
] as const satisfies readonly (keyof Overriders)[];

/** A copy of the overriders with empty lists dropped and keys in Karmada's order. */
export function canonicalOverriders(o: Overriders): Overriders {
  const out: Record<string, unknown> = {};
  for (const key of overriderFieldOrder) {
    const list = o[key];
    if (list && list.length > 0) out[key] = structuredClone(list);
  }
  return out as Overriders;
}

/**
 * The annotation value: a JSON array of the items sorted by policy name (stable, so the
 * rules of one policy keep their order); undefined when nothing was applied, in which case
 * the annotation is not written.
 */
export function encodeAppliedOverrides(applied: AppliedOverrides | undefined): string | undefined {
  if (!applied || applied.appliedItems.length === 0) return undefined;
  const items = [...applied.appliedItems].sort((a, b) => (a.policyName < b.policyName ? -1 : a.policyName > b.policyName ? 1 : 0));
  return JSON.stringify(items.map((i) => ({ policyName: i.policyName, overriders: canonicalOverriders(i.overriders) })));
}
