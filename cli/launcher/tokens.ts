// The admin bearer token and the key the worker signs ServiceAccount tokens with.
//
// The data dir keeps only the admin token's SHA-256 (the worker compares hashes); the
// plaintext lives in the kubeconfig alone, which is 0600. So a restart recovers the token
// from the kubeconfig and checks it against the stored hash.

import { createHash, randomBytes } from 'node:crypto';
import { readIfExists, writeFileAtomic } from './files.js';

export interface AdminToken {
  token: string;
  sha256: string;
  /** 'created' on first start; 'rotated' when the kubeconfig lost the token the hash names. */
  origin: 'created' | 'reused' | 'rotated';
  /**
   * Stores the hash. Call it right after the kubeconfig holding the token is written: a start
   * that fails before then leaves no hash behind, so the next start makes a fresh token quietly
   * instead of reporting a lost one.
   */
  persist(): void;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Reuses the admin token found in the kubeconfig if it matches the stored hash; otherwise
 * makes a new one (32 random bytes, hex).
 */
export function ensureAdminToken(hashFile: string, tokenFromKubeconfig: string | undefined): AdminToken {
  const stored = readIfExists(hashFile)?.trim();
  if (stored && tokenFromKubeconfig && sha256Hex(tokenFromKubeconfig) === stored) {
    return { token: tokenFromKubeconfig, sha256: stored, origin: 'reused', persist: () => undefined };
  }
  const token = randomBytes(32).toString('hex');
  const sha256 = sha256Hex(token);
  return {
    token,
    sha256,
    origin: stored ? 'rotated' : 'created',
    persist: () => writeFileAtomic(hashFile, sha256 + '\n', 0o600),
  };
}

/** A 32-byte random key, base64, made on first start and kept so issued tokens stay valid. */
export function ensureTokenSigningKey(file: string): { key: string; created: boolean } {
  const existing = readIfExists(file)?.trim();
  if (existing && Buffer.from(existing, 'base64').length >= 32) return { key: existing, created: false };
  const key = randomBytes(32).toString('base64');
  writeFileAtomic(file, key + '\n', 0o600);
  return { key, created: true };
}
