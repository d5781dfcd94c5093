/**
 * The API surface Flotilla serves, as OpenAPI operations: one list per group version of paths
 * and their operations, worded as kube-apiserver words them (operation ids, descriptions,
 * actions, x-kubernetes-group-version-kind). Version neutral: the v2 and v3 documents are
 * both rendered from it. Built from the registry, so every kind (built-in, CRD, Karmada's)
 * appears with the same shape.
 */
import type { Registry } from '../registry/index.js';
import type { ResourceType } from '../registry/resource-type.js';
import { nameParameter, namespaceParameter, roleParameters, type Parameter, type ParameterCatalogue } from './parameters.js';
import type { SchemaSet } from './schema.js';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';
export type Action = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection' | 'watch' | 'watchlist';
/** What an operation answers with, which decides its media types. */
export type Produces = 'object' | 'list' | 'watch' | 'discovery';

export interface Operation {
  method: Method;
  /** Absent on discovery paths, as upstream. */
  action?: Action;
  operationId: string;
  description: string;
  tag: string;
  gvk?: GroupVersionKind;
  /** Query parameters (the path's own `name`/`namespace` are on the path). */
  parameters: Parameter[];
  body?: { kind: 'object'; definition: string } | { kind: 'patch'; strategic: boolean } | { kind: 'deleteOptions' };
  responses: Array<{ code: '200' | '201' | '202'; description: string; definition: string }>;
  produces: Produces;
}

export interface ServedPath {
  path: string;
  /** Path parameters (`name`, `namespace`). */
  parameters: Parameter[];
  operations: Operation[];
}

/** A served OpenAPI v3 document's key: `api/v1`, `apis/apps/v1`, `api`, `apis`, `apis/apps`. */
export type DocumentPath = string;

export const META_V1 = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const STATUS_DEFINITION = `${META_V1}.Status`;
export const WATCH_EVENT_DEFINITION = `${META_V1}.WatchEvent`;
export const PATCH_DEFINITION = `${META_V1}.Patch`;
export const DELETE_OPTIONS_DEFINITION = `${META_V1}.DeleteOptions`;

/** The bodies of subresources that do not read and write the kind itself. */
const SUBRESOURCE_KINDS: Record<string, GroupVersionKind> = {
  scale: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
  token: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' },
};

/** Groups of upstream's built-in APIs: the core group, dotless names, *.k8s.io. */
export function isBuiltinGroup(group: string): boolean {
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
}

/**
 * The one rule for who takes a strategic merge patch: upstream's built-in kinds, never a
 * custom resource (a CRD's kinds, even in a *.k8s.io group, and Karmada's kinds, which are
 * CRDs in a real Karmada). The documents and the patch handler both ask this.
 */
export function acceptsStrategicMergePatch(type: ResourceType): boolean {
  return !type.customResource && isBuiltinGroup(type.group);
}

/** kube-apiserver's friendly group name: rbac.authorization.k8s.io → rbacAuthorization, '' → core. */
function groupWords(group: string): string[] {
  if (group === '') return ['core'];
  return group
    .replace(/\.k8s\.io$/, '')
    .split(/[.-]/)
    .filter(Boolean);
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function groupTag(group: string): string {
  const words = groupWords(group);
  return words[0]!.toLowerCase() + words.slice(1).map(capitalize).join('');
}

function operationGroupVersion(group: string, version: string): string {
  return groupWords(group).map(capitalize).join('') + capitalize(version);
}

/** Upstream's GetArticleForNoun: "a Pod", "an Event", and no article for a plural like Endpoints. */
function withArticle(kind: string): string {
  if (kind.endsWith('s') && !kind.endsWith('ss')) return kind;
  return `${/^[aeiou]/i.test(kind) ? 'an' : 'a'} ${kind}`;
}

/** The definition name a kind without an upstream or contributed schema is published under (CRDs' rule). */
export function fallbackDefinitionName(gvk: GroupVersionKind): string {
  const reversed = gvk.group === '' ? 'io.k8s.api.core' : gvk.group.split('.').reverse().join('.');
  return `${reversed}.${gvk.version}.${gvk.kind}`;
}

export interface ServedKind {
  type: ResourceType;
  version: string;
  gvk: GroupVersionKind;
  definition: string;
  listDefinition: string;
}

/** The definitions a type's operations refer to, whether the SchemaSet has them or not. */
export function servedKind(set: SchemaSet, type: ResourceType, version: string): ServedKind {
  const gvk = { group: type.group, version, kind: type.kind };
  const listGvk = { ...gvk, kind: `${type.kind}List` };
  return {
    type,
    version,
    gvk,
    definition: set.definitionFor(gvk.group, gvk.version, gvk.kind) ?? fallbackDefinitionName(gvk),
    listDefinition: set.definitionFor(listGvk.group, listGvk.version, listGvk.kind) ?? fallbackDefinitionName(listGvk),
  };
}

interface OperationSpec {
  method: Method;
  action: Action;
  verb: string;
  /** Inserted between the group version and the kind of the operation id (`Collection`). */
  infix?: string;
  suffix?: string;
  description: string;
  role: string;
  gvk: GroupVersionKind;
  body?: Operation['body'];
  responses: Operation['responses'];
  produces: Produces;
}

const OK = (definition: string) => ({ code: '200' as const, description: 'OK', definition });
const CREATED = (definition: string) => ({ code: '201' as const, description: 'Created', definition });
const ACCEPTED = (definition: string) => ({ code: '202' as const, description: 'Accepted', definition });

/**
 * Every path one kind contributes to its group version's document: collection, item,
 * subresources, the cross-namespace list and the legacy watch paths, each with the
 * operations its verbs allow.
 */
export function pathsForKind(set: SchemaSet, catalogue: ParameterCatalogue, type: ResourceType, version: string): ServedPath[] {
  const k = servedKind(set, type, version);
  const { kind, group } = k.gvk;
  const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const tag = `${groupTag(group)}_${version}`;
  const gv = operationGroupVersion(group, version);
  const scope = type.namespaced ? 'Namespaced' : '';
  const base = type.namespaced ? `${prefix}/namespaces/{namespace}/${type.resource}` : `${prefix}/${type.resource}`;
  const nsParams = type.namespaced ? [namespaceParameter(catalogue)] : [];
  const can = (verb: string): boolean => type.verbs.includes(verb as never);
  const strategic = acceptsStrategicMergePatch(type);

  const build = (spec: OperationSpec, scoped = scope): Operation => ({
    method: spec.method,
    action: spec.action,
    operationId: `${spec.verb}${gv}${spec.infix ?? ''}${scoped}${kind}${spec.suffix ?? ''}`,
    description: spec.description,
    tag,
    gvk: spec.gvk,
    parameters: roleParameters(catalogue, spec.role),
    ...(spec.body ? { body: spec.body } : {}),
    responses: spec.responses,
    produces: spec.produces,
  });
  const paths: ServedPath[] = [];
  const add = (path: string, parameters: Parameter[], operations: Operation[]): void => {
    if (operations.length) paths.push({ path, parameters, operations });
  };

  const deleted = type.returnDeletedObject ? k.definition : STATUS_DEFINITION;
  add(base, nsParams, [
    ...(can('list') ? [build({ method: 'get', action: 'list', verb: 'list', description: `list or watch objects of kind ${kind}`, role: 'collection.get', gvk: k.gvk, responses: [OK(k.listDefinition)], produces: 'list' })] : []),
    ...(can('create')
      ? [build({ method: 'post', action: 'post', verb: 'create', description: `create ${withArticle(kind)}`, role: 'collection.post', gvk: k.gvk, body: { kind: 'object', definition: k.definition }, responses: [OK(k.definition), CREATED(k.definition), ACCEPTED(k.definition)], produces: 'object' })]
      : []),
    ...(can('deletecollection')
      ? [build({ method: 'delete', action: 'deletecollection', verb: 'delete', infix: 'Collection', description: `delete collection of ${kind}`, role: 'collection.delete', gvk: k.gvk, body: { kind: 'deleteOptions' }, responses: [OK(STATUS_DEFINITION)], produces: 'object' })]
      : []),
  ]);

  const itemOps = (what: string, sub: string, gvk: GroupVersionKind, definition: string): Operation[] => {
    const of = what ? `${what} of the specified ${kind}` : `the specified ${kind}`;
    return [
      ...(can('get') ? [build({ method: 'get', action: 'get', verb: 'read', suffix: sub, description: `read ${of}`, role: 'item.get', gvk, responses: [OK(definition)], produces: 'object' })] : []),
      ...(can('update')
        ? [build({ method: 'put', action: 'put', verb: 'replace', suffix: sub, description: `replace ${of}`, role: 'item.put', gvk, body: { kind: 'object', definition }, responses: [OK(definition), CREATED(definition)], produces: 'object' })]
        : []),
      ...(can('patch')
        ? [build({ method: 'patch', action: 'patch', verb: 'patch', suffix: sub, description: `partially update ${of}`, role: 'item.patch', gvk, body: { kind: 'patch', strategic }, responses: [OK(definition), CREATED(definition)], produces: 'object' })]
        : []),
    ];
  };
  const item = `${base}/{name}`;
  add(item, [nameParameter(kind), ...nsParams], [
    ...itemOps('', '', k.gvk, k.definition),
    ...(can('delete')
      ? [build({ method: 'delete', action: 'delete', verb: 'delete', description: `delete ${withArticle(kind)}`, role: 'item.delete', gvk: k.gvk, body: { kind: 'deleteOptions' }, responses: [OK(deleted), ACCEPTED(deleted)], produces: 'object' })]
      : []),
  ]);

  for (const sub of type.subresources) {
    const subGvk = SUBRESOURCE_KINDS[sub];
    const subDefinition = subGvk ? (set.definitionFor(subGvk.group, subGvk.version, subGvk.kind) ?? fallbackDefinitionName(subGvk)) : k.definition;
    const params = [nameParameter(subGvk?.kind ?? kind), ...nsParams];
    const suffix = capitalize(sub);
    if (sub === 'status' || sub === 'scale') {
      add(`${item}/${sub}`, params, itemOps(sub, suffix, subGvk ?? k.gvk, subDefinition));
    } else if (sub === 'token' && subGvk) {
      add(`${item}/${sub}`, params, [
        build({ method: 'post', action: 'post', verb: 'create', suffix, description: `create ${sub} of ${withArticle(kind)}`, role: 'item.post', gvk: subGvk, body: { kind: 'object', definition: subDefinition }, responses: [OK(subDefinition), CREATED(subDefinition), ACCEPTED(subDefinition)], produces: 'object' }),
      ]);
    } else if (sub === 'finalize') {
      add(`${item}/${sub}`, params, [
        build({ method: 'put', action: 'put', verb: 'replace', suffix, description: `replace ${sub} of the specified ${kind}`, role: 'item.put', gvk: k.gvk, body: { kind: 'object', definition: k.definition }, responses: [OK(k.definition), CREATED(k.definition)], produces: 'object' }),
      ]);
    }
  }

  if (type.namespaced && can('list')) {
    add(`${prefix}/${type.resource}`, [], [
      build({ method: 'get', action: 'list', verb: 'list', suffix: 'ForAllNamespaces', description: `list or watch objects of kind ${kind}`, role: 'allNamespaces.get', gvk: k.gvk, responses: [OK(k.listDefinition)], produces: 'list' }, ''),
    ]);
  }
  if (can('watch')) {
    const watchBase = type.namespaced ? `${prefix}/watch/namespaces/{namespace}/${type.resource}` : `${prefix}/watch/${type.resource}`;
    const deprecated = "deprecated: use the 'watch' parameter with a list operation instead";
    add(watchBase, nsParams, [
      build({ method: 'get', action: 'watchlist', verb: 'watch', suffix: 'List', description: `watch individual changes to a list of ${kind}. ${deprecated}.`, role: 'watchList.get', gvk: k.gvk, responses: [OK(WATCH_EVENT_DEFINITION)], produces: 'watch' }),
    ]);
    add(`${watchBase}/{name}`, [nameParameter(kind), ...nsParams], [
      build({ method: 'get', action: 'watch', verb: 'watch', description: `watch changes to an object of kind ${kind}. ${deprecated}, filtered to a single item with the 'fieldSelector' parameter.`, role: 'watchItem.get', gvk: k.gvk, responses: [OK(WATCH_EVENT_DEFINITION)], produces: 'watch' }),
    ]);
    if (type.namespaced) {
      add(`${prefix}/watch/${type.resource}`, [], [
        build({ method: 'get', action: 'watchlist', verb: 'watch', suffix: 'ListForAllNamespaces', description: `watch individual changes to a list of ${kind}. ${deprecated}.`, role: 'watchAll.get', gvk: k.gvk, responses: [OK(WATCH_EVENT_DEFINITION)], produces: 'watch' }, ''),
      ]);
    }
  }
  return paths;
}

function discoveryOperation(operationId: string, description: string, tag: string, definition: string): Operation {
  return { method: 'get', operationId, description, tag, parameters: [], responses: [OK(`${META_V1}.${definition}`)], produces: 'discovery' };
}

/** The document keys served: `api`, `api/v1`, `apis`, then `apis/<group>` and `apis/<group>/<version>` per group. */
export function documentPaths(registry: Registry): DocumentPath[] {
  const out: DocumentPath[] = ['api'];
  if (registry.resourcesIn('', 'v1').length) out.push('api/v1');
  out.push('apis');
  for (const g of registry.groups()) {
    out.push(`apis/${g.name}`);
    for (const v of g.versions) out.push(`apis/${g.name}/${v}`);
  }
  return out;
}

/** The paths of one served document. */
export function pathsForDocument(registry: Registry, set: SchemaSet, catalogue: ParameterCatalogue, doc: DocumentPath): ServedPath[] {
  if (doc === 'api') return [{ path: '/api/', parameters: [], operations: [discoveryOperation('getCoreAPIVersions', 'get available API versions', 'core', 'APIVersions')] }];
  if (doc === 'apis') return [{ path: '/apis/', parameters: [], operations: [discoveryOperation('getAPIVersions', 'get available API versions', 'apis', 'APIGroupList')] }];
  const parts = doc.split('/');
  const [root, a, b] = parts;
  if (root === 'apis' && parts.length === 2 && a) {
    if (!registry.groups().some((g) => g.name === a)) return [];
    const id = groupWords(a).map(capitalize).join('');
    return [{ path: `/apis/${a}/`, parameters: [], operations: [discoveryOperation(`get${id}APIGroup`, 'get information of a group', groupTag(a), 'APIGroup')] }];
  }
  const [group, version] = root === 'api' && parts.length === 2 && a ? ['', a] : root === 'apis' && parts.length === 3 && a && b ? [a, b] : [undefined, undefined];
  if (group === undefined || version === undefined) return [];
  const types = registry.resourcesIn(group, version);
  if (!types.length) return [];
  const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const paths: ServedPath[] = [
    { path: `${prefix}/`, parameters: [], operations: [discoveryOperation(`get${operationGroupVersion(group, version)}APIResources`, 'get available resources', `${groupTag(group)}_${version}`, 'APIResourceList')] },
  ];
  for (const t of types) paths.push(...pathsForKind(set, catalogue, t, version));
  return paths.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

/** Every kind served at some version, with the definitions its operations name. */
export function servedKinds(registry: Registry, set: SchemaSet): ServedKind[] {
  const out: ServedKind[] = [];
  for (const t of registry.all()) for (const v of t.versions) out.push(servedKind(set, t, v));
  return out;
}

/** The document a group version's paths live in. */
export function documentPathOf(group: string, version: string): DocumentPath {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}
