// Work.status.manifestStatuses as Karmada's work status controller fills them: for each
// manifest, its identifier, the member copy's status as the interpreter reflects it, and
// its health. A manifest the member does not hold yet has no entry.

import type { Work } from '../karmada/work.js';
import type { KubeObject } from '../object.js';
import type { ResourceInfo } from '../member/member-api.js';
import { interpretHealth, reflectStatus } from '../interpreter/index.js';

export type ManifestStatus = NonNullable<NonNullable<Work['status']>['manifestStatuses']>[number];

export function manifestStatuses(work: Work, observed: ReadonlyArray<KubeObject | undefined>, resolve: (apiVersion: string, kind: string) => ResourceInfo | undefined): ManifestStatus[] {
  const out: ManifestStatus[] = [];
  const manifests = (work.spec.workload?.manifests ?? []) as KubeObject[];
  manifests.forEach((m, ordinal) => {
    const seen = observed[ordinal];
    if (!seen) return;
    // Items of a list answer carry no apiVersion and kind (kube-apiserver leaves them out), and
    // the interpreter picks its rules by them: the manifest says what the object is.
    const obj = seen.apiVersion && seen.kind ? seen : { ...seen, apiVersion: m.apiVersion, kind: m.kind };
    const info = resolve(m.apiVersion ?? '', m.kind ?? '');
    const [group, version] = (m.apiVersion ?? '').includes('/') ? (m.apiVersion!.split('/') as [string, string]) : ['', m.apiVersion ?? ''];
    const status = reflectStatus(obj);
    out.push({
      identifier: {
        ordinal,
        group,
        version,
        kind: m.kind ?? '',
        resource: info?.resource ?? '',
        ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
        name: obj.metadata.name ?? '',
      },
      ...(status ? { status } : {}),
      health: interpretHealth(obj),
    });
  });
  return out;
}
