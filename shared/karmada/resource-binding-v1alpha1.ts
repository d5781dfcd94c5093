import { z } from 'zod';
import type { KubeObject } from '../object.js';
import {
  apiVersionField,
  condition,
  int32,
  karmadaDefinition,
  kindField,
  objectMeta,
  rawObject,
  registerKind,
  resourceList,
} from './common.js';
import { WORK_GROUP } from './resource-binding.js';

/**
 * work.karmada.io/v1alpha1 ResourceBinding and ClusterResourceBinding: the old shape, still
 * served. Conversion follows Karmada's webhook: the reference, replica needs, clusters,
 * conditions and per-cluster status are copied; what only v1alpha2 has cannot be written
 * through v1alpha1 (as in Karmada, a v1alpha1 update drops it).
 */

export const BINDING_V1ALPHA1 = 'v1alpha1';

const specV1alpha1 = z.object({
  resource: z
    .object({
      apiVersion: z.string().describe('The API version of the referent.'),
      kind: z.string().describe('The kind of the referent.'),
      namespace: z.string().optional().describe('The namespace of the referent; empty for cluster-scoped resources.'),
      name: z.string().describe('The name of the referent.'),
      resourceVersion: z.string().optional().describe('The resourceVersion of the referent the binding was made from.'),
      replicaResourceRequirements: resourceList.optional().describe('Resources one replica requests.'),
      replicas: int32().optional().describe('How many replicas the template wants.'),
    })
    .describe('The resource template this binding is for, with its replica needs.'),
  clusters: z
    .array(
      z.object({
        name: z.string().describe('The member cluster.'),
        replicas: int32().optional().describe('How many replicas go to that cluster.'),
      }),
    )
    .optional()
    .describe('The scheduling result: the member clusters and their replicas.'),
});

const statusV1alpha1 = z.object({
  conditions: z.array(condition).optional().describe('The observations of the binding.'),
  aggregatedStatus: z
    .array(
      z.object({
        clusterName: z.string().describe('The member cluster.'),
        status: rawObject('The status of the resource in that cluster.').optional(),
        applied: z.boolean().optional().describe('Whether the resource was applied to that cluster.'),
        appliedMessage: z.string().optional().describe('Why applying failed, when it did.'),
      }),
    )
    .optional()
    .describe('The status of the resource in each member cluster.'),
});

const bindingV1alpha1 = (kind: string) =>
  registerKind(
    z
      .object({
        apiVersion: apiVersionField,
        kind: kindField,
        metadata: objectMeta,
        spec: specV1alpha1.describe(`The desired state of the ${kind}.`),
        status: statusV1alpha1.optional().describe(`The observed state of the ${kind}.`),
      })
      .describe(`${kind} (v1alpha1, served by conversion from v1alpha2).`),
    karmadaDefinition('work', BINDING_V1ALPHA1, kind),
  );

export const resourceBindingV1alpha1 = bindingV1alpha1('ResourceBinding');
export const clusterResourceBindingV1alpha1 = bindingV1alpha1('ClusterResourceBinding');

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Copies the named keys that are present, in that order. */
function pick(src: unknown, keys: readonly string[]): Obj | undefined {
  if (!isObj(src)) return undefined;
  const out: Obj = {};
  for (const k of keys) if (src[k] !== undefined) out[k] = structuredClone(src[k]);
  return out;
}

const referenceKeys = ['apiVersion', 'kind', 'namespace', 'name', 'resourceVersion'] as const;

/** v1alpha2 keeps replica needs beside the reference; v1alpha1 kept them inside it. */
function specToV1alpha1(spec: unknown): Obj {
  const s = isObj(spec) ? spec : {};
  const resource = pick(s.resource, referenceKeys) ?? {};
  const request = isObj(s.replicaRequirements) ? s.replicaRequirements.resourceRequest : undefined;
  if (request !== undefined) resource.replicaResourceRequirements = structuredClone(request);
  if (s.replicas !== undefined) resource.replicas = s.replicas;
  const out: Obj = { resource };
  if (Array.isArray(s.clusters)) out.clusters = s.clusters.map((c) => pick(c, ['name', 'replicas']) ?? {});
  return out;
}

function specFromV1alpha1(spec: unknown): Obj {
  const s = isObj(spec) ? spec : {};
  const ref = isObj(s.resource) ? s.resource : {};
  const out: Obj = { resource: pick(ref, referenceKeys) ?? {} };
  if (ref.replicaResourceRequirements !== undefined) {
    out.replicaRequirements = { resourceRequest: structuredClone(ref.replicaResourceRequirements) };
  }
  if (ref.replicas !== undefined) out.replicas = ref.replicas;
  if (Array.isArray(s.clusters)) out.clusters = s.clusters.map((c) => pick(c, ['name', 'replicas']) ?? {});
  return out;
}

function convertStatus(status: unknown, itemKeys: readonly string[]): Obj | undefined {
  if (!isObj(status)) return undefined;
  const out: Obj = {};
  if (status.conditions !== undefined) out.conditions = structuredClone(status.conditions);
  if (Array.isArray(status.aggregatedStatus)) {
    out.aggregatedStatus = status.aggregatedStatus.map((i) => pick(i, itemKeys) ?? {});
  }
  return out;
}

const v1alpha1ItemKeys = ['clusterName', 'status', 'applied', 'appliedMessage'] as const;

/** v1alpha2 (stored) → v1alpha1. */
export function bindingToV1alpha1(obj: KubeObject): KubeObject {
  const { spec, status, ...rest } = obj;
  const out: KubeObject = { ...structuredClone(rest), apiVersion: `${WORK_GROUP}/${BINDING_V1ALPHA1}`, spec: specToV1alpha1(spec) };
  const st = convertStatus(status, v1alpha1ItemKeys);
  if (st) out.status = st;
  return out;
}

/** v1alpha1 → v1alpha2 (stored). */
export function bindingFromV1alpha1(obj: KubeObject): KubeObject {
  const { spec, status, ...rest } = obj;
  const out: KubeObject = { ...structuredClone(rest), apiVersion: `${WORK_GROUP}/v1alpha2`, spec: specFromV1alpha1(spec) };
  const st = convertStatus(status, v1alpha1ItemKeys);
  if (st) out.status = st;
  return out;
}
