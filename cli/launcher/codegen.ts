// Build-time code the worker bundle imports but the repository does not hold: the protobuf
// codecs (functions/generated/protobuf/, git-ignored, made by cli/build/protobuf.ts). workerd
// cannot compile codecs at run time, so `up` runs the generator when its output is missing,
// was cut short (no stamp), or is older than the generator itself (a pull that changed it).

import { spawn } from 'node:child_process';
import { mkdirSync, statSync, utimesSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { acquireLock, DataDirLockedError, type Lock } from './lock.js';

export type CodegenOutcome = 'present' | 'generated' | 'no-generator';

export const PROTOBUF_OUTPUT = 'functions/generated/protobuf';
export const PROTOBUF_GENERATOR = 'cli/build/protobuf.ts';
/** Written last by the generator, so its presence means a complete run. */
const STAMP = 'stamp.json';

const mtime = (file: string): number | undefined => statSync(file, { throwIfNoEntry: false })?.mtimeMs;

/**
 * Runs the generator as its own process, the way its author runs it (`npx tsx …`): it does
 * its work at import (a top-level main), and it decides itself whether its stamp is current.
 */
export async function ensureProtobufCode(
  projectRoot: string,
  onOutput: (line: string) => void = () => undefined,
): Promise<CodegenOutcome> {
  const generator = join(projectRoot, PROTOBUF_GENERATOR);
  const stamp = join(projectRoot, PROTOBUF_OUTPUT, STAMP);
  const generatorTime = mtime(generator);
  const stampTime = mtime(stamp);
  if (generatorTime === undefined) return stampTime === undefined ? 'no-generator' : 'present';
  if (stampTime !== undefined && stampTime >= generatorTime) return 'present';

  // Two `up`s starting at once on a fresh clone (parallel e2e test files) would both run the
  // generator, which replaces its output folder: let one run it and the other wait for it.
  mkdirSync(join(projectRoot, PROTOBUF_OUTPUT, '..'), { recursive: true });
  const lock = await waitForLock(join(projectRoot, PROTOBUF_OUTPUT, '..', '.protobuf.lock'));
  try {
    const again = mtime(stamp);
    if (again !== undefined && again >= generatorTime) return 'present';
    return await runGenerator(projectRoot, generator, stamp, generatorTime, onOutput);
  } finally {
    lock.release();
  }
}

async function waitForLock(file: string): Promise<Lock> {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      return acquireLock(file, file);
    } catch (err) {
      if (!(err instanceof DataDirLockedError) || Date.now() > deadline) throw err;
      await delay(250);
    }
  }
}

async function runGenerator(
  projectRoot: string,
  generator: string,
  stamp: string,
  generatorTime: number,
  onOutput: (line: string) => void,
): Promise<CodegenOutcome> {
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', generator], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (d: Buffer): void => {
      for (const line of d.toString().split('\n')) {
        if (!line.trim()) continue;
        output.push(line);
        onOutput(line);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0 || mtime(stamp) === undefined) {
    const tail = output.slice(-15).join('\n');
    throw new Error(
      `${PROTOBUF_GENERATOR} ${code === 0 ? `left no ${STAMP} in ${PROTOBUF_OUTPUT}` : `exited with ${code}`}` +
        (tail ? `:\n${tail}` : ''),
    );
  }
  // A generator that found its output current leaves the stamp as it was; mark it checked so
  // the next start does not run the generator again for the same edit.
  if ((mtime(stamp) ?? 0) < generatorTime) utimesSync(stamp, new Date(), new Date());
  return 'generated';
}
