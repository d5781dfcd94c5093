import { BOOTSTRAP_TOKEN_NAMESPACE, BOOTSTRAP_TOKEN_SECRET_TYPE, secretValue } from '../shared/authn/bootstrap-token.js';
import { deleteObject, isDeleting } from './object-writes.js';
import type { Reconciler } from './reconciler.js';

/** Timers longer than this are re-armed in steps (Cloudflare Queues cap a message's delay at 12 h). */
const MAX_WAIT_MS = 60 * 60_000;

/**
 * Upstream's tokencleaner: a bootstrap token Secret is deleted once its `expiration` has
 * passed. The authenticator refuses expired tokens by itself; this keeps kube-system tidy
 * and makes `kubectl get secrets` tell the truth about which tokens still exist.
 */
export const bootstrapTokenCleaner: Reconciler = {
  name: 'bootstrap-token-cleaner',

  keysFor(change) {
    const { key, object } = change;
    if (key.group !== '' || key.resource !== 'secrets' || key.namespace !== BOOTSTRAP_TOKEN_NAMESPACE) return [];
    return change.type !== 'DELETED' && object.type === BOOTSTRAP_TOKEN_SECRET_TYPE ? [key.name] : [];
  },

  async reconcile(ctx, name) {
    const key = { group: '', resource: 'secrets', namespace: BOOTSTRAP_TOKEN_NAMESPACE, name };
    const secret = await ctx.store.get(key);
    if (!secret || isDeleting(secret) || secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE) return;
    const expiration = secretValue(secret, 'expiration');
    if (expiration === undefined) return;
    const at = Date.parse(expiration);
    // An unreadable expiration never authenticates (shared/authn/bootstrap-token.ts): treat it as passed.
    const left = Number.isNaN(at) ? 0 : at - ctx.now();
    if (left > 0) return { requeueAfterMs: Math.min(left, MAX_WAIT_MS) };
    await deleteObject(ctx.store, ctx.registry, key, secret, 'Background', ctx.now());
  },

  async resync(ctx) {
    const secrets = await ctx.store.list(
      { group: '', resource: 'secrets', namespace: BOOTSTRAP_TOKEN_NAMESPACE },
      { fieldSelector: `type=${BOOTSTRAP_TOKEN_SECRET_TYPE}` },
    );
    return secrets.items.map((s) => s.metadata.name ?? '').filter(Boolean);
  },
};
