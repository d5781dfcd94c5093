// Karmada's resource detector: every resource template is matched against the
// PropagationPolicies of its namespace, then the ClusterPropagationPolicies; the chosen one
// claims it (labels and annotations on the template) and the detector keeps its
// ResourceBinding (or ClusterResourceBinding) in step. A policy's change re-examines the
// templates it selects and those it holds.

import type { Reconciler, ReconcileContext } from '../reconciler.js';
import type { LoggedChange } from '../../db/store.js';
import { keyString, parseKeyString, type KubeObject, type ObjectKey } from '../../shared/object.js';
import type { PropagationPolicy, ClusterPropagationPolicy } from '../../shared/karmada/propagation-policy.js';
import {
  PROPAGATION_POLICY_PERMANENT_ID_LABEL,
  CLUSTER_PROPAGATION_POLICY_PERMANENT_ID_LABEL,
  PROPAGATION_POLICY_NAMESPACE_ANNOTATION,
  PROPAGATION_POLICY_NAME_ANNOTATION,
  CLUSTER_PROPAGATION_POLICY_ANNOTATION,
} from '../../shared/karmada/propagation-policy.js';
import { RESOURCE_BINDING_PERMANENT_ID_LABEL, CLUSTER_RESOURCE_BINDING_PERMANENT_ID_LABEL, BINDING_CONTROLLER_FINALIZER, CLUSTER_BINDING_CONTROLLER_FINALIZER, BINDING_VERSION, WORK_GROUP, type ResourceBinding } from '../../shared/karmada/resource-binding.js';
import { choosePolicy, isReservedNamespace, type Candidate } from '../../shared/detector/policy-selection.js';
import { claimOf, samePolicy, withClaim } from '../../shared/detector/claim.js';
import { detectorBindingSpec } from '../../shared/detector/binding-spec.js';
import { SPECIFICATION_HASH_ANNOTATION, templateSpecificationHash } from '../../shared/detector/specification-hash.js';
import { bindingName } from '../../shared/binding/names.js';
import { jsonEqual } from '../../shared/json-equal.js';
import { createObject, deleteObject, isDeleting, keyOf, writeObject, writeSpec, type Resource } from '../object-writes.js';
import {
  CLUSTER_PROPAGATION_POLICIES,
  CLUSTER_RESOURCE_BINDINGS,
  PROPAGATION_POLICIES,
  RESOURCE_BINDINGS,
} from './resources.js';

export const DETECTOR = 'detector';

/** Groups whose objects are never resource templates: Karmada's own, events, leases. */
const SKIPPED_GROUPS = new Set([
  'cluster.karmada.io',
  'policy.karmada.io',
  'work.karmada.io',
  'config.karmada.io',
  'apps.karmada.io',
  'autoscaling.karmada.io',
  'networking.karmada.io',
  'events.k8s.io',
  'coordination.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
]);
const SKIPPED_CORE = new Set(['events', 'nodes', 'bindings', 'componentstatuses']);

export function isTemplateKey(k: ObjectKey): boolean {
  if (SKIPPED_GROUPS.has(k.group)) return false;
  if (k.group === '' && SKIPPED_CORE.has(k.resource)) return false;
  if (k.namespace && isReservedNamespace(k.namespace)) return false;
  if (k.group === '' && k.resource === 'namespaces' && isReservedNamespace(k.name)) return false;
  return true;
}

const POLICY_KEY = 'policy:';
/** A template key queued because a policy changed (Lazy activation ignores those). */
const FROM_POLICY = 'from-policy:';

async function listAll(ctx: ReconcileContext, r: Resource, namespace?: string, labelSelector?: string): Promise<KubeObject[]> {
  if (ctx.cache && !labelSelector) return (await ctx.cache.list({ group: r.group, resource: r.resource, ...(namespace !== undefined ? { namespace } : {}) })).items;
  const out: KubeObject[] = [];
  let cont: string | undefined;
  do {
    const page = await ctx.store.list({ group: r.group, resource: r.resource, ...(namespace !== undefined ? { namespace } : {}) }, { limit: 500, ...(cont ? { continue: cont } : {}), ...(labelSelector ? { labelSelector } : {}) });
    out.push(...page.items);
    cont = page.continue;
  } while (cont);
  return out;
}

function bindingResource(namespaced: boolean): Resource {
  return namespaced ? RESOURCE_BINDINGS : CLUSTER_RESOURCE_BINDINGS;
}

/** Releases a template whose policy no longer selects it: marks removed from it and its binding, the binding (and what it placed) kept. */
async function release(ctx: ReconcileContext, key: ObjectKey, template: KubeObject, binding: KubeObject | undefined, br: Resource): Promise<void> {
  const meta = withClaim(template.metadata, undefined);
  if (!jsonEqual(meta, template.metadata)) await writeObject(ctx, key, template, { ...template, metadata: meta });
  if (binding) {
    const bmeta = withClaim(binding.metadata, undefined);
    if (!jsonEqual(bmeta, binding.metadata)) await writeObject(ctx, keyOf(br, binding.metadata.namespace ?? '', binding.metadata.name ?? ''), binding, { ...binding, metadata: bmeta });
  }
}

async function reconcileTemplate(ctx: ReconcileContext, rawKey: string): Promise<void> {
  const fromPolicy = rawKey.startsWith(FROM_POLICY);
  const key = parseKeyString(fromPolicy ? rawKey.slice(FROM_POLICY.length) : rawKey);
  const type = ctx.registry.byResource(key.group, key.resource);
  if (!type) return;
  let template = await ctx.store.get(key);
  if (!template || isDeleting(template)) return;
  const version = type.storageVersion ?? type.versions[0]!;
  template = { ...template, apiVersion: template.apiVersion ?? (type.group ? `${type.group}/${version}` : version), kind: template.kind ?? type.kind };

  const pps = (await listAll(ctx, PROPAGATION_POLICIES, key.namespace || undefined)).filter((p) => key.namespace && p.metadata.namespace === key.namespace) as PropagationPolicy[];
  const cpps = (await listAll(ctx, CLUSTER_PROPAGATION_POLICIES)) as ClusterPropagationPolicy[];
  const claimed = claimOf(template);
  const chosen = choosePolicy(template as Parameters<typeof choosePolicy>[0], key.namespace ? pps : [], cpps, claimed);

  const br = bindingResource(type.namespaced);
  const bKey = keyOf(br, key.namespace, bindingName(template.kind!, key.name));
  const binding = await ctx.store.get(bKey);
  if (!chosen) {
    if (claimed) await release(ctx, key, template, binding, br);
    return;
  }
  const sameClaim = samePolicy(claimed, chosen.ref);
  // Lazy activation: a policy change waits for the template's own next change.
  if (fromPolicy && sameClaim && binding && chosen.policy.spec.activationPreference === 'Lazy') return;

  const meta = withClaim(template.metadata, chosen);
  if (!jsonEqual(meta, template.metadata)) {
    // The binding is built in the same pass, from the template as claimed: one hop fewer
    // between a new template and its Works (the claim's own change finds nothing to do).
    const stored = await ctx.store.get(key);
    if (!stored || (await writeObject(ctx, key, stored, { ...stored, metadata: meta })) !== 'written') return;
    const claimedTemplate = await ctx.store.get(key);
    if (!claimedTemplate || isDeleting(claimedTemplate)) return;
    template = { ...claimedTemplate, apiVersion: template.apiVersion, kind: template.kind };
  }
  await ensureBinding(ctx, template, chosen, bKey, br, binding as ResourceBinding | undefined);
}

async function ensureBinding(ctx: ReconcileContext, template: KubeObject, chosen: Candidate, bKey: ObjectKey, br: Resource, binding: ResourceBinding | undefined): Promise<void> {
  const owner = {
    apiVersion: template.apiVersion!,
    kind: template.kind!,
    name: template.metadata.name!,
    uid: template.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
  if (binding && binding.metadata.ownerReferences?.some((o) => o.controller && o.uid !== owner.uid)) {
    // A binding left by an earlier template of the same name: the garbage collector takes it; make room now.
    await deleteObject(ctx.store, ctx.registry, bKey, binding as KubeObject, 'Background', ctx.now());
    return;
  }
  const specificationHash = templateSpecificationHash(template);
  const spec = detectorBindingSpec(template, chosen.policy.spec, binding?.spec, { sameSpecification: binding?.metadata.annotations?.[SPECIFICATION_HASH_ANNOTATION] === specificationHash });
  const idLabel = br === RESOURCE_BINDINGS ? RESOURCE_BINDING_PERMANENT_ID_LABEL : CLUSTER_RESOURCE_BINDING_PERMANENT_ID_LABEL;
  const baseMeta = binding?.metadata ?? { name: bKey.name, ...(bKey.namespace ? { namespace: bKey.namespace } : {}) };
  const metadata = withClaim(
    {
      ...baseMeta,
      labels: { ...(baseMeta.labels ?? {}), [idLabel]: baseMeta.labels?.[idLabel] ?? crypto.randomUUID() },
      annotations: { ...(baseMeta.annotations ?? {}), [SPECIFICATION_HASH_ANNOTATION]: specificationHash },
      ownerReferences: [owner, ...(baseMeta.ownerReferences ?? []).filter((o) => o.uid !== owner.uid && !o.controller)],
    },
    chosen,
  );
  const next = { apiVersion: `${WORK_GROUP}/${BINDING_VERSION}`, kind: br === RESOURCE_BINDINGS ? 'ResourceBinding' : 'ClusterResourceBinding', ...(binding ?? {}), metadata, spec } as KubeObject;
  if (!binding) {
    // Made with the binding controller's finalizer, as Karmada's detector makes it.
    const finalizer = br === RESOURCE_BINDINGS ? BINDING_CONTROLLER_FINALIZER : CLUSTER_BINDING_CONTROLLER_FINALIZER;
    await createObject(ctx, br, { ...next, metadata: { ...next.metadata, finalizers: [finalizer] } });
    return;
  }
  // A spec write, as an update through the API: the generation moves, which the scheduler watches.
  if (!jsonEqual(next, binding)) await writeSpec(ctx, br, binding as KubeObject, next);
}

function policyKind(k: ObjectKey): 'pp' | 'cpp' | undefined {
  if (k.group !== PROPAGATION_POLICIES.group) return undefined;
  if (k.resource === PROPAGATION_POLICIES.resource) return 'pp';
  if (k.resource === CLUSTER_PROPAGATION_POLICIES.resource) return 'cpp';
  return undefined;
}

/** A policy changed: every template it selects, and every one it holds, is looked at again. */
async function reconcilePolicy(ctx: ReconcileContext, key: string): Promise<void> {
  const [kind, namespace = '', name = '', id = ''] = key.slice(POLICY_KEY.length).split('|');
  const isPP = kind === 'pp';
  const policyKey = keyOf(isPP ? PROPAGATION_POLICIES : CLUSTER_PROPAGATION_POLICIES, namespace, name);
  const policy = (await ctx.store.get(policyKey)) as PropagationPolicy | undefined;
  const keys = new Set<string>();
  for (const rs of policy && !policy.metadata.deletionTimestamp ? (policy.spec.resourceSelectors ?? []) : []) {
    const [group, version] = rs.apiVersion.includes('/') ? rs.apiVersion.split('/') : ['', rs.apiVersion];
    const type = ctx.registry.byKind(rs.kind, group).find((t) => t.versions.includes(version ?? ''));
    if (!type) continue;
    const ns = isPP ? namespace : type.namespaced ? rs.namespace : undefined;
    const r = { group: type.group, resource: type.resource };
    if (rs.name) {
      keys.add(keyString(keyOf(r, type.namespaced ? (ns ?? '') : '', rs.name)));
      if (type.namespaced && ns === undefined) for (const o of await listAll(ctx, r)) if (o.metadata.name === rs.name) keys.add(keyString(keyOf(r, o.metadata.namespace ?? '', rs.name)));
      continue;
    }
    for (const o of await listAll(ctx, r, type.namespaced ? ns : undefined)) {
      const k = keyOf(r, o.metadata.namespace ?? '', o.metadata.name ?? '');
      if (isTemplateKey(k)) keys.add(keyString(k));
    }
  }
  // Templates this policy holds are found through their bindings, which carry the same label.
  const label = `${isPP ? PROPAGATION_POLICY_PERMANENT_ID_LABEL : CLUSTER_PROPAGATION_POLICY_PERMANENT_ID_LABEL}=${id || policy?.metadata.labels?.[isPP ? PROPAGATION_POLICY_PERMANENT_ID_LABEL : CLUSTER_PROPAGATION_POLICY_PERMANENT_ID_LABEL] || policy?.metadata.uid || 'none'}`;
  for (const br of isPP ? [RESOURCE_BINDINGS] : [RESOURCE_BINDINGS, CLUSTER_RESOURCE_BINDINGS]) {
    for (const b of await listAll(ctx, br, isPP ? namespace : undefined, label)) {
      const res = (b as ResourceBinding).spec.resource;
      const [group, version] = res.apiVersion.includes('/') ? res.apiVersion.split('/') : ['', res.apiVersion];
      const type = ctx.registry.byKind(res.kind, group).find((t) => t.versions.includes(version ?? '')) ?? ctx.registry.byKind(res.kind, group)[0];
      if (type) keys.add(keyString(keyOf({ group: type.group, resource: type.resource }, res.namespace ?? '', res.name)));
    }
  }
  for (const k of keys) await ctx.enqueue(DETECTOR, `${FROM_POLICY}${k}`);
}

export const detector: Reconciler = {
  name: DETECTOR,
  concurrency: 5,
  maxConcurrentFlag: 'concurrent-resource-template-syncs',
  keysFor(change: LoggedChange) {
    const k = change.key;
    const pk = policyKind(k);
    if (pk) {
      // As the claim marks fall back to the uid for a policy stored without a permanent id, so does the key.
      const id = change.object.metadata.labels?.[pk === 'pp' ? PROPAGATION_POLICY_PERMANENT_ID_LABEL : CLUSTER_PROPAGATION_POLICY_PERMANENT_ID_LABEL] ?? change.object.metadata.uid ?? '';
      return [`${POLICY_KEY}${pk}|${k.namespace}|${k.name}|${id}`];
    }
    if (!isTemplateKey(k) || change.type === 'DELETED') return [];
    return [keyString(k)];
  },
  async reconcile(ctx, key) {
    if (key.startsWith(POLICY_KEY)) await reconcilePolicy(ctx, key);
    else await reconcileTemplate(ctx, key);
  },
  // A lost message, or a binding deleted by hand, is caught up by looking at every policy again.
  async resync(ctx) {
    const out: string[] = [];
    for (const [r, pk] of [[PROPAGATION_POLICIES, 'pp'], [CLUSTER_PROPAGATION_POLICIES, 'cpp']] as const) {
      for (const p of await listAll(ctx, r)) {
        const id = p.metadata.labels?.[pk === 'pp' ? PROPAGATION_POLICY_PERMANENT_ID_LABEL : CLUSTER_PROPAGATION_POLICY_PERMANENT_ID_LABEL] ?? p.metadata.uid ?? '';
        out.push(`${POLICY_KEY}${pk}|${p.metadata.namespace ?? ''}|${p.metadata.name ?? ''}|${id}`);
      }
    }
    return out;
  },
};
