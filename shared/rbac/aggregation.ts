import { jsonEqual } from '../json-equal.js';
import { labelSelectorMatches } from '../label-selector.js';
import { rulesOf, type PolicyRule, type Role } from './types.js';

/** A rule without empty lists: upstream's semantic equality treats nil and empty alike. */
function normalized(rule: PolicyRule): PolicyRule {
  const out: PolicyRule = { verbs: rule.verbs };
  if (rule.apiGroups?.length) out.apiGroups = rule.apiGroups;
  if (rule.resources?.length) out.resources = rule.resources;
  if (rule.resourceNames?.length) out.resourceNames = rule.resourceNames;
  if (rule.nonResourceURLs?.length) out.nonResourceURLs = rule.nonResourceURLs;
  return out;
}

export function sameRules(a: PolicyRule[], b: PolicyRule[]): boolean {
  return jsonEqual(a.map(normalized), b.map(normalized));
}

/**
 * The clusterrole-aggregation controller's computation for one role: for each selector in
 * turn, the rules of every other ClusterRole it selects (by name), without duplicates.
 */
export function aggregatedRules(role: Role, all: readonly Role[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const name = role.metadata.name;
  for (const selector of role.aggregationRule?.clusterRoleSelectors ?? []) {
    const selected = all
      .filter((r) => r.metadata.name !== name && labelSelectorMatches(selector, r.metadata.labels ?? undefined))
      .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0));
    for (const r of selected) {
      for (const rule of rulesOf(r)) {
        if (!out.some((x) => sameRules([x], [rule]))) out.push(rule);
      }
    }
  }
  return out;
}

/**
 * Aggregates to a fixed point (admin takes edit's rules, edit view's, so chains settle in
 * one pass here instead of one write per level). Returns the roles whose rules change.
 */
export function aggregateAll(roles: readonly Role[], maxPasses = 10): Map<string, PolicyRule[]> {
  const current = roles.map((r) => ({ ...r, rules: rulesOf(r) }));
  const changed = new Map<string, PolicyRule[]>();
  for (let pass = 0; pass < maxPasses; pass++) {
    let moved = false;
    for (const role of current) {
      if (!role.aggregationRule) continue;
      const rules = aggregatedRules(role, current);
      if (sameRules(rules, role.rules)) continue;
      role.rules = rules;
      changed.set(role.metadata.name ?? '', rules);
      moved = true;
    }
    if (!moved) break;
  }
  return changed;
}
