import { z } from 'zod';

/** One OpenAPI v2 non-body parameter, as upstream's swagger.json words it. */
export const parameterSchema = z
  .object({
    name: z.string(),
    in: z.enum(['query', 'path', 'header']),
    description: z.string().optional(),
    type: z.string(),
    uniqueItems: z.boolean().optional(),
    required: z.boolean().optional(),
  })
  .passthrough();
export type Parameter = z.infer<typeof parameterSchema>;

/**
 * The parameters of each kind of served operation, lifted at build time from a reference
 * resource's paths in upstream's swagger.json (cli/build/openapi.ts). Roles are
 * `<path kind>.<method>`: collection.get|post|delete, item.get|put|patch|delete|post,
 * allNamespaces.get, watchItem.get, watchList.get, watchAll.get. The path segments
 * (`name`, `namespace`) and bodies are not in the role lists: they depend on the kind.
 */
export const parameterCatalogueSchema = z.object({
  parameters: z.record(z.string(), parameterSchema),
  roles: z.record(z.string(), z.array(z.string())),
});
export type ParameterCatalogue = z.infer<typeof parameterCatalogueSchema>;

/** No upstream texts: parameters then carry only their names (documents stay valid, just terse). */
export const EMPTY_PARAMETER_CATALOGUE: ParameterCatalogue = { parameters: {}, roles: {} };

/** The `namespace` path parameter, worded as upstream when the catalogue has it. */
export function namespaceParameter(catalogue: ParameterCatalogue): Parameter {
  return catalogue.parameters.namespace ?? { name: 'namespace', in: 'path', type: 'string', required: true, uniqueItems: true };
}

/** The `name` path parameter of a path whose object is of `kind`. */
export function nameParameter(kind: string): Parameter {
  return { name: 'name', in: 'path', description: `name of the ${kind}`, type: 'string', required: true, uniqueItems: true };
}

/** The query parameters of a role; a role the catalogue lacks has none. */
export function roleParameters(catalogue: ParameterCatalogue, role: string): Parameter[] {
  return (catalogue.roles[role] ?? []).map((key) => catalogue.parameters[key]).filter((p): p is Parameter => p !== undefined);
}
