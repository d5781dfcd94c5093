import type { Store } from '../db/store.js';
import type { KubeObject, ObjectKey } from '../shared/object.js';
import { prepareForCreate, prepareForUpdate } from '../shared/object-semantics.js';
import { aggregateAll, sameRules } from '../shared/rbac/aggregation.js';
import {
  AUTOUPDATE_ANNOTATION,
  clusterRoleBindingObject,
  clusterRoleObject,
  defaultClusterRoleBindings,
  defaultClusterRoles,
} from '../shared/rbac/bootstrap-policy.js';
import { RBAC_GROUP, bindingSchema, roleSchema, rulesOf, type PolicyRule, type Role, type Subject } from '../shared/rbac/types.js';
import type { Registry } from '../shared/registry/index.js';
import { isApiError } from '../shared/status.js';
import { jsonEqual } from '../shared/json-equal.js';

const key = (resource: string, name: string): ObjectKey => ({ group: RBAC_GROUP, resource, namespace: '', name });

function lostRace(e: unknown): boolean {
  return isApiError(e) && (e.reason === 'AlreadyExists' || e.reason === 'Conflict' || e.code === 404);
}

/** Rules of `want` missing from `have`, in order. */
function missingRules(have: PolicyRule[], want: PolicyRule[]): PolicyRule[] {
  return want.filter((w) => !have.some((h) => sameRules([h], [w])));
}

function sameSubject(a: Subject, b: Subject): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
}

/**
 * Upstream's RBAC post-start hook: creates the default ClusterRoles and ClusterRoleBindings
 * that are missing, and for those still annotated `autoupdate: "true"` puts back rules,
 * labels and subjects that were removed (it never removes what a user added). Aggregated
 * roles are given their aggregated rules right away, so `view` works before the
 * aggregation reconciler first runs. Idempotent and safe to race: a lost race is skipped.
 */
export async function ensureRbacBootstrap(store: Store, registry: Registry, now: () => number): Promise<void> {
  const roleType = registry.byResource(RBAC_GROUP, 'clusterroles');
  const bindingType = registry.byResource(RBAC_GROUP, 'clusterrolebindings');
  if (!roleType || !bindingType) return;
  const [storedRoles, storedBindings] = await Promise.all([
    store.list({ group: RBAC_GROUP, resource: 'clusterroles' }),
    store.list({ group: RBAC_GROUP, resource: 'clusterrolebindings' }),
  ]);
  const byName = new Map(storedRoles.items.map((o) => [o.metadata.name ?? '', o]));

  const write = async (resource: string, name: string, existing: KubeObject | undefined, next: KubeObject): Promise<void> => {
    const type = resource === 'clusterroles' ? roleType : bindingType;
    try {
      if (!existing) {
        await store.create(key(resource, name), prepareForCreate(type, next, { namespace: '', now: now(), uid: crypto.randomUUID() }));
      } else if (!jsonEqual(existing, next)) {
        await store.update(key(resource, name), prepareForUpdate(type, existing, next), { resourceVersion: existing.metadata.resourceVersion });
      }
    } catch (e) {
      if (!lostRace(e)) throw e;
    }
  };

  // First what each default role becomes (created, or given back what was taken from it)…
  const planned = new Map<string, KubeObject>();
  for (const def of defaultClusterRoles) {
    const obj = clusterRoleObject(def);
    const existing = byName.get(def.name);
    if (!existing) {
      planned.set(def.name, obj as KubeObject);
      continue;
    }
    if (existing.metadata.annotations?.[AUTOUPDATE_ANNOTATION] !== 'true') continue;
    const parsed = roleSchema.safeParse(existing);
    const have = parsed.success ? rulesOf(parsed.data) : [];
    planned.set(def.name, {
      ...existing,
      metadata: { ...existing.metadata, labels: { ...(existing.metadata.labels ?? {}), ...obj.metadata.labels } },
      ...(obj.aggregationRule ? { aggregationRule: obj.aggregationRule } : { rules: [...have, ...missingRules(have, rulesOf(roleSchema.parse(obj)))] }),
    });
  }
  // …then aggregation over the roles as they will be, to a fixed point, so view, edit and
  // admin hold their rules from the first start on (the reconciler keeps them so later).
  const effective: Role[] = [];
  for (const o of [...storedRoles.items.filter((r) => !planned.has(r.metadata.name ?? '')), ...planned.values()]) {
    const parsed = roleSchema.safeParse(o);
    if (parsed.success) effective.push(parsed.data);
  }
  const aggregated = aggregateAll(effective);
  for (const [name, next] of planned) {
    const rules = aggregated.get(name);
    await write('clusterroles', name, byName.get(name), rules ? { ...next, rules } : next);
  }

  const bindings = new Map(storedBindings.items.map((o) => [o.metadata.name ?? '', o]));
  for (const def of defaultClusterRoleBindings) {
    const obj = clusterRoleBindingObject(def);
    const existing = bindings.get(def.name);
    if (!existing) {
      await write('clusterrolebindings', def.name, undefined, obj as KubeObject);
      continue;
    }
    if (existing.metadata.annotations?.[AUTOUPDATE_ANNOTATION] !== 'true') continue;
    const parsed = bindingSchema.safeParse(existing);
    if (!parsed.success) continue;
    const have = parsed.data.subjects ?? [];
    const add = (bindingSchema.parse(obj).subjects ?? []).filter((s) => !have.some((h) => sameSubject(h, s)));
    if (add.length) await write('clusterrolebindings', def.name, existing, { ...existing, subjects: [...have, ...add] });
  }
}
