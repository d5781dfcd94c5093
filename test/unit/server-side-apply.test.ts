import { describe, expect, it } from 'vitest';
import {
  applyConfiguration,
  capUpdateManagers,
  compareObjects,
  conflictError,
  decodeManagedFields,
  encodeManagedFields,
  ensureNamedFieldsAreMembers,
  field,
  FieldSet,
  fieldsOf,
  keyElement,
  LAST_APPLIED_ANNOTATION,
  managedFieldsAfterUpdate,
  managedFieldsShapeError,
  managerIdentity,
  mergeObjects,
  parseToken,
  pathString,
  resetFieldsFor,
  startingManaged,
  tokenOf,
  type FieldManagerContext,
  type ManagedFieldsEntry,
} from '../../shared/apply/index.js';
import type { KubeObject } from '../../shared/object.js';
import { ApiError } from '../../shared/status.js';
import { deployment, kindSchema } from './apply-fixtures.js';

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:01:00Z';

function ctx(over: Partial<FieldManagerContext> = {}): FieldManagerContext {
  return { schema: kindSchema('Deployment'), apiVersion: 'apps/v1', now: T0, resetFields: resetFieldsFor(true, undefined), ...over };
}

/** What the server stores after an apply. */
function applied(live: KubeObject | undefined, config: unknown, manager: string, opts: { force?: boolean; now?: string; c?: Partial<FieldManagerContext> } = {}): KubeObject {
  const r = applyConfiguration(live, structuredClone(config) as KubeObject, { manager, force: opts.force ?? false }, ctx({ now: opts.now ?? T0, ...opts.c }));
  const obj = structuredClone(r.object);
  if (r.managedFields) obj.metadata.managedFields = r.managedFields as never;
  else delete obj.metadata.managedFields;
  return obj;
}

/** What the server stores after a non-apply write. */
function updated(live: KubeObject | undefined, next: KubeObject, manager: string, now = T0, c: Partial<FieldManagerContext> = {}): KubeObject {
  const mf = managedFieldsAfterUpdate({ live, next, incoming: next.metadata.managedFields, ignoreIncoming: Boolean(c.subresource), manager }, ctx({ now, ...c }));
  const obj = structuredClone(next);
  if (mf) obj.metadata.managedFields = mf as never;
  else delete obj.metadata.managedFields;
  return obj;
}

function entries(obj: KubeObject): ManagedFieldsEntry[] {
  return (obj.metadata.managedFields ?? []) as unknown as ManagedFieldsEntry[];
}

function entry(obj: KubeObject, manager: string): ManagedFieldsEntry | undefined {
  return entries(obj).find((e) => e.manager === manager);
}

function owned(obj: KubeObject, manager: string): string[] {
  const e = entry(obj, manager);
  return e ? FieldSet.fromFieldsV1(e.fieldsV1).paths().map(pathString) : [];
}

function conflictOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected a conflict');
}

describe('field paths and sets (FieldsV1)', () => {
  it('spells elements as upstream and parses them back', () => {
    expect(tokenOf(field('spec'))).toBe('f:spec');
    expect(tokenOf(keyElement({ protocol: 'TCP', containerPort: 80 }))).toBe('k:{"containerPort":80,"protocol":"TCP"}');
    expect(tokenOf({ kind: 'value', value: 'a' })).toBe('v:"a"');
    expect(tokenOf({ kind: 'index', index: 3 })).toBe('i:3');
    for (const t of ['f:a:b', 'k:{"name":"x"}', 'v:5', 'i:0']) expect(tokenOf(parseToken(t))).toBe(t);
    expect(() => parseToken('x:y')).toThrow(/unknown path element/);
    expect(pathString([field('spec'), field('containers'), keyElement({ name: 'nginx' }), field('image')])).toBe('.spec.containers[name="nginx"].image');
  });

  it('round-trips FieldsV1 with "." for members that have children, in upstream order', () => {
    const json = {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"b"}': { '.': {}, 'f:image': {} }, 'k:{"name":"a"}': { '.': {} } }, 'f:replicas': {} },
    };
    const set = FieldSet.fromFieldsV1(json);
    expect(set.has([field('metadata'), field('labels')])).toBe(true);
    expect(set.has([field('metadata')])).toBe(false);
    expect(set.has([field('spec'), field('containers'), keyElement({ name: 'a' })])).toBe(true);
    const out = set.toFieldsV1();
    expect(JSON.stringify(out)).toBe(
      JSON.stringify({
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': { 'f:containers': { 'k:{"name":"a"}': {}, 'k:{"name":"b"}': { '.': {}, 'f:image': {} } }, 'f:replicas': {} },
      }),
    );
    expect(() => FieldSet.fromFieldsV1({ 'q:x': {} })).toThrow();
    expect(() => FieldSet.fromFieldsV1({ 'f:x': 1 })).toThrow();
  });

  it('unions, intersects and subtracts path-wise; recursive difference drops whole subtrees', () => {
    const a = FieldSet.of([field('a')], [field('a'), field('b')], [field('c')]);
    const b = FieldSet.of([field('a')], [field('d')]);
    expect(a.union(b).paths().map(pathString)).toEqual(['.a', '.c', '.d', '.a.b']);
    expect(a.intersection(b).paths().map(pathString)).toEqual(['.a']);
    expect(a.difference(b).paths().map(pathString)).toEqual(['.c', '.a.b']);
    expect(a.recursiveDifference(b).paths().map(pathString)).toEqual(['.c']);
    expect(a.difference(a).isEmpty()).toBe(true);
  });
});

describe('fieldsOf', () => {
  it('follows the schema: keyed containers, ports keyed with defaulted protocol, atomic selector, set finalizers', () => {
    const cfg = deployment({ replicas: 2, labels: { tier: 'web' } });
    cfg.metadata.finalizers = ['a', 'b'];
    const set = fieldsOf(cfg, kindSchema('Deployment'), { strict: true });
    expect(set.toFieldsV1()).toEqual({
      'f:apiVersion': {},
      'f:kind': {},
      'f:metadata': { 'f:finalizers': { 'v:"a"': {}, 'v:"b"': {} }, 'f:labels': { 'f:tier': {} }, 'f:name': {}, 'f:namespace': {} },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } },
            },
          },
        },
      },
    });
  });

  it('deduces types without a schema: maps granular with "." on every entry, lists atomic', () => {
    const set = fieldsOf({ spec: { a: { b: 1 }, list: [{ x: 1 }] } }, undefined);
    expect(set.toFieldsV1()).toEqual({ 'f:spec': { '.': {}, 'f:a': { '.': {}, 'f:b': {} }, 'f:list': {} } });
  });

  it('refuses undeclared fields, duplicate keys and keyless items in an applied configuration', () => {
    const bad = deployment();
    bad.spec.bogus = 1;
    expect(() => fieldsOf(bad, kindSchema('Deployment'), { strict: true })).toThrow('.spec.bogus: field not declared in schema');
    const dup = deployment({ containers: [{ name: 'a' }, { name: 'a' }] });
    expect(() => fieldsOf(dup, kindSchema('Deployment'), { strict: true })).toThrow('duplicate entries for key [name="a"]');
    const keyless = deployment({ containers: [{ image: 'x' }] });
    expect(() => fieldsOf(keyless, kindSchema('Deployment'), { strict: true })).toThrow('omits key field "name"');
    // A stored object is read leniently.
    expect(fieldsOf(bad, kindSchema('Deployment')).has([field('spec'), field('bogus')])).toBe(true);
  });

  it('compares objects: leaves modified, nodes added and removed, structs always present', () => {
    const before = deployment({ replicas: 1 });
    const after = deployment({ replicas: 2, containers: [{ name: 'nginx', image: 'nginx:1.28', ports: [{ containerPort: 80 }] }, { name: 'side', image: 'busybox' }] });
    const c = compareObjects(before, after, kindSchema('Deployment'));
    expect(c.modified.paths().map(pathString)).toEqual(['.spec.replicas', '.spec.template.spec.containers[name="nginx"].image']);
    expect(c.added.paths().map(pathString)).toEqual(['.spec.template.spec.containers[name="side"]', '.spec.template.spec.containers[name="side"].image', '.spec.template.spec.containers[name="side"].name']);
    expect(c.removed.isEmpty()).toBe(true);
  });

  it('merges lists by their type and keeps live-only items in place', () => {
    const live = deployment({ containers: [{ name: 'a', image: 'a:1', args: ['x', 'y'] }, { name: 'b', image: 'b:1' }] });
    live.spec.template.spec.tolerations = [{ key: 'k1' }, { key: 'k2' }];
    live.spec.selector = { matchLabels: { app: 'web', extra: 'yes' } };
    const cfg = deployment({ containers: [{ name: 'c', image: 'c:1' }, { name: 'a', args: ['z'] }] });
    cfg.spec.template.spec.tolerations = [{ key: 'k3' }];
    const merged = mergeObjects(live, cfg, kindSchema('Deployment')) as any;
    expect(merged.spec.template.spec.containers).toEqual([
      { name: 'c', image: 'c:1' },
      { name: 'a', image: 'a:1', args: ['z'] },
      { name: 'b', image: 'b:1' },
    ]);
    expect(merged.spec.template.spec.tolerations).toEqual([{ key: 'k3' }]);
    expect(merged.spec.selector).toEqual({ matchLabels: { app: 'web' } });
  });

  it('makes declared fields leading to members into members (EnsureNamedFieldsAreMembers)', () => {
    const set = FieldSet.of([field('spec'), field('template'), field('metadata'), field('labels'), field('app')]);
    expect(ensureNamedFieldsAreMembers(set, kindSchema('Deployment')).paths().map(pathString)).toEqual([
      '.spec',
      '.spec.template',
      '.spec.template.metadata',
      '.spec.template.metadata.labels',
      '.spec.template.metadata.labels.app',
    ]);
  });
});

describe('apply', () => {
  it('creates from a configuration and owns exactly what it applied', () => {
    const obj = applied(undefined, deployment({ replicas: 2 }), 'kubectl');
    expect(obj.spec).toEqual(deployment({ replicas: 2 }).spec);
    expect(entries(obj)).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } } } },
            },
          },
        },
      },
    ]);
  });

  it('is a no-op when applied again: same object, same managedFields, same time', () => {
    const first = applied(undefined, deployment({ replicas: 2 }), 'kubectl');
    const again = applied(first, deployment({ replicas: 2 }), 'kubectl', { now: T1 });
    expect(again).toEqual(first);
  });

  it('conflicts with another manager changing its field, naming manager and path', () => {
    const first = applied(undefined, deployment({ replicas: 2 }), 'kubectl');
    const err = conflictOf(() => applied(first, deployment({ replicas: 3 }), 'other'));
    expect(err.code).toBe(409);
    expect(err.reason).toBe('Conflict');
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    expect(err.status.details?.causes).toEqual([{ type: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.spec.replicas' }]);
  });

  it('shares ownership when another manager applies the same value', () => {
    const first = applied(undefined, deployment({ replicas: 2 }), 'kubectl');
    const second = applied(first, deployment({ replicas: 2 }), 'other');
    expect(owned(second, 'other')).toContain('.spec.replicas');
    expect(owned(second, 'kubectl')).toContain('.spec.replicas');
    // Neither can now drop the field alone.
    const cfg = deployment();
    const dropped = applied(second, cfg, 'kubectl');
    expect(dropped.spec).toMatchObject({ replicas: 2 });
    expect(owned(dropped, 'kubectl')).not.toContain('.spec.replicas');
  });

  it('force takes ownership from the other manager', () => {
    const first = applied(undefined, deployment({ replicas: 2 }), 'kubectl');
    const forced = applied(first, deployment({ replicas: 3 }), 'other', { force: true, now: T1 });
    expect((forced.spec as any).replicas).toBe(3);
    expect(owned(forced, 'other')).toContain('.spec.replicas');
    expect(owned(forced, 'kubectl')).not.toContain('.spec.replicas');
    expect(entry(forced, 'kubectl')!.time).toBe(T0);
    expect(entry(forced, 'other')!.time).toBe(T1);
  });

  it('removes fields the manager stops applying unless someone else owns them', () => {
    const two = deployment({ labels: { tier: 'web', team: 'a' }, containers: [{ name: 'nginx', image: 'nginx' }, { name: 'side', image: 'busybox' }] });
    const first = applied(undefined, two, 'kubectl');
    const labeled = updated(first, { ...structuredClone(first), metadata: { ...first.metadata, labels: { tier: 'web', team: 'a', extra: 'x' } } }, 'kubectl-label');
    const one = deployment({ labels: { tier: 'web' }, containers: [{ name: 'nginx', image: 'nginx' }] });
    const after = applied(labeled, one, 'kubectl', { now: T1 });
    expect(after.metadata.labels).toEqual({ tier: 'web', extra: 'x' });
    expect((after.spec as any).template.spec.containers).toEqual([{ name: 'nginx', image: 'nginx' }]);
    // A field another manager also owns stays.
    const shared = applied(first, deployment({ labels: { team: 'a' }, containers: two.spec.template.spec.containers }), 'other');
    const kept = applied(shared, one, 'kubectl', { now: T1 });
    expect(kept.metadata.labels).toMatchObject({ team: 'a' });
  });

  it('drops a whole struct it stopped applying when nobody owns anything in it', () => {
    const cfg = deployment();
    cfg.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } };
    const first = applied(undefined, cfg, 'kubectl');
    const after = applied(first, deployment(), 'kubectl');
    expect((after.spec as any).strategy).toBeUndefined();
    expect((after.spec as any).template.spec.containers).toHaveLength(1);
  });

  it('merges container lists by name, so two managers can own different containers', () => {
    const a = applied(undefined, deployment({ containers: [{ name: 'a', image: 'a' }] }), 'ma');
    const b = applied(a, deployment({ containers: [{ name: 'b', image: 'b' }] }), 'mb');
    expect((b.spec as any).template.spec.containers.map((c: any) => c.name)).toEqual(['a', 'b']);
    const aDrops = applied(b, deployment({ containers: [] }), 'ma');
    expect((aDrops.spec as any).template.spec.containers).toEqual([{ name: 'b', image: 'b' }]);
  });

  it('treats atomic lists and maps as one field', () => {
    const cfg = deployment();
    cfg.spec.template.spec.containers[0].args = ['a', 'b'];
    const first = applied(undefined, cfg, 'ma');
    const cfg2 = deployment();
    cfg2.spec.template.spec.containers[0].args = ['c'];
    const err = conflictOf(() => applied(first, cfg2, 'mb'));
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "ma": .spec.template.spec.containers[name="nginx"].args');
    const sel = deployment();
    sel.spec.selector = { matchLabels: { app: 'other' } };
    expect(conflictOf(() => applied(first, sel, 'mb')).message).toContain('.spec.selector');
  });

  it('merges set lists by value', () => {
    const c1 = deployment();
    c1.metadata.finalizers = ['a'];
    const first = applied(undefined, c1, 'ma');
    const c2 = deployment();
    c2.metadata.finalizers = ['b'];
    const second = applied(first, c2, 'mb');
    expect(second.metadata.finalizers).toEqual(['a', 'b']);
    expect(owned(second, 'mb')).toContain('.metadata.finalizers[="b"]');
  });

  it('lists several conflicts per manager in upstream’s words', () => {
    const a = applied(undefined, deployment({ replicas: 1, image: 'a' }), 'ma');
    const err = conflictOf(() => applied(a, deployment({ replicas: 2, image: 'b' }), 'mb'));
    expect(err.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "ma":\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
    );
    expect(err.status.details?.causes?.map((c) => c.field)).toEqual(['.spec.replicas', '.spec.template.spec.containers[name="nginx"].image']);
  });

  it('names Update managers with their apiVersion, subresource managers with the subresource', () => {
    const e = conflictError([
      { manager: { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1' }, path: [field('spec'), field('replicas')] },
    ]);
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    const s = conflictError([{ manager: { manager: 'ctrl', operation: 'Apply', apiVersion: 'apps/v1', subresource: 'status' }, path: [field('status')] }]);
    expect(s.message).toBe('Apply failed with 1 conflict: conflict with "ctrl" with subresource "status": .status');
  });

  it('refuses managedFields in the configuration and undeclared fields (400)', () => {
    const withMf = deployment();
    withMf.metadata.managedFields = [];
    expect(conflictOf(() => applied(undefined, withMf, 'm')).status).toMatchObject({ code: 400, message: 'metadata.managedFields must be nil' });
    const bogus = deployment();
    bogus.spec.nope = true;
    expect(conflictOf(() => applied(undefined, bogus, 'm')).status).toMatchObject({
      code: 400,
      message: 'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.nope: field not declared in schema',
    });
  });

  it('keeps status out of the main resource and everything but status out of /status', () => {
    const cfg = deployment({ replicas: 1 });
    cfg.status = { replicas: 5 };
    const first = applied(undefined, cfg, 'm');
    expect(owned(first, 'm').some((p) => p.startsWith('.status'))).toBe(false);
    const statusCfg = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 9 }, status: { readyReplicas: 1 } };
    const st = applied(first, statusCfg, 'ctrl', { c: { subresource: 'status', resetFields: resetFieldsFor(true, 'status') } });
    expect(owned(st, 'ctrl')).toEqual(['.status.readyReplicas']);
    expect(entry(st, 'ctrl')!.subresource).toBe('status');
  });

  it('attributes an untracked object’s fields to before-first-apply', () => {
    const live = { ...deployment({ replicas: 4 }), metadata: { name: 'web', namespace: 'default', uid: 'u1' } } as KubeObject;
    const out = applied(live, deployment({ replicas: 4 }), 'kubectl');
    expect(owned(out, 'before-first-apply')).toContain('.spec.replicas');
    expect(entry(out, 'before-first-apply')!.operation).toBe('Update');
    expect(conflictOf(() => applied(out, deployment({ replicas: 5 }), 'other')).message).toContain('conflicts with "before-first-apply" using apps/v1:\n- .spec.replicas');
  });
});

describe('update tracking', () => {
  it('gives a creator what it created, minus the server’s own fields', () => {
    const created = updated(undefined, { ...deployment({ replicas: 1 }), metadata: { name: 'web', namespace: 'default', uid: 'u', resourceVersion: '5', generation: 1, labels: { a: 'b' } } }, 'kubectl-create');
    const e = entry(created, 'kubectl-create')!;
    expect(e).toMatchObject({ operation: 'Update', apiVersion: 'apps/v1', time: T0 });
    expect(e.fieldsV1['f:metadata']).toEqual({ 'f:labels': { '.': {}, 'f:a': {} } });
    expect(e.fieldsV1['f:spec']!['f:replicas']).toEqual({});
    expect(e.fieldsV1['f:apiVersion']).toBeUndefined();
  });

  it('moves ownership of changed fields to the writer and keeps the rest', () => {
    const first = applied(undefined, deployment({ replicas: 2 }), 'kubectl');
    const next = structuredClone(first);
    (next.spec as any).template.spec.containers[0].image = 'nginx:1.28';
    const after = updated(first, next, 'kubectl-edit', T1);
    expect(owned(after, 'kubectl-edit')).toEqual(['.spec.template.spec.containers[name="nginx"].image']);
    expect(owned(after, 'kubectl')).not.toContain('.spec.template.spec.containers[name="nginx"].image');
    expect(owned(after, 'kubectl')).toContain('.spec.replicas');
    // The editor's change now conflicts with the applier's next apply.
    expect(conflictOf(() => applied(after, deployment({ replicas: 2 }), 'kubectl')).message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.template.spec.containers[name="nginx"].image',
    );
  });

  it('takes removed fields from every manager and leaves the time of an unchanged writer alone', () => {
    const first = applied(undefined, deployment({ replicas: 2, labels: { a: '1' } }), 'kubectl');
    const next = structuredClone(first);
    delete next.metadata.labels;
    const after = updated(first, next, 'kubectl-label', T1);
    expect(owned(after, 'kubectl')).not.toContain('.metadata.labels.a');
    expect(entry(after, 'kubectl-label')).toBeUndefined();
    const same = updated(after, structuredClone(after), 'kubectl-label', T1);
    expect(same.metadata.managedFields).toEqual(after.metadata.managedFields);
  });

  it('takes managedFields the client rewrote (CSA→SSA migration), resets on [], ignores undecodable ones', () => {
    const csa = updated(undefined, deployment({ replicas: 2 }), 'kubectl-client-side-apply');
    const migrated = entries(csa).map((e) => ({ ...e, manager: 'kubectl', operation: 'Apply' as const }));
    const next = { ...structuredClone(csa), metadata: { ...csa.metadata, managedFields: migrated } } as KubeObject;
    const after = updated(csa, next, 'kubectl', T1);
    expect(entries(after).map((e) => [e.manager, e.operation])).toEqual([['kubectl', 'Apply']]);
    expect(entry(after, 'kubectl')!.time).toBe(T0);
    // A reset request clears tracking; later updates stay untracked until an apply.
    const reset = updated(csa, { ...structuredClone(csa), metadata: { ...csa.metadata, managedFields: [] } } as KubeObject, 'x');
    expect(reset.metadata.managedFields).toBeUndefined();
    expect(updated(reset, { ...structuredClone(reset), spec: { replicas: 9 } }, 'y').metadata.managedFields).toBeUndefined();
    const garbage = [{ manager: 'x', operation: 'Bogus', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: {} }];
    expect(startingManaged(csa, garbage, false).size).toBe(1);
    expect([...startingManaged(csa, garbage, false).values()][0]!.manager).toBe('kubectl-client-side-apply');
  });

  it('rejects managedFields that are not even a list of entries', () => {
    expect(managedFieldsShapeError('nope')).toMatch(/cannot unmarshal string/);
    expect(managedFieldsShapeError([{ manager: 5 }])).toMatch(/cannot unmarshal number/);
    expect(managedFieldsShapeError([{ time: 'yesterday' }])).toMatch(/parsing time/);
    expect(managedFieldsShapeError([{ manager: 'a', fieldsV1: {} }])).toBeUndefined();
  });

  it('records status writes under the status subresource, owning only status', () => {
    const first = applied(undefined, deployment({ replicas: 2 }), 'kubectl');
    const next = { ...structuredClone(first), status: { replicas: 2 } };
    const after = updated(first, next, 'controller', T1, { subresource: 'status', resetFields: resetFieldsFor(true, 'status') });
    expect(entry(after, 'controller')).toMatchObject({ subresource: 'status', operation: 'Update' });
    expect(owned(after, 'controller')).toEqual(['.status.replicas']);
  });

  it('caps Update managers, merging the oldest into ancient-changes', () => {
    const m = decodeManagedFields(
      Array.from({ length: 12 }, (_, i) => ({
        manager: `m${String(i).padStart(2, '0')}`,
        operation: 'Update',
        apiVersion: 'v1',
        time: `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`,
        fieldsType: 'FieldsV1',
        fieldsV1: { [`f:f${i}`]: {} },
      })),
    );
    const capped = encodeManagedFields(capUpdateManagers(m))!;
    expect(capped).toHaveLength(10);
    const ancient = capped.find((e) => e.manager === 'ancient-changes')!;
    expect(Object.keys(ancient.fieldsV1).sort()).toEqual(['f:f0', 'f:f1', 'f:f2']);
    expect(managerIdentity({ manager: 'a', operation: 'Apply', apiVersion: 'v1' })).toBe('{"manager":"a","operation":"Apply"}');
  });
});

describe('client-side apply to server-side apply', () => {
  const csaCreate = (replicas: number): KubeObject => {
    const cfg = deployment({ replicas });
    const obj = structuredClone(cfg);
    obj.metadata.annotations = { [LAST_APPLIED_ANNOTATION]: JSON.stringify(cfg) + '\n' };
    return updated(undefined, obj, 'kubectl-client-side-apply');
  };

  it('lets kubectl take over fields client-side apply recorded, even with new values', () => {
    const live = csaCreate(2);
    const after = applied(live, deployment({ replicas: 3 }), 'kubectl', { now: T1 });
    expect((after.spec as any).replicas).toBe(3);
    expect(owned(after, 'kubectl')).toContain('.spec.replicas');
    expect(owned(after, 'kubectl-client-side-apply')).not.toContain('.spec.replicas');
    // kubectl's own apply keeps the client-side record current.
    expect(JSON.parse(after.metadata.annotations![LAST_APPLIED_ANNOTATION]!).spec.replicas).toBe(3);
  });

  it('still conflicts for any other manager', () => {
    const live = csaCreate(2);
    expect(conflictOf(() => applied(live, deployment({ replicas: 3 }), 'other')).message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
  });
});
