import { z } from 'zod';
import {
  apiVersionField,
  clusterAffinity,
  karmadaDefinition,
  kindField,
  objectMeta,
  registerKind,
  resourceSelector,
} from './common.js';
import { POLICY_VERSION } from './propagation-policy.js';

/** policy.karmada.io/v1alpha1 OverridePolicy and ClusterOverridePolicy: per-cluster changes to propagated resources. */

export const overriderOperators = ['add', 'remove', 'replace'] as const;
export const commandArgsOperators = ['add', 'remove'] as const;
export const imageComponents = ['Registry', 'Repository', 'Tag'] as const;
export type OverriderOperator = (typeof overriderOperators)[number];

/** apiextensionsv1.JSON: any JSON value. */
const jsonValue = (description: string) => z.unknown().meta({ 'x-kubernetes-preserve-unknown-fields': true, description });

export const plaintextOverrider = z.object({
  path: z.string().describe('A JSON pointer (RFC 6901) to the field to change, e.g. /spec/replicas.'),
  operator: z.enum(overriderOperators).describe('add, remove or replace, as in a JSON patch.'),
  value: jsonValue('The value to add or replace with; must be empty for remove.').optional(),
});

export const imageOverrider = z.object({
  predicate: z
    .object({
      path: z.string().describe('A JSON pointer to the image field, e.g. /spec/template/spec/containers/0/image.'),
    })
    .optional()
    .describe(
      'Which image field to change. When unset, every container image of a Pod, ReplicaSet, Deployment, DaemonSet, StatefulSet or Job.',
    ),
  component: z
    .enum(imageComponents)
    .describe('The part of the image reference to change: Registry, Repository or Tag (of [registry/]repository[:tag|@digest]).'),
  operator: z.enum(overriderOperators).describe('add, remove or replace the component.'),
  value: z.string().optional().describe('The new component; ignored for remove.'),
});

export const commandArgsOverrider = (what: string) =>
  z.object({
    containerName: z.string().describe('The container whose ' + what + ' changes.'),
    operator: z.enum(commandArgsOperators).describe(`add appends the items to the ${what}; remove deletes matching items.`),
    value: z.array(z.string()).optional().describe(`The ${what} items to add or remove.`),
  });

export const labelAnnotationOverrider = (what: string) =>
  z.object({
    operator: z.enum(overriderOperators).describe(`add, remove or replace the ${what}.`),
    value: z
      .record(z.string(), z.string())
      .optional()
      .describe(`The ${what} to add, remove (by key) or replace.`),
  });

const patchOperation = (format: string) =>
  z.object({
    subPath: z.string().describe(`A JSON pointer inside the ${format} document, e.g. /db/host.`),
    operator: z.enum(overriderOperators).describe('add, remove or replace.'),
    value: jsonValue('The value to add or replace with; must be empty for remove.').optional(),
  });

export const fieldOverrider = z.object({
  fieldPath: z
    .string()
    .describe('A JSON pointer to a string field holding JSON or YAML, e.g. /data/db-config.yaml.'),
  json: z
    .array(patchOperation('JSON'))
    .optional()
    .describe('Changes to a JSON-encoded field. Exactly one of json and yaml.'),
  yaml: z
    .array(patchOperation('YAML'))
    .optional()
    .describe('Changes to a YAML-encoded field. Exactly one of json and yaml.'),
});

export const overriders = z.object({
  plaintext: z.array(plaintextOverrider).optional().describe('JSON-patch style changes; applied last.'),
  imageOverrider: z.array(imageOverrider).optional().describe('Changes to container images; applied first.'),
  commandOverrider: z.array(commandArgsOverrider('command')).optional().describe('Changes to container commands.'),
  argsOverrider: z.array(commandArgsOverrider('args')).optional().describe('Changes to container arguments.'),
  labelsOverrider: z.array(labelAnnotationOverrider('labels')).optional().describe('Changes to labels.'),
  annotationsOverrider: z
    .array(labelAnnotationOverrider('annotations'))
    .optional()
    .describe('Changes to annotations.'),
  fieldOverrider: z
    .array(fieldOverrider)
    .optional()
    .describe('Changes inside string fields that hold JSON or YAML documents.'),
});
export type Overriders = z.infer<typeof overriders>;

export const ruleWithCluster = z.object({
  targetCluster: clusterAffinity.optional().describe('The clusters the overriders apply to; every cluster when unset.'),
  overriders: overriders.describe(
    'The changes, applied in order: image, command, args, labels, annotations, field, plaintext.',
  ),
});

export const overrideSpec = z.object({
  resourceSelectors: z
    .array(resourceSelector)
    .optional()
    .describe('The resources the overrides apply to; every resource when unset.'),
  overrideRules: z
    .array(ruleWithCluster)
    .optional()
    .describe('Overriders per group of target clusters.'),
  targetCluster: clusterAffinity
    .optional()
    .describe('Deprecated: use overrideRules. The clusters the top-level overriders apply to.'),
  overriders: overriders
    .optional()
    .describe('Deprecated: use overrideRules. Changes applied to the top-level targetCluster.'),
});
export type OverrideSpec = z.infer<typeof overrideSpec>;

const overrideObject = (kind: string, description: string) =>
  registerKind(
    z
      .object({
        apiVersion: apiVersionField,
        kind: kindField,
        metadata: objectMeta,
        spec: overrideSpec.describe(`The desired behavior of the ${kind}.`),
      })
      .describe(description),
    karmadaDefinition('policy', POLICY_VERSION, kind),
  );

export const overridePolicy = overrideObject(
  'OverridePolicy',
  'OverridePolicy changes resources of its namespace differently for different member clusters.',
);
export type OverridePolicy = z.infer<typeof overridePolicy>;

export const clusterOverridePolicy = overrideObject(
  'ClusterOverridePolicy',
  'ClusterOverridePolicy changes cluster-scoped resources, and resources of any namespace, differently for different member clusters.',
);
export type ClusterOverridePolicy = z.infer<typeof clusterOverridePolicy>;
