import type { KubeObject } from '../object.js';
import { clone, recordAt, setAt, stringAt } from './fields.js';
import type { KindInterpreter } from './types.js';
import { SERVICE_ACCOUNT_TOKEN_SECRET_TYPE, SERVICE_ACCOUNT_UID_ANNOTATION } from './well-known-keys.js';

/**
 * A service-account-token Secret is filled by the member's token controller for the member's
 * own ServiceAccount: its token and the uid it names belong to the member.
 */
export function retainServiceAccountTokenSecret(desired: KubeObject, observed: KubeObject): KubeObject {
  if (stringAt(desired, 'type') !== SERVICE_ACCOUNT_TOKEN_SECRET_TYPE) return desired;
  const data = recordAt(observed, 'data');
  const uid = stringAt(observed, 'metadata', 'annotations', SERVICE_ACCOUNT_UID_ANNOTATION);
  if (data === undefined && uid === undefined) return desired;
  const out = clone(desired);
  if (data !== undefined) out.data = { ...data };
  if (uid !== undefined) setAt(out, ['metadata', 'annotations', SERVICE_ACCOUNT_UID_ANNOTATION], uid);
  return out;
}

export const secretInterpreter: KindInterpreter = {
  apiVersion: 'v1',
  kind: 'Secret',
  retain: retainServiceAccountTokenSecret,
};
