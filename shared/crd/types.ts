import { z } from 'zod';

/** The API group, resource and finalizer of CustomResourceDefinitions. */
export const CRD_GROUP = 'apiextensions.k8s.io';
export const CRD_RESOURCE = 'customresourcedefinitions';
export const CRD_KIND = 'CustomResourceDefinition';
/** Held by a CRD until every object it defines is gone (upstream's name for it). */
export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

/** apiextensions.k8s.io/v1 ValidationRule (x-kubernetes-validations). Flotilla stores these but does not evaluate CEL. */
export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

/** apiextensions.k8s.io/v1 JSONSchemaProps: OpenAPI v3 as CRDs spell it, with Kubernetes' extensions. */
export interface JSONSchemaProps {
  id?: string;
  $schema?: string;
  $ref?: string;
  description?: string;
  type?: string;
  format?: string;
  title?: string;
  default?: unknown;
  maximum?: number;
  exclusiveMaximum?: boolean;
  minimum?: number;
  exclusiveMinimum?: boolean;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  maxItems?: number;
  minItems?: number;
  uniqueItems?: boolean;
  multipleOf?: number;
  enum?: unknown[];
  maxProperties?: number;
  minProperties?: number;
  required?: string[];
  /** A schema, or (not allowed in CRDs, refused by validation) a tuple of schemas. */
  items?: JSONSchemaProps | JSONSchemaProps[];
  allOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  patternProperties?: Record<string, JSONSchemaProps>;
  dependencies?: Record<string, JSONSchemaProps | string[]>;
  additionalItems?: JSONSchemaProps | boolean;
  definitions?: Record<string, JSONSchemaProps>;
  externalDocs?: { description?: string; url?: string };
  example?: unknown;
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-validations'?: ValidationRule[];
}

const validationRuleSchema = z.object({
  rule: z.string(),
  message: z.string().optional(),
  messageExpression: z.string().optional(),
  reason: z.string().optional(),
  fieldPath: z.string().optional(),
  optionalOldSelf: z.boolean().optional(),
});

/**
 * The decoding shape of JSONSchemaProps: types only (what Go's JSON decoder would refuse).
 * Unknown keys are dropped as the Go struct drops them; the rules live in
 * definition-validation.ts and structural.ts, where they can name the field they break.
 */
export const jsonSchemaPropsSchema: z.ZodType<JSONSchemaProps> = z.lazy(() =>
  z.object({
    id: z.string().optional(),
    $schema: z.string().optional(),
    $ref: z.string().optional(),
    description: z.string().optional(),
    type: z.string().optional(),
    format: z.string().optional(),
    title: z.string().optional(),
    default: z.unknown().optional(),
    maximum: z.number().optional(),
    exclusiveMaximum: z.boolean().optional(),
    minimum: z.number().optional(),
    exclusiveMinimum: z.boolean().optional(),
    maxLength: z.number().int().optional(),
    minLength: z.number().int().optional(),
    pattern: z.string().optional(),
    maxItems: z.number().int().optional(),
    minItems: z.number().int().optional(),
    uniqueItems: z.boolean().optional(),
    multipleOf: z.number().optional(),
    enum: z.array(z.unknown()).optional(),
    maxProperties: z.number().int().optional(),
    minProperties: z.number().int().optional(),
    required: z.array(z.string()).optional(),
    items: z.union([jsonSchemaPropsSchema, z.array(jsonSchemaPropsSchema)]).optional(),
    allOf: z.array(jsonSchemaPropsSchema).optional(),
    oneOf: z.array(jsonSchemaPropsSchema).optional(),
    anyOf: z.array(jsonSchemaPropsSchema).optional(),
    not: jsonSchemaPropsSchema.optional(),
    properties: z.record(z.string(), jsonSchemaPropsSchema).optional(),
    additionalProperties: z.union([z.boolean(), jsonSchemaPropsSchema]).optional(),
    patternProperties: z.record(z.string(), jsonSchemaPropsSchema).optional(),
    dependencies: z.record(z.string(), z.union([z.array(z.string()), jsonSchemaPropsSchema])).optional(),
    additionalItems: z.union([z.boolean(), jsonSchemaPropsSchema]).optional(),
    definitions: z.record(z.string(), jsonSchemaPropsSchema).optional(),
    externalDocs: z.object({ description: z.string().optional(), url: z.string().optional() }).optional(),
    example: z.unknown().optional(),
    nullable: z.boolean().optional(),
    'x-kubernetes-preserve-unknown-fields': z.boolean().optional(),
    'x-kubernetes-embedded-resource': z.boolean().optional(),
    'x-kubernetes-int-or-string': z.boolean().optional(),
    'x-kubernetes-list-map-keys': z.array(z.string()).optional(),
    'x-kubernetes-list-type': z.string().optional(),
    'x-kubernetes-map-type': z.string().optional(),
    'x-kubernetes-validations': z.array(validationRuleSchema).optional(),
  }),
);

export const crdNamesSchema = z.object({
  plural: z.string().optional(),
  singular: z.string().optional(),
  shortNames: z.array(z.string()).optional(),
  kind: z.string().optional(),
  listKind: z.string().optional(),
  categories: z.array(z.string()).optional(),
});
export type CustomResourceDefinitionNames = z.infer<typeof crdNamesSchema>;

export const scaleSubresourceSchema = z.object({
  specReplicasPath: z.string().optional(),
  statusReplicasPath: z.string().optional(),
  labelSelectorPath: z.string().optional(),
});
export type CustomResourceSubresourceScale = z.infer<typeof scaleSubresourceSchema>;

export const subresourcesSchema = z.object({
  status: z.object({}).passthrough().optional(),
  scale: scaleSubresourceSchema.optional(),
});
export type CustomResourceSubresources = z.infer<typeof subresourcesSchema>;

export const printerColumnSchema = z.object({
  name: z.string().optional(),
  type: z.string().optional(),
  format: z.string().optional(),
  description: z.string().optional(),
  priority: z.number().int().optional(),
  jsonPath: z.string().optional(),
});
export type CustomResourceColumnDefinition = z.infer<typeof printerColumnSchema>;

export const crdVersionSchema = z.object({
  name: z.string().optional(),
  served: z.boolean().optional(),
  storage: z.boolean().optional(),
  deprecated: z.boolean().optional(),
  deprecationWarning: z.string().optional(),
  schema: z.object({ openAPIV3Schema: jsonSchemaPropsSchema.optional() }).optional(),
  subresources: subresourcesSchema.optional(),
  additionalPrinterColumns: z.array(printerColumnSchema).optional(),
  selectableFields: z.array(z.object({ jsonPath: z.string().optional() })).optional(),
});
export type CustomResourceDefinitionVersion = z.infer<typeof crdVersionSchema>;

export const crdConditionSchema = z.object({
  type: z.string(),
  status: z.string(),
  lastTransitionTime: z.string().nullable().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});
export type CustomResourceDefinitionCondition = z.infer<typeof crdConditionSchema>;

export const crdSpecSchema = z.object({
  group: z.string().optional(),
  names: crdNamesSchema.optional(),
  scope: z.string().optional(),
  versions: z.array(crdVersionSchema).optional(),
  conversion: z
    .object({
      strategy: z.string().optional(),
      webhook: z.object({}).passthrough().optional(),
    })
    .optional(),
  preserveUnknownFields: z.boolean().optional(),
});
export type CustomResourceDefinitionSpec = z.infer<typeof crdSpecSchema>;

export const crdStatusSchema = z.object({
  conditions: z.array(crdConditionSchema).nullable().optional(),
  acceptedNames: crdNamesSchema.optional(),
  storedVersions: z.array(z.string()).nullable().optional(),
});
export type CustomResourceDefinitionStatus = z.infer<typeof crdStatusSchema>;

/** The typed view of a stored CRD; metadata passes through untouched. */
export const crdSchema = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.object({}).passthrough(),
  spec: crdSpecSchema.optional(),
  status: crdStatusSchema.optional(),
});
export type CustomResourceDefinition = z.infer<typeof crdSchema> & {
  metadata: {
    name?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string | null;
    deletionTimestamp?: string | null;
    finalizers?: string[] | null;
    annotations?: Record<string, string> | null;
    generation?: number;
    [k: string]: unknown;
  };
};

/** Scale paths of one served version, in their validated form. */
export interface ScalePaths {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** What the API needs of one version of a custom resource, copied from its CRD. */
export interface CustomResourceVersionInfo {
  /** The structural schema; undefined only for pre-v1 CRDs that had none (v1 requires one). */
  schema?: JSONSchemaProps;
  /** Whether the schema has any `default`: reads skip defaulting (and copying) when it has none. */
  hasDefaults: boolean;
  status: boolean;
  scale?: ScalePaths;
  printerColumns: CustomResourceColumnDefinition[];
  deprecated: boolean;
  deprecationWarning?: string;
}

/**
 * What the registry carries for a kind defined by a CRD: plain data (no functions), so a
 * registry built from stored CRDs can be cached in an isolate and shared by requests.
 */
export interface CustomResourceInfo {
  crdName: string;
  crdUid: string;
  listKind: string;
  storageVersion: string;
  /** Keyed by version name, served versions only. */
  versions: Record<string, CustomResourceVersionInfo>;
  preserveUnknownFields: boolean;
  /** The CRD is being deleted: its objects may be read and deleted, but not created. */
  terminating: boolean;
}
