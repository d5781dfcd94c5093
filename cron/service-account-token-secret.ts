import { legacyClaims, signLegacyToken, verifyLegacyToken } from '../shared/authn/legacy-service-account-token.js';
import { secretValue } from '../shared/authn/bootstrap-token.js';
import type { KubeObject, ObjectKey } from '../shared/object.js';
import { deleteObject, isDeleting, writeBack } from './object-writes.js';
import type { ReconcileContext, Reconciler } from './reconciler.js';

export const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';
export const SERVICE_ACCOUNT_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
export const SERVICE_ACCOUNT_UID_ANNOTATION = 'kubernetes.io/service-account.uid';

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function isTokenSecret(obj: KubeObject): boolean {
  return obj.type === SERVICE_ACCOUNT_TOKEN_TYPE;
}

/**
 * Whether a stored token is still the one this Secret should hold: signed with the current
 * key, for this Secret and this ServiceAccount. A rotated signing key makes it stale.
 */
async function tokenCurrent(key: string, token: string | undefined, namespace: string, secretName: string, sa: { name: string; uid: string }): Promise<boolean> {
  if (!token) return false;
  const claims = await verifyLegacyToken(key, token);
  return Boolean(
    claims &&
      claims['kubernetes.io/serviceaccount/namespace'] === namespace &&
      claims['kubernetes.io/serviceaccount/secret.name'] === secretName &&
      claims['kubernetes.io/serviceaccount/service-account.name'] === sa.name &&
      claims['kubernetes.io/serviceaccount/service-account.uid'] === sa.uid,
  );
}

async function reconcileSecret(ctx: ReconcileContext, key: ObjectKey): Promise<void> {
  const settings = ctx.serviceAccountTokens;
  if (!settings?.signingKey) return;
  const secret = await ctx.store.get(key);
  if (!secret || isDeleting(secret) || !isTokenSecret(secret)) return;
  const annotations = secret.metadata.annotations ?? {};
  const saName = annotations[SERVICE_ACCOUNT_NAME_ANNOTATION];
  if (!saName) return;
  const sa = await ctx.store.get({ group: '', resource: 'serviceaccounts', namespace: key.namespace, name: saName });
  const wantedUid = annotations[SERVICE_ACCOUNT_UID_ANNOTATION];
  // Upstream's tokens controller: a token Secret outlives neither its ServiceAccount nor a
  // ServiceAccount recreated under the same name (another uid).
  if (!sa || isDeleting(sa) || (wantedUid && wantedUid !== sa.metadata.uid)) {
    await deleteObject(ctx.store, ctx.registry, key, secret, 'Background', ctx.now());
    return;
  }
  const uid = sa.metadata.uid ?? '';
  const data = { ...((secret.data as Record<string, string> | undefined) ?? {}) };
  let changed = false;
  if (!(await tokenCurrent(settings.signingKey, secretValue(secret, 'token'), key.namespace, key.name, { name: saName, uid }))) {
    data.token = base64(await signLegacyToken(settings.signingKey, legacyClaims(key.namespace, key.name, { name: saName, uid })));
    changed = true;
  }
  if (secretValue(secret, 'namespace') !== key.namespace) {
    data.namespace = base64(key.namespace);
    changed = true;
  }
  if (settings.caCertPem && secretValue(secret, 'ca.crt') !== settings.caCertPem) {
    data['ca.crt'] = base64(settings.caCertPem);
    changed = true;
  }
  if (wantedUid !== uid) changed = true;
  if (!changed) return;
  await writeBack(ctx.store, ctx.registry, key, {
    ...secret,
    metadata: { ...secret.metadata, annotations: { ...annotations, [SERVICE_ACCOUNT_UID_ANNOTATION]: uid } },
    data,
  });
}

/**
 * Upstream's tokens controller for Secret-based ServiceAccount tokens (older clients): a
 * `kubernetes.io/service-account-token` Secret naming a ServiceAccount gets `token` (signed
 * with the key the worker env hands to the controller manager), `namespace` and `ca.crt`;
 * it is deleted with its ServiceAccount. The authenticator checks Secret and ServiceAccount
 * on every use, so revocation does not wait for this reconciler.
 */
export const serviceAccountTokenSecretReconciler: Reconciler = {
  name: 'service-account-token-secret',

  keysFor(change) {
    const { key, object } = change;
    if (key.group !== '') return [];
    if (key.resource === 'secrets' && change.type !== 'DELETED' && isTokenSecret(object)) return [`secret:${key.namespace}/${key.name}`];
    if (key.resource === 'serviceaccounts') return [`sa:${key.namespace}/${key.name}`];
    return [];
  },

  async reconcile(ctx, key) {
    const [kind, rest = ''] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    const slash = rest.indexOf('/');
    const namespace = rest.slice(0, slash);
    const name = rest.slice(slash + 1);
    if (kind === 'secret') {
      await reconcileSecret(ctx, { group: '', resource: 'secrets', namespace, name });
      return;
    }
    const secrets = await ctx.store.list({ group: '', resource: 'secrets', namespace }, { fieldSelector: `type=${SERVICE_ACCOUNT_TOKEN_TYPE}` });
    for (const s of secrets.items) {
      if (s.metadata.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION] !== name) continue;
      await reconcileSecret(ctx, { group: '', resource: 'secrets', namespace, name: s.metadata.name ?? '' });
    }
  },

  async resync(ctx) {
    const secrets = await ctx.store.list({ group: '', resource: 'secrets' }, { fieldSelector: `type=${SERVICE_ACCOUNT_TOKEN_TYPE}` });
    return secrets.items.map((s) => `secret:${s.metadata.namespace ?? ''}/${s.metadata.name ?? ''}`);
  },
};
