import type { KubeObject } from '../../shared/object.js';
import { groupVersionString } from '../../shared/registry/resource-type.js';
import { jsonResponse } from '../render.js';
import type { ResourceRequest } from './resources.js';

/**
 * The review kinds: created, answered, never stored. Until RBAC lands every authenticated
 * caller may do everything, so access reviews say allowed and rules reviews say `*`.
 */
export async function createReview(r: ResourceRequest, obj: KubeObject): Promise<Response> {
  const user = r.c.get('user');
  const base = {
    kind: r.type.kind,
    apiVersion: groupVersionString(r.type.group, r.version),
    metadata: { ...obj.metadata, creationTimestamp: null },
  };
  switch (r.type.resource) {
    case 'selfsubjectreviews':
      return jsonResponse(
        {
          ...base,
          status: {
            userInfo: {
              username: user.username,
              ...(user.uid ? { uid: user.uid } : {}),
              groups: user.groups,
              ...(user.extra ? { extra: user.extra } : {}),
            },
          },
        },
        201,
      );
    case 'selfsubjectaccessreviews':
      return jsonResponse({ ...base, spec: obj.spec ?? {}, status: { allowed: true } }, 201);
    case 'selfsubjectrulesreviews':
      return jsonResponse(
        {
          ...base,
          spec: obj.spec ?? {},
          status: {
            resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
            nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
            incomplete: false,
          },
        },
        201,
      );
    default:
      return jsonResponse({ ...base, spec: obj.spec ?? {}, status: {} }, 201);
  }
}
