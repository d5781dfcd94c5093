// Finding and ending the workerd a killed `up` left behind. Miniflare kills workerd on an
// orderly exit, but after SIGKILL (or an OOM kill) of `up`, workerd lives on and keeps the API
// port. So `up` records its workerd's pid in the lock, and whoever takes over a stale lock
// ends that process. Linux /proc only; elsewhere these find nothing and do nothing.

import { readdirSync, readFileSync } from 'node:fs';

/** Pids of direct children of `parent` whose executable name is `name`. */
export function childPids(parent: number, name: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const entry of entries) {
    const stat = readStat(Number(entry));
    if (stat && stat.ppid === parent && stat.comm === name) found.push(Number(entry));
  }
  return found;
}

function readStat(pid: number): { comm: string; ppid: number } | undefined {
  try {
    // "pid (comm) state ppid …"; comm may itself contain spaces or parentheses.
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const ppid = Number(text.slice(close + 2).split(' ')[1]);
    return { comm, ppid };
  } catch {
    return undefined;
  }
}

/** SIGKILLs `pid` if it is still a process named `name` (a reused pid is left alone). */
export function killIfNamed(pid: number, name: string): boolean {
  if (readStat(pid)?.comm !== name) return false;
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}
