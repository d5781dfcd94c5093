// Applying a Work's manifests to one member and removing them again: what Karmada's
// execution controller and object watcher do, written against MemberClient alone so the
// control plane (Push clusters) and the pull agent share it.

import type { Work } from '../../shared/karmada/work.js';
import type { KubeObject } from '../../shared/object.js';
import type { MemberClient } from '../../shared/member/member-client.js';
import { isMemberError, MemberError } from '../../shared/member/member-client.js';
import { applyMemberObject, deleteMemberObject, getMemberObject, memberJson, resourcePath, type ResourceInfo } from '../../shared/member/member-api.js';
import { retain } from '../../shared/interpreter/index.js';
import { MANAGED_LABEL, TEMPLATE_GENERATION_ANNOTATION, CONFLICT_RESOLUTION_ANNOTATION } from '../../shared/binding/work-manifest.js';

export const FIELD_MANAGER = 'flotilla';

/** Finds where a manifest's kind lives in the member (the control plane's registry, or the member's discovery for the agent). */
export type ResourceResolver = (apiVersion: string, kind: string) => ResourceInfo | undefined;

export interface ApplyOutcome {
  applied: boolean;
  reason: string;
  message: string;
  /** The member's copy of each manifest after applying (same order), when it was applied. */
  objects: Array<KubeObject | undefined>;
}

function describe(m: KubeObject): string {
  return `${m.kind ?? ''}(${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name ?? ''})`;
}

async function ensureNamespace(member: MemberClient, namespace: string): Promise<void> {
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}`;
  if (await getMemberObject(member, path)) return;
  try {
    // Marked managed: the namespace sync's own Work for it arrives later and must be able to take it over.
    const body = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { [MANAGED_LABEL]: 'true' } } };
    await memberJson(member, { method: 'POST', path: '/api/v1/namespaces', contentType: 'application/json', body: JSON.stringify(body) });
  } catch (e) {
    if (!isMemberError(e, 'conflict')) throw e;
  }
}

function generationOf(obj: KubeObject | undefined): number | undefined {
  const v = obj?.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  return v === undefined ? undefined : Number(v);
}

class ApplyRefused extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

async function applyManifest(member: MemberClient, manifest: KubeObject, resolve: ResourceResolver): Promise<KubeObject> {
  const info = resolve(manifest.apiVersion ?? '', manifest.kind ?? '');
  if (!info) throw new ApplyRefused('AppliedFailed', `the member cluster does not serve ${manifest.apiVersion} ${manifest.kind}`);
  const namespace = info.namespaced ? manifest.metadata.namespace || 'default' : undefined;
  if (namespace) await ensureNamespace(member, namespace);
  const path = resourcePath(info, namespace, manifest.metadata.name);
  const observed = await getMemberObject(member, path);
  let desired: KubeObject = { ...manifest, metadata: { ...manifest.metadata, ...(namespace ? { namespace } : {}) } };
  if (observed) {
    const managed = observed.metadata.labels?.[MANAGED_LABEL] === 'true';
    const overwrite = manifest.metadata.annotations?.[CONFLICT_RESOLUTION_ANNOTATION] === 'overwrite';
    if (!managed && !overwrite) {
      throw new ApplyRefused(
        'AppliedFailed',
        `${describe(manifest)} already exists in the cluster but is not managed by Karmada; set conflictResolution: Overwrite on the policy to take it over`,
      );
    }
    // A manifest older than what the member holds came late: never roll the member back.
    const have = generationOf(observed);
    const want = generationOf(manifest);
    if (have !== undefined && want !== undefined && want < have) return observed;
    desired = retain(desired, observed);
  }
  // Server-side apply owns exactly the fields the manifest sets; resourceVersion is never sent.
  const { resourceVersion: _rv, ...metadata } = desired.metadata;
  return applyMemberObject(member, path, { ...desired, metadata }, { fieldManager: FIELD_MANAGER, force: true });
}

export async function applyWork(work: Work, member: MemberClient, resolve: ResourceResolver): Promise<ApplyOutcome> {
  const manifests = (work.spec.workload?.manifests ?? []) as KubeObject[];
  const objects: Array<KubeObject | undefined> = [];
  for (const m of manifests) {
    try {
      objects.push(await applyManifest(member, m, resolve));
    } catch (e) {
      if (e instanceof ApplyRefused) return { applied: false, reason: e.reason, message: e.message, objects };
      if (e instanceof MemberError && (e.kind === 'unreachable' || e.kind === 'timeout')) throw e;
      return { applied: false, reason: 'AppliedFailed', message: `Failed to apply all manifests (${objects.length}/${manifests.length}): ${(e as Error).message}`, objects };
    }
  }
  return { applied: true, reason: 'AppliedSuccessful', message: 'Manifest has been successfully applied', objects };
}

/** Deletes what a Work placed, unless the member's copy is no longer ours (its work id differs). */
export async function removeWorkManifests(work: Work, member: MemberClient, resolve: ResourceResolver): Promise<void> {
  for (const m of (work.spec.workload?.manifests ?? []) as KubeObject[]) {
    const info = resolve(m.apiVersion ?? '', m.kind ?? '');
    if (!info) continue;
    const namespace = info.namespaced ? m.metadata.namespace || 'default' : undefined;
    const path = resourcePath(info, namespace, m.metadata.name);
    const observed = await getMemberObject(member, path);
    if (!observed) continue;
    if (observed.metadata.labels?.[MANAGED_LABEL] !== 'true') continue;
    // Namespaces propagate on their own and outlive any one Work that happens to name them.
    await deleteMemberObject(member, path, observed.metadata.uid);
  }
}
