import { MemberError, isMemberError, type MemberClient, type MemberClients, type MemberEndpoint, type MemberRequest, type MemberResponse } from '../../shared/member/member-client.js';
import { WriteIntent } from './guarded-store.js';

export interface MemberGuardOptions {
  /** Deadline of a call that names none. */
  defaultTimeoutMs: number;
  /** Aborted when the reconcile must stop: a call in flight then fails at once. */
  signal?: AbortSignal;
  /** Read-only passes refuse anything but GET (WriteIntent). */
  readOnly?: boolean;
  /** A call in flight: the reconcile is waiting on a member, not working, so its slot may go to another key. */
  onWait?: (waiting: boolean) => void;
  breaker?: MemberBreaker;
}

/**
 * Remembers members that just failed to answer, per isolate: for `coolOffMs` after a timeout
 * or connection failure, calls to that member fail at once instead of each waiting out its
 * deadline, so keys stuck on a dead member back off and give their workers to the others.
 */
export class MemberBreaker {
  private readonly openUntil = new Map<string, number>();
  constructor(
    readonly coolOffMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  check(cluster: string): void {
    const until = this.openUntil.get(cluster);
    if (until === undefined) return;
    if (until > this.now()) throw new MemberError(cluster, 'unreachable', `member ${cluster} did not answer recently; not calling again for ${Math.ceil((until - this.now()) / 1000)} s`);
    this.openUntil.delete(cluster);
  }

  record(cluster: string, err: unknown): void {
    if (isMemberError(err, 'unreachable') || isMemberError(err, 'timeout')) this.openUntil.set(cluster, this.now() + this.coolOffMs);
  }

  succeeded(cluster: string): void {
    this.openUntil.delete(cluster);
  }
}

/** One breaker per isolate: module state holds only plain data, never a promise. */
export const isolateBreaker = new MemberBreaker();

function guardClient(client: MemberClient, opts: MemberGuardOptions): MemberClient {
  return {
    cluster: client.cluster,
    ...(client.watched ? { watched: true } : {}),
    async request(req: MemberRequest): Promise<MemberResponse> {
      if (opts.readOnly && req.method !== 'GET') throw new WriteIntent(`${req.method} ${req.path} on ${client.cluster}`);
      opts.breaker?.check(client.cluster);
      if (opts.signal?.aborted) throw new MemberError(client.cluster, 'timeout', 'the reconcile was stopped before calling the member');
      const timeoutMs = Math.min(req.timeoutMs ?? opts.defaultTimeoutMs, opts.defaultTimeoutMs);
      let timer: ReturnType<typeof setTimeout> | undefined;
      let onAbort: (() => void) | undefined;
      // The transport enforces its own deadline too; this one holds even if it does not.
      const stop = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new MemberError(client.cluster, 'timeout', `no answer from member ${client.cluster} within ${timeoutMs} ms`)), timeoutMs);
        onAbort = () => reject(new MemberError(client.cluster, 'timeout', 'the reconcile was stopped while waiting on the member'));
        opts.signal?.addEventListener('abort', onAbort, { once: true });
      });
      opts.onWait?.(true);
      try {
        const res = await Promise.race([client.request({ ...req, timeoutMs }), stop]);
        opts.breaker?.succeeded(client.cluster);
        return res;
      } catch (e) {
        opts.breaker?.record(client.cluster, e);
        throw e;
      } finally {
        clearTimeout(timer);
        if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
        opts.onWait?.(false);
      }
    },
  };
}

/** Member clients for one reconcile: every call has a deadline and ends when the reconcile must stop. */
export function guardMembers(members: MemberClients, opts: MemberGuardOptions): MemberClients {
  return {
    forEndpoint(endpoint: MemberEndpoint): MemberClient {
      return guardClient(members.forEndpoint(endpoint), opts);
    },
  };
}
