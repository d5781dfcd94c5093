import { ApiError } from '../status.js';
import type { Attributes } from './attributes.js';

/** responsewriters.forbiddenMessage: what the caller tried, in kube-apiserver's words. */
export function forbiddenMessage(attrs: Attributes): string {
  const user = JSON.stringify(attrs.user.username);
  if (!attrs.resourceRequest) return `User ${user} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)}`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const what = `User ${user} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup)}`;
  return attrs.namespace ? `${what} in the namespace ${JSON.stringify(attrs.namespace)}` : `${what} at the cluster scope`;
}

/**
 * responsewriters.Forbidden through apierrors.NewForbidden:
 * `configmaps is forbidden: User "u" cannot create resource "configmaps" in API group "" in the namespace "ns"`,
 * with the reason appended after a colon when the authorizer gave one.
 */
export function forbiddenError(attrs: Attributes, reason = ''): ApiError {
  const msg = reason ? `${forbiddenMessage(attrs)}: ${reason}` : forbiddenMessage(attrs);
  const qualified = attrs.resource ? (attrs.apiGroup ? `${attrs.resource}.${attrs.apiGroup}` : attrs.resource) : '';
  let message: string;
  if (!qualified) message = `forbidden: ${msg}`;
  else if (!attrs.name) message = `${qualified} is forbidden: ${msg}`;
  else message = `${qualified} ${JSON.stringify(attrs.name)} is forbidden: ${msg}`;
  return new ApiError(403, 'Forbidden', message, {
    ...(attrs.name ? { name: attrs.name } : {}),
    ...(attrs.apiGroup ? { group: attrs.apiGroup } : {}),
    ...(attrs.resource ? { kind: attrs.resource } : {}),
  });
}
