import type { AdmissionAttributes, AdmissionPlugin } from '../../admission/plugin.js';
import type { KubeObject } from '../../object.js';
import type { StatusCause } from '../../status.js';
import { child, index, invalid, notSupported, required } from '../field-errors.js';
import { DEFAULT_GRACE_PERIOD_SECONDS, isGracefulPurge, type ApplicationFailoverBehavior, type FailoverBehavior } from '../failover.js';
import { qualifiedNameErrors } from '../name-rules.js';
import type { ClusterAffinityTerm, Placement, SpreadConstraint } from '../placement.js';
import {
  CLUSTER_PROPAGATION_POLICY_FINALIZER,
  CLUSTER_PROPAGATION_POLICY_PERMANENT_ID_LABEL,
  POLICY_GROUP,
  PROPAGATION_POLICY_FINALIZER,
  PROPAGATION_POLICY_PERMANENT_ID_LABEL,
  type PropagationPolicy,
  type PropagationSpec,
} from '../propagation-policy.js';
import { isEmptyAffinity, validateClusterAffinity } from './cluster-affinity.js';
import { defaultKarmadaAdmissionOptions, type KarmadaAdmissionOptions } from './options.js';

/**
 * Karmada's mutating and validating webhooks for PropagationPolicy and
 * ClusterPropagationPolicy (they share PropagationSpec and all its rules; only the
 * namespaced one defaults and checks selector namespaces).
 */

const SERVICE_IMPORT_API_VERSION = 'multicluster.x-k8s.io/v1alpha1';

/** The schema plugin ran first, so the object has the kind's shape. */
const asPolicy = (obj: KubeObject): PropagationPolicy => obj as unknown as PropagationPolicy;

// ---- mutation ----

/** Spread by cluster when nothing says how, and at least one group. */
export function defaultSpreadConstraints(constraints: SpreadConstraint[] | undefined): void {
  for (const c of constraints ?? []) {
    if (!c.spreadByField && !c.spreadByLabel) c.spreadByField = 'cluster';
    if (!c.minGroups) c.minGroups = 1;
  }
}

/** Divided with no preference means weighted (equal weights unless weightPreference says otherwise). */
export function defaultDivisionPreference(placement: Placement | undefined): void {
  const rs = placement?.replicaScheduling;
  if (rs && rs.replicaSchedulingType === 'Divided' && !rs.replicaDivisionPreference) rs.replicaDivisionPreference = 'Weighted';
}

export function defaultGracePeriod(app: ApplicationFailoverBehavior | undefined): void {
  if (app && isGracefulPurge(app.purgeMode) && app.gracePeriodSeconds === undefined) app.gracePeriodSeconds = DEFAULT_GRACE_PERIOD_SECONDS;
}

function mutateSpec(spec: PropagationSpec, namespace: string | undefined): void {
  if (namespace) for (const s of spec.resourceSelectors) if (!s.namespace) s.namespace = namespace;
  defaultSpreadConstraints(spec.placement?.spreadConstraints);
  // A ServiceImport is useless without the derived Service and EndpointSlices it depends on.
  if (spec.resourceSelectors.some((s) => s.apiVersion === SERVICE_IMPORT_API_VERSION && s.kind === 'ServiceImport')) {
    spec.propagateDeps = true;
  }
  defaultDivisionPreference(spec.placement);
  defaultGracePeriod(spec.failover?.application);
}

// ---- validation ----

function validateSpreadConstraints(constraints: SpreadConstraint[] | undefined, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  const seen = new Map<string, boolean>(); // field → already reported as duplicate
  (constraints ?? []).forEach((c, i) => {
    const at = index(path, i);
    const min = c.minGroups ?? 0;
    const max = c.maxGroups ?? 0;
    if (c.spreadByField && c.spreadByLabel) out.push(invalid(at, c, 'spreadByField and spreadByLabel cannot both be set'));
    if (min < 0) out.push(invalid(at, c, 'minGroups must not be negative'));
    if (max < 0) out.push(invalid(at, c, 'maxGroups must not be negative'));
    if (max > 0 && max < min) out.push(invalid(at, c, 'maxGroups must not be less than minGroups'));
    if (c.spreadByField) {
      const reported = seen.get(c.spreadByField);
      if (reported === false) {
        out.push(invalid(path, constraints, `only one spread constraint may spread by ${c.spreadByField}`));
        seen.set(c.spreadByField, true);
      } else if (reported === undefined) {
        seen.set(c.spreadByField, false);
      }
    }
  });
  if (seen.size > 0 && !seen.has('cluster')) {
    out.push(invalid(path, constraints, 'a spread constraint by cluster is required when any constraint spreads by a field'));
  }
  return out;
}

/** Overflow tiers need a primary group to overflow from, and distinct names. */
function validateOverflowAffinities(term: ClusterAffinityTerm, path: string): StatusCause[] {
  const overflow = term.overflowAffinities ?? [];
  if (!overflow.length) return [];
  const out: StatusCause[] = [];
  const tiersPath = child(path, 'overflowAffinities');
  if (isEmptyAffinity(term)) {
    out.push(invalid(tiersPath, overflow.map((o) => o.affinityName), 'overflow tiers need the term itself to select clusters (its primary group)'));
  }
  const names = new Set([term.affinityName]);
  overflow.forEach((o, j) => {
    const at = index(tiersPath, j);
    for (const e of qualifiedNameErrors(o.affinityName)) out.push(invalid(child(at, 'affinityName'), o.affinityName, e));
    if (names.has(o.affinityName)) {
      out.push(invalid(child(at, 'affinityName'), o.affinityName, "overflow tier names must be unique and differ from the term's affinityName"));
    }
    names.add(o.affinityName);
    out.push(...validateClusterAffinity(o, at));
  });
  return out;
}

/** Overflow tiers only make sense where capacity decides placement. */
function overflowAllowed(placement: Placement): boolean {
  const rs = placement.replicaScheduling;
  if (!rs || rs.replicaSchedulingType !== 'Divided') return false;
  if (rs.replicaDivisionPreference === 'Aggregated') return true;
  return rs.replicaDivisionPreference === 'Weighted' && Boolean(rs.weightPreference?.dynamicWeight);
}

function validateClusterAffinities(placement: Placement, path: string): StatusCause[] {
  const terms = placement.clusterAffinities;
  if (!terms) return [];
  const out: StatusCause[] = [];
  const names = new Set<string>();
  terms.forEach((t, i) => {
    const at = index(path, i);
    for (const e of qualifiedNameErrors(t.affinityName)) out.push(invalid(child(at, 'affinityName'), t.affinityName, e));
    if (names.has(t.affinityName)) out.push(invalid(path, terms.map((x) => x.affinityName), 'affinity terms must have unique affinityNames'));
    names.add(t.affinityName);
    out.push(...validateClusterAffinity(t, at));
    out.push(...validateOverflowAffinities(t, at));
    if (t.overflowAffinities?.length && !overflowAllowed(placement)) {
      out.push(
        invalid(
          child(at, 'overflowAffinities'),
          t.overflowAffinities.map((o) => o.affinityName),
          'overflow tiers need replicaScheduling Divided with Aggregated division or a dynamicWeight',
        ),
      );
    }
  });
  return out;
}

const TOLERATION_OPERATORS = ['Equal', 'Exists'];

function validatePlacement(placement: Placement | undefined, path: string): StatusCause[] {
  if (!placement) return [];
  const out: StatusCause[] = [];
  if (placement.clusterAffinity !== undefined && placement.clusterAffinities !== undefined) {
    out.push(invalid(path, placement, 'clusterAffinity and clusterAffinities cannot both be set'));
  }
  out.push(...validateClusterAffinity(placement.clusterAffinity, child(path, 'clusterAffinity')));
  out.push(...validateClusterAffinities(placement, child(path, 'clusterAffinities')));
  out.push(...validateSpreadConstraints(placement.spreadConstraints, child(path, 'spreadConstraints')));
  (placement.clusterTolerations ?? []).forEach((t, i) => {
    if (t.operator && !TOLERATION_OPERATORS.includes(t.operator)) {
      out.push(notSupported(child(index(child(path, 'clusterTolerations'), i), 'operator'), t.operator, TOLERATION_OPERATORS));
    }
  });
  const wa = placement.workloadAffinity;
  if (wa) {
    const waPath = child(path, 'workloadAffinity');
    for (const [term, key] of [['affinity', wa.affinity?.groupByLabelKey], ['antiAffinity', wa.antiAffinity?.groupByLabelKey]] as const) {
      if (key === undefined) continue;
      const at = child(child(waPath, term), 'groupByLabelKey');
      for (const e of qualifiedNameErrors(key)) out.push(invalid(at, key, e));
    }
    if (wa.affinity && wa.antiAffinity && wa.affinity.groupByLabelKey === wa.antiAffinity.groupByLabelKey) {
      out.push(invalid(waPath, wa.affinity.groupByLabelKey, 'affinity and antiAffinity cannot group by the same label key'));
    }
  }
  return out;
}

function validateStatePreservation(rules: { aliasLabelName: string }[] | undefined, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  (rules ?? []).forEach((r, i) => {
    const at = child(index(path, i), 'aliasLabelName');
    for (const e of qualifiedNameErrors(r.aliasLabelName)) out.push(invalid(at, r.aliasLabelName, e));
  });
  return out;
}

function validateFailover(failover: FailoverBehavior | undefined, path: string): StatusCause[] {
  if (!failover) return [];
  const out: StatusCause[] = [];
  const app = failover.application;
  if (app) {
    const at = child(path, 'application');
    const toleration = app.decisionConditions.tolerationSeconds;
    if (toleration < 0) out.push(invalid(child(child(at, 'decisionConditions'), 'tolerationSeconds'), toleration, 'must be greater than or equal to 0'));
    const grace = app.gracePeriodSeconds;
    const gracePath = child(at, 'gracePeriodSeconds');
    if (!isGracefulPurge(app.purgeMode) && grace !== undefined) out.push(invalid(gracePath, grace, 'only applies when purgeMode is Gracefully'));
    if (isGracefulPurge(app.purgeMode) && grace === undefined) out.push(invalid(gracePath, null, 'must be set when purgeMode is Gracefully'));
    if (grace !== undefined && grace <= 0) out.push(invalid(gracePath, grace, 'must be greater than 0'));
    out.push(...validateStatePreservation(app.statePreservation?.rules, child(child(at, 'statePreservation'), 'rules')));
  }
  if (failover.cluster) {
    out.push(...validateStatePreservation(failover.cluster.statePreservation?.rules, child(child(child(path, 'cluster'), 'statePreservation'), 'rules')));
  }
  return out;
}

/** Every rule on PropagationSpec; `namespace` is the policy's ('' for ClusterPropagationPolicy). */
export function validatePropagationSpec(spec: PropagationSpec, namespace: string): StatusCause[] {
  const out: StatusCause[] = [];
  out.push(...validatePlacement(spec.placement, 'spec.placement'));
  if (spec.failover?.application && !spec.propagateDeps) {
    out.push(invalid('spec.propagateDeps', spec.propagateDeps ?? false, 'must be true when application failover is set, so dependencies move with the application'));
  }
  out.push(...validateFailover(spec.failover, 'spec.failover'));
  spec.resourceSelectors.forEach((s, i) => {
    const at = index('spec.resourceSelectors', i);
    if (spec.preemption === 'Always' && !s.name) {
      out.push(invalid(child(at, 'name'), s.name ?? '', 'must be set when preemption is Always, or the policy could take over unrelated resources'));
    }
    if (namespace && s.namespace && s.namespace !== namespace) {
      out.push(invalid(child(at, 'namespace'), s.namespace, `a PropagationPolicy only selects resources in its own namespace ${JSON.stringify(namespace)}`));
    }
  });
  const sus = spec.suspension;
  if (sus?.dispatching === true && (sus.dispatchingOnClusters?.clusterNames ?? []).length > 0) {
    out.push(invalid('spec.suspension', sus, 'dispatching: true and dispatchingOnClusters.clusterNames cannot both be set'));
  }
  return out;
}

// ---- plugins ----

interface PolicyKind {
  name: string;
  resource: string;
  namespaced: boolean;
  permanentIdLabel: string;
  finalizer: string;
}

function plugin(kind: PolicyKind, options: KarmadaAdmissionOptions): AdmissionPlugin {
  const labelPath = `metadata.labels[${kind.permanentIdLabel}]`;
  return {
    name: kind.name,
    resources: [`${kind.resource}.${POLICY_GROUP}`],
    mutate({ operation, object, newId }) {
      const policy = structuredClone(asPolicy(object));
      mutateSpec(policy.spec, kind.namespaced ? policy.metadata.namespace : undefined);
      if (operation === 'CREATE') {
        policy.metadata.labels = { ...(policy.metadata.labels ?? {}), [kind.permanentIdLabel]: newId() };
        if (options.policyFinalizers) {
          const fins = policy.metadata.finalizers ?? [];
          if (!fins.includes(kind.finalizer)) policy.metadata.finalizers = [...fins, kind.finalizer];
        }
      }
      return policy as unknown as KubeObject;
    },
    validate({ operation, object, oldObject }: AdmissionAttributes) {
      const policy = asPolicy(object);
      const out: StatusCause[] = [];
      const id = policy.metadata.labels?.[kind.permanentIdLabel];
      if (operation === 'UPDATE' && oldObject) {
        const old = asPolicy(oldObject);
        if (policy.spec.schedulerName !== old.spec.schedulerName) {
          out.push(invalid('spec.schedulerName', policy.spec.schedulerName, 'field is immutable'));
        }
        const oldId = old.metadata.labels?.[kind.permanentIdLabel];
        if (id !== undefined && id !== oldId) out.push(invalid(labelPath, id, 'is immutable: only the server sets it, when the policy is created'));
      }
      if (id === undefined) out.push(required(labelPath, 'the server sets it when the policy is created'));
      out.push(...validatePropagationSpec(policy.spec, kind.namespaced ? (policy.metadata.namespace ?? '') : ''));
      return out;
    },
  };
}

export function propagationPolicyPlugins(options: KarmadaAdmissionOptions = defaultKarmadaAdmissionOptions): AdmissionPlugin[] {
  return [
    plugin(
      { name: 'PropagationPolicy', resource: 'propagationpolicies', namespaced: true, permanentIdLabel: PROPAGATION_POLICY_PERMANENT_ID_LABEL, finalizer: PROPAGATION_POLICY_FINALIZER },
      options,
    ),
    plugin(
      {
        name: 'ClusterPropagationPolicy',
        resource: 'clusterpropagationpolicies',
        namespaced: false,
        permanentIdLabel: CLUSTER_PROPAGATION_POLICY_PERMANENT_ID_LABEL,
        finalizer: CLUSTER_PROPAGATION_POLICY_FINALIZER,
      },
      options,
    ),
  ];
}
