import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create, toBinary, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import {
  EXTRA_COMMANDS,
  FIXTURE_COMMANDS,
  captureKubectl,
  dryRunJson,
  findKubectl133,
  inPool,
  type FixtureCommand,
} from '../fixtures/protobuf/capture.js';

type DecoderModule = typeof import('../../functions/protobuf.js');
type GeneratedModule = typeof import('../../functions/generated/protobuf/index.js');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = join(root, 'test', 'fixtures', 'protobuf');

let decoder: DecoderModule;
let generated: GeneratedModule;

// The generated folder is a build output (git-ignored); make sure it exists before importing the
// decoder. The generator is a no-op when its stamp matches.
beforeAll(async () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join('cli', 'build', 'protobuf.ts')], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`protobuf generator failed:\n${result.stdout}\n${result.stderr}`);
  decoder = await import('../../functions/protobuf.js');
  generated = await import('../../functions/generated/protobuf/index.js');
}, 300_000);

const decode = (body: Uint8Array): Record<string, unknown> => decoder.decodeKubernetesProtobuf(body);
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(fixtures, name)));

function desc(typeName: string): DescMessage {
  const d = generated.registry.getMessage(typeName);
  if (!d) throw new Error(`no message ${typeName}`);
  return d;
}

/** The `k8s\0` + runtime.Unknown framing kubectl uses, around an already encoded message. */
function envelope(apiVersion: string, kind: string, raw: Uint8Array, extra: Record<string, unknown> = {}): Uint8Array {
  const unknown = create(desc('k8s.io.apimachinery.pkg.runtime.Unknown'), {
    typeMeta: { apiVersion, kind },
    raw,
    ...extra,
  } as MessageInitShape<DescMessage>);
  const bytes = toBinary(desc('k8s.io.apimachinery.pkg.runtime.Unknown'), unknown);
  return new Uint8Array([0x6b, 0x38, 0x73, 0x00, ...bytes]);
}

/** Encodes `init` (protobuf field names) as the message registered for apiVersion/kind. */
function encode(apiVersion: string, kind: string, init: Record<string, unknown>): Uint8Array {
  const typeName = generated.kindTable[`${apiVersion}/${kind}`];
  if (!typeName) throw new Error(`no kind ${apiVersion}/${kind}`);
  const d = desc(typeName);
  return envelope(apiVersion, kind, toBinary(d, create(d, init as MessageInitShape<DescMessage>)));
}

const json = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('decodeKubernetesProtobuf: bodies captured from kubectl 1.33', () => {
  const withDryRun = FIXTURE_COMMANDS.filter((c) => c.dryRun);

  it.each(withDryRun.map((c) => [c.name, c] as const))('%s equals the JSON kubectl prints with --dry-run=client -o json', (name) => {
    const expected = JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8')) as unknown;
    expect(decode(fixture(`${name}.pb`))).toEqual(expected);
  });

  it('create ns: zero scalars gogo writes on the wire are dropped, set-but-empty structs kept', () => {
    // The body carries generateName "", namespace "", uid "", generation 0, …: JSON must not.
    expect(decode(fixture('namespace.pb'))).toStrictEqual({
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: { name: 'x', creationTimestamp: null },
      spec: {},
      status: {},
    });
  });

  it('create secret: bytes are base64', () => {
    expect(decode(fixture('secret.pb'))).toMatchObject({ data: { k: 'dg==' } });
  });

  it('create token: fields without omitempty come out as null, as encoding/json writes them', () => {
    expect(decode(fixture('token.pb'))).toStrictEqual({
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { audiences: null, expirationSeconds: null, boundObjectRef: null },
      status: { token: '', expirationTimestamp: null },
    });
  });

  it('auth can-i get pods', () => {
    expect(decode(fixture('can-i.pb'))).toStrictEqual({
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' } },
      status: { allowed: false },
    });
  });

  it('auth whoami', () => {
    expect(decode(fixture('whoami.pb'))).toStrictEqual({
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      status: { userInfo: {} },
    });
  });

  it('every fixture decodes', () => {
    const names = readdirSync(fixtures).filter((f) => f.endsWith('.pb'));
    expect(names.length).toBe(FIXTURE_COMMANDS.length);
    for (const f of names) expect(decode(fixture(f))).toHaveProperty('kind');
  });
});

describe('decodeKubernetesProtobuf: apimachinery types', () => {
  it('Time as RFC 3339 seconds, MicroTime with microseconds, pointers set to zero kept', () => {
    const body = encode('coordination.k8s.io/v1', 'Lease', {
      metadata: { name: 'l', namespace: 'kube-system', creationTimestamp: { seconds: 1704164645n, nanos: 0 }, generation: 3n },
      spec: {
        holderIdentity: '',
        leaseDurationSeconds: 0,
        acquireTime: { seconds: 1704164645n, nanos: 123456789 },
        leaseTransitions: 2,
      },
    });
    expect(decode(body)).toStrictEqual({
      kind: 'Lease',
      apiVersion: 'coordination.k8s.io/v1',
      metadata: { name: 'l', namespace: 'kube-system', creationTimestamp: '2024-01-02T03:04:05Z', generation: 3 },
      spec: { holderIdentity: '', leaseDurationSeconds: 0, acquireTime: '2024-01-02T03:04:05.123456Z', leaseTransitions: 2 },
    });
  });

  it('Time before 1970 and MicroTime with negative nanos normalise as Go does', () => {
    const body = encode('coordination.k8s.io/v1', 'Lease', {
      metadata: { name: 'l', creationTimestamp: { seconds: -1n, nanos: 0 } },
      spec: { renewTime: { seconds: 10n, nanos: -1000 } },
    });
    expect(decode(body)).toMatchObject({
      metadata: { creationTimestamp: '1969-12-31T23:59:59Z' },
      spec: { renewTime: '1970-01-01T00:00:09.999999Z' },
    });
  });

  it('IntOrString as number or string, in plain and pointer fields', () => {
    const body = encode('v1', 'Service', {
      metadata: { name: 's' },
      spec: {
        ports: [
          { name: 'http', port: 80, targetPort: { type: 1n, strVal: 'web' } },
          { port: 443, targetPort: { type: 0n, intVal: 8443 }, nodePort: 0 },
        ],
      },
    });
    expect(decode(body)).toMatchObject({
      spec: { ports: [{ name: 'http', port: 80, targetPort: 'web' }, { port: 443, targetPort: 8443 }] },
    });
    const pdb = decode(encode('policy/v1', 'PodDisruptionBudget', { metadata: { name: 'p' }, spec: { minAvailable: { type: 1n, strVal: '50%' } } }));
    expect(pdb.spec).toStrictEqual({ minAvailable: '50%' });
  });

  it('Quantity maps, label selectors and list fields', () => {
    const body = encode('v1', 'ResourceQuota', {
      metadata: { name: 'q', labels: { b: '2', a: '1' } },
      spec: { hard: { cpu: { string: '1500m' }, 'requests.memory': { string: '1Gi' } }, scopes: ['BestEffort'] },
    });
    expect(decode(body)).toStrictEqual({
      kind: 'ResourceQuota',
      apiVersion: 'v1',
      metadata: { name: 'q', labels: { a: '1', b: '2' }, creationTimestamp: null },
      spec: { hard: { cpu: '1500m', 'requests.memory': '1Gi' }, scopes: ['BestEffort'] },
      status: {},
    });
  });

  it('bytes maps and binary values as standard base64; pointer bools set to false kept', () => {
    const body = encode('v1', 'Secret', {
      metadata: { name: 's' },
      data: { bin: new Uint8Array([0xff, 0x00, 0xfe]), empty: new Uint8Array(0) },
      immutable: false,
      type: 'Opaque',
    });
    expect(decode(body)).toStrictEqual({
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 's', creationTimestamp: null },
      immutable: false,
      data: { bin: '/wD+', empty: '' },
      type: 'Opaque',
    });
  });

  it('RawExtension: JSON raw parsed, protobuf raw decoded recursively', () => {
    const inner = encode('v1', 'ConfigMap', { metadata: { name: 'inner' }, data: { k: 'v' } });
    const asJson = encode('apps/v1', 'ControllerRevision', { metadata: { name: 'r1' }, data: { raw: json('{"spec":{"template":{"x":1}}}') }, revision: 7n });
    expect(decode(asJson)).toMatchObject({ data: { spec: { template: { x: 1 } } }, revision: 7 });
    const asProto = encode('apps/v1', 'ControllerRevision', { metadata: { name: 'r2' }, data: { raw: inner } });
    expect(decode(asProto).data).toStrictEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'inner', creationTimestamp: null }, data: { k: 'v' } });
    const absent = encode('apps/v1', 'ControllerRevision', { metadata: { name: 'r3' } });
    expect(decode(absent).data).toBeNull();
  });

  it('managedFields: FieldsV1 (proto field `Raw`) becomes the raw JSON document', () => {
    const body = encode('v1', 'ConfigMap', {
      metadata: {
        name: 'c',
        managedFields: [
          {
            manager: 'kubectl',
            operation: 'Apply',
            apiVersion: 'v1',
            time: { seconds: 1704164645n },
            fieldsType: 'FieldsV1',
            fieldsV1: { Raw: json('{"f:data":{"f:a":{}}}') },
          },
        ],
      },
    });
    expect((decode(body).metadata as Record<string, unknown>).managedFields).toStrictEqual([
      { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2024-01-02T03:04:05Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } },
    ]);
  });

  it('ExtraValue and Verbs (Go named slices wrapped in messages) become arrays', () => {
    const sar = decode(
      encode('authorization.k8s.io/v1', 'SubjectAccessReview', {
        spec: { user: 'u', groups: ['g1'], extra: { scopes: { items: ['a', 'b'] }, none: { items: [] } }, uid: 'id' },
      }),
    );
    expect(sar.spec).toStrictEqual({ user: 'u', groups: ['g1'], extra: { none: [], scopes: ['a', 'b'] }, uid: 'id' });
    const list = decode(encode('v1', 'APIResourceList', { groupVersion: 'v1', resources: [{ name: 'pods', namespaced: true, kind: 'Pod', verbs: { items: ['get', 'list'] } }, { name: 'x', kind: 'X' }] }));
    expect(list.resources).toStrictEqual([
      { name: 'pods', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'list'] },
      { name: 'x', singularName: '', namespaced: false, kind: 'X', verbs: null },
    ]);
  });

  it('inline embedded structs (Volume source, Probe handler, LocalObjectReference) merge into the parent', () => {
    const body = encode('v1', 'Pod', {
      metadata: { name: 'p' },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'nginx',
            livenessProbe: { handler: { httpGet: { path: '/healthz', port: { type: 0n, intVal: 8080 } } }, periodSeconds: 0, failureThreshold: 3 },
            env: [{ name: 'A', valueFrom: { configMapKeyRef: { localObjectReference: { name: 'cm' }, key: 'k' } } }],
          },
        ],
        volumes: [{ name: 'v', volumeSource: { configMap: { localObjectReference: { name: 'cm' }, defaultMode: 420 } } }],
      },
    });
    const spec = decode(body).spec as Record<string, unknown>;
    expect(spec.volumes).toStrictEqual([{ name: 'v', configMap: { name: 'cm', defaultMode: 420 } }]);
    expect(spec.containers).toStrictEqual([
      {
        name: 'c',
        image: 'nginx',
        env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }],
        resources: {},
        livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, failureThreshold: 3 },
      },
    ]);
  });

  it('JSON names that differ from the proto names (uID → uid, aPIGroup → apiGroup)', () => {
    const token = decode(encode('authentication.k8s.io/v1', 'TokenRequest', { spec: { audiences: ['a'], boundObjectRef: { kind: 'Pod', name: 'p', uID: 'u-1' } } }));
    expect((token.spec as Record<string, unknown>).boundObjectRef).toStrictEqual({ kind: 'Pod', name: 'p', uid: 'u-1' });
    const ic = decode(encode('networking.k8s.io/v1', 'IngressClass', { metadata: { name: 'i' }, spec: { controller: 'x', parameters: { aPIGroup: 'g', kind: 'K', name: 'n' } } }));
    // scope is a *string without omitempty: unset, Go writes null.
    expect(ic.spec).toStrictEqual({ controller: 'x', parameters: { apiGroup: 'g', kind: 'K', name: 'n', scope: null } });
  });

  it('int64 values are JSON numbers', () => {
    const job = decode(encode('batch/v1', 'Job', { metadata: { name: 'j', generation: 9007199254740991n }, spec: { activeDeadlineSeconds: 3600n, template: {} } }));
    expect(job.metadata).toMatchObject({ generation: 9007199254740991 });
    expect(job.spec).toMatchObject({ activeDeadlineSeconds: 3600 });
  });

  it('absent non-pointer structs come out as Go zero values; absent pointers are omitted or null', () => {
    expect(decode(encode('apps/v1', 'Deployment', { metadata: { name: 'd' }, spec: {} }))).toStrictEqual({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'd', creationTimestamp: null },
      spec: { selector: null, template: { metadata: { creationTimestamp: null }, spec: { containers: null } }, strategy: {} },
      status: {},
    });
  });

  it('Go durations format like time.Duration.String()', () => {
    const cases: Array<[bigint, string]> = [
      [0n, '0s'],
      [1n, '1ns'],
      [1_500n, '1.5µs'],
      [1_500_000n, '1.5ms'],
      [1_000_000_000n, '1s'],
      [61_500_000_000n, '1m1.5s'],
      [3_600_000_000_000n, '1h0m0s'],
      [-90_000_000_000n, '-1m30s'],
    ];
    for (const [ns, s] of cases) expect(decoder.goDuration(ns)).toBe(s);
  });
});

describe('decodeKubernetesProtobuf: malformed input', () => {
  const rejects = (body: Uint8Array, message: RegExp): void => {
    expect(() => decode(body)).toThrow(decoder.ProtobufDecodeError);
    expect(() => decode(body)).toThrow(message);
  };

  it('rejects bodies without the k8s\\0 prefix', () => {
    rejects(new Uint8Array(0), /k8s/);
    rejects(json('{"kind":"Namespace"}'), /prefix/);
  });

  it('rejects a truncated envelope or message', () => {
    const good = fixture('deployment.pb');
    rejects(good.subarray(0, 20), /malformed protobuf/);
    rejects(envelope('apps/v1', 'Deployment', new Uint8Array([0x0a, 0x50, 0x01])), /malformed protobuf Deployment/);
  });

  it('rejects unknown kinds, missing type meta, and compressed raw', () => {
    rejects(envelope('example.com/v1', 'Widget', new Uint8Array(0)), /no protobuf message is known for apiVersion "example.com\/v1", kind "Widget"/);
    rejects(envelope('', '', new Uint8Array(0)), /no apiVersion or kind/);
    rejects(envelope('v1', 'ConfigMap', new Uint8Array(0), { contentEncoding: 'gzip' }), /contentEncoding/);
  });

  it('rejects impossible IntOrString types and RawExtensions that hold neither JSON nor protobuf', () => {
    rejects(encode('policy/v1', 'PodDisruptionBudget', { spec: { minAvailable: { type: 7n } } }), /IntOrString/);
    rejects(encode('apps/v1', 'ControllerRevision', { data: { raw: json('not json') } }), /RawExtension/);
  });

  it('mutated and truncated kubectl bodies either decode or throw ProtobufDecodeError, nothing else', () => {
    const bodies = readdirSync(fixtures)
      .filter((f) => f.endsWith('.pb'))
      .map(fixture);
    let seed = 1;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    for (let i = 0; i < 1500; i++) {
      const body = (bodies[random(bodies.length)] ?? new Uint8Array()).slice();
      for (let j = 0; j <= random(4); j++) body[4 + random(body.length - 4)] = random(256);
      const cut = random(5) === 0 ? body.subarray(0, random(body.length)) : body;
      try {
        decode(cut);
      } catch (e) {
        expect(e).toBeInstanceOf(decoder.ProtobufDecodeError);
      }
    }
  });

  it('isKubernetesProtobuf matches the media type with parameters', () => {
    expect(decoder.isKubernetesProtobuf('application/vnd.kubernetes.protobuf')).toBe(true);
    expect(decoder.isKubernetesProtobuf('application/vnd.kubernetes.protobuf; charset=utf-8')).toBe(true);
    expect(decoder.isKubernetesProtobuf('application/json')).toBe(false);
    expect(decoder.isKubernetesProtobuf(undefined)).toBe(false);
  });
});

describe('generated tables', () => {
  it('map every kind of the imperative commands to a message', () => {
    for (const key of [
      'v1/Namespace',
      'v1/ConfigMap',
      'v1/Secret',
      'v1/ServiceAccount',
      'v1/Service',
      'v1/ResourceQuota',
      'apps/v1/Deployment',
      'batch/v1/Job',
      'batch/v1/CronJob',
      'rbac.authorization.k8s.io/v1/RoleBinding',
      'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
      'scheduling.k8s.io/v1/PriorityClass',
      'policy/v1/PodDisruptionBudget',
      'networking.k8s.io/v1/Ingress',
      'authentication.k8s.io/v1/TokenRequest',
      'authentication.k8s.io/v1/SelfSubjectReview',
      'authorization.k8s.io/v1/SelfSubjectAccessReview',
      'autoscaling/v2/HorizontalPodAutoscaler',
      'storage.k8s.io/v1/StorageClass',
      'discovery.k8s.io/v1/EndpointSlice',
      'apps/v1/DeleteOptions',
    ]) {
      const typeName = generated.kindTable[key];
      expect(typeName, key).toBeDefined();
      expect(generated.registry.getMessage(typeName ?? ''), key).toBeDefined();
    }
  });

  it('the decoder bundle compiles no code at run time and works inside workerd', async () => {
    const { build } = await import('esbuild');
    const out = await build({
      stdin: {
        contents: `import { decodeKubernetesProtobuf } from './functions/protobuf.ts';
export default {
  async fetch(request) {
    try {
      return Response.json(decodeKubernetesProtobuf(new Uint8Array(await request.arrayBuffer())));
    } catch (e) {
      return new Response(String(e), { status: 400 });
    }
  },
};`,
        resolveDir: root,
        loader: 'ts',
      },
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      write: false,
      logLevel: 'silent',
    });
    const script = out.outputFiles[0]?.text ?? '';
    expect(script).not.toMatch(/\beval\s*\(|new\s+Function\s*\(|(?<![\w.$])Function\s*\(/);

    const { Miniflare } = await import('miniflare');
    const mf = new Miniflare({ modules: true, script, compatibilityDate: '2025-01-01', cf: false });
    try {
      const res = await mf.dispatchFetch('http://flotilla.test/', { method: 'POST', body: fixture('deployment.pb') });
      expect(res.status).toBe(200);
      const expected = JSON.parse(readFileSync(join(fixtures, 'deployment.json'), 'utf8')) as unknown;
      expect(await res.json()).toEqual(expected);
      const bad = await mf.dispatchFetch('http://flotilla.test/', { method: 'POST', body: 'nope' });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain('ProtobufDecodeError');
    } finally {
      await mf.dispose();
    }
  }, 60_000);
});

// Live: the real client against a capture server. kubectl is part of the suite's set-up
// (.ci/run installs it), so its absence is a failure, not a skip.
const kubectl = findKubectl133();
describe('decodeKubernetesProtobuf: live kubectl 1.33', () => {
  beforeAll(() => {
    if (!kubectl) throw new Error('kubectl 1.33 was not found (kubectl.1.33 beside the kubectl on PATH, or kubectl itself at 1.33)');
  });
  const all: FixtureCommand[] = [...FIXTURE_COMMANDS, ...EXTRA_COMMANDS];

  it('decodes what every imperative command sends to the JSON it would have sent', async () => {
    const bin = kubectl ?? '';
    const runs = await captureKubectl(
      bin,
      all.map((c) => c.args),
      4,
    );
    const expected = await inPool(all, 4, (c) => (c.dryRun ? dryRunJson(bin, c.args) : Promise.resolve(undefined)));
    const failures: string[] = [];
    for (const [i, c] of all.entries()) {
      const run = runs[i];
      const post = run?.requests.find((r) => r.method === 'POST');
      if (!run || run.exitCode !== 0 || !post) {
        failures.push(`${c.name}: kubectl exit ${run?.exitCode}, ${run?.stderr}`);
        continue;
      }
      expect(post.contentType, c.name).toBe('application/vnd.kubernetes.protobuf');
      const got = decode(post.body);
      if (c.dryRun) expect(got, c.name).toEqual(expected[i]);
      else expect(got.kind, c.name).toMatch(/^(TokenRequest|SelfSubjectAccessReview|SelfSubjectReview)$/);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
