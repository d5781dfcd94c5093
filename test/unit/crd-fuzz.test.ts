import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateAgainstSchema } from '../../shared/crd/validation.js';
import { cronTabCrd } from '../fixtures/crd/crontab.js';

const schema = cronTabCrd().spec.versions[0].schema.openAPIV3Schema;
import { startApi, type TestApi } from './api-helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
  expect((await api.json('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', cronTabCrd())).status).toBe(201);
});
afterAll(() => api.close());

/** Every path into a JSON value, so a mutation can land anywhere in it. */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

function replaced(v: unknown, at: (string | number)[], value: unknown): unknown {
  if (at.length === 0) return value;
  const copy: any = structuredClone(v);
  let cur = copy;
  for (const p of at.slice(0, -1)) cur = cur[p];
  cur[at[at.length - 1]!] = value;
  return copy;
}

/** A document with one value (anywhere) replaced by arbitrary JSON. */
function mutated(doc: unknown): fc.Arbitrary<unknown> {
  const all = paths(doc).filter((p) => p.length > 0);
  return fc.tuple(fc.constantFrom(...all), fc.jsonValue({ maxDepth: 3 })).map(([p, value]) => replaced(doc, p, value));
}

describe('CRD and custom resource inputs never break the server', () => {
  it('mutated CRDs are refused (400/422) or created, never 500', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(mutated(cronTabCrd({ plural: 'fuzzes', kind: 'Fuzz', shortNames: ['fz'] })), async (body) => {
        const res = await api.json('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions?dryRun=All', body);
        expect(res.status, JSON.stringify(res.body)).not.toBe(500);
        expect([201, 400, 403, 409, 422]).toContain(res.status);
        n++;
      }),
      { numRuns: 300 },
    );
    expect(n).toBe(300);
  });

  it('mutated custom resources are refused or stored, never 500, and what is stored validates', async () => {
    const cr = { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'fuzz' }, spec: { cronSpec: '* * * * *', image: 'x', replicas: 2, labels: { a: 'b' } }, status: { replicas: 1 } };
    await fc.assert(
      fc.asyncProperty(mutated(cr), async (body) => {
        const res = await api.json('POST', '/apis/stable.example.com/v1/namespaces/default/crontabs?dryRun=All', body);
        expect(res.status, JSON.stringify(res.body)).not.toBe(500);
        if (res.status === 201) expect(validateAgainstSchema(schema, res.body)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
