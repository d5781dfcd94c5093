import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { argsOverrider } from '../../shared/overriders/args.js';
import { commandOverrider } from '../../shared/overriders/command.js';
import { overrideStringList } from '../../shared/overriders/command-args.js';
import type { KubeObject } from '../../shared/object.js';

type Container = { name: string; image?: string; command?: unknown; args?: unknown };

function workload(kind: string, containers: Container[]): KubeObject {
  const podSpec = { initContainers: [{ name: 'nginx', command: ['init'] }], containers };
  return kind === 'Pod'
    ? { apiVersion: 'v1', kind, metadata: { name: 'p' }, spec: podSpec }
    : { apiVersion: 'apps/v1', kind, metadata: { name: 'w' }, spec: { replicas: 1, template: { spec: podSpec } } };
}
function containers(m: KubeObject): Container[] {
  const spec = m.spec as { containers?: Container[]; template?: { spec: { containers: Container[] } } };
  return spec.template ? spec.template.spec.containers : (spec.containers ?? []);
}
function initContainers(m: KubeObject): Container[] {
  const spec = m.spec as { initContainers?: Container[]; template?: { spec: { initContainers: Container[] } } };
  return (spec.template ? spec.template.spec.initContainers : spec.initContainers) ?? [];
}

const nginx = (extra: Partial<Container> = {}): Container => ({ name: 'nginx', image: 'nginx', command: ['nginx', '-v', '-t'], ...extra });

describe('commandOverrider (Karmada commandargsoverride_test cases)', () => {
  it.each(['Deployment', 'Pod', 'StatefulSet', 'ReplicaSet', 'DaemonSet', 'Job'])('add appends to the command of a %s', (kind) => {
    const before = workload(kind, [nginx()]);
    const after = commandOverrider.apply(before, { containerName: 'nginx', operator: 'add', value: ["&& echo 'hello karmada'"] });
    expect(containers(after)[0]?.command).toEqual(['nginx', '-v', '-t', "&& echo 'hello karmada'"]);
    expect(initContainers(after)[0]?.command).toEqual(['init']);
    expect(containers(before)[0]?.command).toEqual(['nginx', '-v', '-t']);
  });

  it('remove drops matching items; an empty value changes nothing', () => {
    const before = workload('Deployment', [nginx()]);
    expect(containers(commandOverrider.apply(before, { containerName: 'nginx', operator: 'remove', value: ['-t'] }))[0]?.command).toEqual(['nginx', '-v']);
    expect(containers(commandOverrider.apply(before, { containerName: 'nginx', operator: 'remove', value: [] }))[0]?.command).toEqual(['nginx', '-v', '-t']);
    expect(containers(commandOverrider.apply(before, { containerName: 'nginx', operator: 'remove', value: ['absent'] }))[0]?.command).toEqual(['nginx', '-v', '-t']);
  });

  it('touches only the named container', () => {
    const before = workload('Deployment', [nginx(), { name: 'nginx1', command: ['nginx', '-v', '-t'] }]);
    const after = commandOverrider.apply(before, { containerName: 'nginx', operator: 'remove', value: ['-t'] });
    expect(containers(after).map((c) => c.command)).toEqual([['nginx', '-v'], ['nginx', '-v', '-t']]);
  });

  it('changes nothing when no container has the name, or the kind has no default containers', () => {
    const before = workload('Deployment', [nginx()]);
    expect(commandOverrider.apply(before, { containerName: 'other', operator: 'add', value: ['x'] })).toEqual(before);
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    expect(commandOverrider.apply(cm, { containerName: 'nginx', operator: 'add', value: ['x'] })).toEqual(cm);
    const noContainers = workload('Deployment', []);
    expect(commandOverrider.apply(noContainers, { containerName: 'nginx', operator: 'add', value: ['x'] })).toEqual(noContainers);
  });

  it('fails when the field is not a list', () => {
    const before = workload('Deployment', [nginx({ command: 'nginx -v' })]);
    expect(() => commandOverrider.apply(before, { containerName: 'nginx', operator: 'add', value: ['x'] })).toThrow(
      /\/spec\/template\/spec\/containers\/0\/command: is not a list/,
    );
  });
});

describe('argsOverrider', () => {
  it('add appends to existing args; remove drops them', () => {
    const before = workload('Deployment', [{ name: 'nginx', args: ['nginx', '-v', '-t'] }]);
    expect(containers(argsOverrider.apply(before, { containerName: 'nginx', operator: 'add', value: ["&& echo 'hello karmada'"] }))[0]?.args).toEqual([
      'nginx',
      '-v',
      '-t',
      "&& echo 'hello karmada'",
    ]);
    expect(containers(argsOverrider.apply(before, { containerName: 'nginx', operator: 'remove', value: ['-t'] }))[0]?.args).toEqual(['nginx', '-v']);
  });

  it('creates args that are missing (Karmada adds them), leaving command alone', () => {
    const before = workload('Deployment', [nginx()]);
    const after = argsOverrider.apply(before, { containerName: 'nginx', operator: 'add', value: ['-t'] });
    expect(containers(after)[0]).toEqual({ ...nginx(), args: ['-t'] });
  });

  it('remove on missing args leaves an empty list, as Karmada does', () => {
    const before = workload('Deployment', [nginx()]);
    expect(containers(argsOverrider.apply(before, { containerName: 'nginx', operator: 'remove', value: ['-t'] }))[0]?.args).toEqual([]);
  });
});

describe('overrideStringList', () => {
  it('add then remove of fresh values is the identity (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), fc.array(fc.string(), { minLength: 1 }), (current, extra) => {
        const fresh = extra.map((e) => `fresh:${e}`).filter((e) => !current.includes(e));
        const added = overrideStringList(current, { containerName: 'c', operator: 'add', value: fresh });
        expect(added).toEqual([...current, ...fresh]);
        expect(overrideStringList(added, { containerName: 'c', operator: 'remove', value: fresh })).toEqual(current);
      }),
    );
  });

  it('remove leaves none of the removed values and keeps the order of the rest (property)', () => {
    const item = fc.constantFrom<string>('a', 'b', 'c', 'd');
    fc.assert(
      fc.property(fc.array(item), fc.array(item), (current, remove) => {
        const out = overrideStringList(current, { containerName: 'c', operator: 'remove', value: remove });
        expect(out.some((v) => remove.includes(v))).toBe(false);
        expect(out).toEqual(current.filter((v) => !remove.includes(v)));
      }),
    );
  });
});
