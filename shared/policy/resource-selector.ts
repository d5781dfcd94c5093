import type { ResourceSelector } from '../karmada/common.js';
import { labelSelectorMatches, type LabelSelector } from '../label-selector.js';

/** What a resource selector looks at: a template's identity and labels. */
export interface SelectableResource {
  apiVersion: string;
  kind: string;
  metadata: { namespace?: string; name?: string; labels?: Record<string, string> | null };
}

/**
 * Karmada's implicit priority of a selector match: a name beats a label selector, which
 * beats kind-only; 0 is no match. Policies of equal explicit priority compare on this.
 */
export const ImplicitPriority = {
  MisMatch: 0,
  MatchAll: 1,
  MatchLabelSelector: 2,
  MatchName: 3,
} as const;
export type ImplicitPriority = (typeof ImplicitPriority)[keyof typeof ImplicitPriority];

export function resourceSelectorPriority(resource: SelectableResource, rs: ResourceSelector): ImplicitPriority {
  if (resource.apiVersion !== rs.apiVersion || resource.kind !== rs.kind) return ImplicitPriority.MisMatch;
  if (rs.namespace && (resource.metadata.namespace ?? '') !== rs.namespace) return ImplicitPriority.MisMatch;
  if (rs.name) return rs.name === resource.metadata.name ? ImplicitPriority.MatchName : ImplicitPriority.MisMatch;
  if (!rs.labelSelector) return ImplicitPriority.MatchAll;
  return labelSelectorMatches(rs.labelSelector as LabelSelector, resource.metadata.labels ?? undefined) ? ImplicitPriority.MatchLabelSelector : ImplicitPriority.MisMatch;
}

export function resourceMatches(resource: SelectableResource, rs: ResourceSelector): boolean {
  return resourceSelectorPriority(resource, rs) !== ImplicitPriority.MisMatch;
}

/** The best implicit priority any of the selectors gives the resource (0: none selects it). */
export function bestSelectorPriority(resource: SelectableResource, selectors: readonly ResourceSelector[]): ImplicitPriority {
  let best: ImplicitPriority = ImplicitPriority.MisMatch;
  for (const rs of selectors) {
    const p = resourceSelectorPriority(resource, rs);
    if (p > best) best = p;
  }
  return best;
}
