import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateStatus, type AggregatedStatusItem } from '../../shared/interpreter/index.js';
import type { KubeObject } from '../../shared/object.js';

// Cases follow Karmada's aggregatestatus_test.go and helper/job.go (ParsingJobStatus).

function template(apiVersion: string, kind: string, rest: Record<string, unknown> = {}, generation?: number): KubeObject {
  return { apiVersion, kind, metadata: { name: 'test', namespace: 'default', ...(generation !== undefined ? { generation } : {}) }, ...rest };
}
function item(clusterName: string, status?: Record<string, unknown>): AggregatedStatusItem {
  return status ? { clusterName, status, applied: true } : { clusterName, applied: true };
}

describe('aggregateStatus: Deployment', () => {
  const one = { replicas: 1, readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1, unavailableReplicas: 0 };

  it('sums the members: 1 + 1 → 2', () => {
    const got = aggregateStatus(template('apps/v1', 'Deployment'), [item('member1', one), item('member2', one)]);
    expect(got.status).toEqual({ replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 });
  });

  it('returns the same object when the status is up to date', () => {
    const current = template('apps/v1', 'Deployment', { status: { replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 } });
    expect(aggregateStatus(current, [item('member1', one), item('member2', one)])).toBe(current);
  });

  it('keeps the other status fields of the template', () => {
    const conditions = [{ type: 'Available', status: 'True' }];
    const got = aggregateStatus(template('apps/v1', 'Deployment', { status: { conditions, replicas: 9 } }), [item('member1', one)]);
    expect(got.status).toEqual({ conditions, replicas: 1, readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1 });
  });

  describe('observedGeneration', () => {
    const t = template('apps/v1', 'Deployment', { spec: { replicas: 2 }, status: { observedGeneration: 2 } }, 3);
    const caughtUp = { ...one, generation: 5, observedGeneration: 5, resourceTemplateGeneration: 3 };

    it('becomes the template generation once every member runs it and observed it', () => {
      const got = aggregateStatus(t, [item('member1', caughtUp), item('member2', caughtUp)]);
      expect(got.status).toMatchObject({ readyReplicas: 2, observedGeneration: 3 });
    });

    it.each([
      ['a member has not observed its own generation', { ...caughtUp, observedGeneration: 4 }],
      ['a member still runs an older template generation', { ...caughtUp, resourceTemplateGeneration: 2 }],
      ['a member does not say which template generation it runs', { ...one, generation: 5, observedGeneration: 5 }],
    ])('is held back while %s', (_name, lagging) => {
      const got = aggregateStatus(t, [item('member1', caughtUp), item('member2', lagging)]);
      expect(got.status).toMatchObject({ readyReplicas: 2, observedGeneration: 2 });
    });

    it('is held back while a member has reported nothing yet', () => {
      const got = aggregateStatus(t, [item('member1', caughtUp), item('member2')]);
      expect(got.status).toEqual({ replicas: 1, readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1, observedGeneration: 2 });
    });
  });

  it('a member status of the wrong shape leaves the template as it is', () => {
    const t = template('apps/v1', 'Deployment');
    expect(aggregateStatus(t, [item('member1', { replicas: 'two' })])).toBe(t);
  });

  it('property: counters are the sums of the members', () => {
    const counts = fc.record({
      replicas: fc.nat(50),
      readyReplicas: fc.nat(50),
      updatedReplicas: fc.nat(50),
      availableReplicas: fc.nat(50),
      unavailableReplicas: fc.nat(50),
    });
    fc.assert(
      fc.property(fc.array(counts, { maxLength: 6 }), (members) => {
        const got = aggregateStatus(
          template('apps/v1', 'Deployment'),
          members.map((m, i) => item(`m${i}`, m)),
        ).status as Record<string, number>;
        for (const key of ['replicas', 'readyReplicas', 'updatedReplicas', 'availableReplicas', 'unavailableReplicas'] as const) {
          const sum = members.reduce((a, m) => a + m[key], 0);
          expect(got[key] ?? 0).toBe(sum);
        }
      }),
    );
  });
});

describe('aggregateStatus: ReplicaSet, StatefulSet, DaemonSet', () => {
  it('ReplicaSet sums replicas, ready and available', () => {
    const s = { replicas: 2, readyReplicas: 1, availableReplicas: 1, fullyLabeledReplicas: 2 };
    expect(aggregateStatus(template('apps/v1', 'ReplicaSet'), [item('a', s), item('b', s)]).status).toEqual({ replicas: 4, readyReplicas: 2, availableReplicas: 2 });
  });

  it('StatefulSet sums its five counters', () => {
    const s = { replicas: 1, readyReplicas: 1, currentReplicas: 1, updatedReplicas: 1, availableReplicas: 1 };
    expect(aggregateStatus(template('apps/v1', 'StatefulSet'), [item('member1', s), item('member2', s)]).status).toEqual({
      replicas: 2,
      readyReplicas: 2,
      currentReplicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
    });
  });

  it('DaemonSet sums its seven counters, keeping the required ones at zero', () => {
    const s = { currentNumberScheduled: 1, numberMisscheduled: 0, desiredNumberScheduled: 1, numberReady: 1, updatedNumberScheduled: 1, numberAvailable: 1, numberUnavailable: 0 };
    expect(aggregateStatus(template('apps/v1', 'DaemonSet'), [item('member1', s), item('member2', s)]).status).toEqual({
      currentNumberScheduled: 2,
      numberMisscheduled: 0,
      desiredNumberScheduled: 2,
      numberReady: 2,
      updatedNumberScheduled: 2,
      numberAvailable: 2,
    });
  });
});

describe('aggregateStatus: Job', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  const start = '2024-05-01T10:00:00Z';
  const laterStart = '2024-05-01T10:01:00Z';
  const end = '2024-05-01T10:05:00Z';
  const laterEnd = '2024-05-01T10:07:00Z';
  const completeCondition = { type: 'Complete', status: 'True' };
  const job = (status?: Record<string, unknown>) => template('batch/v1', 'Job', { spec: { completions: 2, parallelism: 2 }, ...(status ? { status } : {}) }, 1);

  it('2 completions split 1/1, both members complete → Complete and SuccessCriteriaMet, succeeded 2', () => {
    const member = (startTime: string, completionTime: string) => ({
      succeeded: 1,
      startTime,
      completionTime,
      conditions: [
        { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached' },
        { type: 'Complete', status: 'True', reason: 'CompletionsReached' },
      ],
    });
    const got = aggregateStatus(job(), [item('member1', member(start, end)), item('member2', member(laterStart, laterEnd))], { now });
    expect(got.status).toEqual({
      succeeded: 2,
      startTime: start,
      completionTime: laterEnd,
      conditions: [
        { type: 'Complete', status: 'True', reason: 'Completed', message: 'Job completed', lastProbeTime: '2024-05-01T12:00:00Z', lastTransitionTime: '2024-05-01T12:00:00Z' },
        {
          type: 'SuccessCriteriaMet',
          status: 'True',
          reason: 'CompletionsReached',
          message: 'All member clusters have met success criteria',
          lastProbeTime: '2024-05-01T12:00:00Z',
          lastTransitionTime: '2024-05-01T12:00:00Z',
        },
      ],
    });
  });

  it('both complete without SuccessCriteriaMet (Karmada case) → Complete only', () => {
    const s = { succeeded: 1, startTime: start, completionTime: end, conditions: [completeCondition] };
    const got = aggregateStatus(job(), [item('member1', s), item('member2', s)], { now });
    expect(got.status).toMatchObject({ succeeded: 2, startTime: start, completionTime: end });
    expect((got.status as { conditions: Array<{ type: string }> }).conditions.map((c) => c.type)).toEqual(['Complete']);
  });

  it('one member failed → Failed naming it', () => {
    const ok = { succeeded: 1, startTime: start, completionTime: end, conditions: [completeCondition] };
    const failed = { failed: 1, startTime: start, completionTime: end, conditions: [{ type: 'Failed', status: 'True' }] };
    const got = aggregateStatus(job(), [item('member1', ok), item('member2', failed)], { now });
    expect(got.status).toEqual({
      succeeded: 1,
      failed: 1,
      startTime: start,
      completionTime: end,
      conditions: [
        {
          type: 'Failed',
          status: 'True',
          reason: 'JobFailed',
          message: 'Job executed failed in member clusters member2',
          lastProbeTime: '2024-05-01T12:00:00Z',
          lastTransitionTime: '2024-05-01T12:00:00Z',
        },
      ],
    });
  });

  it('FailureTarget comes before Failed when a member reported it', () => {
    const failed = { failed: 1, conditions: [{ type: 'FailureTarget', status: 'True' }, { type: 'Failed', status: 'True' }] };
    const got = aggregateStatus(job(), [item('a', failed), item('b', { active: 1, startTime: start })], { now });
    const conditions = (got.status as { conditions: Array<{ type: string; message: string }> }).conditions;
    expect(conditions.map((c) => c.type)).toEqual(['FailureTarget', 'Failed']);
    expect(conditions[0]!.message).toBe('Job executed failed in member clusters a');
  });

  it('while running: sums, no conditions, startTime only once every member started', () => {
    const running = aggregateStatus(job(), [item('a', { active: 1, startTime: laterStart }), item('b', { active: 1 })], { now });
    expect(running.status).toEqual({ active: 2 });
    const started = aggregateStatus(job(), [item('a', { active: 1, startTime: laterStart }), item('b', { active: 1, startTime: start })], { now });
    expect(started.status).toEqual({ active: 2, startTime: start });
  });

  it('keeps the startTime the template already has', () => {
    const got = aggregateStatus(job({ startTime: '2024-05-01T09:00:00Z' }), [item('a', { active: 1, startTime: start })], { now });
    expect(got.status).toEqual({ active: 1, startTime: '2024-05-01T09:00:00Z' });
  });

  it('is not complete while a member has reported nothing, nor with no members at all', () => {
    const s = { succeeded: 1, startTime: start, completionTime: end, conditions: [completeCondition] };
    expect(aggregateStatus(job(), [item('a', s), item('b')], { now }).status).toEqual({ succeeded: 1 });
    expect(aggregateStatus(job(), [], { now }).status).toEqual({});
  });

  it('a finished template is never changed again', () => {
    const finished = job({ succeeded: 2, conditions: [{ type: 'Complete', status: 'True' }] });
    expect(aggregateStatus(finished, [item('a', { failed: 5, conditions: [{ type: 'Failed', status: 'True' }] })], { now })).toBe(finished);
  });
});

describe('aggregateStatus: CronJob', () => {
  it('concatenates active jobs and takes the latest times (Karmada case)', () => {
    const active = [{ apiVersion: 'batch/v1', kind: 'Job', name: 'foo', namespace: 'default', resourceVersion: '1', uid: '1d5db04f-f2e8-4807-b6d4-7b78f402250d' }];
    const got = aggregateStatus(template('batch/v1', 'CronJob', { status: { active: [] } }), [
      item('member1', { active, lastScheduleTime: '2023-02-08T07:16:00Z', lastSuccessfulTime: null }),
      item('member2', { active, lastScheduleTime: '2023-02-08T07:17:00Z', lastSuccessfulTime: '2023-02-08T07:17:00Z' }),
    ]);
    expect(got.status).toEqual({ active: [...active, ...active], lastScheduleTime: '2023-02-08T07:17:00Z', lastSuccessfulTime: '2023-02-08T07:17:00Z' });
  });
});

describe('aggregateStatus: Service and Ingress', () => {
  const lb = (ingress: unknown[]) => ({ loadBalancer: { ingress } });

  it.each(['ClusterIP', 'NodePort', 'ExternalName'])('leaves a %s Service alone', (type) => {
    const t = template('v1', 'Service', { spec: { type } });
    expect(aggregateStatus(t, [item('member1', {})])).toBe(t);
  });

  it('a LoadBalancer Service gets the members addresses, and is unchanged once it has them', () => {
    const t = template('v1', 'Service', { spec: { type: 'LoadBalancer' } });
    const got = aggregateStatus(t, [item('member1', lb([{ ip: '8.8.8.8' }]))]);
    expect(got.status).toEqual(lb([{ ip: '8.8.8.8' }]));
    expect(aggregateStatus(got, [item('member1', lb([{ ip: '8.8.8.8' }]))])).toBe(got);
  });

  it('the union is deduplicated and sorted', () => {
    const t = template('v1', 'Service', { spec: { type: 'LoadBalancer' } });
    const got = aggregateStatus(t, [
      item('member1', lb([{ hostname: 'lb.example.com' }, { ip: '10.0.0.9' }])),
      item('member2', lb([{ ip: '10.0.0.1' }, { hostname: 'lb.example.com' }])),
      item('member3'),
    ]);
    expect(got.status).toEqual(lb([{ hostname: 'lb.example.com' }, { ip: '10.0.0.1' }, { ip: '10.0.0.9' }]));
  });

  it('Ingress: the union of the members addresses', () => {
    const got = aggregateStatus(template('networking.k8s.io/v1', 'Ingress'), [item('member1', lb([{ ip: '8.8.8.8' }])), item('member2', lb([{ ip: '8.8.8.8' }]))]);
    expect(got.status).toEqual(lb([{ ip: '8.8.8.8' }]));
  });

  it('property: the result does not depend on the order members report in', () => {
    const entry = fc.oneof(fc.record({ ip: fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3') }), fc.record({ hostname: fc.constantFrom('a.example', 'b.example') }));
    fc.assert(
      fc.property(fc.array(fc.array(entry, { maxLength: 3 }), { minLength: 1, maxLength: 4 }), (members) => {
        const items = members.map((m, i) => item(`m${i}`, lb(m)));
        const t = template('networking.k8s.io/v1', 'Ingress');
        expect(aggregateStatus(t, [...items].reverse()).status).toEqual(aggregateStatus(t, items).status);
        const ingress = ((aggregateStatus(t, items).status as { loadBalancer: { ingress?: unknown[] } }).loadBalancer.ingress ?? []).map((e) => JSON.stringify(e));
        expect(new Set(ingress).size).toBe(ingress.length);
      }),
    );
  });
});

describe('aggregateStatus: Pod', () => {
  const running = { state: { running: { startedAt: '2024-05-01T10:00:00Z' } } };
  const pod = template('v1', 'Pod');
  const status = (phase: string, ready: boolean, state: Record<string, unknown> = running.state) => ({
    phase,
    containerStatuses: [{ name: 'busybox-2', image: 'nginx:latest', containerID: 'containerd://x', ready, restartCount: 0, state }],
  });

  it('init containers of a pending pod', () => {
    const init = [
      { ready: false, state: { waiting: { reason: 'PodInitializing' } } },
      { ready: false, ...running },
    ];
    expect(aggregateStatus(pod, [item('member1', { initContainerStatuses: init, phase: 'Pending' })]).status).toEqual({ initContainerStatuses: init, phase: 'Pending' });
  });

  it.each([
    ['Running + Running → Running', [status('Running', true), status('Running', true)], 'Running'],
    ['Running + Pending → Pending', [status('Running', true), status('Pending', false)], 'Pending'],
    ['Running + Failed → Failed', [status('Running', true), status('Failed', false, { terminated: { exitCode: 125 } })], 'Failed'],
    ['Running + Succeeded → Running', [status('Running', true), status('Succeeded', false, { terminated: { exitCode: 0 } })], 'Running'],
  ])('%s, keeping only readiness and state of each container', (_name, statuses, phase) => {
    const got = aggregateStatus(pod, statuses.map((s, i) => item(`member${i + 1}`, s)));
    expect(got.status).toEqual({
      phase,
      containerStatuses: statuses.map((s) => ({ ready: s.containerStatuses[0]!.ready, state: s.containerStatuses[0]!.state })),
    });
  });

  it('Running + not reported yet → Pending', () => {
    expect(aggregateStatus(pod, [item('member1', status('Running', true)), item('member2')]).status).toEqual({
      phase: 'Pending',
      containerStatuses: [{ ready: true, ...running }],
    });
  });
});

describe('aggregateStatus: volumes and claims', () => {
  const phases = (...ps: Array<string | undefined>) => ps.map((p, i) => item(`member${i + 1}`, p === undefined ? undefined : { phase: p }));

  it.each([
    [['Bound', 'Bound'], 'Bound'],
    [['Bound', 'Lost'], 'Lost'],
    [['Bound', 'Pending'], 'Pending'],
    [['Pending', 'Lost', 'Pending'], 'Lost'],
  ])('PersistentVolumeClaim %j → %s', (ps, want) => {
    expect(aggregateStatus(template('v1', 'PersistentVolumeClaim'), phases(...ps)).status).toEqual({ phase: want });
  });

  it.each([
    [['Available', 'Available'], 'Available'],
    [['Released', 'Released'], 'Released'],
    [['Bound', 'Released'], 'Bound'],
    [['Released', 'Failed'], 'Failed'],
    [['Available', 'Pending'], 'Pending'],
    [['Bound', undefined], 'Pending'],
  ])('PersistentVolume %j → %s', (ps, want) => {
    expect(aggregateStatus(template('v1', 'PersistentVolume'), phases(...ps)).status).toEqual({ phase: want });
  });
});

describe('aggregateStatus: PodDisruptionBudget and HorizontalPodAutoscaler', () => {
  it('PDB: sums, and disrupted pods keyed by cluster', () => {
    const pdb = template('policy/v1', 'PodDisruptionBudget', { status: { currentHealthy: 1, desiredHealthy: 1, disruptionsAllowed: 1, expectedPods: 1 } });
    const healthy = { currentHealthy: 1, desiredHealthy: 1, disruptionsAllowed: 1, expectedPods: 1 };
    const got = aggregateStatus(pdb, [item('member1', healthy), item('member2', healthy)]);
    expect(got.status).toEqual({ currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 2, expectedPods: 2 });
    expect(aggregateStatus(got, [item('member1', healthy), item('member2', healthy)])).toBe(got);

    const evicted = '2024-05-01T10:00:00Z';
    const unhealthy = { currentHealthy: 0, desiredHealthy: 1, disruptionsAllowed: 0, expectedPods: 1, disruptedPods: { 'pod-1234': evicted } };
    expect(aggregateStatus(pdb, [item('member1', unhealthy), item('member2', unhealthy)]).status).toEqual({
      currentHealthy: 0,
      desiredHealthy: 2,
      disruptionsAllowed: 0,
      expectedPods: 2,
      disruptedPods: { 'member1/pod-1234': evicted, 'member2/pod-1234': evicted },
    });
  });

  it('HPA: replicas add up, members without status skipped', () => {
    const hpa = template('autoscaling/v2', 'HorizontalPodAutoscaler', { status: { desiredReplicas: 0, conditions: [{ type: 'AbleToScale' }] } });
    const got = aggregateStatus(hpa, [item('member1', { currentReplicas: 2, desiredReplicas: 2 }), item('member2', { currentReplicas: 4, desiredReplicas: 4 }), item('member3')]);
    expect(got.status).toEqual({ currentReplicas: 6, desiredReplicas: 6, conditions: [{ type: 'AbleToScale' }] });
  });
});

it('aggregateStatus leaves kinds without aggregation untouched', () => {
  const cm = template('v1', 'ConfigMap', { data: { a: 'b' } });
  expect(aggregateStatus(cm, [item('member1', { anything: true })])).toBe(cm);
  const old = template('apps/v1beta1', 'Deployment');
  expect(aggregateStatus(old, [item('member1', { replicas: 1 })])).toBe(old);
});
