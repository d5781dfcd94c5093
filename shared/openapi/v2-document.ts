/**
 * The OpenAPI v2 (Swagger 2.0) document kube-apiserver serves at /openapi/v2: every path of
 * every served group version in one document, with the definitions they reach. kubectl falls
 * back to it (as protobuf) to validate a `kind: List` or a kind it finds no patch operation
 * for, and `kubectl explain --output plaintext-openapiv2` reads it.
 */
import { DELETE_OPTIONS_DEFINITION, PATCH_DEFINITION, type Operation, type Produces, type ServedPath } from './operations.js';
import type { Parameter } from './parameters.js';
import { reachableDefinitions } from './reachable.js';
import type { SchemaNode, SchemaSet } from './schema.js';
import { hoistParameters, patchMediaTypes, referencedDefinitions, type JsonObject } from './v3-document.js';

const PRODUCES: Record<Produces, string[]> = {
  object: ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'],
  discovery: ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'],
  list: ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'],
  watch: ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'],
};

/**
 * Keys left out of v2: JSON Schema's combinators and `nullable` have no place in Swagger 2.0,
 * and upstream's v2 carries no defaults (they came with v3).
 */
const NOT_IN_V2 = new Set(['oneOf', 'anyOf', 'allOf', 'not', 'nullable', 'default']);

/**
 * A definition in v2 form, as kube-apiserver turns structural schemas into v2
 * (ToStructuralOpenAPIV2): IntOrString and Quantity, `oneOf` a string and a number in v3,
 * are strings; a node that keeps unknown fields or may be null loses its properties and
 * items, because kubectl's v2 validation would otherwise reject what the server accepts.
 */
export function toV2Schema(node: SchemaNode): JsonObject {
  const out: JsonObject = {};
  const open = node['x-kubernetes-preserve-unknown-fields'] === true || node.nullable === true;
  for (const [k, v] of Object.entries(node)) {
    if (NOT_IN_V2.has(k)) continue;
    if (open && (k === 'properties' || k === 'items')) continue;
    if (k === 'properties' && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, SchemaNode>).map(([p, s]) => [p, toV2Schema(s)]));
    } else if ((k === 'items' || (k === 'additionalProperties' && typeof v === 'object')) && v) {
      out[k] = toV2Schema(v as SchemaNode);
    } else {
      out[k] = v;
    }
  }
  if (node.nullable === true) delete out.type;
  const alternatives = node.oneOf ?? node.anyOf;
  if (!node.type && !node.$ref && alternatives?.some((a) => a.type === 'string')) out.type = 'string';
  return out;
}

function bodyParameter(op: Operation): JsonObject | undefined {
  switch (op.body?.kind) {
    case 'object':
      return { in: 'body', name: 'body', required: true, schema: { $ref: `#/definitions/${op.body.definition}` } };
    case 'patch':
      return { in: 'body', name: 'body', required: true, schema: { $ref: `#/definitions/${PATCH_DEFINITION}` } };
    case 'deleteOptions':
      return { in: 'body', name: 'body', schema: { $ref: `#/definitions/${DELETE_OPTIONS_DEFINITION}` } };
    default:
      return undefined;
  }
}

function operationV2(op: Operation, own: Parameter[]): JsonObject {
  const body = bodyParameter(op);
  const params: JsonObject[] = [...(body ? [body] : []), ...own].sort((a, b) => (String(a.name) < String(b.name) ? -1 : 1));
  const responses: JsonObject = {};
  for (const r of op.responses) responses[r.code] = { description: r.description, schema: { $ref: `#/definitions/${r.definition}` } };
  responses['401'] = { description: 'Unauthorized' };
  const out: JsonObject = {
    consumes: op.body?.kind === 'patch' ? patchMediaTypes(op.body.strategic) : op.produces === 'discovery' ? PRODUCES.discovery : ['*/*'],
    description: op.description,
    operationId: op.operationId,
    ...(params.length ? { parameters: params } : {}),
    produces: PRODUCES[op.produces],
    responses,
    schemes: ['https'],
    tags: [op.tag],
  };
  if (op.action) out['x-kubernetes-action'] = op.action;
  if (op.gvk) out['x-kubernetes-group-version-kind'] = op.gvk;
  return out;
}

export function v2Document(paths: ServedPath[], set: SchemaSet, info: { title: string; version: string }): JsonObject {
  const outPaths: JsonObject = {};
  for (const p of [...paths].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const { shared, own } = hoistParameters(p);
    const item: JsonObject = {};
    for (const op of p.operations) item[op.method] = operationV2(op, own.get(op) ?? []);
    if (shared.length) item.parameters = shared;
    outPaths[p.path] = item;
  }
  const definitions: JsonObject = {};
  for (const [name, def] of Object.entries(reachableDefinitions(set, referencedDefinitions(paths)))) definitions[name] = toV2Schema(def);
  return {
    swagger: '2.0',
    info,
    paths: outPaths,
    definitions,
    securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
    security: [{ BearerToken: [] }],
  };
}
