import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from './api-helpers.js';

/**
 * Hostile and random input against admission, the patch code and query parsing: whatever
 * arrives, the answer is never a 500, an error is a Status with its code, and a refused
 * write leaves the store exactly as it was (the global revision does not move).
 */

let api: TestApi;
let saToken = '';
let tried = 0;
const codes = new Map<number, number>();

beforeAll(async () => {
  api = await startApi({ limits: { rate: false } });
  await api.req('POST', '/api/v1/namespaces', { metadata: { name: 'fuzz' } });
  await api.req('POST', '/api/v1/namespaces/fuzz/serviceaccounts', { metadata: { name: 'bot' } });
  await api.req('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/fuzz/rolebindings', {
    metadata: { name: 'bot-edit' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    subjects: [{ kind: 'ServiceAccount', name: 'bot', namespace: 'fuzz' }],
  });
  saToken = (await api.json('POST', '/api/v1/namespaces/fuzz/serviceaccounts/bot/token', { spec: {} })).body.status.token;
}, 60_000);
afterAll(() => {
  const summary = [...codes.entries()].sort(([a], [b]) => a - b).map(([c, n]) => `${c}×${n}`).join(' ');
  console.log(`security fuzz: ${tried} inputs tried (${summary})`);
  api.close();
});

interface Sent {
  status: number;
  body: unknown;
  text: string;
}

async function send(method: string, path: string, body: string | undefined, contentType: string, token?: string): Promise<Sent> {
  tried++;
  const headers: Record<string, string> = { authorization: `Bearer ${token ?? 'test-admin-token'}`, 'content-type': contentType };
  const res = await api.app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  codes.set(res.status, (codes.get(res.status) ?? 0) + 1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text };
}

/** What Object.prototype looks like before any input: a `__proto__` key must never add to it. */
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

function expectSane(r: Sent, what: string): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort().join(','), `${what} polluted Object.prototype`).toBe(prototypeKeys);
  expect(r.status, `${what} → ${r.text.slice(0, 300)}`).not.toBe(500);
  expect(r.status, what).toBeLessThan(500);
  if (r.status >= 400 && r.body !== undefined) {
    expect(r.body, what).toMatchObject({ kind: 'Status', status: 'Failure', code: r.status });
  }
}

/** A write that is refused must not move the revision; an accepted one may. */
async function writeAndCheck(method: string, path: string, body: string, contentType: string, token?: string): Promise<Sent> {
  const before = await api.store.currentRevision();
  const r = await send(method, path, body, contentType, token);
  expectSane(r, `${method} ${path} ${contentType} ${body.slice(0, 200)}`);
  if (r.status >= 400) expect(await api.store.currentRevision(), `refused ${method} ${path} wrote`).toBe(before);
  return r;
}

// ---- generators ----

const json = fc.jsonValue({ maxDepth: 4 });
const key = fc.oneof(fc.constantFrom('metadata', 'spec', 'status', 'data', 'stringData', 'apiVersion', 'kind', 'rules', 'roleRef', 'subjects', 'type', 'name', 'labels', 'annotations', 'namespace', 'finalizers', 'replicas', 'template', 'containers', 'ownerReferences', 'resourceVersion', 'uid', 'generateName', 'deletionTimestamp', '__proto__', 'constructor', '$patch', '$retainKeys'), fc.string({ maxLength: 12 }));

const bases: Record<string, { path: string; kind: string; apiVersion: string; body: Record<string, unknown> }> = {
  configmap: { path: '/api/v1/namespaces/fuzz/configmaps', kind: 'ConfigMap', apiVersion: 'v1', body: { data: { a: 'b' } } },
  secret: { path: '/api/v1/namespaces/fuzz/secrets', kind: 'Secret', apiVersion: 'v1', body: { stringData: { p: 'hunter2' }, type: 'Opaque' } },
  deployment: {
    path: '/apis/apps/v1/namespaces/fuzz/deployments',
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    body: { spec: { replicas: 2, selector: { matchLabels: { app: 'w' } }, template: { metadata: { labels: { app: 'w' } }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }] } } } },
  },
  role: {
    path: '/apis/rbac.authorization.k8s.io/v1/namespaces/fuzz/roles',
    kind: 'Role',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    body: { rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] },
  },
  rolebinding: {
    path: '/apis/rbac.authorization.k8s.io/v1/namespaces/fuzz/rolebindings',
    kind: 'RoleBinding',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    body: { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'u' }] },
  },
  namespace: { path: '/api/v1/namespaces', kind: 'Namespace', apiVersion: 'v1', body: {} },
  service: { path: '/api/v1/namespaces/fuzz/services', kind: 'Service', apiVersion: 'v1', body: { spec: { ports: [{ port: 80 }], selector: { app: 'w' } } } },
};

/** An own property even for `__proto__`, so the key reaches the server and the test's own objects stay plain. */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  // An array's `length` cannot be redefined (and JSON would not carry it): such a mutation is skipped.
  if (Object.getOwnPropertyDescriptor(o, k)?.configurable === false) return;
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** Sets `value` at a random path of `obj` (creating objects on the way), or deletes the key when value is undefined. */
function mutate(obj: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const out = structuredClone(obj);
  let cur: Record<string, unknown> = out;
  for (const k of path.slice(0, -1)) {
    const next = Object.hasOwn(cur, k) ? cur[k] : undefined;
    if (typeof next !== 'object' || next === null) setOwn(cur, k, {});
    const stepped = cur[k];
    // A path through something that cannot hold keys (an array's length) leaves the object as it was.
    if (typeof stepped !== 'object' || stepped === null) return out;
    cur = stepped as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete cur[last];
  else setOwn(cur, last, value);
  return out;
}

const manifest = fc
  .record({
    base: fc.constantFrom(...Object.keys(bases)),
    name: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), fc.string({ maxLength: 70 })),
    mutations: fc.array(fc.tuple(fc.array(key, { minLength: 1, maxLength: 4 }), fc.option(json, { nil: undefined })), { maxLength: 4 }),
  })
  .map(({ base, name, mutations }) => {
    const b = bases[base]!;
    let obj: Record<string, unknown> = { apiVersion: b.apiVersion, kind: b.kind, metadata: { name }, ...structuredClone(b.body) };
    for (const [path, value] of mutations) obj = mutate(obj, path, value);
    return { path: b.path, body: JSON.stringify(obj) };
  });

const pointer = fc.oneof(
  fc.constantFrom(
    '', '/', '/metadata', '/metadata/name', '/metadata/namespace', '/metadata/labels', '/metadata/labels/x', '/metadata/uid',
    '/metadata/resourceVersion', '/metadata/finalizers', '/metadata/finalizers/-', '/metadata/deletionTimestamp', '/spec', '/spec/replicas',
    '/spec/template/spec/containers/0/image', '/spec/template/spec/containers/-', '/spec/template/spec/containers/5', '/status', '/kind',
    '/apiVersion', '/data', '/data/a', '/metadata/ownerReferences', '/metadata/ownerReferences/0', '/spec/selector/matchLabels/app',
  ),
  fc.array(key, { minLength: 1, maxLength: 4 }).map((p) => `/${p.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`),
  fc.string({ maxLength: 20 }),
);
const op = fc.oneof(
  fc.record({ op: fc.constantFrom('add', 'replace', 'test'), path: pointer, value: json }),
  fc.record({ op: fc.constant('remove'), path: pointer }),
  fc.record({ op: fc.constantFrom('move', 'copy'), from: pointer, path: pointer }),
  fc.record({ op: fc.string({ maxLength: 8 }), path: pointer, value: json }),
  json,
);
const jsonPatch = fc.oneof({ weight: 5, arbitrary: fc.array(op, { maxLength: 6 }) }, { weight: 1, arbitrary: json });
const mergePatch = fc.oneof(
  fc.dictionary(key, fc.oneof(json, fc.dictionary(key, json, { maxKeys: 4 })), { maxKeys: 5 }),
  json,
);

describe('security fuzzing', () => {
  it('__proto__ keys in bodies and patches pollute nothing', async () => {
    await api.req('POST', '/api/v1/namespaces/fuzz/configmaps', { metadata: { name: 'proto' }, data: { a: 'b' } });
    const bodies = ['{"__proto__":{"polluted":"yes"}}', '{"metadata":{"__proto__":{"polluted":"yes"}},"data":{"__proto__":{"polluted":"yes"}}}', '{"constructor":{"prototype":{"polluted":"yes"}}}'];
    for (const body of bodies) {
      for (const ct of ['application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml']) {
        expectSane(await send('PATCH', '/api/v1/namespaces/fuzz/configmaps/proto?fieldManager=fuzz', body, ct), `${ct} ${body}`);
      }
      expectSane(await send('PATCH', '/api/v1/namespaces/fuzz/configmaps/proto', `[{"op":"add","path":"/__proto__/polluted","value":"yes"}]`, 'application/json-patch+json'), 'json patch');
      expectSane(await send('POST', '/api/v1/namespaces/fuzz/configmaps', body.replace('{', '{"metadata":{"name":"p2"},'), 'application/json'), body);
      expectSane(await send('POST', '/api/v1/namespaces/fuzz/configmaps', body.replace('{', '{"metadata":{"name":"p3"},'), 'application/yaml'), body);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('random and mutated manifests: no 500, refused creates write nothing', async () => {
    await fc.assert(
      fc.asyncProperty(manifest, fc.boolean(), fc.constantFrom('application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', 'text/plain'), async (m, asSa, ct) => {
        // JSON is valid YAML; as protobuf it is garbage, which must be a 400 too.
        await writeAndCheck('POST', m.path, m.body, ct, asSa ? saToken : undefined);
      }),
      { numRuns: 500 },
    );
  }, 60_000);

  it('protobuf envelopes with random contents', async () => {
    const magic = [0x6b, 0x38, 0x73, 0x00];
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.boolean(), fc.constantFrom(...Object.values(bases).map((b) => b.path)), async (bytes, prefixed, path) => {
        tried++;
        const body = prefixed ? new Uint8Array([...magic, ...bytes]) : bytes;
        const before = await api.store.currentRevision();
        const res = await api.app.request(path, { method: 'POST', headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/vnd.kubernetes.protobuf' }, body: body as BodyInit });
        const text = await res.text();
        codes.set(res.status, (codes.get(res.status) ?? 0) + 1);
        expect(res.status, text.slice(0, 300)).toBeLessThan(500);
        if (res.status >= 400) expect(await api.store.currentRevision()).toBe(before);
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it('Secret values never come back in an error, however the body is broken', async () => {
    const MARK = 'S3cr3tMark';
    const marked = fc.oneof(fc.constant(MARK), fc.constant(Buffer.from(MARK).toString('base64')), fc.constant(`${MARK}!!`), fc.constant(`${MARK}\n`));
    const secretValue = fc.oneof(marked, fc.tuple(marked, json).map(([m, j]) => ({ [m]: j })), fc.array(marked, { maxLength: 2 }));
    const body = fc.record({
      where: fc.constantFrom('data', 'stringData'),
      key: fc.oneof(fc.constantFrom('password', 'token', 'bad key', '..'), fc.string({ maxLength: 8 })),
      value: secretValue,
      type: fc.option(fc.oneof(fc.constantFrom('Opaque', 'kubernetes.io/service-account-token', 'bootstrap.kubernetes.io/token'), json), { nil: undefined }),
      broken: fc.constantFrom('none', 'truncate', 'unquote', 'yaml'),
      extra: fc.array(fc.tuple(fc.array(key, { minLength: 1, maxLength: 3 }), json), { maxLength: 2 }),
    });
    const leaked = (text: string) => text.includes(MARK) || text.includes(Buffer.from(MARK).toString('base64'));
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('POST', 'PATCH', 'PUT'), async (b, method) => {
        let obj: Record<string, unknown> = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'leaky' }, [b.where]: { [b.key]: b.value } };
        if (b.type !== undefined) obj.type = b.type;
        for (const [path, value] of b.extra) obj = mutate(obj, path, value);
        let text = JSON.stringify(obj);
        if (b.broken === 'truncate') text = text.slice(0, text.indexOf(MARK) + MARK.length + 3);
        if (b.broken === 'unquote') text = text.replace(`"${MARK}`, MARK);
        if (b.broken === 'yaml') text = `data:\n  ${b.key}: [${MARK}\n  - {`;
        const path = method === 'POST' ? '/api/v1/namespaces/fuzz/secrets' : '/api/v1/namespaces/fuzz/secrets/patched-secret';
        const ct = b.broken === 'yaml' ? 'application/yaml' : method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
        const r = await writeAndCheck(method, path, text, ct);
        if (r.status >= 400) expect(leaked(r.text), `${method} ${text.slice(0, 200)} → ${r.text.slice(0, 300)}`).toBe(false);
        if (r.status === 201) await api.req('DELETE', '/api/v1/namespaces/fuzz/secrets/leaky');
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('raw garbage bodies and bodies that are not objects', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 200 }), json.map((j) => JSON.stringify(j))), fc.constantFrom(...Object.values(bases).map((b) => b.path)), async (body, path) => {
        await writeAndCheck('POST', path, body, 'application/json');
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it('JSON, merge and strategic merge patches: no 500, a refused patch leaves the object as it was', async () => {
    const targets = [
      ['/apis/apps/v1/namespaces/fuzz/deployments', 'patched-web', bases.deployment!],
      ['/api/v1/namespaces/fuzz/configmaps', 'patched-cm', bases.configmap!],
      ['/api/v1/namespaces/fuzz/secrets', 'patched-secret', bases.secret!],
      ['/apis/rbac.authorization.k8s.io/v1/namespaces/fuzz/rolebindings', 'patched-rb', bases.rolebinding!],
    ] as const;
    for (const [path, name, b] of targets) {
      const r = await api.req('POST', path, { apiVersion: b.apiVersion, kind: b.kind, metadata: { name }, ...b.body });
      expect(r.status).toBe(201);
    }
    const patchKinds = [
      ['application/json-patch+json', jsonPatch],
      ['application/merge-patch+json', mergePatch],
      ['application/strategic-merge-patch+json', mergePatch],
      ['application/apply-patch+yaml', mergePatch],
    ] as const;
    for (const [ct, gen] of patchKinds) {
      await fc.assert(
        fc.asyncProperty(gen, fc.constantFrom(...targets), fc.constantFrom('', '/status', '/scale'), fc.boolean(), async (patch, [path, name], sub, asSa) => {
          const url = `${path}/${name}${path.includes('deployments') ? sub : ''}${ct.startsWith('application/apply') ? '?fieldManager=fuzz&force=true' : ''}`;
          const before = (await api.json('GET', `${path}/${name}`)).body;
          const r = await writeAndCheck('PATCH', url, JSON.stringify(patch), ct, asSa ? saToken : undefined);
          if (r.status >= 400) {
            const after = (await api.json('GET', `${path}/${name}`)).body;
            expect(after).toEqual(before);
          } else if (r.status === 200 && !url.endsWith('/scale')) {
            // A patch may change the object, never its identity.
            const after = (await api.json('GET', `${path}/${name}`)).body;
            expect(after.metadata.uid).toBe((before as any).metadata.uid);
            expect(after.metadata.name).toBe(name);
          }
          // Secrets never show their values in an error.
          if (r.status >= 400) expect(r.text).not.toContain('aHVudGVyMg==');
        }),
        { numRuns: 250 },
      );
    }
  }, 60_000);

  it('query strings and paths: no 500 on reads, lists, deletes and reviews', async () => {
    const value = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('', '0', '-1', '1', '99999999999999999999', 'true', 'All', 'Foreground', 'Orphan', 'a=b', 'a in (b,c)', '!a', 'metadata.name=x', 'a,b', 'x=', '=x', 'None', 'Metadata', 'Object'));
    const param = fc.tuple(
      fc.constantFrom('labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'resourceVersionMatch', 'dryRun', 'propagationPolicy', 'gracePeriodSeconds', 'includeObject', 'fieldManager', 'fieldValidation', 'orphanDependents', 'timeoutSeconds', 'allowWatchBookmarks', 'pretty', 'force'),
      value,
    );
    const segment = fc.oneof(fc.constantFrom('api', 'apis', 'v1', 'apps', 'namespaces', 'fuzz', 'configmaps', 'secrets', 'deployments', 'status', 'scale', 'token', 'watch', 'finalize', '..', '%2F', 'rbac.authorization.k8s.io', 'default', 'cm', 'web'), fc.string({ maxLength: 10 }));
    const path = fc.oneof(
      fc.constantFrom('/api/v1/namespaces/fuzz/configmaps', '/apis/apps/v1/namespaces/fuzz/deployments', '/api/v1/namespaces', '/api/v1/secrets', '/apis/apps/v1/deployments'),
      fc.array(segment, { minLength: 1, maxLength: 7 }).map((s) => `/${s.map((x) => encodeURIComponent(x)).join('/')}`),
    );
    await fc.assert(
      fc.asyncProperty(path, fc.array(param, { maxLength: 4 }), fc.constantFrom('GET', 'DELETE', 'HEAD', 'OPTIONS'), fc.boolean(), async (p, params, method, asSa) => {
        const qs = new URLSearchParams(params);
        const before = await api.store.currentRevision();
        const r = await send(method, `${p}?${qs}`, undefined, 'application/json', asSa ? saToken : undefined);
        expectSane(r, `${method} ${p}?${qs}`);
        if (r.status >= 400) expect(await api.store.currentRevision()).toBe(before);
      }),
      { numRuns: 600 },
    );
  }, 60_000);
});
