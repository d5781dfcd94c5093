// Small file helpers the launcher modules share.

import { readFileSync, renameSync, writeFileSync, chmodSync } from 'node:fs';

/**
 * Writes under a temporary name and renames over the target, so a crash never leaves half a
 * key or half a kubeconfig, and sets `mode` even when the file existed with another one.
 */
export function writeFileAtomic(file: string, content: string, mode: number): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}

/** The file's text, or undefined when it does not exist. */
export function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
