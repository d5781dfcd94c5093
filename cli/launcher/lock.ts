// One `up` per data dir: two servers on one database file and one set of keys would fight.
//
// The lock is a file created with O_EXCL holding the owner's pid. A lock whose pid is dead
// (a crashed or SIGKILLed `up`) is taken over; a live one is refused with its pid.

import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { writeFileAtomic } from './files.js';
import { killIfNamed } from './processes.js';

interface LockContent {
  pid: number;
  host: string;
  startedAt: string;
  /** Tells our own lock from a successor's with the same pid after a restart. */
  nonce: string;
  /** workerd processes this owner started, ended by whoever takes over a stale lock. */
  workerd?: number[];
}

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    /** Undefined when the owner is still writing the lock file. */
    readonly pid: number | undefined,
    readonly lockFile: string,
  ) {
    super(
      pid === undefined
        ? `another flotilla is starting on the data dir ${dataDir} right now (lock ${lockFile})`
        : `another flotilla (pid ${pid}) is already running on the data dir ${dataDir}. ` +
            `Stop it first, or use another --data-dir. If pid ${pid} is not flotilla, delete ${lockFile}.`,
    );
  }
}

export interface Lock {
  readonly file: string;
  /** The dead owner whose lock was taken over, and how many of its workerd were ended. */
  readonly tookOverFrom: { pid: number; killedWorkerd: number } | undefined;
  /** Records the workerd processes we started, for a successor to clean up if we get killed. */
  recordWorkerd(pids: number[]): void;
  /** Removes the lock if it is still ours; safe to call more than once and from 'exit'. */
  release(): void;
}

function readLock(file: string): LockContent | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockContent>;
    if (typeof parsed.pid === 'number' && typeof parsed.nonce === 'string') return parsed as LockContent;
  } catch {
    // Missing, or half-written by an owner that died between create and write: both stale.
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isFresh(file: string): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs < 5_000;
  } catch {
    return false;
  }
}

function tryCreate(file: string, content: LockContent): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, JSON.stringify(content) + '\n');
  } finally {
    closeSync(fd);
  }
  return true;
}

export function acquireLock(file: string, dataDir: string): Lock {
  const mine: LockContent = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    nonce: randomBytes(8).toString('hex'),
  };
  let tookOverFrom: { pid: number; killedWorkerd: number } | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(file, mine)) return makeLock(file, mine, tookOverFrom);
    const owner = readLock(file);
    // Our own pid counts as alive only for a lock this process holds: otherwise the file is
    // from an earlier process that had the same pid.
    const live = owner && (owner.pid === process.pid ? heldHere.has(owner.nonce) : isAlive(owner.pid));
    if (owner && live) {
      throw new DataDirLockedError(dataDir, owner.pid, file);
    }
    if (!owner && isFresh(file)) {
      // Created a moment ago and not yet written: another `up` is starting right now.
      throw new DataDirLockedError(dataDir, undefined, file);
    }
    // Stale. Move it aside under a name of our own rather than unlinking it, so that two
    // starters racing for the same stale lock cannot delete each other's fresh one: after
    // the rename we check that what we moved is the stale lock we judged.
    const aside = `${file}.stale-${process.pid}-${mine.nonce}`;
    try {
      renameSync(file, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const moved = readLock(aside);
    const judged = owner ? moved?.nonce === owner.nonce : moved === undefined;
    if (!judged) {
      // Someone took it over between our read and our rename: put theirs back.
      try {
        linkSync(aside, file);
      } catch {
        // A third starter holds the name now; theirs stands.
      }
      unlinkSync(aside);
      continue;
    }
    unlinkSync(aside);
    if (owner) {
      const killed = (owner.workerd ?? []).filter((pid) => killIfNamed(pid, 'workerd')).length;
      tookOverFrom = { pid: owner.pid, killedWorkerd: killed };
    }
  }
  throw new Error(`could not take the lock ${file}: it keeps changing hands`);
}

/** Nonces of the locks this process holds. */
const heldHere = new Set<string>();

function makeLock(file: string, content: LockContent, tookOverFrom: Lock['tookOverFrom']): Lock {
  let held = true;
  heldHere.add(content.nonce);
  const release = (): void => {
    if (!held) return;
    held = false;
    heldHere.delete(content.nonce);
    process.removeListener('exit', release);
    if (readLock(file)?.nonce !== content.nonce) return;
    try {
      unlinkSync(file);
    } catch {
      // Already gone.
    }
  };
  // Last resort for paths that skip the orderly shutdown (an uncaught exception).
  process.on('exit', release);
  const recordWorkerd = (pids: number[]): void => {
    if (!held || pids.length === 0) return;
    writeFileAtomic(file, JSON.stringify({ ...content, workerd: pids }) + '\n', 0o600);
  };
  return { file, tookOverFrom, release, recordWorkerd };
}
