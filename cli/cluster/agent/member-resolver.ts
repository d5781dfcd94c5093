// Where a manifest's kind lives in the agent's member, from the member's own discovery (the
// agent has no registry of the member's kinds). Loaded per group version before a Work is
// handled, so the execution code's resolver can stay synchronous.

import type { ResourceInfo } from '../../../shared/member/member-api.js';
import { memberJson } from '../../../shared/member/member-api.js';
import { isMemberError, type MemberClient } from '../../../shared/member/member-client.js';
import type { ResourceResolver } from '../../../cron/karmada/execution-apply.js';

interface ApiResourceList {
  resources?: Array<{ name: string; kind: string; namespaced: boolean }>;
}

export class MemberResolver {
  private readonly byGroupVersion = new Map<string, Map<string, ResourceInfo>>();

  constructor(private readonly member: MemberClient) {}

  /** Reads discovery for each group version not yet known; one that the member does not serve resolves nothing. */
  async load(apiVersions: Iterable<string>): Promise<void> {
    for (const apiVersion of apiVersions) {
      if (this.byGroupVersion.has(apiVersion)) continue;
      const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
      const kinds = new Map<string, ResourceInfo>();
      try {
        const list = await memberJson<ApiResourceList>(this.member, { method: 'GET', path: group ? `/apis/${group}/${version}` : `/api/${version}` });
        for (const r of list.resources ?? []) {
          if (r.name.includes('/')) continue;
          kinds.set(r.kind, { group, version, resource: r.name, namespaced: r.namespaced });
        }
      } catch (e) {
        if (!isMemberError(e, 'notFound')) throw e;
      }
      this.byGroupVersion.set(apiVersion, kinds);
    }
  }

  /** Forgets what was learnt (a CRD installed in the member later shows up on the next load). */
  reset(): void {
    this.byGroupVersion.clear();
  }

  readonly resolve: ResourceResolver = (apiVersion, kind) => this.byGroupVersion.get(apiVersion)?.get(kind);
}
