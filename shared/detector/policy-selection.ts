// Which (Cluster)PropagationPolicy claims a resource template, as Karmada's detector
// decides: PropagationPolicies of the template's namespace first, ClusterPropagationPolicies
// only when none matches; among matches the highest explicit priority, then the most
// specific selector (name > label selector > kind only), then the first name.

import type { PropagationPolicy, ClusterPropagationPolicy } from '../karmada/propagation-policy.js';
import { bestSelectorPriority, type SelectableResource } from '../policy/resource-selector.js';

export type AnyPolicy = PropagationPolicy | ClusterPropagationPolicy;

export interface PolicyRef {
  kind: 'PropagationPolicy' | 'ClusterPropagationPolicy';
  namespace: string;
  name: string;
}

export interface Candidate<P extends AnyPolicy = AnyPolicy> {
  policy: P;
  ref: PolicyRef;
  priority: number;
  implicit: number;
}

const RESERVED_NAMESPACES = ['karmada-system', 'karmada-cluster', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Namespaces whose objects are never resource templates (Karmada's skipped namespaces). */
export function isReservedNamespace(ns: string | undefined): boolean {
  if (!ns) return false;
  return RESERVED_NAMESPACES.includes(ns) || ns.startsWith('karmada-es-') || ns.startsWith('kube-');
}

function candidate<P extends AnyPolicy>(policy: P, kind: PolicyRef['kind'], resource: SelectableResource): Candidate<P> | undefined {
  if (policy.metadata.deletionTimestamp) return undefined;
  // A ClusterPropagationPolicy never reaches into the reserved namespaces.
  if (kind === 'ClusterPropagationPolicy' && isReservedNamespace(resource.metadata.namespace)) return undefined;
  if (kind === 'PropagationPolicy' && (policy.metadata.namespace ?? '') !== (resource.metadata.namespace ?? '')) return undefined;
  const implicit = bestSelectorPriority(resource, policy.spec.resourceSelectors ?? []);
  if (!implicit) return undefined;
  return { policy, ref: { kind, namespace: policy.metadata.namespace ?? '', name: policy.metadata.name ?? '' }, priority: policy.spec.priority ?? 0, implicit };
}

function better(a: Candidate, b: Candidate): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.implicit !== b.implicit) return a.implicit > b.implicit;
  return a.ref.name < b.ref.name;
}

function best<C extends Candidate>(list: C[]): C | undefined {
  let out: C | undefined;
  for (const c of list) if (!out || better(c, out)) out = c;
  return out;
}

export function matchingPolicies(resource: SelectableResource, pps: readonly PropagationPolicy[], cpps: readonly ClusterPropagationPolicy[]): { pp: Candidate[]; cpp: Candidate[] } {
  return {
    pp: pps.map((p) => candidate(p, 'PropagationPolicy', resource)).filter((c): c is Candidate => c !== undefined),
    cpp: cpps.map((p) => candidate(p, 'ClusterPropagationPolicy', resource)).filter((c): c is Candidate => c !== undefined),
  };
}

/**
 * The policy that should hold the template, given the one that holds it now. A claim is
 * kept while its policy still matches, unless a policy with `preemption: Always` and a
 * higher priority (or any PropagationPolicy preempting a ClusterPropagationPolicy) matches.
 */
export function choosePolicy(
  resource: SelectableResource,
  pps: readonly PropagationPolicy[],
  cpps: readonly ClusterPropagationPolicy[],
  claimedBy?: PolicyRef,
): Candidate | undefined {
  const { pp, cpp } = matchingPolicies(resource, pps, cpps);
  const fresh = best(pp) ?? best(cpp);
  if (!claimedBy) return fresh;
  const all = [...pp, ...cpp];
  const current = all.find((c) => c.ref.kind === claimedBy.kind && c.ref.name === claimedBy.name && c.ref.namespace === claimedBy.namespace);
  if (!current) return fresh;
  const preemptors = all.filter(
    (c) =>
      c !== current &&
      c.policy.spec.preemption === 'Always' &&
      (c.ref.kind === current.ref.kind ? c.priority > current.priority : c.ref.kind === 'PropagationPolicy'),
  );
  return best(preemptors) ?? current;
}
