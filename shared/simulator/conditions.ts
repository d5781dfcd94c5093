// Status conditions as controllers maintain them: a condition's lastTransitionTime moves only
// when its status flips, so recomputing an unchanged world yields the same object and the
// simulator writes nothing (quiescence).

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  /** Deployments' conditions also carry when they were last updated. */
  lastUpdateTime?: string;
  /** Pods' conditions carry a probe time, always null from the kubelet. */
  lastProbeTime?: string | null;
}

export type ConditionInput = Omit<Condition, 'lastTransitionTime' | 'lastUpdateTime'>;

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * Sets one condition, keeping its transition time when the status did not change. With
 * `trackUpdates` (Deployments) lastUpdateTime moves whenever reason or message change.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  next: ConditionInput,
  now: string,
  opts: { trackUpdates?: boolean } = {},
): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const old = i >= 0 ? list[i] : undefined;
  const transitioned = !old || old.status !== next.status;
  const updated = transitioned || old.reason !== next.reason || old.message !== next.message;
  const merged: Condition = {
    ...next,
    ...(opts.trackUpdates ? { lastUpdateTime: updated ? now : (old?.lastUpdateTime ?? now) } : {}),
    lastTransitionTime: transitioned ? now : (old?.lastTransitionTime ?? now),
  };
  if (i >= 0) list[i] = merged;
  else list.push(merged);
  return list;
}

export function isTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}
