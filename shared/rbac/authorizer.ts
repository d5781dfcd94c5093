import { isMaster, type UserInfo } from '../authn/user.js';
import type { Attributes } from './attributes.js';
import { ruleAllows } from './rule-match.js';
import { RBAC_GROUP, rulesOf, type Binding, type PolicyRule, type PolicySnapshot, type Subject } from './types.js';

export interface Decision {
  allowed: boolean;
  /** Upstream's reason: "RBAC: allowed by …" when allowed; the evaluation errors, if any, when denied. */
  reason: string;
}

/** appliesToUser: which subject of a binding names this user (a ServiceAccount subject defaults to the binding's namespace). */
export function subjectMatches(user: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.username === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace || bindingNamespace;
      return ns !== '' && user.username === `system:serviceaccount:${ns}:${subject.name}`;
    }
    default:
      return false;
  }
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

function describeBinding(binding: Binding, subject: Subject, namespace: string): string {
  const ref = `${binding.roleRef.kind} ${JSON.stringify(binding.roleRef.name)}`;
  const name = binding.metadata.name ?? '';
  if (!namespace) return `ClusterRoleBinding ${JSON.stringify(name)} of ${ref} to ${describeSubject(subject, '')}`;
  return `RoleBinding ${JSON.stringify(`${name}/${namespace}`)} of ${ref} to ${describeSubject(subject, namespace)}`;
}

/** The rules a binding's roleRef stands for, or why they cannot be found (upstream's GetRoleReferenceRules). */
function roleRules(policy: PolicySnapshot, binding: Binding, namespace: string): { rules: PolicyRule[] } | { error: string } {
  const ref = binding.roleRef;
  if (ref.apiGroup !== undefined && ref.apiGroup !== '' && ref.apiGroup !== RBAC_GROUP) {
    return { error: `unsupported role reference kind: ${JSON.stringify(ref.kind)}` };
  }
  if (ref.kind === 'ClusterRole') {
    const role = policy.clusterRoles.find((r) => r.metadata.name === ref.name);
    return role ? { rules: rulesOf(role) } : { error: `clusterrole.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found` };
  }
  if (ref.kind === 'Role') {
    const role = namespace ? policy.roles.find((r) => r.metadata.name === ref.name) : undefined;
    return role ? { rules: rulesOf(role) } : { error: `role.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found` };
  }
  return { error: `unsupported role reference kind: ${JSON.stringify(ref.kind)}` };
}

/**
 * Calls `visit` with every rule that applies to `user` in `namespace` (ClusterRoleBindings
 * first, then the namespace's RoleBindings), with a description of where it came from;
 * `visit` returns false to stop. Unresolvable role references are collected as errors.
 */
export function visitRulesFor(
  policy: PolicySnapshot,
  user: UserInfo,
  namespace: string,
  visit: (source: string, rule: PolicyRule) => boolean,
): string[] {
  const errors: string[] = [];
  const walk = (bindings: Binding[], ns: string): boolean => {
    for (const binding of bindings) {
      const subject = (binding.subjects ?? []).find((s) => subjectMatches(user, s, ns));
      if (!subject) continue;
      const found = roleRules(policy, binding, ns);
      if ('error' in found) {
        errors.push(found.error);
        continue;
      }
      const source = describeBinding(binding, subject, ns);
      for (const rule of found.rules) if (!visit(source, rule)) return false;
    }
    return true;
  };
  if (walk(policy.clusterRoleBindings, '') && namespace) walk(policy.roleBindings, namespace);
  return errors;
}

function aggregateErrors(errors: string[]): string {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

/**
 * The authorizer chain kube-apiserver runs for RBAC clusters: members of system:masters are
 * allowed outright (so no RBAC object can lock the admin out), then RBAC decides.
 */
export function authorize(attrs: Attributes, policy: PolicySnapshot): Decision {
  if (isMaster(attrs.user)) return { allowed: true, reason: '' };
  let reason = '';
  const errors = visitRulesFor(policy, attrs.user, attrs.namespace, (source, rule) => {
    if (!ruleAllows(attrs, rule)) return true;
    reason = `RBAC: allowed by ${source}`;
    return false;
  });
  if (reason) return { allowed: true, reason };
  return { allowed: false, reason: errors.length ? `RBAC: ${aggregateErrors(errors)}` : '' };
}

export interface RulesResult {
  resourceRules: Array<{ verbs: string[]; apiGroups: string[]; resources: string[]; resourceNames?: string[] }>;
  nonResourceRules: Array<{ verbs: string[]; nonResourceURLs: string[] }>;
  incomplete: boolean;
  evaluationError?: string;
}

/** Every rule that applies to `user` in `namespace` (cluster-wide ones only for ""), and what could not be resolved. */
export function policyRulesFor(user: UserInfo, namespace: string, policy: PolicySnapshot): { rules: PolicyRule[]; errors: string[] } {
  const rules: PolicyRule[] = [];
  if (isMaster(user)) {
    rules.push({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] });
  }
  const errors = visitRulesFor(policy, user, namespace, (_source, rule) => {
    rules.push(rule);
    return true;
  });
  return { rules, errors };
}

/** What a SelfSubjectRulesReview reports: every rule that applies in the namespace, split as upstream does. */
export function rulesFor(user: UserInfo, namespace: string, policy: PolicySnapshot): RulesResult {
  const { rules, errors } = policyRulesFor(user, namespace, policy);
  const out: RulesResult = { resourceRules: [], nonResourceRules: [], incomplete: errors.length > 0 };
  for (const r of rules) {
    if ((r.resources ?? []).length > 0) {
      out.resourceRules.push({
        verbs: r.verbs,
        apiGroups: r.apiGroups ?? [],
        resources: r.resources ?? [],
        ...((r.resourceNames ?? []).length ? { resourceNames: r.resourceNames } : {}),
      });
    }
    if ((r.nonResourceURLs ?? []).length > 0) out.nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs ?? [] });
  }
  if (errors.length) out.evaluationError = aggregateErrors(errors);
  return out;
}
