import { z } from 'zod';

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

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(s: string): Uint8Array<ArrayBuffer> {
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(new ArrayBuffer(b.length));
  for (let i = 0; i < b.length; i++) out[i] = b.charCodeAt(i);
  return out;
}

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/** A compact JWS (HS256) over the claims. */
export async function signServiceAccountToken(secret: string, claims: ServiceAccountClaims): Promise<string> {
  const header = base64url(encoder.encode(JSON.stringify({ alg: 'HS256', typ: 'JWT' })));
  const payload = base64url(encoder.encode(JSON.stringify(claims)));
  const sig = await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(`${header}.${payload}`));
  return `${header}.${payload}.${base64url(new Uint8Array(sig))}`;
}

/**
 * The claims of a token this server signed and that is valid now, or undefined. Signature
 * checking is Web Crypto's verify, which compares in constant time.
 */
export async function verifyServiceAccountToken(secret: string, token: string, nowSeconds: number): Promise<ServiceAccountClaims | undefined> {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, sig] = parts as [string, string, string];
  try {
    const head = JSON.parse(new TextDecoder().decode(fromBase64url(header))) as { alg?: string };
    if (head.alg !== 'HS256') return undefined;
    const ok = await crypto.subtle.verify('HMAC', await hmacKey(secret), fromBase64url(sig), encoder.encode(`${header}.${payload}`));
    if (!ok) return undefined;
    const claims = serviceAccountClaimsSchema.safeParse(JSON.parse(new TextDecoder().decode(fromBase64url(payload))));
    if (!claims.success) return undefined;
    if (claims.data.exp <= nowSeconds || claims.data.nbf > nowSeconds + 60) return undefined;
    return claims.data;
  } catch {
    return undefined;
  }
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
