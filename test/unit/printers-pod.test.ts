import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/object.js';
import { podPrinter } from '../../shared/printers/pod.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString();

function pod(spec: Record<string, unknown>, status: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', creationTimestamp: ago(90), ...metadata }, spec, status };
}
const two = { containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }] };
const one = { containers: [{ name: 'app', image: 'nginx' }] };
/** NAME READY STATUS RESTARTS AGE */
const row = (p: KubeObject): unknown[] => podPrinter.cells(p, NOW).slice(0, 5);

describe('pod printer', () => {
  it('has upstream columns, wide ones at priority 1', () => {
    expect(podPrinter.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0], ['Ready', 0], ['Status', 0], ['Restarts', 0], ['Age', 0],
      ['IP', 1], ['Node', 1], ['Nominated Node', 1], ['Readiness Gates', 1],
    ]);
    expect(podPrinter.columns[0]!.format).toBe('name');
  });

  it('counts ready running containers and sums restarts', () => {
    const p = pod(two, {
      phase: 'podPhase',
      containerStatuses: [{ ready: true, restartCount: 3, state: { running: {} } }, { restartCount: 3 }],
    });
    expect(row(p)).toEqual(['p', '1/2', 'podPhase', '6', '90s']);
  });

  it('lets the first container reason win (statuses are walked backwards)', () => {
    const p = pod(two, {
      phase: 'Running',
      containerStatuses: [
        { state: { waiting: { reason: 'ContainerCreating' } }, restartCount: 3 },
        { state: { terminated: { reason: 'ContainerTerminatedReason' } }, restartCount: 3 },
      ],
    });
    expect(row(p)).toEqual(['p', '0/2', 'ContainerCreating', '6', '90s']);
  });

  it('does not count ready containers that are not running', () => {
    const p = pod(two, { phase: 'podPhase', containerStatuses: [{ ready: true, restartCount: 3, state: { running: {} } }, { ready: true, restartCount: 3 }] });
    expect(row(p)[1]).toBe('1/2');
  });

  it('prefers status.reason over the phase', () => {
    expect(row(pod(one, { phase: 'Failed', reason: 'Evicted' }))[2]).toBe('Evicted');
  });

  it('shows Pending, ContainerCreating, Running, Completed and CrashLoopBackOff', () => {
    expect(row(pod(one, { phase: 'Pending' }))).toEqual(['p', '0/1', 'Pending', '0', '90s']);
    expect(row(pod(one, { phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }] }))[2]).toBe('ContainerCreating');
    expect(row(pod(one, { phase: 'Running', containerStatuses: [{ ready: true, state: { running: { startedAt: ago(60) } } }] }))).toEqual(['p', '1/1', 'Running', '0', '90s']);
    expect(row(pod(one, { phase: 'Succeeded', containerStatuses: [{ state: { terminated: { reason: 'Completed', exitCode: 0 } } }] }))[2]).toBe('Completed');
    const crashing = pod(one, {
      phase: 'Running',
      containerStatuses: [{ restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(200) } } }],
    });
    expect(row(crashing)).toEqual(['p', '0/1', 'CrashLoopBackOff', '4 (3m20s ago)', '90s']);
  });

  it('names exit codes and signals of terminated containers without a reason', () => {
    expect(row(pod(one, { phase: 'Failed', containerStatuses: [{ state: { terminated: { exitCode: 2 } } }] }))[2]).toBe('ExitCode:2');
    expect(row(pod(one, { phase: 'Failed', containerStatuses: [{ state: { terminated: { exitCode: 137, signal: 9 } } }] }))[2]).toBe('Signal:9');
  });

  it('reports Running or NotReady when a completed container has a running sibling', () => {
    const statuses = [
      { ready: true, state: { terminated: { reason: 'Completed', exitCode: 0 } } },
      { ready: true, restartCount: 3, state: { running: {} } },
    ];
    expect(row(pod(two, { phase: 'Running', containerStatuses: statuses }))).toEqual(['p', '1/2', 'NotReady', '3', '90s']);
    expect(row(pod(two, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: statuses }))[2]).toBe('Running');
  });

  it('shows init container progress and failures', () => {
    const spec = { ...one, initContainers: [{ name: 'i1' }, { name: 'i2' }] };
    const done = { state: { terminated: { exitCode: 0, reason: 'Completed' } } };
    expect(row(pod(spec, { phase: 'Pending', initContainerStatuses: [done, { state: { running: {} } }] }))[2]).toBe('Init:1/2');
    expect(row(pod(spec, { phase: 'Pending', initContainerStatuses: [{ state: { waiting: { reason: 'PodInitializing' } } }] }))[2]).toBe('Init:0/2');
    expect(row(pod(spec, { phase: 'Pending', initContainerStatuses: [{ restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }))).toEqual(['p', '0/1', 'Init:CrashLoopBackOff', '2', '90s']);
    expect(row(pod(spec, { phase: 'Pending', initContainerStatuses: [{ state: { terminated: { exitCode: 1, reason: 'Error' } } }] }))[2]).toBe('Init:Error');
    expect(row(pod(spec, { phase: 'Pending', initContainerStatuses: [{ state: { terminated: { exitCode: 3 } } }] }))[2]).toBe('Init:ExitCode:3');
    expect(row(pod(spec, { phase: 'Pending', initContainerStatuses: [{ state: { terminated: { exitCode: 3, signal: 15 } } }] }))[2]).toBe('Init:Signal:15');
  });

  it('counts started sidecars as containers and their restarts once initialized', () => {
    const spec = { ...one, initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] };
    const p = pod(spec, {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }],
      initContainerStatuses: [{ name: 'proxy', started: true, ready: true, restartCount: 1, state: { running: {} }, lastState: { terminated: { finishedAt: ago(30) } } }],
      containerStatuses: [{ ready: true, restartCount: 2, state: { running: {} }, lastState: { terminated: { finishedAt: ago(600) } } }],
    });
    expect(row(p)).toEqual(['p', '2/2', 'Running', '3 (30s ago)', '90s']);
  });

  it('shows SchedulingGated, Terminating and Unknown', () => {
    expect(row(pod(one, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }))[2]).toBe('SchedulingGated');
    const deleting = { deletionTimestamp: ago(1) };
    expect(row(pod(one, { phase: 'Running' }, deleting))[2]).toBe('Terminating');
    expect(row(pod(one, { phase: 'Succeeded', containerStatuses: [{ state: { terminated: { reason: 'Completed' } } }] }, deleting))[2]).toBe('Completed');
    expect(row(pod(one, { phase: 'Running', reason: 'NodeLost' }, deleting))[2]).toBe('Unknown');
  });

  it('fills the wide columns with <none> defaults and readiness gates', () => {
    expect(podPrinter.cells(pod(one, { phase: 'Pending' }), NOW).slice(5)).toEqual(['<none>', '<none>', '<none>', '<none>']);
    const p = pod(
      { ...one, nodeName: 'n1', readinessGates: [{ conditionType: 'example.com/a' }, { conditionType: 'example.com/b' }] },
      { phase: 'Running', podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }, { ip: 'fd00::5' }], nominatedNodeName: 'n2', conditions: [{ type: 'example.com/a', status: 'True' }] },
    );
    expect(podPrinter.cells(p, NOW).slice(5)).toEqual(['10.0.0.5', 'n1', 'n2', '1/2']);
  });

  it('marks finished pods with a Completed row condition', () => {
    expect(podPrinter.conditions!(pod(one, { phase: 'Succeeded' }))).toEqual([{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
    expect(podPrinter.conditions!(pod(one, { phase: 'Failed' }))?.[0]?.reason).toBe('Failed');
    expect(podPrinter.conditions!(pod(one, { phase: 'Running' }))).toBeUndefined();
  });
});
