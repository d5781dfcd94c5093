import type { UserInfo } from '../authn/user.js';

/**
 * What a request asks to do, as kube's authorizer.Attributes: a resource request names a
 * verb on group/resource[/subresource] (in a namespace, of a name); any other path is a
 * non-resource request with the lower-cased HTTP method as its verb.
 */
export interface Attributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  /** The URL path (non-resource requests are authorized on it). */
  path: string;
}

export function resourceAttributes(
  user: UserInfo,
  a: { verb: string; apiGroup?: string; apiVersion?: string; resource: string; subresource?: string; namespace?: string; name?: string },
): Attributes {
  return {
    user,
    verb: a.verb,
    resourceRequest: true,
    apiGroup: a.apiGroup ?? '',
    apiVersion: a.apiVersion ?? '',
    resource: a.resource,
    subresource: a.subresource ?? '',
    namespace: a.namespace ?? '',
    name: a.name ?? '',
    path: '',
  };
}

export function nonResourceAttributes(user: UserInfo, verb: string, path: string): Attributes {
  return { user, verb, resourceRequest: false, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '', path };
}

/** A resource URL as functions/request-info.ts parses it (kept structural so shared/ imports nothing from functions/). */
export interface ParsedResourcePath {
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
  watch: boolean;
}

const NAME_SEGMENT_INVALID = /^\.{1,2}$|[/%]/;

/** The `metadata.name` a field selector pins exactly (`metadata.name=x` or `==x`), as RequiresExactMatch reads it. */
function exactNameOf(fieldSelector: string | null): string | undefined {
  if (!fieldSelector) return undefined;
  for (const term of fieldSelector.split(',')) {
    const m = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    if (m && !term.includes('!=')) return m[1];
  }
  return undefined;
}

/**
 * kube-apiserver's RequestInfoFactory, for the verb and names RBAC sees: GET without a name
 * is list (watch with `watch=true`), DELETE without one is deletecollection, a list or watch
 * pinned to one name by `fieldSelector=metadata.name=x` is about that name, and a namespace
 * addressed by name is also the namespace of the request (so a RoleBinding in it can grant
 * reading it).
 */
export function requestAttributes(user: UserInfo, method: string, path: string, query: URLSearchParams, parsed: ParsedResourcePath | undefined): Attributes {
  if (!parsed) return nonResourceAttributes(user, method.toLowerCase(), path);
  const m = method.toUpperCase();
  let verb =
    m === 'POST' ? 'create' : m === 'GET' || m === 'HEAD' ? 'get' : m === 'PUT' ? 'update' : m === 'PATCH' ? 'patch' : m === 'DELETE' ? 'delete' : '';
  let name = parsed.name ?? '';
  if (parsed.watch) verb = 'watch';
  // Exactly what the resource handlers serve as a watch, so the verb checked is the one performed.
  const watchParam = query.get('watch');
  const watchAsked = watchParam === 'true' || watchParam === '1';
  if (verb === 'get' && watchAsked) verb = 'watch';
  if (name === '' && verb === 'get') verb = 'list';
  if (name === '' && (verb === 'list' || verb === 'watch')) {
    const pinned = exactNameOf(query.get('fieldSelector'));
    if (pinned && !NAME_SEGMENT_INVALID.test(pinned)) name = pinned;
  }
  if (name === '' && verb === 'delete') verb = 'deletecollection';
  let namespace = parsed.namespace ?? '';
  if (parsed.group === '' && parsed.resource === 'namespaces' && parsed.name) namespace = parsed.name;
  return {
    user,
    verb,
    resourceRequest: true,
    apiGroup: parsed.group,
    apiVersion: parsed.version,
    resource: parsed.resource,
    subresource: parsed.subresource ?? '',
    namespace,
    name,
    path,
  };
}

/** Whether the request changes state (what the audit log must record even when allowed). */
export function isMutating(attrs: Pick<Attributes, 'verb' | 'resourceRequest'>): boolean {
  if (!attrs.resourceRequest) return !['get', 'head', 'options'].includes(attrs.verb);
  return ['create', 'update', 'patch', 'delete', 'deletecollection'].includes(attrs.verb);
}
