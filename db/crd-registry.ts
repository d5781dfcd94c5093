import { CRD_GROUP, CRD_RESOURCE, crdSchema, type CustomResourceDefinition } from '../shared/crd/types.js';
import { customResourceTypes } from '../shared/crd/resource-type.js';
import { Registry } from '../shared/registry/index.js';
import type { Store } from './store.js';

/**
 * A cheap fingerprint of the stored CRDs: any create or update raises the highest
 * resourceVersion, any deletion lowers the count (a deletion and a creation in between
 * raise the maximum). One indexed aggregate per request instead of a list.
 */
export async function crdStamp(store: Store): Promise<string> {
  const rs = await store.client.execute({
    sql: `SELECT COUNT(*) AS n, COALESCE(MAX(resource_version), 0) AS rv FROM objects WHERE "group" = :g AND resource = :r`,
    args: { g: CRD_GROUP, r: CRD_RESOURCE },
  });
  const row = rs.rows[0];
  return `${String(row?.n ?? 0)}/${String(row?.rv ?? 0)}`;
}

/** Every stored CRD, typed (an object that does not parse is skipped: it cannot define anything). */
export async function listCrds(store: Store): Promise<CustomResourceDefinition[]> {
  const out: CustomResourceDefinition[] = [];
  let cont: string | undefined;
  do {
    const page = await store.list({ group: CRD_GROUP, resource: CRD_RESOURCE }, { limit: 500, ...(cont ? { continue: cont } : {}) });
    for (const item of page.items) {
      const parsed = crdSchema.safeParse(item);
      if (parsed.success) out.push({ ...parsed.data, metadata: item.metadata } as CustomResourceDefinition);
    }
    cont = page.continue;
  } while (cont);
  return out;
}

/** The built-in registry plus the kinds these CRDs define (custom groups after the built-in ones, by name). */
export function registryWithCrds(base: Registry, crds: readonly CustomResourceDefinition[]): Registry {
  const custom = customResourceTypes(crds).filter((t) => !base.byResource(t.group, t.resource));
  if (custom.length === 0) return base;
  const groupOrder = base.groups().map((g) => g.name);
  const customGroups = [...new Set(custom.map((t) => t.group))].filter((g) => !groupOrder.includes(g)).sort();
  return new Registry([...base.all(), ...custom], [...groupOrder, ...customGroups]);
}

// Per isolate, keyed by the base registry: plain values only (workerd forbids sharing a
// promise between requests), rebuilt when the stamp moves.
const cache = new WeakMap<Registry, { stamp: string; registry: Registry }>();

/**
 * The registry a request (or a reconcile pass) sees: built-ins plus every Established CRD,
 * fresh as of this call. Costs one aggregate query when nothing changed.
 */
export async function registryWithCustomResources(store: Store, base: Registry): Promise<Registry> {
  const stamp = await crdStamp(store);
  const hit = cache.get(base);
  if (hit && hit.stamp === stamp) return hit.registry;
  const registry = registryWithCrds(base, await listCrds(store));
  cache.set(base, { stamp, registry });
  return registry;
}
