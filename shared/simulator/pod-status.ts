// The simulated kubelet: how a bound pod's status moves on a node where nothing runs.
//   bound ──▶ Pending, ContainerCreating ──(pod start delay)──▶ Running, Ready
//   Running ──(job duration, for pods that run to completion)──▶ Succeeded
// Delays are measured from the status's own timestamps (whole seconds, as metav1.Time has),
// so a restarted member picks up where it left off.

import type { KubeObject } from '../object.js';
import { rfc3339 } from '../time.js';
import { setCondition, type Condition } from './conditions.js';
import { fnv32a } from './hash.js';
import { podSpec, podStatus, qosClass, type ContainerStatus, type PodStatus } from './pod.js';
import type { SimulatorSettings } from './settings.js';

export type KubeletAction = 'start' | 'run' | 'complete' | 'none';

export interface KubeletStep {
  action: KubeletAction;
  /** When nothing is due yet: come back after this long. */
  requeueAfterMs?: number;
}

function timeOf(s: string | undefined): number | undefined {
  const t = s ? Date.parse(s) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

function runningSince(status: PodStatus): number | undefined {
  const started = status.containerStatuses?.map((c) => timeOf(c.state.running?.startedAt as string | undefined));
  const first = started?.find((t) => t !== undefined);
  return first ?? timeOf(status.startTime);
}

/**
 * What the kubelet does next for a pod. `runsToCompletion`: the pod's work ends (a Job's
 * pod); other pods run until deleted.
 */
export function nextKubeletStep(pod: KubeObject, now: number, settings: SimulatorSettings, runsToCompletion: boolean): KubeletStep {
  if (!podSpec(pod).nodeName || pod.metadata.deletionTimestamp) return { action: 'none' };
  const status = podStatus(pod);
  const phase = status.phase ?? 'Pending';
  if (phase === 'Pending') {
    const started = timeOf(status.startTime);
    if (started === undefined) return { action: settings.podStartDelayMs === 0 ? 'run' : 'start' };
    const due = started + settings.podStartDelayMs;
    return due <= now ? { action: 'run' } : { action: 'none', requeueAfterMs: due - now };
  }
  if (phase === 'Running' && runsToCompletion) {
    const due = (runningSince(status) ?? now) + settings.jobDurationMs;
    return due <= now ? { action: 'complete' } : { action: 'none', requeueAfterMs: due - now };
  }
  return { action: 'none' };
}

const POD_CONDITION_ORDER = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];

function podConditions(existing: Condition[] | undefined, set: Array<[string, 'True' | 'False', string?, string?]>, at: string): Condition[] {
  let conditions = existing ?? [];
  for (const [type, status, reason, message] of set) {
    conditions = setCondition(conditions, { type, status, lastProbeTime: null, ...(reason ? { reason } : {}), ...(message ? { message } : {}) }, at);
    // A condition that became True drops the reason it had while False.
    if (!reason) conditions = conditions.map((c) => (c.type === type ? withoutReason(c) : c));
  }
  return [...conditions].sort((a, b) => POD_CONDITION_ORDER.indexOf(a.type) - POD_CONDITION_ORDER.indexOf(b.type));
}

function withoutReason(c: Condition): Condition {
  const { reason: _r, message: _m, ...rest } = c;
  return rest;
}

function containerNames(pod: KubeObject): { names: Array<{ name: string; image?: string }>; init: Array<{ name: string; image?: string }> } {
  const spec = podSpec(pod);
  return {
    names: spec.containers.map((c) => ({ name: c.name, ...(c.image ? { image: c.image } : {}) })),
    init: (spec.initContainers ?? []).map((c) => ({ name: c.name, ...(c.image ? { image: c.image } : {}) })),
  };
}

function containerId(pod: KubeObject, name: string): string {
  const h = fnv32a(`${pod.metadata.uid ?? ''}/${name}`).toString(16).padStart(8, '0');
  return `simulated://${h.repeat(8)}`;
}

function imageId(image: string | undefined): string {
  return image ? `${image.includes('/') ? '' : 'docker.io/library/'}${image.split('@')[0]}@sha256:${fnv32a(image).toString(16).padStart(8, '0').repeat(8)}` : '';
}

/** Bound, sandbox being made: Pending with the node's address and ContainerCreating. */
export function startingStatus(pod: KubeObject, hostIP: string, now: number): PodStatus {
  const at = rfc3339(now);
  const { names, init } = containerNames(pod);
  const status = podStatus(pod);
  const unready = `containers with unready status: [${names.map((n) => n.name).join(' ')}]`;
  return {
    ...status,
    phase: 'Pending',
    conditions: podConditions(
      status.conditions,
      [
        ['PodReadyToStartContainers', 'False'],
        ['Initialized', init.length ? 'False' : 'True', init.length ? 'ContainersNotInitialized' : undefined, init.length ? `containers with incomplete status: [${init.map((n) => n.name).join(' ')}]` : undefined],
        ['Ready', 'False', 'ContainersNotReady', unready],
        ['ContainersReady', 'False', 'ContainersNotReady', unready],
        ['PodScheduled', 'True'],
      ],
      at,
    ),
    hostIP,
    hostIPs: [{ ip: hostIP }],
    startTime: at,
    ...(init.length
      ? { initContainerStatuses: init.map((c) => waiting(c, 'PodInitializing')) }
      : {}),
    containerStatuses: names.map((c) => waiting(c, init.length ? 'PodInitializing' : 'ContainerCreating')),
    qosClass: qosClass(podSpec(pod)),
  };
}

function waiting(c: { name: string; image?: string }, reason: string): ContainerStatus {
  return { name: c.name, ...(c.image ? { image: c.image } : {}), imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason } } };
}

/** Containers started and ready; the pod has its address. */
export function runningStatus(pod: KubeObject, hostIP: string, podIP: string, now: number): PodStatus {
  const at = rfc3339(now);
  const status = podStatus(pod);
  const { names, init } = containerNames(pod);
  const startTime = status.startTime ?? at;
  return {
    ...status,
    phase: 'Running',
    conditions: podConditions(
      status.conditions,
      [
        ['PodReadyToStartContainers', 'True'],
        ['Initialized', 'True'],
        ['Ready', 'True'],
        ['ContainersReady', 'True'],
        ['PodScheduled', 'True'],
      ],
      at,
    ),
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime,
    ...(init.length
      ? {
          initContainerStatuses: init.map((c) => ({
            ...base(pod, c),
            ready: true,
            started: false,
            state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: startTime, finishedAt: at, containerID: containerId(pod, c.name) } },
          })),
        }
      : {}),
    containerStatuses: names.map((c) => ({ ...base(pod, c), ready: true, started: true, state: { running: { startedAt: at } } })),
    qosClass: qosClass(podSpec(pod)),
  };
}

function base(pod: KubeObject, c: { name: string; image?: string }): Omit<ContainerStatus, 'ready' | 'state'> {
  return { name: c.name, ...(c.image ? { image: c.image } : {}), imageID: imageId(c.image), containerID: containerId(pod, c.name), restartCount: 0 };
}

/** Every container exited 0: the pod Succeeded. */
export function succeededStatus(pod: KubeObject, now: number): PodStatus {
  const at = rfc3339(now);
  const status = podStatus(pod);
  const { names } = containerNames(pod);
  const previous = new Map((status.containerStatuses ?? []).map((c) => [c.name, c]));
  return {
    ...status,
    phase: 'Succeeded',
    conditions: podConditions(
      status.conditions,
      [
        ['PodReadyToStartContainers', 'False'],
        ['Initialized', 'True'],
        ['Ready', 'False', 'PodCompleted'],
        ['ContainersReady', 'False', 'PodCompleted'],
        ['PodScheduled', 'True'],
      ],
      at,
    ),
    containerStatuses: names.map((c) => {
      const startedAt = (previous.get(c.name)?.state.running?.startedAt as string | undefined) ?? status.startTime ?? at;
      return {
        ...base(pod, c),
        ready: false,
        started: false,
        state: { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt: at, containerID: containerId(pod, c.name) } },
      };
    }),
  };
}
