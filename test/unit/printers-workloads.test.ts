import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/object.js';
import { controllerRevisionPrinter } from '../../shared/printers/controller-revision.js';
import { cronJobPrinter } from '../../shared/printers/cron-job.js';
import { daemonSetPrinter } from '../../shared/printers/daemon-set.js';
import { deploymentPrinter } from '../../shared/printers/deployment.js';
import { jobPrinter } from '../../shared/printers/job.js';
import { podTemplatePrinter } from '../../shared/printers/pod-template.js';
import { replicaSetPrinter } from '../../shared/printers/replica-set.js';
import { replicationControllerPrinter } from '../../shared/printers/replication-controller.js';
import { statefulSetPrinter } from '../../shared/printers/stateful-set.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString();
const meta = { name: 'web', creationTimestamp: ago(3 * 24 * 3600 + 4 * 3600) };
const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'sidecar', image: 'busybox' }] },
};
const names = (cols: { name: string; priority: number }[]): string[] => cols.map((c) => (c.priority ? `+${c.name}` : c.name));

describe('deployment printer', () => {
  it('has NAME READY UP-TO-DATE AVAILABLE AGE and wide CONTAINERS IMAGES SELECTOR', () => {
    expect(names(deploymentPrinter.columns)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age', '+Containers', '+Images', '+Selector']);
  });

  it('prints ready/desired, counts and the selector', () => {
    const d: KubeObject = {
      metadata: meta,
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }] }, template },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    };
    expect(deploymentPrinter.cells(d, NOW)).toEqual(['web', '2/3', 3, 2, '3d4h', 'nginx,sidecar', 'nginx:1.27,busybox', 'app=web,tier in (be,fe)']);
  });

  it('defaults replicas to 1 and zero status; an empty selector prints empty, a bad one <invalid>', () => {
    expect(deploymentPrinter.cells({ metadata: meta, spec: { template } }, NOW).slice(0, 4)).toEqual(['web', '0/1', 0, 0]);
    expect(deploymentPrinter.cells({ metadata: meta, spec: { replicas: 0, selector: {} } }, NOW).slice(1)).toEqual(['0/0', 0, 0, '3d4h', '', '', '']);
    expect(deploymentPrinter.cells({ metadata: meta, spec: { selector: { matchExpressions: [{ key: 'a', operator: 'Sometimes' }] } } }, NOW)[7]).toBe('<invalid>');
  });
});

describe('replica sets, replication controllers, stateful sets, daemon sets', () => {
  it('prints DESIRED CURRENT READY AGE + CONTAINERS IMAGES SELECTOR for replica sets', () => {
    expect(names(replicaSetPrinter.columns)).toEqual(['Name', 'Desired', 'Current', 'Ready', 'Age', '+Containers', '+Images', '+Selector']);
    const rs: KubeObject = { metadata: meta, spec: { replicas: 2, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d8f' } }, template }, status: { replicas: 2, readyReplicas: 1 } };
    expect(replicaSetPrinter.cells(rs, NOW)).toEqual(['web', 2, 2, 1, '3d4h', 'nginx,sidecar', 'nginx:1.27,busybox', 'app=web,pod-template-hash=5d8f']);
    expect(replicaSetPrinter.cells({ metadata: meta, spec: {} }, NOW)[7]).toBe('<none>');
  });

  it('prints a replication controller selector as labels, defaulted from the template', () => {
    const rc: KubeObject = { metadata: meta, spec: { replicas: 1, template }, status: { replicas: 1 } };
    expect(replicationControllerPrinter.cells(rc, NOW)).toEqual(['web', 1, 1, 0, '3d4h', 'nginx,sidecar', 'nginx:1.27,busybox', 'app=web']);
  });

  it('prints stateful sets as READY AGE + CONTAINERS IMAGES', () => {
    expect(names(statefulSetPrinter.columns)).toEqual(['Name', 'Ready', 'Age', '+Containers', '+Images']);
    expect(statefulSetPrinter.cells({ metadata: meta, spec: { replicas: 3, template }, status: { readyReplicas: 3 } }, NOW)).toEqual(['web', '3/3', '3d4h', 'nginx,sidecar', 'nginx:1.27,busybox']);
  });

  it('prints daemon set counts and node selector', () => {
    expect(names(daemonSetPrinter.columns)).toEqual(['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', '+Containers', '+Images', '+Selector']);
    const ds: KubeObject = {
      metadata: meta,
      spec: { selector: { matchLabels: { app: 'web' } }, template: { ...template, spec: { ...template.spec, nodeSelector: { 'kubernetes.io/os': 'linux' } } } },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
    };
    expect(daemonSetPrinter.cells(ds, NOW)).toEqual(['web', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '3d4h', 'nginx,sidecar', 'nginx:1.27,busybox', 'app=web']);
    expect(daemonSetPrinter.cells({ metadata: meta, spec: {} }, NOW)[6]).toBe('<none>');
  });
});

describe('job printer', () => {
  const job = (spec: Record<string, unknown>, status: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject => ({
    metadata: { ...meta, ...metadata },
    spec: { template, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } }, ...spec },
    status,
  });
  const cells = (j: KubeObject): unknown[] => jobPrinter.cells(j, NOW).slice(1, 4);

  it('has NAME STATUS COMPLETIONS DURATION AGE + CONTAINERS IMAGES SELECTOR', () => {
    expect(names(jobPrinter.columns)).toEqual(['Name', 'Status', 'Completions', 'Duration', 'Age', '+Containers', '+Images', '+Selector']);
  });

  it('times a finished job from start to completion', () => {
    const j = job({ completions: 1 }, { succeeded: 1, startTime: ago(300), completionTime: ago(200), conditions: [{ type: 'Complete', status: 'True' }] });
    expect(jobPrinter.cells(j, NOW)).toEqual(['web', 'Complete', '1/1', '100s', '3d4h', 'nginx,sidecar', 'nginx:1.27,busybox', 'batch.kubernetes.io/controller-uid=abc']);
  });

  it('times a running job until now and leaves an unstarted one blank', () => {
    expect(cells(job({ completions: 5, parallelism: 2 }, { succeeded: 2, startTime: ago(3 * 3600 + 600) }))).toEqual(['Running', '2/5', '3h10m']);
    expect(cells(job({}, {}))).toEqual(['Running', '0/1', '']);
    expect(cells(job({ parallelism: 3 }, { succeeded: 1 }))).toEqual(['Running', '1/1 of 3', '']);
  });

  it('picks the status from conditions, deletion and suspension in upstream order', () => {
    expect(cells(job({}, { conditions: [{ type: 'Failed', status: 'True' }] }))[0]).toBe('Failed');
    expect(cells(job({}, { conditions: [{ type: 'Suspended', status: 'True' }] }))[0]).toBe('Suspended');
    expect(cells(job({}, { conditions: [{ type: 'FailureTarget', status: 'True' }] }))[0]).toBe('FailureTarget');
    expect(cells(job({}, { conditions: [{ type: 'Complete', status: 'False' }] }))[0]).toBe('Running');
    expect(cells(job({}, { conditions: [{ type: 'Suspended', status: 'True' }] }, { deletionTimestamp: ago(1) }))[0]).toBe('Terminating');
    expect(cells(job({}, { conditions: [{ type: 'Complete', status: 'True' }] }, { deletionTimestamp: ago(1) }))[0]).toBe('Complete');
  });
});

describe('cron job printer', () => {
  it('has SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE + CONTAINERS IMAGES SELECTOR', () => {
    expect(names(cronJobPrinter.columns)).toEqual(['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', '+Containers', '+Images', '+Selector']);
  });

  it('prints schedule, time zone, suspension, active jobs and the last schedule', () => {
    const cj: KubeObject = {
      metadata: meta,
      spec: { schedule: '*/5 * * * *', timeZone: 'Etc/UTC', suspend: true, jobTemplate: { spec: { template } } },
      status: { active: [{ name: 'a' }, { name: 'b' }], lastScheduleTime: ago(125) },
    };
    expect(cronJobPrinter.cells(cj, NOW)).toEqual(['web', '*/5 * * * *', 'Etc/UTC', 'True', 2, '2m5s', '3d4h', 'nginx,sidecar', 'nginx:1.27,busybox', '<none>']);
    const fresh = cronJobPrinter.cells({ metadata: meta, spec: { schedule: '@hourly', jobTemplate: { spec: { template } } } }, NOW);
    expect(fresh.slice(1, 6)).toEqual(['@hourly', '<none>', 'False', 0, '<none>']);
  });
});

describe('pod templates and controller revisions', () => {
  it('prints CONTAINERS IMAGES POD LABELS without an age', () => {
    expect(podTemplatePrinter.columns.map((c) => c.name)).toEqual(['Name', 'Containers', 'Images', 'Pod Labels']);
    expect(podTemplatePrinter.cells({ metadata: meta, template }, NOW)).toEqual(['web', 'nginx,sidecar', 'nginx:1.27,busybox', 'app=web']);
  });

  it('prints the controller as kind.group/name and the revision', () => {
    const cr: KubeObject = {
      metadata: { ...meta, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u', controller: true }] },
      revision: 4,
    };
    expect(controllerRevisionPrinter.cells(cr, NOW)).toEqual(['web', 'statefulset.apps/db', 4, '3d4h']);
    const core: KubeObject = { metadata: { ...meta, ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u', controller: true }] }, revision: 1 };
    expect(controllerRevisionPrinter.cells(core, NOW)[1]).toBe('pod/p');
    expect(controllerRevisionPrinter.cells({ metadata: meta }, NOW)[1]).toBe('<none>');
  });
});
