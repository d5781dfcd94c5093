/** What a resource URL names, as kube-apiserver's RequestInfoFactory reads it. */
export interface ResourcePath {
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
  /** The legacy `/watch/` prefix. */
  watch: boolean;
}

/** Subresources of a namespace that sit where another kind's resource name would. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/**
 * Parses `/api/v1/...` and `/apis/<g>/<v>/...` below the group version. Returns undefined
 * for paths that name no resource (discovery paths and anything too deep, except what
 * follows a `proxy` subresource).
 */
export function parseResourcePath(pathname: string): ResourcePath | undefined {
  let segments: string[];
  try {
    segments = pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  } catch {
    return undefined;
  }
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 3) {
    group = '';
    version = segments[1]!;
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1]!;
    version = segments[2]!;
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  let watch = false;
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2]!)) rest = rest.slice(2);
  }
  // A proxy subresource carries the proxied path after it (clusters/NAME/proxy/api/v1/…).
  if (rest.length === 0 || (rest.length > 3 && rest[2] !== 'proxy')) return undefined;
  const [resource, name, subresource] = rest as [string, string | undefined, string | undefined];
  // A namespace addressed as /namespaces/<name> is itself the object, not a scope.
  if (resource === 'namespaces' && namespace !== undefined && name === namespace) namespace = undefined;
  return {
    group,
    version,
    resource,
    watch,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  };
}
