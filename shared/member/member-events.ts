import { z } from 'zod';

/**
 * Member watches live on the Node side (a request in workerd cannot outlive itself to hold
 * one), so the Node side tells the worker which Works their events concern through this
 * route. It sits outside /api and /apis so it can never shadow a Kubernetes path.
 */
export const MEMBER_EVENTS_PATH = '/flotilla/v1/member-events';

/** `karmada-es-<cluster>/<work name>`: a Work in an execution namespace, nothing else. */
const workKey = z.string().regex(/^karmada-es-[a-z0-9.-]{1,253}\/[a-z0-9.-]{1,253}$/);

export const memberEventsSchema = z.object({
  /** Works whose member copies changed: their manifestStatuses are read again. */
  workStatus: z.array(workKey).max(10_000).default([]),
  /** Works whose member copies were deleted or edited by someone else: applied again. */
  drift: z.array(workKey).max(10_000).default([]),
});

export type MemberEvents = z.infer<typeof memberEventsSchema>;
