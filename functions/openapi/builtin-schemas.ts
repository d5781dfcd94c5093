/**
 * The built-in kinds' schemas and upstream's operation parameters, from the module
 * cli/build/openapi.ts generates. It is imported on first use, so requests that need no schema
 * never parse it. What is remembered is the parsed value, never a promise: workerd forbids one
 * request from awaiting a promise another request created.
 */
import { parameterCatalogueSchema, type ParameterCatalogue } from '../../shared/openapi/parameters.js';
import { karmadaSchemaSet } from '../../shared/karmada/openapi.js';
import { indexByGroupVersionKind, mergeSchemaSets, type SchemaNode, type SchemaSet } from '../../shared/openapi/schema.js';

interface Generated {
  kubernetesVersion: string;
  definitionsJson: string;
  parametersJson: string;
}

let schemas: SchemaSet | undefined;
let parameters: ParameterCatalogue | undefined;

async function generated(): Promise<Generated> {
  return (await import('../generated/openapi/index.js')) as Generated;
}

/** Upstream's definitions of every built-in kind Flotilla serves, plus meta/v1, plus Karmada's kinds (shared/karmada). */
export async function builtinSchemas(): Promise<SchemaSet> {
  if (schemas) return schemas;
  const m = await generated();
  schemas ??= mergeSchemaSets(indexByGroupVersionKind(JSON.parse(m.definitionsJson) as Record<string, SchemaNode>), karmadaSchemaSet());
  return schemas;
}

/** Upstream's parameters of each kind of operation, worded as swagger.json words them. */
export async function builtinParameters(): Promise<ParameterCatalogue> {
  if (parameters) return parameters;
  const m = await generated();
  parameters ??= parameterCatalogueSchema.parse(JSON.parse(m.parametersJson));
  return parameters;
}
