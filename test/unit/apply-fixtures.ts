// A small hand-written slice of upstream's OpenAPI definitions (same shape and x-kubernetes-*
// metadata as swagger.json) for the server-side apply unit tests.
import { indexByGroupVersionKind, type SchemaNode } from '../../shared/openapi/schema.js';
import type { KindSchema } from '../../shared/apply/index.js';

const ref = (name: string): SchemaNode => ({ $ref: `#/definitions/${name}` });
const str: SchemaNode = { type: 'string' };
const int: SchemaNode = { type: 'integer', format: 'int32' };
const stringMap: SchemaNode = { type: 'object', additionalProperties: { type: 'string', default: '' } };

const definitions: Record<string, SchemaNode> = {
  ObjectMeta: {
    type: 'object',
    properties: {
      name: str,
      namespace: str,
      uid: str,
      resourceVersion: str,
      generation: { type: 'integer', format: 'int64' },
      creationTimestamp: str,
      labels: stringMap,
      annotations: stringMap,
      finalizers: { type: 'array', items: { type: 'string', default: '' }, 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
      managedFields: { type: 'array', items: ref('ManagedFieldsEntry') },
    },
  },
  ManagedFieldsEntry: { type: 'object', properties: { manager: str, operation: str, apiVersion: str, time: str, fieldsType: str, fieldsV1: ref('FieldsV1'), subresource: str } },
  FieldsV1: { type: 'object' },
  Deployment: {
    type: 'object',
    properties: { apiVersion: str, kind: str, metadata: ref('ObjectMeta'), spec: ref('DeploymentSpec'), status: ref('DeploymentStatus') },
    'x-kubernetes-group-version-kind': [{ group: 'apps', version: 'v1', kind: 'Deployment' }],
  },
  DeploymentSpec: {
    type: 'object',
    properties: { replicas: int, paused: { type: 'boolean' }, selector: ref('LabelSelector'), template: ref('PodTemplateSpec'), strategy: ref('DeploymentStrategy') },
  },
  DeploymentStatus: { type: 'object', properties: { replicas: int, readyReplicas: int, observedGeneration: int } },
  DeploymentStrategy: { type: 'object', properties: { type: str, rollingUpdate: ref('RollingUpdateDeployment') } },
  RollingUpdateDeployment: { type: 'object', properties: { maxSurge: ref('IntOrString'), maxUnavailable: ref('IntOrString') } },
  IntOrString: { type: 'string', format: 'int-or-string' },
  LabelSelector: { type: 'object', properties: { matchLabels: stringMap }, 'x-kubernetes-map-type': 'atomic' },
  PodTemplateSpec: { type: 'object', properties: { metadata: ref('ObjectMeta'), spec: ref('PodSpec') } },
  PodSpec: {
    type: 'object',
    properties: {
      containers: { type: 'array', items: ref('Container'), 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' },
      tolerations: { type: 'array', items: ref('Toleration'), 'x-kubernetes-list-type': 'atomic' },
      nodeSelector: { ...stringMap, 'x-kubernetes-map-type': 'atomic' },
    },
  },
  Toleration: { type: 'object', properties: { key: str, operator: str, effect: str } },
  Container: {
    type: 'object',
    properties: {
      name: str,
      image: str,
      args: { type: 'array', items: str, 'x-kubernetes-list-type': 'atomic' },
      ports: {
        type: 'array',
        items: ref('ContainerPort'),
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
        'x-kubernetes-patch-merge-key': 'containerPort',
        'x-kubernetes-patch-strategy': 'merge',
      },
      env: { type: 'array', items: ref('EnvVar'), 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' },
    },
  },
  ContainerPort: { type: 'object', properties: { containerPort: int, protocol: { type: 'string', default: 'TCP' }, name: str } },
  EnvVar: { type: 'object', properties: { name: str, value: str } },
  ConfigMap: {
    type: 'object',
    properties: { apiVersion: str, kind: str, metadata: ref('ObjectMeta'), data: stringMap },
    'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'ConfigMap' }],
  },
};

export const schemaSet = indexByGroupVersionKind(definitions);

export function kindSchema(kind: 'Deployment' | 'ConfigMap'): KindSchema {
  return { set: schemaSet, root: schemaSet.definitions[kind]! };
}

/** A Deployment manifest as a user writes it. */
export function deployment(overrides: { replicas?: number; image?: string; labels?: Record<string, string>; containers?: unknown[] } = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', ...(overrides.labels ? { labels: overrides.labels } : {}) },
    spec: {
      ...(overrides.replicas !== undefined ? { replicas: overrides.replicas } : {}),
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: overrides.containers ?? [{ name: 'nginx', image: overrides.image ?? 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
      },
    },
  };
}
