import type { Cluster } from '../karmada/cluster.js';
import type { ClusterOverridePolicy, OverridePolicy, Overriders, OverrideSpec } from '../karmada/override-policy.js';
import type { KubeObject } from '../object.js';
import { clusterMatchesAffinity } from '../policy/cluster-affinity.js';
import { bestSelectorPriority, ImplicitPriority, type SelectableResource } from '../policy/resource-selector.js';
import { annotationsOverrider } from './annotations.js';
import { canonicalOverriders, type AppliedOverrides } from './applied-overrides.js';
import { argsOverrider } from './args.js';
import { commandOverrider } from './command.js';
import { fieldOverrider } from './field.js';
import { imageOverrider } from './image.js';
import { labelsOverrider } from './labels.js';
import { type Overrider, OverriderFailure, type OverriderItem, type OverriderName } from './overrider.js';
import { plaintextOverrider } from './plaintext.js';

export {
  APPLIED_CLUSTER_OVERRIDES_ANNOTATION,
  APPLIED_OVERRIDES_ANNOTATION,
  encodeAppliedOverrides,
  type AppliedOverrides,
  type OverridePolicyShadow,
} from './applied-overrides.js';
export { OverriderFailure } from './overrider.js';

/** The overriders of one rule, in the fixed order Karmada applies them. */
export const OVERRIDER_ORDER = [
  'imageOverrider',
  'commandOverrider',
  'argsOverrider',
  'labelsOverrider',
  'annotationsOverrider',
  'fieldOverrider',
  'plaintext',
] as const satisfies readonly OverriderName[];

const registry: { [K in OverriderName]: Overrider<K> } = {
  imageOverrider,
  commandOverrider,
  argsOverrider,
  labelsOverrider,
  annotationsOverrider,
  fieldOverrider,
  plaintext: plaintextOverrider,
};

export interface OverrideInput {
  /** The resource template, as it will be sent to the cluster before overrides. */
  manifest: KubeObject;
  cluster: Cluster;
  clusterOverridePolicies: ClusterOverridePolicy[];
  /** OverridePolicies of any namespace: only those of the manifest's namespace are used. */
  overridePolicies: OverridePolicy[];
}

export interface OverrideResult {
  manifest: KubeObject;
  /** The OverridePolicies' rules applied, when any (annotation APPLIED_OVERRIDES_ANNOTATION). */
  appliedOverrides?: AppliedOverrides;
  /** The ClusterOverridePolicies' rules applied, when any (annotation APPLIED_CLUSTER_OVERRIDES_ANNOTATION). */
  appliedClusterOverrides?: AppliedOverrides;
}

type PolicyKind = 'ClusterOverridePolicy' | 'OverridePolicy';

/** An overrider of a policy failed; carries what an event or condition on the binding needs. */
export class OverridePolicyError extends Error {
  constructor(
    readonly policyKind: PolicyKind,
    readonly policyName: string,
    /** '' for a ClusterOverridePolicy. */
    readonly policyNamespace: string,
    readonly cluster: string,
    /** The overrider list and entry, e.g. `imageOverrider[0]`. */
    readonly overrider: string,
    /** The JSON pointer that failed (in the manifest; for a fieldOverrider, its fieldPath). */
    readonly path: string,
    readonly reason: string,
  ) {
    const policy = policyNamespace ? `${policyNamespace}/${policyName}` : policyName;
    super(`apply ${policyKind} ${JSON.stringify(policy)} for cluster ${JSON.stringify(cluster)} failed: ${overrider} at ${JSON.stringify(path)}: ${reason}`);
    this.name = 'OverridePolicyError';
  }
}

/** What matching needs of an OverridePolicy or a ClusterOverridePolicy. */
export interface GeneralPolicy {
  metadata: { name?: string; namespace?: string; deletionTimestamp?: string | null };
  spec: OverrideSpec;
}

/** One rule of a policy that applies, with the policy it came from. */
export interface MatchedRule {
  policyName: string;
  policyNamespace: string;
  overriders: Overriders;
}

function selectable(manifest: KubeObject): SelectableResource {
  return {
    apiVersion: manifest.apiVersion ?? '',
    kind: manifest.kind ?? '',
    metadata: {
      name: manifest.metadata.name,
      namespace: manifest.metadata.namespace,
      labels: manifest.metadata.labels ?? undefined,
    },
  };
}

/** A policy without selectors selects everything, at the lowest implicit priority. */
function policyPriority(resource: SelectableResource, spec: OverrideSpec): number {
  const selectors = spec.resourceSelectors ?? [];
  return selectors.length === 0 ? ImplicitPriority.MatchAll : bestSelectorPriority(resource, selectors);
}

/**
 * The rules of the policies that select the resource and target the cluster, in the order
 * they apply: by implicit priority ascending (match-all, then label selector, then name) and
 * by name within a priority, so the most specific policy applies last and its values win.
 * Within a policy, its rules apply in their listed order.
 */
export function matchingRules(policies: readonly GeneralPolicy[], manifest: KubeObject, cluster: Cluster): MatchedRule[] {
  const resource = selectable(manifest);
  const ranked = policies
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => ({ policy: p, priority: policyPriority(resource, p.spec) }))
    .filter((r) => r.priority !== ImplicitPriority.MisMatch);
  ranked.sort((a, b) => {
    if (a.priority !== b.priority) return a.priority - b.priority;
    const an = a.policy.metadata.name ?? '';
    const bn = b.policy.metadata.name ?? '';
    return an < bn ? -1 : an > bn ? 1 : 0;
  });
  const clusterIdentity = {
    metadata: { name: cluster.metadata.name, labels: cluster.metadata.labels ?? undefined },
    spec: cluster.spec,
  };
  const out: MatchedRule[] = [];
  for (const { policy } of ranked) {
    const spec = policy.spec;
    // The deprecated targetCluster + overriders pair stands for one rule; admission keeps it
    // from coexisting with overrideRules.
    const rules = spec.overrideRules && spec.overrideRules.length > 0 ? spec.overrideRules : [{ targetCluster: spec.targetCluster, overriders: spec.overriders ?? {} }];
    for (const rule of rules) {
      if (rule.targetCluster && !clusterMatchesAffinity(clusterIdentity, rule.targetCluster)) continue;
      out.push({ policyName: policy.metadata.name ?? '', policyNamespace: policy.metadata.namespace ?? '', overriders: rule.overriders });
    }
  }
  return out;
}

function applyList<K extends OverriderName>(name: K, manifest: KubeObject, overriders: Overriders, fail: (entry: string, path: string, reason: string) => never): KubeObject {
  const overrider = registry[name];
  const items = (overriders[name] ?? []) as OverriderItem<K>[];
  let current = manifest;
  items.forEach((item, i) => {
    try {
      current = overrider.apply(current, item);
    } catch (e) {
      if (e instanceof OverriderFailure) fail(`${name}[${i}]`, e.path, e.reason);
      fail(`${name}[${i}]`, '', e instanceof Error ? e.message : String(e));
    }
  });
  return current;
}

/** Applies one rule's overriders to a manifest in Karmada's order and returns the result. */
function applyOverriders(manifest: KubeObject, overriders: Overriders, fail: (entry: string, path: string, reason: string) => never): KubeObject {
  let current = manifest;
  for (const name of OVERRIDER_ORDER) current = applyList(name, current, overriders, fail);
  return current;
}

function applyGroup(kind: PolicyKind, rules: MatchedRule[], manifest: KubeObject, clusterName: string): { manifest: KubeObject; applied?: AppliedOverrides } {
  if (rules.length === 0) return { manifest };
  let current = manifest;
  const applied: AppliedOverrides = { appliedItems: [] };
  for (const rule of rules) {
    current = applyOverriders(current, rule.overriders, (entry, path, reason) => {
      throw new OverridePolicyError(kind, rule.policyName, rule.policyNamespace, clusterName, entry, path, reason);
    });
    applied.appliedItems.push({ policyName: rule.policyName, overriders: canonicalOverriders(rule.overriders) });
  }
  return { manifest: current, applied };
}

/**
 * The manifest as it should reach one cluster: every matching ClusterOverridePolicy first,
 * then, for a namespaced resource, every matching OverridePolicy of its namespace; policies
 * being deleted are skipped. Throws OverridePolicyError when an overrider cannot apply.
 * Never mutates its input.
 */
export function applyOverrides(input: OverrideInput): OverrideResult {
  const clusterName = input.cluster.metadata.name ?? '';

  const clusterRules = matchingRules(input.clusterOverridePolicies, input.manifest, input.cluster);
  const cluster = applyGroup('ClusterOverridePolicy', clusterRules, structuredClone(input.manifest), clusterName);

  const result: OverrideResult = { manifest: cluster.manifest };
  if (cluster.applied) result.appliedClusterOverrides = cluster.applied;
  // OverridePolicies are matched against the manifest as the ClusterOverridePolicies left it
  // (a label they add can select it), as Karmada does.
  const namespace = cluster.manifest.metadata.namespace ?? '';
  if (namespace === '') return result;

  const own = input.overridePolicies.filter((p) => (p.metadata.namespace ?? '') === namespace);
  const namespaced = applyGroup('OverridePolicy', matchingRules(own, cluster.manifest, input.cluster), cluster.manifest, clusterName);
  result.manifest = namespaced.manifest;
  if (namespaced.applied) result.appliedOverrides = namespaced.applied;
  return result;
}
