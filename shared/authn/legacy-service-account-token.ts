import { z } from 'zod';
import { signHs256, verifyHs256 } from './jws.js';

/** The issuer upstream's tokens controller writes into Secret-based ServiceAccount tokens. */
export const LEGACY_ISSUER = 'kubernetes/serviceaccount';

/** The claims of a `kubernetes.io/service-account-token` Secret's token (no expiry: the Secret is the lifetime). */
export const legacyClaimsSchema = z.object({
  iss: z.literal(LEGACY_ISSUER),
  sub: z.string(),
  'kubernetes.io/serviceaccount/namespace': z.string(),
  'kubernetes.io/serviceaccount/secret.name': z.string(),
  'kubernetes.io/serviceaccount/service-account.name': z.string(),
  'kubernetes.io/serviceaccount/service-account.uid': z.string(),
});
export type LegacyClaims = z.infer<typeof legacyClaimsSchema>;

export function legacyClaims(namespace: string, secretName: string, serviceAccount: { name: string; uid: string }): LegacyClaims {
  return {
    iss: LEGACY_ISSUER,
    sub: `system:serviceaccount:${namespace}:${serviceAccount.name}`,
    'kubernetes.io/serviceaccount/namespace': namespace,
    'kubernetes.io/serviceaccount/secret.name': secretName,
    'kubernetes.io/serviceaccount/service-account.name': serviceAccount.name,
    'kubernetes.io/serviceaccount/service-account.uid': serviceAccount.uid,
  };
}

export function signLegacyToken(key: string, claims: LegacyClaims): Promise<string> {
  return signHs256(key, claims);
}

/** Claims of a legacy token this server signed; whether its Secret and ServiceAccount still exist is the caller's check. */
export async function verifyLegacyToken(key: string, token: string): Promise<LegacyClaims | undefined> {
  const payload = await verifyHs256(key, token);
  const parsed = legacyClaimsSchema.safeParse(payload);
  return parsed.success ? parsed.data : undefined;
}
