/** Compact JWS with HS256, on Web Crypto only (workerd and Node alike). */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function base64url(bytes: Uint8Array): string {
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

export async function signHs256(secret: string, payload: Record<string, unknown>): Promise<string> {
  const header = base64url(encoder.encode(JSON.stringify({ alg: 'HS256', typ: 'JWT' })));
  const body = base64url(encoder.encode(JSON.stringify(payload)));
  const sig = await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(`${header}.${body}`));
  return `${header}.${body}.${base64url(new Uint8Array(sig))}`;
}

/** The payload of a token signed with `secret`, or undefined (bad shape, other algorithm, bad signature). */
export async function verifyHs256(secret: string, token: string): Promise<unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, body, sig] = parts as [string, string, string];
  try {
    const head = JSON.parse(decoder.decode(fromBase64url(header))) as { alg?: unknown };
    if (head.alg !== 'HS256') return undefined;
    const ok = await crypto.subtle.verify('HMAC', await hmacKey(secret), fromBase64url(sig), encoder.encode(`${header}.${body}`));
    if (!ok) return undefined;
    return JSON.parse(decoder.decode(fromBase64url(body))) as unknown;
  } catch {
    return undefined;
  }
}

/** The payload without checking the signature: only to route a token to the verifier that owns it. */
export function peekPayload(token: string): unknown {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    return JSON.parse(decoder.decode(fromBase64url(parts[1]!))) as unknown;
  } catch {
    return undefined;
  }
}
