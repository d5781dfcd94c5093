// `flotilla unjoin`: takes a cluster out, as karmadactl unjoin does. The Cluster is deleted
// first (the control plane then moves work off it and removes its Works, which may need the
// member to answer); unjoin waits for its Works and the Cluster to be gone, then removes the
// execution namespace, the credential Secrets, and what join created in the member. --force
// goes on past a timeout or an unreachable member, dropping the finalizers that would wait
// on it.

import type { Cluster } from '../../shared/karmada/cluster.js';
import { isMemberError } from '../../shared/member/member-client.js';
import type { KubeObject } from '../../shared/object.js';
import type { Progress } from './join.js';
import { isKubeApiError, type KubeClient } from './kube-client.js';
import {
  IMPERSONATOR_SERVICE_ACCOUNT,
  MEMBER_CREDENTIALS_NAMESPACE,
  clusterPath,
  executionNamespace,
  impersonatorSecretName,
  memberClusterRoleName,
  memberServiceAccountName,
} from './names.js';

export interface UnjoinOptions {
  name: string;
  controlPlane: KubeClient;
  /** The member, to remove what join created there; skipped (with a note) when not given. */
  member?: KubeClient | undefined;
  timeoutMs: number;
  force: boolean;
  progress: Progress;
  /** Poll interval while waiting (tests shorten it). */
  pollMs?: number;
}

export interface UnjoinResult {
  /** Whether a Cluster object existed. */
  clusterFound: boolean;
  /** Works whose finalizers --force removed. */
  forcedWorks: string[];
  /** Member clean-up that did not happen (member not given, or not answering under --force). */
  memberSkipped?: string;
}

const WORKS = (ns: string): string => `/apis/work.karmada.io/v1alpha1/namespaces/${ns}/works`;
const RBAC = '/apis/rbac.authorization.k8s.io/v1';

async function until(deadline: number, pollMs: number, done: () => Promise<boolean>): Promise<boolean> {
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

async function dropFinalizers(cp: KubeClient, path: string): Promise<void> {
  try {
    await cp.mergePatch(path, { metadata: { finalizers: null } });
  } catch (e) {
    if (!isKubeApiError(e, 404)) throw e;
  }
}

export async function unjoinCluster(opts: UnjoinOptions): Promise<UnjoinResult> {
  const { name, controlPlane: cp, progress } = opts;
  const pollMs = opts.pollMs ?? 500;
  const es = executionNamespace(name);
  const result: UnjoinResult = { clusterFound: false, forcedWorks: [] };

  const cluster = await cp.get<Cluster>(clusterPath(name));
  result.clusterFound = Boolean(cluster);
  if (!cluster) progress.warn(`cluster ${name} is not registered; cleaning up what is left of it`);

  if (cluster) {
    await progress.step(`Deleting cluster ${name}`, () => cp.delete(clusterPath(name)));
  }

  const deadline = Date.now() + opts.timeoutMs;
  const worksLeft = async (): Promise<KubeObject[]> => cp.list<KubeObject>(WORKS(es)).catch((e) => (isKubeApiError(e, 404) ? [] : Promise.reject(e)));
  let remaining: KubeObject[] = [];
  const gone = await progress.step(
    `Waiting for the Works in ${es} and the Cluster to be removed`,
    () =>
      until(deadline, pollMs, async () => {
        remaining = await worksLeft();
        return remaining.length === 0 && !(await cp.get(clusterPath(name)));
      }),
    (ok) => (ok ? 'done' : `${remaining.length} Work(s) left after ${Math.round(opts.timeoutMs / 1000)} s`),
  );
  if (!gone) {
    const what = remaining.length ? `${remaining.length} Work(s) in ${es} (${remaining.slice(0, 5).map((w) => w.metadata.name).join(', ')})` : `the Cluster ${name}`;
    if (!opts.force) {
      throw new Error(`timed out waiting for ${what} to be removed; the member may not be answering. Run again with --force to remove them anyway`);
    }
    await progress.step(`Forcing: dropping the finalizers of what is left`, async () => {
      for (const w of remaining) {
        await dropFinalizers(cp, `${WORKS(es)}/${encodeURIComponent(w.metadata.name!)}`);
        result.forcedWorks.push(w.metadata.name!);
      }
      await dropFinalizers(cp, clusterPath(name));
    });
  }

  await progress.step(`Removing namespace ${es} and the cluster's Secrets`, async () => {
    await cp.delete(`/api/v1/namespaces/${es}`);
    const ns = MEMBER_CREDENTIALS_NAMESPACE;
    const secretRefs = [cluster?.spec.secretRef ?? { namespace: ns, name }, cluster?.spec.impersonatorSecretRef ?? { namespace: ns, name: impersonatorSecretName(name) }];
    for (const ref of secretRefs) await cp.delete(`/api/v1/namespaces/${ref.namespace}/secrets/${encodeURIComponent(ref.name)}`);
  });

  if (!opts.member) {
    result.memberSkipped = 'no --cluster-kubeconfig given';
    return result;
  }
  const member = opts.member;
  try {
    await progress.step('Removing what join created in the member', async () => {
      const ns = MEMBER_CREDENTIALS_NAMESPACE;
      for (const sa of [memberServiceAccountName(name), IMPERSONATOR_SERVICE_ACCOUNT]) {
        const role = encodeURIComponent(memberClusterRoleName(sa));
        await member.delete(`${RBAC}/clusterrolebindings/${role}`);
        await member.delete(`${RBAC}/clusterroles/${role}`);
        await member.delete(`/api/v1/namespaces/${ns}/secrets/${sa}-token`);
        await member.delete(`/api/v1/namespaces/${ns}/serviceaccounts/${sa}`);
      }
      // The namespace goes only when nothing of another cluster's join is left in it.
      const others = (await member.list<KubeObject>(`/api/v1/namespaces/${ns}/serviceaccounts`)).filter(
        (sa) => sa.metadata.name !== 'default' && sa.metadata.name !== IMPERSONATOR_SERVICE_ACCOUNT,
      );
      if (others.length === 0) await member.delete(`/api/v1/namespaces/${ns}`);
    });
  } catch (e) {
    if (!opts.force || !(isMemberError(e) || isKubeApiError(e))) throw e;
    result.memberSkipped = `the member did not let us clean up: ${(e as Error).message}`;
    progress.warn(`left the member as it is (--force): ${(e as Error).message}`);
  }
  return result;
}
