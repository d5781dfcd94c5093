/**
 * OpenAPI v3 documents as kube-apiserver serves them at /openapi/v3/<group version>: the paths
 * of one group version and the schemas they reach, under components.schemas with upstream's
 * names. kubectl reads them for `explain`, for its choice of patch type in `apply`, and to
 * learn that the server validates fields itself (the patch operation's fieldValidation).
 */
import { PATCH_DEFINITION, DELETE_OPTIONS_DEFINITION, type Operation, type Produces, type ServedPath } from './operations.js';
import type { Parameter } from './parameters.js';
import { reachableDefinitions } from './reachable.js';
import type { SchemaNode, SchemaSet } from './schema.js';

export type JsonObject = { [key: string]: unknown };

const V3_REF = '#/components/schemas/';

const MEDIA: Record<Produces, string[]> = {
  object: ['application/json', 'application/vnd.kubernetes.protobuf', 'application/yaml'],
  discovery: ['application/json', 'application/vnd.kubernetes.protobuf', 'application/yaml'],
  list: [
    'application/json',
    'application/json;stream=watch',
    'application/vnd.kubernetes.protobuf',
    'application/vnd.kubernetes.protobuf;stream=watch',
    'application/yaml',
  ],
  watch: [
    'application/json',
    'application/json;stream=watch',
    'application/vnd.kubernetes.protobuf',
    'application/vnd.kubernetes.protobuf;stream=watch',
    'application/yaml',
  ],
};

/** The patch types Flotilla accepts; strategic merge only for built-in kinds, as upstream. */
export function patchMediaTypes(strategic: boolean): string[] {
  return [
    'application/apply-patch+yaml',
    'application/json-patch+json',
    'application/merge-patch+json',
    ...(strategic ? ['application/strategic-merge-patch+json'] : []),
  ];
}

const ref = (definition: string): JsonObject => ({ $ref: `${V3_REF}${definition}` });

/**
 * A definition in v3 form: refs point into components, and a `$ref` with siblings (a field's
 * description, its patch metadata) is wrapped in `allOf`, since v3 ignores a `$ref`'s siblings.
 */
export function toV3Schema(node: SchemaNode): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref') continue;
    if (k === 'properties' && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, SchemaNode>).map(([p, s]) => [p, toV3Schema(s)]));
    } else if ((k === 'items' || k === 'not' || (k === 'additionalProperties' && typeof v === 'object')) && v) {
      out[k] = toV3Schema(v as SchemaNode);
    } else if ((k === 'oneOf' || k === 'anyOf' || k === 'allOf') && Array.isArray(v)) {
      out[k] = (v as SchemaNode[]).map(toV3Schema);
    } else {
      out[k] = v;
    }
  }
  if (typeof node.$ref === 'string') {
    const target = node.$ref.replace(/^#\/definitions\//, V3_REF);
    if (Object.keys(out).length === 0) return { $ref: target };
    return { allOf: [{ $ref: target }, ...((out.allOf as JsonObject[] | undefined) ?? [])], ...withoutAllOf(out) };
  }
  return out;
}

function withoutAllOf(o: JsonObject): JsonObject {
  const { allOf: _drop, ...rest } = o;
  return rest;
}

function parameterV3(p: Parameter): JsonObject {
  const { type, uniqueItems, ...rest } = p;
  return { ...rest, schema: { type, ...(uniqueItems !== undefined ? { uniqueItems } : {}) } };
}

function operationV3(op: Operation): JsonObject {
  const out: JsonObject = { description: op.description, operationId: op.operationId };
  if (op.parameters.length) out.parameters = op.parameters.map(parameterV3);
  if (op.body?.kind === 'object') out.requestBody = { content: { '*/*': { schema: ref(op.body.definition) } }, required: true };
  else if (op.body?.kind === 'patch') {
    out.requestBody = { content: Object.fromEntries(patchMediaTypes(op.body.strategic).map((m) => [m, { schema: ref(PATCH_DEFINITION) }])), required: true };
  } else if (op.body?.kind === 'deleteOptions') out.requestBody = { content: { '*/*': { schema: ref(DELETE_OPTIONS_DEFINITION) } } };
  const responses: JsonObject = {};
  for (const r of op.responses) {
    responses[r.code] = { content: Object.fromEntries(MEDIA[op.produces].map((m) => [m, { schema: ref(r.definition) }])), description: r.description };
  }
  responses['401'] = { description: 'Unauthorized' };
  out.responses = responses;
  out.tags = [op.tag];
  if (op.action) out['x-kubernetes-action'] = op.action;
  if (op.gvk) out['x-kubernetes-group-version-kind'] = op.gvk;
  return out;
}

/** Parameters every operation of a path shares move to the path, as upstream's builder does. */
export function hoistParameters(path: ServedPath): { shared: Parameter[]; own: Map<Operation, Parameter[]> } {
  const key = (p: Parameter): string => JSON.stringify(p);
  const [first, ...rest] = path.operations;
  const common = new Set((first?.parameters ?? []).map(key).filter((k) => rest.every((op) => op.parameters.some((p) => key(p) === k))));
  const byName = (a: Parameter, b: Parameter): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const shared = [...path.parameters, ...(first?.parameters ?? []).filter((p) => common.has(key(p)))].sort(byName);
  const own = new Map(path.operations.map((op) => [op, op.parameters.filter((p) => !common.has(key(p))).sort(byName)]));
  return { shared, own };
}

/** The definitions the operations of `paths` name. */
export function referencedDefinitions(paths: ServedPath[]): Set<string> {
  const roots = new Set<string>();
  for (const p of paths) {
    for (const op of p.operations) {
      for (const r of op.responses) roots.add(r.definition);
      if (op.body?.kind === 'object') roots.add(op.body.definition);
      else if (op.body?.kind === 'patch') roots.add(PATCH_DEFINITION);
      else if (op.body?.kind === 'deleteOptions') roots.add(DELETE_OPTIONS_DEFINITION);
    }
  }
  return roots;
}

export function v3Document(paths: ServedPath[], set: SchemaSet, info: { title: string; version: string }): JsonObject {
  const outPaths: JsonObject = {};
  for (const p of paths) {
    const { shared, own } = hoistParameters(p);
    const item: JsonObject = {};
    for (const op of p.operations) item[op.method] = operationV3({ ...op, parameters: own.get(op) ?? [] });
    if (shared.length) item.parameters = shared.map(parameterV3);
    outPaths[p.path] = item;
  }
  const schemas: JsonObject = {};
  for (const [name, def] of Object.entries(reachableDefinitions(set, referencedDefinitions(paths)))) schemas[name] = toV3Schema(def);
  return {
    openapi: '3.0.0',
    info,
    paths: outPaths,
    components: {
      schemas,
      securitySchemes: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
    },
  };
}
