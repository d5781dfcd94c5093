import type { KubeObject } from '../object.js';
import { humanDuration } from '../time.js';
import { int, isSet, obj, objs, str, type JsonObject } from './json.js';
import { AGE_COLUMN, NAME_COLUMN, column, type Printer, type TableRowCondition } from './printer.js';
import { parseTime, translateTimestampSince } from './timestamp.js';

const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

const SUCCEEDED: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
const FAILED: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

/** A sidecar: an init container with restartPolicy Always keeps running beside the app. */
function isRestartableInitContainer(container: JsonObject | undefined): boolean {
  return container?.restartPolicy === 'Always';
}

function hasCondition(conditions: JsonObject[], type: string): boolean {
  return conditions.some((c) => c.type === type && c.status === 'True');
}

/** Exit codes and signals print as Go's %d of an int32. */
function terminatedReason(terminated: JsonObject, prefix: string): string {
  if (str(terminated.reason) !== '') return `${prefix}${str(terminated.reason)}`;
  if (int(terminated.signal) !== 0) return `${prefix}Signal:${int(terminated.signal)}`;
  return `${prefix}ExitCode:${int(terminated.exitCode)}`;
}

interface PodSummary {
  ready: string;
  reason: string;
  restarts: string;
}

/**
 * printers.go printPod's READY, STATUS and RESTARTS: the phase (or status.reason), refined
 * by scheduling gates, init containers ("Init:1/2", "Init:CrashLoopBackOff"), container
 * waiting/terminated reasons ("ContainerCreating", "Completed", "ExitCode:1"), and deletion
 * ("Terminating"); restarts count sidecars and app containers, with the last one's age.
 */
export function summarizePod(pod: KubeObject, now: number): PodSummary {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  const conditions = objs(status.conditions);
  const containers = objs(spec.containers);
  const initSpecs = objs(spec.initContainers);

  let restarts = 0;
  let sidecarRestarts = 0;
  let totalContainers = containers.length;
  let readyContainers = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;
  const later = (a: number | undefined, b: number | undefined): number | undefined =>
    b !== undefined && (a === undefined || b > a) ? b : a;

  const phase = str(status.phase);
  let reason = str(status.reason) !== '' ? str(status.reason) : phase;
  for (const c of conditions) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initByName = new Map<string, JsonObject>();
  for (const c of initSpecs) {
    initByName.set(str(c.name), c);
    if (isRestartableInitContainer(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = objs(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    const state = obj(cs.state);
    const lastTerminated = obj(cs.lastState).terminated;
    const sidecar = isRestartableInitContainer(initByName.get(str(cs.name)));
    restarts += int(cs.restartCount);
    if (isSet(lastTerminated)) lastRestart = later(lastRestart, parseTime(obj(lastTerminated).finishedAt));
    if (sidecar) {
      sidecarRestarts += int(cs.restartCount);
      if (isSet(lastTerminated)) lastSidecarRestart = later(lastSidecarRestart, parseTime(obj(lastTerminated).finishedAt));
    }
    const terminated = isSet(state.terminated) ? obj(state.terminated) : undefined;
    const waiting = isSet(state.waiting) ? obj(state.waiting) : undefined;
    if (terminated && int(terminated.exitCode) === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready === true) readyContainers++;
      continue;
    }
    if (terminated) reason = terminatedReason(terminated, 'Init:');
    else if (waiting && str(waiting.reason) !== '' && waiting.reason !== 'PodInitializing') reason = `Init:${str(waiting.reason)}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(conditions, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = objs(status.containerStatuses);
    // Upstream walks backwards, so the first container's reason wins.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      const state = obj(cs.state);
      const lastTerminated = obj(cs.lastState).terminated;
      restarts += int(cs.restartCount);
      if (isSet(lastTerminated)) lastRestart = later(lastRestart, parseTime(obj(lastTerminated).finishedAt));
      const waiting = isSet(state.waiting) ? obj(state.waiting) : undefined;
      const terminated = isSet(state.terminated) ? obj(state.terminated) : undefined;
      if (waiting && str(waiting.reason) !== '') reason = str(waiting.reason);
      else if (terminated) reason = terminatedReason(terminated, '');
      else if (cs.ready === true && isSet(state.running)) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = hasCondition(conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  if (isSet(pod.metadata.deletionTimestamp) && status.reason === NODE_UNREACHABLE_POD_REASON) reason = 'Unknown';
  else if (isSet(pod.metadata.deletionTimestamp) && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const restartsText =
    restarts !== 0 && lastRestart !== undefined
      ? `${restarts} (${humanDuration(now - lastRestart)} ago)`
      : String(restarts);
  return { ready: `${readyContainers}/${totalContainers}`, reason, restarts: restartsText };
}

/** Readiness gates whose condition is True, over all gates; "<none>" without gates. */
function readinessGates(spec: JsonObject, status: JsonObject): string {
  const gates = objs(spec.readinessGates);
  if (gates.length === 0) return '<none>';
  const conditions = objs(status.conditions);
  let ready = 0;
  for (const gate of gates) {
    const c = conditions.find((x) => x.type === gate.conditionType);
    if (c?.status === 'True') ready++;
  }
  return `${ready}/${gates.length}`;
}

function orNone(s: string): string {
  return s === '' ? '<none>' : s;
}

export const podPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    AGE_COLUMN,
    column('IP', 'string', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
    column('Node', 'string', 'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.', 1),
    column('Nominated Node', 'string', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.', 1),
    column('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True".', 1),
  ],
  cells(pod, now) {
    const spec = obj(pod.spec);
    const status = obj(pod.status);
    const { ready, reason, restarts } = summarizePod(pod, now);
    // status.podIP is authoritative and mirrors podIPs[0] (the v1 → internal conversion).
    const podIP = str(status.podIP) || str(objs(status.podIPs)[0]?.ip);
    return [
      pod.metadata.name ?? '',
      ready,
      reason,
      restarts,
      translateTimestampSince(pod.metadata.creationTimestamp, now),
      orNone(podIP),
      orNone(str(spec.nodeName)),
      orNone(str(status.nominatedNodeName)),
      readinessGates(spec, status),
    ];
  },
  conditions(pod) {
    const phase = obj(pod.status).phase;
    return phase === 'Succeeded' ? SUCCEEDED : phase === 'Failed' ? FAILED : undefined;
  },
};
