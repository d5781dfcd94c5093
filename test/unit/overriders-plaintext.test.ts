import { describe, expect, it } from 'vitest';
import { plaintextOverrider } from '../../shared/overriders/plaintext.js';
import { OverriderFailure } from '../../shared/overriders/overrider.js';
import type { KubeObject } from '../../shared/object.js';

const deployment = (): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx' } },
  spec: {
    replicas: 1,
    template: { spec: { containers: [{ name: 'nginx', image: 'nginx', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }] } },
  },
});
const spec = (m: KubeObject) => m.spec as { replicas?: number; template: { spec: { containers: { name: string; env: { name: string; value: string }[] }[] } } };

describe('plaintext overrider', () => {
  it.each([
    ['replace a scalar', { path: '/spec/replicas', operator: 'replace' as const, value: 3 }, (m: KubeObject) => spec(m).replicas, 3],
    ['replace a nested list item', { path: '/spec/template/spec/containers/0/env/0/value', operator: 'replace' as const, value: 'abc' }, (m: KubeObject) => spec(m).template.spec.containers[0]?.env[0]?.value, 'abc'],
    ['remove a list item', { path: '/spec/template/spec/containers/0/env/1', operator: 'remove' as const }, (m: KubeObject) => spec(m).template.spec.containers[0]?.env.length, 1],
    ['append to a list', { path: '/spec/template/spec/containers/0/env/-', operator: 'add' as const, value: { name: 'C', value: '3' } }, (m: KubeObject) => spec(m).template.spec.containers[0]?.env[2]?.name, 'C'],
    ['add a new key', { path: '/metadata/annotations', operator: 'add' as const, value: { foo: 'bar' } }, (m: KubeObject) => m.metadata.annotations, { foo: 'bar' }],
    ['add over an existing key replaces it', { path: '/spec/replicas', operator: 'add' as const, value: 5 }, (m: KubeObject) => spec(m).replicas, 5],
    ['an escaped key', { path: '/metadata/labels/app.kubernetes.io~1name', operator: 'add' as const, value: 'x' }, (m: KubeObject) => m.metadata.labels?.['app.kubernetes.io/name'], 'x'],
    ['add without a value is null', { path: '/spec/paused', operator: 'add' as const }, (m: KubeObject) => (m.spec as { paused?: unknown }).paused, null],
  ])('%s', (_name, overrider, read, want) => {
    const before = deployment();
    const after = plaintextOverrider.apply(before, overrider);
    expect(read(after)).toEqual(want);
    expect(before).toEqual(deployment());
  });

  it.each([
    ['replace at a missing path', { path: '/spec/missing', operator: 'replace' as const, value: 1 }, /\/spec\/missing: replace: does not exist/],
    ['remove of what is absent', { path: '/metadata/annotations', operator: 'remove' as const }, /\/metadata\/annotations: remove: does not exist/],
    ['add below a missing parent', { path: '/spec/strategy/type', operator: 'add' as const, value: 'Recreate' }, /\/spec\/strategy\/type: add: cannot be added/],
    ['add past the end of a list', { path: '/spec/template/spec/containers/0/env/5', operator: 'add' as const, value: {} }, /past the end/],
    ['a path that is not a pointer', { path: 'spec/replicas', operator: 'replace' as const, value: 1 }, /must start with/],
  ])('fails on %s', (_name, overrider, message) => {
    const run = () => plaintextOverrider.apply(deployment(), overrider);
    expect(run).toThrow(OverriderFailure);
    expect(run).toThrow(message);
  });

  it('cannot pollute prototypes', () => {
    expect(() => plaintextOverrider.apply(deployment(), { path: '/__proto__/polluted', operator: 'add', value: 'yes' })).toThrow(OverriderFailure);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
