// The agent's execution and work-status controllers for its own cluster: it watches the Works
// in karmada-es-<cluster> on the control plane, applies them to its member with the same code
// the control plane uses for Push clusters, removes what they placed when they are deleted,
// and writes each Work's status back (Applied, Dispatching, manifestStatuses), only on change.

import type { Work } from '../../../shared/karmada/work.js';
import { WORK_CONDITION_APPLIED, WORK_CONDITION_DISPATCHING } from '../../../shared/karmada/work.js';
import type { KubeObject } from '../../../shared/object.js';
import { isMemberError, type MemberClient } from '../../../shared/member/member-client.js';
import { getMemberObject, resourcePath } from '../../../shared/member/member-api.js';
import { manifestStatuses, type ManifestStatus } from '../../../shared/binding/work-status.js';
import { setCondition, type Condition, type ConditionInput } from '../../../shared/simulator/conditions.js';
import { jsonEqual } from '../../../shared/json-equal.js';
import { applyWork, removeWorkManifests } from '../../../cron/karmada/execution-apply.js';
import { appliedAtGeneration } from '../../../cron/karmada/execution.js';
import { EXECUTION_CONTROLLER_FINALIZER } from '../../../shared/karmada/work.js';
import { isKubeApiError, type KubeClient } from '../kube-client.js';
import { executionNamespace } from '../names.js';
import type { MemberResolver } from './member-resolver.js';

export interface WorkSyncOptions {
  controlPlane: KubeClient;
  member: MemberClient;
  cluster: string;
  resolver: MemberResolver;
  log: (line: string) => void;
  now?: () => number;
}

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export class WorkSync {
  readonly worksPath: string;
  private readonly pending = new Set<string>();
  private running: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: WorkSyncOptions) {
    this.worksPath = `/apis/work.karmada.io/v1alpha1/namespaces/${executionNamespace(opts.cluster)}/works`;
    this.now = opts.now ?? Date.now;
  }

  private workPath(name: string): string {
    return `${this.worksPath}/${encodeURIComponent(name)}`;
  }

  /** Queues a Work by name; the queue is worked one Work at a time. */
  enqueue(name: string): void {
    this.pending.add(name);
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
      if (this.pending.size) this.enqueue([...this.pending][0]!);
    });
  }

  /** Resolves once the queue is empty. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.pending.size) {
      const name = [...this.pending][0]!;
      this.pending.delete(name);
      try {
        await this.reconcile(name);
      } catch (e) {
        this.opts.log(`work ${name}: ${(e as Error).message}`);
        if (isKubeApiError(e, 409)) this.pending.add(name);
      }
    }
  }

  private async writeStatus(work: Work, updates: ConditionInput[], statuses?: ManifestStatus[]): Promise<void> {
    let conditions = (work.status?.conditions ?? []) as Condition[];
    for (const u of updates) conditions = setCondition(conditions, u, isoSeconds(this.now()));
    const status = { ...(work.status ?? {}), conditions, ...(statuses ? { manifestStatuses: statuses } : {}) };
    if (jsonEqual(status, work.status ?? {})) return;
    await this.opts.controlPlane.call('PUT', `${this.workPath(work.metadata.name!)}/status`, { ...work, status });
  }

  private async observe(work: Work): Promise<Array<KubeObject | undefined>> {
    const out: Array<KubeObject | undefined> = [];
    for (const m of (work.spec.workload?.manifests ?? []) as KubeObject[]) {
      const info = this.opts.resolver.resolve(m.apiVersion ?? '', m.kind ?? '');
      out.push(info ? await getMemberObject(this.opts.member, resourcePath(info, info.namespaced ? m.metadata.namespace || 'default' : undefined, m.metadata.name)) : undefined);
    }
    return out;
  }

  /** One level-triggered pass over one Work. */
  async reconcile(name: string): Promise<void> {
    const { controlPlane: cp, member, resolver } = this.opts;
    let work = await cp.get<Work>(this.workPath(name));
    if (!work) return;
    const manifests = (work.spec.workload?.manifests ?? []) as KubeObject[];
    await resolver.load(new Set(manifests.map((m) => m.apiVersion ?? '').filter(Boolean)));
    const finalizers = work.metadata.finalizers ?? [];

    if (work.metadata.deletionTimestamp) {
      if (!finalizers.includes(EXECUTION_CONTROLLER_FINALIZER)) return;
      if (!work.spec.preserveResourcesOnDeletion) await removeWorkManifests(work, member, resolver.resolve);
      const rest = finalizers.filter((f) => f !== EXECUTION_CONTROLLER_FINALIZER);
      await cp.mergePatch(this.workPath(name), { metadata: { resourceVersion: work.metadata.resourceVersion, finalizers: rest.length ? rest : null } });
      return;
    }
    if (!finalizers.includes(EXECUTION_CONTROLLER_FINALIZER)) {
      work = await cp.mergePatch<Work>(this.workPath(name), {
        metadata: { resourceVersion: work.metadata.resourceVersion, finalizers: [...finalizers, EXECUTION_CONTROLLER_FINALIZER] },
      });
    }
    if (work.spec.suspendDispatching) {
      await this.writeStatus(work, [{ type: WORK_CONDITION_DISPATCHING, status: 'False', reason: 'SuspendDispatching', message: 'Work dispatching is in a suspended state.' }]);
      return;
    }
    const dispatching: ConditionInput = { type: WORK_CONDITION_DISPATCHING, status: 'True', reason: 'Dispatching', message: 'Work is being dispatched to member clusters.' };
    if (appliedAtGeneration(work)) {
      // Applied already: only the member's status of each manifest comes back.
      await this.writeStatus(work, [dispatching], manifestStatuses(work, await this.observe(work), resolver.resolve));
      return;
    }
    let outcome;
    try {
      outcome = await applyWork(work, member, resolver.resolve);
    } catch (e) {
      if (isMemberError(e, 'unreachable') || isMemberError(e, 'timeout')) {
        this.opts.log(`work ${name}: the member did not answer; will retry (${(e as Error).message})`);
        return;
      }
      throw e;
    }
    // Work conditions carry observedGeneration, which the shared condition type leaves out.
    const applied = {
      type: WORK_CONDITION_APPLIED,
      status: outcome.applied ? 'True' : 'False',
      reason: outcome.reason,
      message: outcome.message,
      ...(work.metadata.generation !== undefined ? { observedGeneration: work.metadata.generation } : {}),
    } as ConditionInput;
    await this.writeStatus(work, [dispatching, applied], outcome.applied ? manifestStatuses(work, outcome.objects, resolver.resolve) : undefined);
  }

  /** Lists every Work and queues it (the resync that catches member-side changes); resolves to the list's resourceVersion. */
  async resync(): Promise<string> {
    const list = await this.opts.controlPlane.call<{ metadata?: { resourceVersion?: string }; items?: Work[] }>('GET', this.worksPath);
    for (const w of list.items ?? []) this.enqueue(w.metadata.name!);
    return list.metadata?.resourceVersion ?? '0';
  }

  /** List, then watch from there; again after the watch ends, until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const rv = await this.resync();
        let expired = false;
        await this.opts.controlPlane.watch<Work | { code?: number }>(
          `${this.worksPath}?resourceVersion=${encodeURIComponent(rv)}`,
          (e) => {
            if (e.type === 'ERROR') {
              expired = true;
              return;
            }
            if (e.type === 'BOOKMARK') return;
            const name = (e.object as Work).metadata?.name;
            if (name) this.enqueue(name);
          },
          { signal },
        );
        if (expired) continue;
      } catch (e) {
        if (signal.aborted) return;
        this.opts.log(`watching Works: ${(e as Error).message}; retrying in 2 s`);
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }
}
