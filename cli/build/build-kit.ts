// What every build step under cli/build/ shares: tagged progress lines, a subprocess runner
// whose failures read well, the cache outside the repository, and installing an output
// folder with its stamp written last.

import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createRequire } from 'node:module';
import { chmodSync, cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** A failure the generator explains itself: printed without a stack, exit 1. */
export class BuildError extends Error {}

export function buildLogger(tag: string): (message: string) => void {
  return (message) => console.log(`[${tag}] ${message}`);
}

export function run(command: string, args: string[], options: SpawnSyncOptions & { what: string }): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (result.error) throw new BuildError(`${options.what}: could not start ${command}: ${result.error.message}`);
  if (result.status !== 0) {
    const out = String(result.stderr ?? '').trim() || String(result.stdout ?? '').trim();
    throw new BuildError(`${options.what} failed (exit ${result.status}):\n${out}`);
  }
  return String(result.stdout ?? '');
}

const require = createRequire(import.meta.url);

export function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
}

/** ~/.cache/flotilla/<step> ($FLOTILLA_CACHE_DIR/<step> or $XDG_CACHE_HOME/flotilla/<step> when set). */
export function cacheRoot(step: string): string {
  if (process.env.FLOTILLA_CACHE_DIR) return join(process.env.FLOTILLA_CACHE_DIR, step);
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'flotilla', step);
}

export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/**
 * Replaces `outDir` with the finished `work` folder. Output first, stamp last: a run cut
 * short leaves no stamp and is redone next time. Returns how many files were installed.
 */
export function installOutput(work: string, outDir: string, stampPath: string, stamp: unknown): number {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(dirname(outDir), { recursive: true });
  cpSync(work, outDir, { recursive: true });
  // mkdtemp made the source 0700 and cpSync copies that mode.
  chmodSync(outDir, 0o755);
  writeFileSync(stampPath, `${JSON.stringify(stamp, null, 2)}\n`);
  return listFiles(outDir).length;
}

/** Runs a generator's main: a BuildError is a one-line message and exit 1, anything else a crash. */
export function runBuild(tag: string, main: () => void): void {
  try {
    main();
  } catch (e) {
    if (e instanceof BuildError) {
      console.error(`[${tag}] error: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
}
