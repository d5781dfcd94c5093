import { z } from 'zod';
import { signHs256, verifyHs256 } from './authn/jws.js';

/** The claims of a token minted by TokenRequest, shaped like kube's bound service account tokens. */
export const serviceAccountClaimsSchema = z.object({
  iss: z.string(),
  sub: z.string(),
  aud: z.array(z.string()),
  exp: z.number(),
  iat: z.number(),
  nbf: z.number(),
  jti: z.string().optional(),
  'kubernetes.io': z.object({
    namespace: z.string(),
    serviceaccount: z.object({ name: z.string(), uid: z.string() }),
    // The object a token is bound to (TokenRequest's boundObjectRef): it dies with it.
    pod: z.object({ name: z.string(), uid: z.string() }).optional(),
    secret: z.object({ name: z.string(), uid: z.string() }).optional(),
    node: z.object({ name: z.string(), uid: z.string() }).optional(),
  }),
});
export type ServiceAccountClaims = z.infer<typeof serviceAccountClaimsSchema>;

const encoder = new TextEncoder();

/** A compact JWS (HS256) over the claims. */
export function signServiceAccountToken(secret: string, claims: ServiceAccountClaims): Promise<string> {
  return signHs256(secret, claims);
}

/**
 * The claims of a token this server signed and that is valid now, or undefined. Signature
 * checking is Web Crypto's verify, which compares in constant time.
 */
export async function verifyServiceAccountToken(secret: string, token: string, nowSeconds: number): Promise<ServiceAccountClaims | undefined> {
  const claims = serviceAccountClaimsSchema.safeParse(await verifyHs256(secret, token));
  if (!claims.success) return undefined;
  if (claims.data.exp <= nowSeconds || claims.data.nbf > nowSeconds + 60) return undefined;
  return claims.data;
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
