// Where one control plane keeps everything it must find again after a restart.

import { mkdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

export const DEFAULT_DATA_DIR = '.flotilla';

/** The files of a data dir; one place names them so commands agree. */
export interface DataDirLayout {
  root: string;
  database: string;
  lock: string;
  pkiDir: string;
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  adminTokenHash: string;
  tokenSigningKey: string;
  kubeconfig: string;
  /** JSON lines of the audit log, rotated by size (cli/launcher/audit-sink.ts). */
  auditLog: string;
  /** Rebuilt at every start (the worker bundle); safe to delete while stopped. */
  cacheDir: string;
}

export function layout(root: string): DataDirLayout {
  const pkiDir = join(root, 'pki');
  return {
    root,
    database: join(root, 'state.db'),
    lock: join(root, 'flotilla.lock'),
    pkiDir,
    caCert: join(pkiDir, 'ca.crt'),
    caKey: join(pkiDir, 'ca.key'),
    servingCert: join(pkiDir, 'apiserver.crt'),
    servingKey: join(pkiDir, 'apiserver.key'),
    adminTokenHash: join(root, 'admin-token.sha256'),
    tokenSigningKey: join(root, 'token-signing.key'),
    kubeconfig: join(root, 'karmada-apiserver.config'),
    auditLog: join(root, 'audit', 'audit.log'),
    cacheDir: join(root, 'cache'),
  };
}

/**
 * Resolves `dir` against the directory the user ran the command in (npm runs scripts in the
 * package root, so cwd is not that directory under `npm run up -- --data-dir x`).
 */
export function resolveDataDir(dir: string | undefined, invocationDir: string): string {
  const given = dir && dir.length > 0 ? dir : DEFAULT_DATA_DIR;
  return isAbsolute(given) ? given : resolve(invocationDir, given);
}

/** Creates the data dir (private: it holds keys and the database) and its subfolders. */
export function prepareDataDir(root: string): DataDirLayout {
  const files = layout(root);
  try {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    mkdirSync(files.pkiDir, { recursive: true, mode: 0o700 });
    mkdirSync(files.cacheDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new Error(`cannot create the data dir ${root}: ${(err as Error).message}`);
  }
  if (!statSync(root).isDirectory()) throw new Error(`${root} is not a directory`);
  return files;
}
