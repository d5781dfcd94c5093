// One look at a member, as Karmada's cluster status controller takes it: health, version,
// API enablements, nodes and pods. Every call has the member client's deadline, so an
// unanswering member costs one probe its timeout and nothing else.

import type { ClusterObservation, ApiEnablement } from '../../shared/cluster/cluster-status.js';
import type { MemberClient } from '../../shared/member/member-client.js';
import { isMemberError } from '../../shared/member/member-client.js';
import { listMemberObjects, memberJson } from '../../shared/member/member-api.js';
import type { KubeObject } from '../../shared/object.js';

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

interface DiscoveryList {
  kind?: string;
  items?: Array<{
    metadata?: { name?: string };
    versions?: Array<{ version: string; resources?: Array<{ resource: string; responseKind?: { kind?: string } }> }>;
  }>;
}

interface LegacyGroupList {
  groups?: Array<{ name: string; versions: Array<{ groupVersion: string }> }>;
  versions?: string[];
}

async function legacyResources(client: MemberClient, path: string, groupVersion: string, timeoutMs: number): Promise<ApiEnablement> {
  const list = await memberJson<{ resources?: Array<{ name: string; kind: string }> }>(client, { method: 'GET', path, timeoutMs });
  const resources = (list.resources ?? []).filter((r) => !r.name.includes('/')).map((r) => ({ name: r.name, kind: r.kind }));
  return { groupVersion, resources: resources.sort((a, b) => a.name.localeCompare(b.name)) };
}

/** Every served group/version with its resources (no subresources), sorted; `complete` false when a group failed. */
export async function discoverApiEnablements(client: MemberClient, timeoutMs: number): Promise<{ enablements: ApiEnablement[]; complete: boolean }> {
  const out: ApiEnablement[] = [];
  let complete = true;
  for (const root of ['/api', '/apis']) {
    const doc = await memberJson<DiscoveryList & LegacyGroupList>(client, { method: 'GET', path: root, accept: AGGREGATED, timeoutMs });
    if (doc.kind === 'APIGroupDiscoveryList') {
      for (const g of doc.items ?? []) {
        const group = g.metadata?.name ?? '';
        for (const v of g.versions ?? []) {
          const resources = (v.resources ?? []).map((r) => ({ name: r.resource, kind: r.responseKind?.kind ?? '' }));
          out.push({ groupVersion: group ? `${group}/${v.version}` : v.version, resources: resources.sort((a, b) => a.name.localeCompare(b.name)) });
        }
      }
      continue;
    }
    // A server without aggregated discovery: one request per group version.
    const gvs = root === '/api' ? (doc.versions ?? []).map((v) => ({ gv: v, path: `/api/${v}` })) : (doc.groups ?? []).flatMap((g) => g.versions.map((v) => ({ gv: v.groupVersion, path: `/apis/${v.groupVersion}` })));
    for (const { gv, path } of gvs) {
      try {
        out.push(await legacyResources(client, path, gv, timeoutMs));
      } catch (e) {
        if (isMemberError(e, 'timeout') || isMemberError(e, 'unreachable')) throw e;
        complete = false;
      }
    }
  }
  out.sort((a, b) => a.groupVersion.localeCompare(b.groupVersion));
  return { enablements: out, complete };
}

async function healthOf(client: MemberClient, timeoutMs: number): Promise<{ healthy: boolean; online: boolean; message?: string }> {
  for (const path of ['/readyz', '/healthz']) {
    try {
      const res = await client.request({ method: 'GET', path, accept: 'text/plain', timeoutMs });
      if (res.status === 404 && path === '/readyz') continue;
      if (res.status === 200 && res.body.trim() === 'ok') return { healthy: true, online: true };
      // 502-504 from a gateway mean the member itself did not answer.
      if (res.status >= 502 && res.status <= 504) return { healthy: false, online: false, message: `cluster is not reachable: ${res.body.slice(0, 200)}` };
      return { healthy: false, online: true, message: `cluster is reachable but ${path} responded ${res.status} without ok` };
    } catch (e) {
      return { healthy: false, online: false, message: (e as Error).message };
    }
  }
  return { healthy: false, online: true, message: 'cluster answers neither /readyz nor /healthz' };
}

/**
 * Probes a member; never throws: what failed is absent from the observation. `collect` false
 * asks only for health: version, APIs, nodes and pods are kept from the last full look.
 */
export async function probeCluster(client: MemberClient, timeoutMs: number, collect = true): Promise<ClusterObservation> {
  const health = await healthOf(client, timeoutMs);
  if (!health.healthy || !collect) return health;
  const obs: ClusterObservation = { ...health };
  const [version, apis, nodes, pods] = await Promise.allSettled([
    memberJson<{ gitVersion?: string }>(client, { method: 'GET', path: '/version', timeoutMs }),
    discoverApiEnablements(client, timeoutMs),
    listMemberObjects(client, '/api/v1/nodes', {}, timeoutMs),
    listMemberObjects(client, '/api/v1/pods', {}, timeoutMs),
  ]);
  if (version.status === 'fulfilled' && version.value.gitVersion) obs.kubernetesVersion = version.value.gitVersion;
  if (apis.status === 'fulfilled') {
    obs.apiEnablements = apis.value.enablements;
    obs.apiEnablementsComplete = apis.value.complete;
  }
  if (nodes.status === 'fulfilled') obs.nodes = nodes.value;
  if (pods.status === 'fulfilled') obs.pods = pods.value as KubeObject[];
  return obs;
}
