// The admin kubeconfig `up` writes: DIR/karmada-apiserver.config, named as Karmada names its
// own so scripts written for Karmada find the same context and user.

import { chmodSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { readIfExists, writeFileAtomic } from './files.js';

export const CONTEXT_NAME = 'karmada-apiserver';
export const USER_NAME = 'karmada-admin';

export interface KubeconfigInput {
  server: string;
  caCertPem: string;
  token: string;
}

export function renderKubeconfig({ server, caCertPem, token }: KubeconfigInput): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: CONTEXT_NAME,
        cluster: { server, 'certificate-authority-data': Buffer.from(caCertPem).toString('base64') },
      },
    ],
    contexts: [{ name: CONTEXT_NAME, context: { cluster: CONTEXT_NAME, user: USER_NAME } }],
    'current-context': CONTEXT_NAME,
    preferences: {},
    users: [{ name: USER_NAME, user: { token } }],
  });
}

/**
 * Writes the kubeconfig (0600: it holds the admin token). An unchanged one is left alone so
 * its modification time tells when credentials last changed.
 */
export function writeKubeconfig(file: string, input: KubeconfigInput): { changed: boolean } {
  const text = renderKubeconfig(input);
  if (readIfExists(file) === text) {
    chmodSync(file, 0o600);
    return { changed: false };
  }
  writeFileAtomic(file, text, 0o600);
  return { changed: true };
}

/** The admin user's token in an existing kubeconfig, if there is one. */
export function readKubeconfigToken(file: string): string | undefined {
  const text = readIfExists(file);
  if (!text) return undefined;
  try {
    const config = parse(text) as { users?: { name?: string; user?: { token?: unknown } }[] } | null;
    const token = config?.users?.find((u) => u.name === USER_NAME)?.user?.token;
    return typeof token === 'string' && token.length > 0 ? token : undefined;
  } catch {
    return undefined;
  }
}
