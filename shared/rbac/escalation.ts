import type { UserInfo } from '../authn/user.js';
import type { PolicyRule } from './types.js';

/**
 * RBAC's escalation rule: nobody grants what they do not hold. A Role or ClusterRole may
 * only carry rules its writer's own rules cover (unless the writer may `escalate`), a
 * binding may only reference a role whose rules the writer holds (unless the writer may
 * `bind` it). The comparison is upstream's policy_comparator: each rule is broken down to
 * one verb, group, resource and name, and each piece must be covered by one owner rule.
 */

const ALL = '*';
const has = (set: readonly string[] | undefined, x: string): boolean => (set ?? []).includes(x);
const hasAll = (set: readonly string[] | undefined, xs: readonly string[] | undefined): boolean => (xs ?? []).every((x) => has(set, x));

/** A rule as pieces of at most one verb, group, resource and name (BreakdownRule). */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs) {
        if ((rule.resourceNames ?? []).length) {
          for (const name of rule.resourceNames!) out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
        } else {
          out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        }
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

function resourcesCover(owner: readonly string[] | undefined, wanted: readonly string[] | undefined): boolean {
  if (has(owner, ALL) || hasAll(owner, wanted)) return true;
  for (const path of wanted ?? []) {
    if (has(owner, path)) continue;
    const slash = path.indexOf('/');
    if (slash < 0 || !has(owner, `*/${path.slice(slash + 1)}`)) return false;
  }
  return true;
}

function urlsCover(owner: readonly string[] | undefined, wanted: readonly string[] | undefined): boolean {
  return (wanted ?? []).every((path) =>
    (owner ?? []).some((o) => o === path || (o.endsWith('*') && path.startsWith(o.replace(/\*+$/, '')))),
  );
}

/** ruleCovers: does one owner rule cover one broken-down piece. */
export function ruleCovers(owner: PolicyRule, piece: PolicyRule): boolean {
  const names = piece.resourceNames ?? [];
  const ownerNames = owner.resourceNames ?? [];
  return (
    (has(owner.verbs, ALL) || hasAll(owner.verbs, piece.verbs)) &&
    (has(owner.apiGroups, ALL) || hasAll(owner.apiGroups, piece.apiGroups)) &&
    resourcesCover(owner.resources, piece.resources) &&
    urlsCover(owner.nonResourceURLs, piece.nonResourceURLs) &&
    (names.length === 0 ? ownerNames.length === 0 : ownerNames.length === 0 || hasAll(ownerNames, names))
  );
}

/** The pieces of `wanted` that no rule of `owner` covers (empty: no escalation). */
export function uncovered(owner: readonly PolicyRule[], wanted: readonly PolicyRule[]): PolicyRule[] {
  return wanted.flatMap(breakdownRule).filter((piece) => !owner.some((o) => ruleCovers(o, piece)));
}

/** Go's %q of a []string: `["a" "b"]`. */
function goStrings(xs: readonly string[]): string {
  return `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;
}

/** rbacv1helpers.CompactString. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${goStrings(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${goStrings(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goStrings(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${goStrings(r.resourceNames)}`);
  if (r.verbs.length) parts.push(`Verbs:${goStrings(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

/** Pieces that differ only in their verb, as one rule (CompactRules). */
function compact(pieces: readonly PolicyRule[]): PolicyRule[] {
  const byKey = new Map<string, PolicyRule>();
  for (const p of pieces) {
    const key = JSON.stringify([p.apiGroups ?? [], p.resources ?? [], p.resourceNames ?? [], p.nonResourceURLs ?? []]);
    const seen = byKey.get(key);
    if (seen) {
      if (!seen.verbs.includes(p.verbs[0]!)) seen.verbs.push(p.verbs[0]!);
    } else {
      byKey.set(key, { ...p, verbs: [...p.verbs] });
    }
  }
  return [...byKey.values()];
}

/** ConfirmNoEscalation's message, or undefined when the owner holds everything wanted. */
export function escalationMessage(user: UserInfo, owner: readonly PolicyRule[], wanted: readonly PolicyRule[], resolutionErrors: readonly string[] = []): string | undefined {
  const missing = uncovered(owner, wanted);
  if (!missing.length) return undefined;
  const lines = [...new Set(compact(missing).map(compactString))].sort();
  let msg = `user ${JSON.stringify(user.username)} (groups=${goStrings(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
  if (resolutionErrors.length) msg += `; resolution errors: [${resolutionErrors.join(' ')}]`;
  return msg;
}

/** The rules that only full authority (cluster-admin) covers: required to set an aggregationRule. */
export const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];
