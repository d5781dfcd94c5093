// Bundles the worker (functions/worker.ts and everything it imports) into one ES module for
// workerd. The bundle is reused while none of its input files changed, which saves about a
// second on every restart; any edit to the worker's sources rebuilds it.

import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { build, stop, version as esbuildVersion, type BuildOptions, type Plugin } from 'esbuild';
import { readIfExists, writeFileAtomic } from './files.js';

export interface WorkerBundle {
  scriptPath: string;
  bytes: number;
  /** Whether the previous bundle was still current. */
  reused: boolean;
}

/**
 * Libraries written for Node import builtins without the `node:` prefix ('buffer', 'events');
 * workerd's nodejs_compat serves them only under `node:`. Rewrite and leave them external.
 */
const nodeBuiltins: Plugin = {
  name: 'node-builtins',
  setup(b) {
    const bare = builtinModules.filter((m) => !m.startsWith('_'));
    const filter = new RegExp(`^(${bare.map((m) => m.replace(/[/]/g, '\\/')).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: `node:${args.path}`, external: true }));
  },
};

interface Manifest {
  key: string;
  bytes: number;
  /** Input path (relative to the project root) → [mtimeMs, size]. */
  inputs: Record<string, [number, number]>;
}

export async function bundleWorker(entry: string, outDir: string, projectRoot: string): Promise<WorkerBundle> {
  const scriptPath = join(outDir, 'worker.mjs');
  const manifestPath = join(outDir, 'worker.manifest.json');
  const options: BuildOptions = {
    absWorkingDir: projectRoot,
    entryPoints: [entry],
    outfile: scriptPath,
    bundle: true,
    platform: 'neutral',
    format: 'esm',
    target: 'es2022',
    // As wrangler resolves: 'neutral' has no defaults, so pick builds meant for workers.
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    external: ['node:*', 'cloudflare:*'],
    sourcemap: 'linked',
    legalComments: 'none',
  };
  const key = createHash('sha256').update(JSON.stringify({ esbuildVersion, options, v: 1 })).digest('hex');

  const previous = readManifest(manifestPath);
  if (previous && previous.key === key && readIfExists(scriptPath) !== undefined && unchanged(previous, projectRoot)) {
    return { scriptPath, bytes: previous.bytes, reused: true };
  }

  try {
    const result = await build({ ...options, plugins: [nodeBuiltins], metafile: true, logLevel: 'silent' });
    const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
    const bytes = output?.bytes ?? 0;
    const inputs: Manifest['inputs'] = {};
    for (const input of Object.keys(result.metafile.inputs)) {
      const st = statSync(resolve(projectRoot, input), { throwIfNoEntry: false });
      if (st) inputs[input] = [st.mtimeMs, st.size];
    }
    writeFileAtomic(manifestPath, JSON.stringify({ key, bytes, inputs } satisfies Manifest), 0o600);
    return { scriptPath, bytes, reused: false };
  } catch (err) {
    const errors = (err as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors;
    if (!errors?.length) throw err;
    const lines = errors.slice(0, 5).map((e) => `  ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`);
    throw new Error(`bundling ${entry} failed:\n${lines.join('\n')}`);
  } finally {
    // esbuild keeps its service process for a next build; there is none until the next start.
    void stop();
  }
}

function readManifest(file: string): Manifest | undefined {
  try {
    const text = readIfExists(file);
    return text ? (JSON.parse(text) as Manifest) : undefined;
  } catch {
    return undefined;
  }
}

function unchanged(manifest: Manifest, projectRoot: string): boolean {
  const entries = Object.entries(manifest.inputs);
  if (entries.length === 0) return false;
  return entries.every(([input, [mtimeMs, size]]) => {
    const st = statSync(isAbsolute(input) ? input : resolve(projectRoot, input), { throwIfNoEntry: false });
    return st !== undefined && st.mtimeMs === mtimeMs && st.size === size;
  });
}
