// The marks a policy leaves on the templates it claims (Karmada's claim.go): the policy's
// permanent id as a label, its name (and namespace) as annotations. They are how the detector
// remembers who holds a template, and how a policy finds what it holds.

import {
  PROPAGATION_POLICY_PERMANENT_ID_LABEL,
  CLUSTER_PROPAGATION_POLICY_PERMANENT_ID_LABEL,
  PROPAGATION_POLICY_NAMESPACE_ANNOTATION,
  PROPAGATION_POLICY_NAME_ANNOTATION,
  CLUSTER_PROPAGATION_POLICY_ANNOTATION,
} from '../karmada/propagation-policy.js';
import type { KubeObject } from '../object.js';
import type { Candidate, PolicyRef } from './policy-selection.js';

const CLAIM_LABELS = [PROPAGATION_POLICY_PERMANENT_ID_LABEL, CLUSTER_PROPAGATION_POLICY_PERMANENT_ID_LABEL];
const CLAIM_ANNOTATIONS = [PROPAGATION_POLICY_NAMESPACE_ANNOTATION, PROPAGATION_POLICY_NAME_ANNOTATION, CLUSTER_PROPAGATION_POLICY_ANNOTATION];

/** The policy whose marks the object carries; a PropagationPolicy's marks win over a ClusterPropagationPolicy's. */
export function claimOf(obj: Pick<KubeObject, 'metadata'>): PolicyRef | undefined {
  const a = obj.metadata.annotations ?? {};
  const l = obj.metadata.labels ?? {};
  if (l[PROPAGATION_POLICY_PERMANENT_ID_LABEL] && a[PROPAGATION_POLICY_NAME_ANNOTATION]) {
    return { kind: 'PropagationPolicy', namespace: a[PROPAGATION_POLICY_NAMESPACE_ANNOTATION] ?? obj.metadata.namespace ?? '', name: a[PROPAGATION_POLICY_NAME_ANNOTATION] };
  }
  if (l[CLUSTER_PROPAGATION_POLICY_PERMANENT_ID_LABEL] && a[CLUSTER_PROPAGATION_POLICY_ANNOTATION]) {
    return { kind: 'ClusterPropagationPolicy', namespace: '', name: a[CLUSTER_PROPAGATION_POLICY_ANNOTATION] };
  }
  return undefined;
}

/** Whether two references name the same policy. */
export function samePolicy(a: PolicyRef | undefined, b: PolicyRef | undefined): boolean {
  return Boolean(a && b && a.kind === b.kind && a.name === b.name && a.namespace === b.namespace);
}

/**
 * The object's metadata carrying the claim marks of `c` and no other policy's; with no
 * candidate, every claim mark removed (a released template). Other labels and annotations
 * are untouched, and empty maps are dropped so a release leaves no trace.
 */
export function withClaim(meta: KubeObject['metadata'], c: Candidate | undefined): KubeObject['metadata'] {
  const labels = { ...(meta.labels ?? {}) };
  const annotations = { ...(meta.annotations ?? {}) };
  for (const l of CLAIM_LABELS) delete labels[l];
  for (const a of CLAIM_ANNOTATIONS) delete annotations[a];
  if (c) {
    const idLabel = c.ref.kind === 'PropagationPolicy' ? PROPAGATION_POLICY_PERMANENT_ID_LABEL : CLUSTER_PROPAGATION_POLICY_PERMANENT_ID_LABEL;
    // The webhook stamps the permanent id on create; a policy stored without one falls back to its uid.
    const id = c.policy.metadata.labels?.[idLabel] ?? c.policy.metadata.uid ?? '';
    labels[idLabel] = id;
    if (c.ref.kind === 'PropagationPolicy') {
      annotations[PROPAGATION_POLICY_NAMESPACE_ANNOTATION] = c.ref.namespace;
      annotations[PROPAGATION_POLICY_NAME_ANNOTATION] = c.ref.name;
    } else {
      annotations[CLUSTER_PROPAGATION_POLICY_ANNOTATION] = c.ref.name;
    }
  }
  const out = { ...meta };
  if (Object.keys(labels).length) out.labels = labels;
  else delete out.labels;
  if (Object.keys(annotations).length) out.annotations = annotations;
  else delete out.annotations;
  return out;
}
