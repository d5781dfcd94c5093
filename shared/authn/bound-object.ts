import { ApiError, errors } from '../status.js';

/** What a TokenRequest may bind a token to, as upstream: the token stops working when the object goes. */
export interface BoundObject {
  kind: 'Pod' | 'Secret' | 'Node';
  /** Where it is stored. */
  resource: 'pods' | 'secrets' | 'nodes';
  /** The claim key in the token's `kubernetes.io` section. */
  claim: 'pod' | 'secret' | 'node';
  name: string;
  uid?: string;
}

const KINDS: Record<string, Pick<BoundObject, 'kind' | 'resource' | 'claim'>> = {
  Pod: { kind: 'Pod', resource: 'pods', claim: 'pod' },
  Secret: { kind: 'Secret', resource: 'secrets', claim: 'secret' },
  Node: { kind: 'Node', resource: 'nodes', claim: 'node' },
};

/** spec.boundObjectRef of a TokenRequest, or undefined when there is none. */
export function parseBoundObjectRef(ref: unknown, serviceAccount: string): BoundObject | undefined {
  if (ref === undefined || ref === null) return undefined;
  if (typeof ref !== 'object' || Array.isArray(ref)) throw errors.badRequest('spec.boundObjectRef must be an object');
  const r = ref as Record<string, unknown>;
  const apiVersion = typeof r.apiVersion === 'string' ? r.apiVersion : '';
  const kind = typeof r.kind === 'string' ? r.kind : '';
  const known = apiVersion === 'v1' ? KINDS[kind] : undefined;
  if (!known) {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
    throw errors.badRequest(`cannot bind token for serviceaccount ${JSON.stringify(serviceAccount)} to object of type ${group}/${version}, Kind=${kind}`);
  }
  const name = typeof r.name === 'string' ? r.name : '';
  if (!name) throw errors.badRequest('spec.boundObjectRef.name: Required value');
  return { ...known, name, ...(typeof r.uid === 'string' && r.uid ? { uid: r.uid } : {}) };
}

/** 409 when the reference names a uid the object no longer has (it was deleted and recreated). */
export function boundUidConflict(bound: BoundObject, actualUid: string): ApiError | undefined {
  if (!bound.uid || bound.uid === actualUid) return undefined;
  return errors.conflict(
    { group: '', resource: bound.kind, name: bound.name },
    `the UID in the bound object reference (${bound.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
  );
}
