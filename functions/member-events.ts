// The worker's end of the member watches: the Node side posts which Works its watch events
// concern, and their keys go on the work-status (or, for drift, the execution) queue. Only the
// admin token may post: the route starts member calls, so it is as strong as the admin.

import { memberEventsSchema, MEMBER_EVENTS_PATH } from '../shared/member/member-events.js';
import { constantTimeEqual, sha256Hex } from '../shared/service-account-token.js';
import { WORK_STATUS } from '../cron/karmada/work-status.js';
import { DRIFT_PREFIX, EXECUTION } from '../cron/karmada/execution.js';

export { MEMBER_EVENTS_PATH };

/** Adds keys to the reconcilers' queues, all in one write. */
export type Enqueue = (keys: ReadonlyArray<{ reconciler: string; key: string }>) => Promise<void>;

function status(code: number, reason: string, message: string): Response {
  return new Response(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }), {
    status: code,
    headers: { 'content-type': 'application/json' },
  });
}

export function isMemberEventsRequest(request: Request): boolean {
  return new URL(request.url).pathname === MEMBER_EVENTS_PATH;
}

/**
 * `wake`, when given, runs the queued reconcilers right after the answer (the caller's
 * waitUntil): a status change then reaches the template in one invocation instead of one
 * queue hop per step. The queue message each enqueue sends stays the fallback.
 */
export async function handleMemberEvents(request: Request, adminTokenSha256: string, enqueue: Enqueue, wake?: (reconcilers: string[]) => void): Promise<Response> {
  const auth = request.headers.get('authorization') ?? '';
  const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : '';
  if (!token || !constantTimeEqual(await sha256Hex(token), adminTokenSha256)) return status(401, 'Unauthorized', 'Unauthorized');
  if (request.method !== 'POST') return status(405, 'MethodNotAllowed', `${request.method} is not allowed on ${MEMBER_EVENTS_PATH}`);
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return status(400, 'BadRequest', 'the body is not JSON');
  }
  const parsed = memberEventsSchema.safeParse(body);
  if (!parsed.success) return status(400, 'BadRequest', `member events: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const { workStatus, drift } = parsed.data;
  const driftSet = new Set(drift);
  // A drifted Work is applied again, and that apply writes its statuses too.
  const keys = [
    ...[...new Set(drift)].map((k) => ({ reconciler: EXECUTION, key: `${DRIFT_PREFIX}${k}` })),
    ...[...new Set(workStatus)].filter((k) => !driftSet.has(k)).map((k) => ({ reconciler: WORK_STATUS, key: k })),
  ];
  if (keys.length) await enqueue(keys);
  if (wake && (workStatus.length || drift.length)) wake([...(drift.length ? [EXECUTION] : []), ...(workStatus.length ? [WORK_STATUS] : [])]);
  return new Response(JSON.stringify({ workStatus: workStatus.length, drift: drift.length }), { status: 202, headers: { 'content-type': 'application/json' } });
}
