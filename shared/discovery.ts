import type { Registry } from './registry/index.js';
import { groupVersionString, type ResourceType, type Subresource, type Verb } from './registry/resource-type.js';

/** Subresource verbs and response kinds, as kube-apiserver advertises them. */
const SUBRESOURCE_INFO: Record<Subresource, { verbs: Verb[]; kind?: { group: string; version: string; kind: string } }> = {
  status: { verbs: ['get', 'patch', 'update'] },
  scale: { verbs: ['get', 'patch', 'update'], kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' } },
  token: { verbs: ['create'], kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' } },
  finalize: { verbs: ['update'] },
};

export interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

export interface ApiResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

/** `/api`: the legacy core group's versions. */
export function apiVersions(): { kind: 'APIVersions'; versions: string[]; serverAddressByClientCIDRs: { clientCIDR: string; serverAddress: string }[] } {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }] };
}

function apiGroup(name: string, versions: string[]): {
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion: GroupVersionForDiscovery;
} {
  const gvs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: gvs, preferredVersion: gvs[0]! };
}

/** `/apis`: every named group. */
export function apiGroupList(registry: Registry): { kind: 'APIGroupList'; apiVersion: 'v1'; groups: ReturnType<typeof apiGroup>[] } {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: registry.groups().map((g) => apiGroup(g.name, g.versions)) };
}

/** `/apis/<group>`, or undefined when the group is not served. */
export function apiGroupDocument(registry: Registry, group: string): (ReturnType<typeof apiGroup> & { kind: 'APIGroup'; apiVersion: 'v1' }) | undefined {
  const g = registry.groups().find((x) => x.name === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g.name, g.versions) } : undefined;
}

/** `/api/v1`, `/apis/<g>/<v>`: the legacy APIResourceList, subresources as `pods/status` rows. */
export function apiResourceList(
  registry: Registry,
  group: string,
  version: string,
): { kind: 'APIResourceList'; apiVersion?: 'v1'; groupVersion: string; resources: ApiResource[] } | undefined {
  const types = registry.resourcesIn(group, version);
  if (!types.length) return undefined;
  const resources: ApiResource[] = [];
  for (const t of types) {
    resources.push({
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: [...t.verbs],
      ...(t.shortNames.length ? { shortNames: [...t.shortNames] } : {}),
      ...(t.categories.length ? { categories: [...t.categories] } : {}),
    });
    for (const sub of t.subresources) {
      const info = SUBRESOURCE_INFO[sub];
      resources.push({
        name: `${t.resource}/${sub}`,
        singularName: '',
        namespaced: t.namespaced,
        ...(info.kind ? { group: info.kind.group, version: info.kind.version, kind: info.kind.kind } : { kind: t.kind }),
        verbs: [...info.verbs],
      });
    }
  }
  // The core group's list has never carried apiVersion upstream; the named groups' do.
  return { kind: 'APIResourceList', ...(group ? { apiVersion: 'v1' as const } : {}), groupVersion: groupVersionString(group, version), resources };
}

export type AggregatedDiscoveryVersion = 'v2' | 'v2beta1';

function discoveryResource(t: ResourceType): Record<string, unknown> {
  return {
    resource: t.resource,
    responseKind: { group: '', version: '', kind: t.kind },
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: [...t.verbs],
    ...(t.shortNames.length ? { shortNames: [...t.shortNames] } : {}),
    ...(t.categories.length ? { categories: [...t.categories] } : {}),
    ...(t.subresources.length
      ? {
          subresources: t.subresources.map((sub) => ({
            subresource: sub,
            responseKind: SUBRESOURCE_INFO[sub].kind ?? { group: '', version: '', kind: t.kind },
            verbs: [...SUBRESOURCE_INFO[sub].verbs],
          })),
        }
      : {}),
  };
}

function discoveryGroup(registry: Registry, group: string, versions: string[]): Record<string, unknown> {
  return {
    metadata: { ...(group ? { name: group } : {}), creationTimestamp: null },
    versions: versions.map((version) => ({
      version,
      resources: registry.resourcesIn(group, version).map(discoveryResource),
      freshness: 'Current',
    })),
  };
}

/**
 * The aggregated discovery document (apidiscovery.k8s.io APIGroupDiscoveryList): `/api`
 * holds the core group alone, `/apis` every named group, each version with its resources.
 */
export function aggregatedDiscovery(
  registry: Registry,
  which: 'api' | 'apis',
  version: AggregatedDiscoveryVersion = 'v2',
): { kind: 'APIGroupDiscoveryList'; apiVersion: string; metadata: Record<string, never>; items: Record<string, unknown>[] } {
  const items =
    which === 'api'
      ? [discoveryGroup(registry, '', ['v1'])]
      : registry.groups().map((g) => discoveryGroup(registry, g.name, g.versions));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}
