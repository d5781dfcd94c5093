// Build-time code the worker bundle imports but the repository does not hold: the protobuf
// codecs (functions/generated/protobuf/, made by cli/build/protobuf.ts) and the OpenAPI schemas
// (functions/generated/openapi/, made by cli/build/openapi.ts), both git-ignored. workerd
// cannot compile codecs at run time, so `up` runs a generator when its output is missing,
// was cut short (no stamp), or is older than the generator or its inputs (a pull that changed them).

import { spawn } from 'node:child_process';
import { mkdirSync, statSync, utimesSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { basename, join } from 'node:path';
import { acquireLock, DataDirLockedError, type Lock } from './lock.js';

export type CodegenOutcome = 'present' | 'generated' | 'no-generator';

export const PROTOBUF_OUTPUT = 'functions/generated/protobuf';
export const PROTOBUF_GENERATOR = 'cli/build/protobuf.ts';
/** The OpenAPI schemas; the built-in registry's kinds decide which definitions it keeps. */
export const OPENAPI_OUTPUT = 'functions/generated/openapi';
export const OPENAPI_GENERATOR = 'cli/build/openapi.ts';
const OPENAPI_INPUTS = ['shared/registry/builtin.ts'];
/** Written last by the generator, so its presence means a complete run. */
const STAMP = 'stamp.json';

/** One build step: its script, its output folder, and files besides the script whose edits call for a rerun. */
interface GeneratorStep {
  generator: string;
  output: string;
  inputs: string[];
}

const mtime = (file: string): number | undefined => statSync(file, { throwIfNoEntry: false })?.mtimeMs;

/**
 * Runs the generator as its own process, the way its author runs it (`npx tsx …`): it does
 * its work at import (a top-level main), and it decides itself whether its stamp is current.
 */
export async function ensureProtobufCode(
  projectRoot: string,
  onOutput: (line: string) => void = () => undefined,
): Promise<CodegenOutcome> {
  return ensureGeneratedCode(projectRoot, { generator: PROTOBUF_GENERATOR, output: PROTOBUF_OUTPUT, inputs: [] }, onOutput);
}

/** The same for the OpenAPI schemas (cli/build/openapi.ts), rerun when the built-in kinds change too. */
export async function ensureOpenApiCode(
  projectRoot: string,
  onOutput: (line: string) => void = () => undefined,
): Promise<CodegenOutcome> {
  return ensureGeneratedCode(projectRoot, { generator: OPENAPI_GENERATOR, output: OPENAPI_OUTPUT, inputs: OPENAPI_INPUTS }, onOutput);
}

async function ensureGeneratedCode(projectRoot: string, step: GeneratorStep, onOutput: (line: string) => void): Promise<CodegenOutcome> {
  const generator = join(projectRoot, step.generator);
  const stamp = join(projectRoot, step.output, STAMP);
  const inputTimes = [generator, ...step.inputs.map((f) => join(projectRoot, f))].map(mtime);
  const generatorTime = inputTimes[0];
  const stampTime = mtime(stamp);
  if (generatorTime === undefined) return stampTime === undefined ? 'no-generator' : 'present';
  const newestInput = Math.max(...inputTimes.map((t) => t ?? 0));
  if (stampTime !== undefined && stampTime >= newestInput) return 'present';

  // Two `up`s starting at once on a fresh clone (parallel e2e test files) would both run the
  // generator, which replaces its output folder: let one run it and the other wait for it.
  mkdirSync(join(projectRoot, step.output, '..'), { recursive: true });
  const lock = await waitForLock(join(projectRoot, step.output, '..', `.${basename(step.output)}.lock`));
  try {
    const again = mtime(stamp);
    if (again !== undefined && again >= newestInput) return 'present';
    return await runGenerator(projectRoot, step, generator, stamp, newestInput, onOutput);
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
  step: GeneratorStep,
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
      `${step.generator} ${code === 0 ? `left no ${STAMP} in ${step.output}` : `exited with ${code}`}` +
        (tail ? `:\n${tail}` : ''),
    );
  }
  // A generator that found its output current leaves the stamp as it was; mark it checked so
  // the next start does not run the generator again for the same edit.
  if ((mtime(stamp) ?? 0) < generatorTime) {
    // Strictly after the newest input, even if its clock ran ahead of ours: file times carry
    // nanoseconds and a Date only milliseconds, so "equal" could read back as just before.
    const checked = new Date(Math.max(Date.now(), Math.floor(generatorTime) + 1));
    utimesSync(stamp, checked, checked);
  }
  return 'generated';
}
