import { beforeAll, describe, expect, it } from 'vitest';
import { builtinSchemas } from '../../functions/openapi/builtin-schemas.js';
import { indexByGroupVersionKind, schemaForKind, type SchemaNode, type SchemaSet } from '../../shared/openapi/schema.js';
import { applyStrategicMergePatch } from '../../shared/patch/strategic-merge.js';
import { ApiError } from '../../shared/status.js';

// A hand-written slice of upstream's swagger.json: the patch metadata of the fields below is
// copied from k8s.io/api's struct tags (patchStrategy / patchMergeKey).
const ref = (name: string): SchemaNode => ({ $ref: `#/definitions/${name}` });
const str: SchemaNode = { type: 'string' };
const mergeList = (items: SchemaNode, key: string, strategy = 'merge'): SchemaNode => ({
  type: 'array',
  items,
  'x-kubernetes-patch-merge-key': key,
  'x-kubernetes-patch-strategy': strategy,
});

const definitions: Record<string, SchemaNode> = {
  Deployment: {
    type: 'object',
    properties: { apiVersion: str, kind: str, metadata: ref('ObjectMeta'), spec: ref('DeploymentSpec') },
    'x-kubernetes-group-version-kind': [{ group: 'apps', version: 'v1', kind: 'Deployment' }],
  },
  DeploymentSpec: {
    type: 'object',
    properties: {
      replicas: { type: 'integer' },
      strategy: { ...ref('DeploymentStrategy'), 'x-kubernetes-patch-strategy': 'retainKeys' },
      template: ref('PodTemplateSpec'),
    },
  },
  DeploymentStrategy: { type: 'object', properties: { type: str, rollingUpdate: ref('RollingUpdateDeployment') } },
  RollingUpdateDeployment: {
    type: 'object',
    properties: { maxSurge: { 'x-kubernetes-int-or-string': true }, maxUnavailable: { 'x-kubernetes-int-or-string': true } },
  },
  PodTemplateSpec: { type: 'object', properties: { metadata: ref('ObjectMeta'), spec: ref('PodSpec') } },
  PodSpec: {
    type: 'object',
    properties: {
      containers: mergeList(ref('Container'), 'name'),
      initContainers: mergeList(ref('Container'), 'name'),
      volumes: mergeList(ref('Volume'), 'name', 'merge,retainKeys'),
      tolerations: { type: 'array', items: ref('Toleration'), 'x-kubernetes-list-type': 'atomic' },
      nodeSelector: { type: 'object', additionalProperties: str },
    },
  },
  Container: {
    type: 'object',
    properties: {
      name: str,
      image: str,
      args: { type: 'array', items: str },
      ports: {
        ...mergeList(ref('ContainerPort'), 'containerPort'),
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
      },
      env: mergeList(ref('EnvVar'), 'name'),
      volumeMounts: mergeList(ref('VolumeMount'), 'mountPath'),
    },
  },
  ContainerPort: { type: 'object', properties: { containerPort: { type: 'integer' }, name: str, protocol: str } },
  EnvVar: { type: 'object', properties: { name: str, value: str } },
  VolumeMount: { type: 'object', properties: { name: str, mountPath: str } },
  Volume: {
    type: 'object',
    properties: { name: str, emptyDir: { type: 'object', properties: { medium: str } }, configMap: { type: 'object', properties: { name: str } } },
  },
  Toleration: { type: 'object', properties: { key: str, operator: str, effect: str } },
  ObjectMeta: {
    type: 'object',
    properties: {
      name: str,
      labels: { type: 'object', additionalProperties: str },
      annotations: { type: 'object', additionalProperties: str },
      finalizers: { type: 'array', items: str, 'x-kubernetes-patch-strategy': 'merge' },
      ownerReferences: mergeList(ref('OwnerReference'), 'uid'),
    },
  },
  OwnerReference: { type: 'object', properties: { uid: str, name: str, kind: str } },
  Matrix: { type: 'object', properties: { rows: { type: 'array', items: { type: 'array', items: str }, 'x-kubernetes-patch-strategy': 'merge' } } },
};
const set = indexByGroupVersionKind(definitions);
const deployment = { set, root: definitions.Deployment! };

const smp = (original: unknown, patch: unknown): any => applyStrategicMergePatch(original, patch, deployment);
const podSpec = (spec: Record<string, unknown>) => ({ spec: { template: { spec } } });
const containersOf = (obj: any) => obj.spec.template.spec.containers;
const names = (list: Array<{ name: string }>) => list.map((c) => c.name);

function failure(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('strategic merge patch: maps', () => {
  it('merges maps key by key and deletes keys set to null', () => {
    const original = { metadata: { name: 'web', labels: { app: 'web', tier: 'front' } }, spec: { replicas: 1 } };
    expect(smp(original, { metadata: { labels: { tier: null, track: 'stable' } }, spec: { replicas: 3 } })).toEqual({
      metadata: { name: 'web', labels: { app: 'web', track: 'stable' } },
      spec: { replicas: 3 },
    });
  });

  it('replaces a map that carries $patch: replace and empties one with $patch: delete', () => {
    const original = { metadata: { labels: { a: '1', b: '2' }, annotations: { x: 'y' } } };
    expect(smp(original, { metadata: { labels: { $patch: 'replace', c: '3' }, annotations: { $patch: 'delete' } } })).toEqual({
      metadata: { labels: { c: '3' }, annotations: {} },
    });
  });

  it('accepts an explicit $patch: merge on a map as the default', () => {
    expect(smp({ metadata: { labels: { a: '1' } } }, { metadata: { labels: { $patch: 'merge', b: '2' } } })).toEqual({
      metadata: { labels: { a: '1', b: '2' } },
    });
  });

  it('clears the keys $retainKeys does not list (Deployment strategy, as kubectl apply sends it)', () => {
    const original = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } } };
    expect(smp(original, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } })).toEqual({ spec: { strategy: { type: 'Recreate' } } });
  });

  it('refuses a $retainKeys that leaves out a key the patch sets', () => {
    const err = failure(() => smp({ spec: { strategy: {} } }, { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: { maxSurge: 1 } } } }));
    expect(err.code).toBe(400);
    expect(err.status.message).toBe('invalid patch format of retainKeys');
    expect(failure(() => smp({ spec: {} }, { spec: { $retainKeys: 'type' } })).code).toBe(400);
  });

  it('takes values the original lacks as they are, minus nulls and directives', () => {
    expect(
      smp({ metadata: { name: 'web' } }, podSpec({ nodeSelector: { disk: 'ssd', gone: null }, containers: [{ name: 'a' }, { name: 'b', $patch: 'delete' }] })),
    ).toEqual({ metadata: { name: 'web' }, spec: { template: { spec: { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'a' }] } } } });
  });

  it('behaves like a JSON merge patch where the schema says nothing', () => {
    const original = { spec: { replicas: 1 }, extra: { list: [1, 2], keep: true, nested: { a: 1 } } };
    expect(smp(original, { extra: { list: [3], nested: { b: 2 } } })).toEqual({
      spec: { replicas: 1 },
      extra: { list: [3], keep: true, nested: { a: 1, b: 2 } },
    });
  });

  it('never mutates its arguments and refuses a patch that is not an object', () => {
    const original = podSpec({ containers: [{ name: 'a', image: 'x' }] });
    const patch = podSpec({ containers: [{ name: 'a', image: 'y' }] });
    const before = structuredClone({ original, patch });
    smp(original, patch);
    expect({ original, patch }).toEqual(before);
    const err = failure(() => smp(original, [{ op: 'add' }]));
    expect(err.code).toBe(400);
    expect(err.status.message).toBe('json: cannot unmarshal array into Go value of type map[string]interface {}');
  });

  it('keeps a __proto__ key a plain key', () => {
    const patch = JSON.parse('{"metadata":{"labels":{"__proto__":"x"}}}');
    const out = smp({ metadata: { labels: {} } }, patch);
    expect(Object.getPrototypeOf(out.metadata.labels)).toBe(Object.prototype);
    expect(Object.keys(out.metadata.labels)).toEqual(['__proto__']);
  });
});

describe('strategic merge patch: lists with a merge key', () => {
  const original = podSpec({
    containers: [
      { name: 'a', image: 'a:1', ports: [{ containerPort: 80 }] },
      { name: 'b', image: 'b:1' },
    ],
  });

  it('merges containers by name, keeping the items the patch does not mention', () => {
    const out = smp(original, podSpec({ containers: [{ name: 'b', image: 'b:2' }] }));
    expect(containersOf(out)).toEqual([
      { name: 'a', image: 'a:1', ports: [{ containerPort: 80 }] },
      { name: 'b', image: 'b:2' },
    ]);
  });

  it('merges nested lists by their own keys (ports by containerPort)', () => {
    const out = smp(original, podSpec({ containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] }));
    expect(containersOf(out)[0].ports).toEqual([{ containerPort: 80, name: 'http' }, { containerPort: 443 }]);
  });

  it('puts new items first when the patch gives no order (as upstream)', () => {
    expect(names(containersOf(smp(original, podSpec({ containers: [{ name: 'c', image: 'c:1' }] }))))).toEqual(['c', 'a', 'b']);
  });

  it('deletes the items marked $patch: delete', () => {
    expect(names(containersOf(smp(original, podSpec({ containers: [{ name: 'a', $patch: 'delete' }] }))))).toEqual(['b']);
  });

  it('replaces the whole list when an item says $patch: replace', () => {
    const out = smp(original, podSpec({ containers: [{ name: 'z', image: 'z:1' }, { $patch: 'replace' }] }));
    expect(containersOf(out)).toEqual([{ name: 'z', image: 'z:1' }]);
  });

  it('refuses an item without its merge key with upstream’s sentence', () => {
    const err = failure(() => smp(original, podSpec({ containers: [{ image: 'foo' }] })));
    expect(err.code).toBe(422);
    expect(err.status.message).toBe('map: map[image:foo] does not contain declared merge key: name');
    expect(err.status.details?.causes?.[0]?.field).toBe('spec.template.spec.containers');
  });

  it('refuses unknown and list-level merge directives', () => {
    expect(failure(() => smp(original, podSpec({ containers: [{ name: 'a', $patch: 'bogus' }] }))).status.message).toBe(
      'unknown patch type: bogus in map: map[$patch:bogus name:a]',
    );
    expect(failure(() => smp(original, podSpec({ containers: [{ $patch: 'merge' }] }))).status.message).toBe(
      'merging lists cannot yet be specified in the patch',
    );
    expect(failure(() => smp(original, { spec: { $patch: 'bogus' } })).code).toBe(400);
  });

  it('replaces lists without a patch strategy (tolerations are atomic)', () => {
    const withTolerations = podSpec({ tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }] });
    expect(smp(withTolerations, podSpec({ tolerations: [{ key: 'c', operator: 'Exists' }] })).spec.template.spec.tolerations).toEqual([
      { key: 'c', operator: 'Exists' },
    ]);
  });

  it('merges lists whose merge key is an integer and keeps server-only items in place', () => {
    const ports = podSpec({ containers: [{ name: 'a', ports: [{ containerPort: 80 }, { containerPort: 81 }, { containerPort: 82 }] }] });
    const out = smp(ports, podSpec({ containers: [{ name: 'a', ports: [{ containerPort: 82, name: 'metrics' }] }] }));
    expect(containersOf(out)[0].ports).toEqual([{ containerPort: 80 }, { containerPort: 81 }, { containerPort: 82, name: 'metrics' }]);
  });

  it('refuses lists of lists and lists mixing element types', () => {
    const matrix = { set, root: definitions.Matrix! };
    const lol = failure(() => applyStrategicMergePatch({ rows: [['a']] }, { rows: [['b']] }, matrix));
    expect(lol.code).toBe(422);
    expect(lol.status.message).toBe('lists of lists are not supported');
    const mixed = failure(() => smp({ metadata: { finalizers: ['a'] } }, { metadata: { finalizers: [1] } }));
    expect(mixed.code).toBe(422);
    expect(mixed.status.message).toBe('list element types are not identical: [[a] [1]]');
  });
});

describe('strategic merge patch: primitive lists with the merge strategy (finalizers)', () => {
  const original = { metadata: { finalizers: ['a', 'b'] } };

  it('unions the values; a server-only value earlier than the patch’s goes first', () => {
    expect(smp(original, { metadata: { finalizers: ['b', 'c'] } }).metadata.finalizers).toEqual(['a', 'b', 'c']);
    expect(smp(original, { metadata: { finalizers: ['c'] } }).metadata.finalizers).toEqual(['c', 'a', 'b']);
  });

  it('removes the values listed in $deleteFromPrimitiveList', () => {
    expect(smp(original, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }).metadata.finalizers).toEqual(['b']);
    expect(smp({ metadata: {} }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } })).toEqual({ metadata: {} });
  });

  it('orders additions and deletions as $setElementOrder says (kubectl apply’s shape)', () => {
    const patch = { metadata: { '$setElementOrder/finalizers': ['c', 'b'], finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['a'] } };
    expect(smp(original, patch).metadata.finalizers).toEqual(['c', 'b']);
  });

  it('refuses a parallel list key without its field', () => {
    const err = failure(() => smp(original, { metadata: { $deleteFromPrimitiveListfinalizers: ['a'] } }));
    expect(err.code).toBe(400);
    expect(err.status.message).toBe('invalid patch format of primitive list');
  });
});

describe('strategic merge patch: $setElementOrder', () => {
  const original = podSpec({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });

  it('reorders a list without changing its items', () => {
    const out = smp(original, podSpec({ '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }] }));
    expect(names(containersOf(out))).toEqual(['c', 'a', 'b']);
  });

  it('places new items where the order says', () => {
    const out = smp(
      original,
      podSpec({ '$setElementOrder/containers': [{ name: 'a' }, { name: 'n' }, { name: 'b' }, { name: 'c' }], containers: [{ name: 'n', image: 'n:1' }] }),
    );
    expect(names(containersOf(out))).toEqual(['a', 'n', 'b', 'c']);
  });

  it('interleaves server-only items by their old positions', () => {
    // `s` was added by someone else (kubectl patch); the applied manifest only knows a and c.
    // Upstream's mergeSortedSlice puts `s` first: it precedes `c` in the live list.
    const live = podSpec({ containers: [{ name: 'a' }, { name: 's' }, { name: 'c' }] });
    const out = smp(live, podSpec({ '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }] }));
    expect(names(containersOf(out))).toEqual(['s', 'c', 'a']);
    const kept = smp(live, podSpec({ '$setElementOrder/containers': [{ name: 'a' }, { name: 'c' }] }));
    expect(names(containersOf(kept))).toEqual(['a', 's', 'c']);
  });

  it('applies what client-side kubectl apply sends: reorder, drop an env var, keep server-added ports', () => {
    const live = {
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        template: {
          spec: {
            containers: [
              { name: 'app', image: 'app:1', env: [{ name: 'MODE', value: 'fast' }, { name: 'DEBUG', value: '1' }], ports: [{ containerPort: 8080 }] },
              { name: 'sidecar', image: 'proxy:1' },
            ],
          },
        },
      },
    };
    // kubectl's three-way patch for: containers reordered to [sidecar, app], DEBUG removed, image bumped.
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }],
            containers: [{ '$setElementOrder/env': [{ name: 'MODE' }], env: [{ $patch: 'delete', name: 'DEBUG' }], image: 'app:2', name: 'app' }],
          },
        },
      },
    };
    expect(smp(live, patch).spec.template.spec.containers).toEqual([
      { name: 'sidecar', image: 'proxy:1' },
      { name: 'app', image: 'app:2', env: [{ name: 'MODE', value: 'fast' }], ports: [{ containerPort: 8080 }] },
    ]);
  });

  it('uses the order on a list the original does not have yet', () => {
    const out = smp({ spec: { template: { spec: {} } } }, podSpec({ '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }], containers: [{ name: 'b' }, { name: 'a' }] }));
    expect(names(containersOf(out))).toEqual(['b', 'a']);
  });

  it('refuses a patch list that contradicts the order, and malformed directives', () => {
    const contradicting = failure(() =>
      smp(original, podSpec({ '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'b' }, { name: 'a' }] })),
    );
    expect(contradicting.code).toBe(400);
    expect(contradicting.status.message).toContain("doesn't match $setElementOrder list");
    expect(failure(() => smp(original, podSpec({ '$setElementOrder/containers': 'a' }))).status.message).toBe(
      'expected a []interface {}, but received a string',
    );
    expect(failure(() => smp(original, podSpec({ $setElementOrder: [] }))).status.message).toBe('invalid patch format of setElementOrder list');
    expect(failure(() => smp(original, podSpec({ '$setElementOrder/containers': [{ image: 'x' }] }))).status.message).toBe(
      'map: map[image:x] does not contain declared merge key: name',
    );
  });
});

describe('strategic merge patch: volumes (merge,retainKeys)', () => {
  it('switches a volume’s source when kubectl sends $retainKeys for the item', () => {
    const live = podSpec({ volumes: [{ name: 'data', emptyDir: {} }, { name: 'other', emptyDir: { medium: 'Memory' } }] });
    const patch = podSpec({
      '$setElementOrder/volumes': [{ name: 'data' }, { name: 'other' }],
      volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'settings' }, name: 'data' }],
    });
    expect(smp(live, patch).spec.template.spec.volumes).toEqual([
      { name: 'data', configMap: { name: 'settings' } },
      { name: 'other', emptyDir: { medium: 'Memory' } },
    ]);
  });
});

describe('strategic merge patch: ordering around server-only items (as kube-apiserver orders them)', () => {
  const order = (...n: string[]) => n.map((name) => ({ name }));
  const live = (...items: Array<string | Record<string, unknown>>) =>
    podSpec({ containers: items.map((i) => (typeof i === 'string' ? { name: i } : i)) });
  const apply = (current: unknown, spec: Record<string, unknown>) => names(containersOf(smp(current, podSpec(spec))));

  it('keeps a server-only item after the applied items it followed', () => {
    expect(apply(live('a', 'b', 's', 'c', 'd'), { '$setElementOrder/containers': order('b', 'a', 'd', 'c') })).toEqual(['b', 'a', 's', 'd', 'c']);
    expect(apply(live('a', 'c', 'd', 'b', 's'), { '$setElementOrder/containers': order('d', 'b', 'c', 'a') })).toEqual(['d', 'b', 'c', 'a', 's']);
  });

  it('places an added item by where deletions left room in the live list', () => {
    // Upstream merges in place: deleting `a` frees a slot the added `c` is written into, so the
    // server-only `d` (after `b` in the live list) stays before `c`.
    const patch = { '$setElementOrder/containers': order('b', 'c'), containers: [{ name: 'c' }, { name: 'a', $patch: 'delete' }] };
    expect(apply(live('a', { name: 'b', image: 'b:1' }, 'd'), patch)).toEqual(['b', 'd', 'c']);
    const conflicting = { '$setElementOrder/containers': order('b', 'c'), containers: [{ name: 'b' }, { name: 'c' }, { name: 'a', $patch: 'delete' }] };
    expect(apply(live('a', 'd'), conflicting)).toEqual(['d', 'b', 'c']);
  });

  it('adds an item the live list lost and keeps the server-only one after it', () => {
    const patch = { '$setElementOrder/containers': order('b'), containers: [{ name: 'b' }, { name: 'a', $patch: 'delete' }] };
    expect(apply(live('s'), patch)).toEqual(['b', 's']);
  });

  it('sorts duplicate merge keys together at the first position the order gives them', () => {
    const dup = live('a', { name: 'b', image: '1' }, 'c', { name: 'b', image: '2' }, 'd');
    const out = containersOf(smp(dup, podSpec({ '$setElementOrder/containers': order('b', 'a', 'd', 'c', 'b') })));
    expect(out).toEqual([{ name: 'b', image: '1' }, { name: 'b', image: '2' }, { name: 'a' }, { name: 'd' }, { name: 'c' }]);
  });

  it('orders primitive lists the same way', () => {
    const fin = (current: string[], patch: Record<string, unknown>) => smp({ metadata: { finalizers: current } }, { metadata: patch }).metadata.finalizers;
    expect(fin(['x', 's', 'y'], { '$setElementOrder/finalizers': ['n', 'x', 'y'], finalizers: ['n'] })).toEqual(['n', 'x', 's', 'y']);
    expect(fin(['x', 'y', 's', 'z', 'w'], { '$setElementOrder/finalizers': ['y', 'x', 'w', 'z'] })).toEqual(['y', 'x', 's', 'w', 'z']);
    expect(fin(['x', 'y', 'z', 's'], { '$setElementOrder/finalizers': ['x', 'y'], '$deleteFromPrimitiveList/finalizers': ['z'] })).toEqual(['x', 'y', 's']);
  });

  it('follows the patch’s own order when there is no $setElementOrder', () => {
    const current = live('a', { name: 'b', image: 'b:1' }, 'c');
    expect(apply(current, { containers: [{ name: 'c', image: 'c:2' }, { name: 'a', image: 'a:2' }, { name: 'b', args: ['x'] }] })).toEqual(['c', 'a', 'b']);
    expect(apply(current, { containers: [{ name: 'c', image: 'c:2' }, { name: 'a', image: 'a:2' }] })).toEqual(['b', 'c', 'a']);
  });
});

describe('strategic merge patch with the built-in schemas (upstream swagger.json)', () => {
  let builtin: SchemaSet;
  beforeAll(async () => {
    builtin = await builtinSchemas();
  });
  const patchKind = (group: string, version: string, kind: string, original: unknown, patch: unknown): any => {
    const root = schemaForKind(builtin, group, version, kind);
    if (!root) throw new Error(`no built-in schema for ${group}/${version} ${kind}`);
    return applyStrategicMergePatch(original, patch, { set: builtin, root });
  };

  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', finalizers: ['a'] },
    spec: {
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        spec: {
          containers: [
            { name: 'app', image: 'app:1', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }] },
            { name: 'proxy', image: 'proxy:1' },
          ],
          tolerations: [{ key: 'k1', operator: 'Exists' }],
          volumes: [{ name: 'data', emptyDir: {} }],
        },
      },
    },
  };

  it('merges a Deployment’s containers, ports and env by their keys and replaces atomic lists', () => {
    const out = patchKind('apps', 'v1', 'Deployment', deployment, {
      metadata: { finalizers: ['b'] },
      spec: {
        template: {
          spec: {
            containers: [{ name: 'app', ports: [{ containerPort: 443, protocol: 'TCP' }], env: [{ name: 'B', value: '2' }] }],
            tolerations: [{ key: 'k2', operator: 'Exists' }],
          },
        },
      },
    });
    const [app, proxy] = out.spec.template.spec.containers;
    expect(app.ports).toEqual([{ containerPort: 443, protocol: 'TCP' }, { containerPort: 80, protocol: 'TCP' }]);
    expect(app.env).toEqual([{ name: 'B', value: '2' }, { name: 'A', value: '1' }]);
    expect(proxy).toEqual({ name: 'proxy', image: 'proxy:1' });
    expect(out.spec.template.spec.tolerations).toEqual([{ key: 'k2', operator: 'Exists' }]);
    expect(out.metadata.finalizers).toEqual(['b', 'a']);
  });

  it('honours retainKeys on the Deployment strategy and on volumes', () => {
    const out = patchKind('apps', 'v1', 'Deployment', deployment, {
      spec: {
        strategy: { $retainKeys: ['type'], type: 'Recreate' },
        template: { spec: { volumes: [{ $retainKeys: ['configMap', 'name'], name: 'data', configMap: { name: 'cfg' } }] } },
      },
    });
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
    expect(out.spec.template.spec.volumes).toEqual([{ name: 'data', configMap: { name: 'cfg' } }]);
  });

  it('merges a Pod’s imagePullSecrets and ownerReferences by key', () => {
    const pod = {
      metadata: { name: 'p', ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u1' }] },
      spec: { containers: [{ name: 'c', image: 'i' }], imagePullSecrets: [{ name: 'one' }] },
    };
    const out = patchKind('', 'v1', 'Pod', pod, {
      metadata: { ownerReferences: [{ uid: 'u1', controller: true }] },
      spec: { imagePullSecrets: [{ name: 'two' }] },
    });
    expect(out.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u1', controller: true }]);
    expect(out.spec.imagePullSecrets).toEqual([{ name: 'two' }, { name: 'one' }]);
    const err = failure(() => patchKind('', 'v1', 'Pod', pod, { spec: { containers: [{ image: 'nginx:1.25' }] } }));
    expect(err.status.message).toBe('map: map[image:nginx:1.25] does not contain declared merge key: name');
  });

  it('patches a Scale with its own schema', () => {
    const out = patchKind('autoscaling', 'v1', 'Scale', { metadata: { name: 'web' }, spec: { replicas: 1 }, status: { replicas: 1 } }, { spec: { replicas: 4 } });
    expect(out.spec).toEqual({ replicas: 4 });
  });
});
