import { errors } from '../shared/status.js';

/** What a continue token carries: the list's revision and the last key returned. */
export interface ContinueToken {
  revision: number;
  namespace: string;
  name: string;
}

function toBase64Url(s: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(s)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function fromBase64Url(s: string): string {
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(b, (c) => c.charCodeAt(0)));
}

export function encodeContinue(t: ContinueToken): string {
  return toBase64Url(JSON.stringify({ v: 1, rv: t.revision, ns: t.namespace, n: t.name }));
}

export function decodeContinue(token: string): ContinueToken {
  try {
    const o = JSON.parse(fromBase64Url(token)) as { v?: number; rv?: unknown; ns?: unknown; n?: unknown };
    if (o.v === 1 && typeof o.rv === 'number' && typeof o.ns === 'string' && typeof o.n === 'string') {
      return { revision: o.rv, namespace: o.ns, name: o.n };
    }
  } catch {
    // fall through to the 400 below: a token we did not mint
  }
  throw errors.badRequest(`invalid continue token: the token was not produced by this server; start a new list without it`);
}
