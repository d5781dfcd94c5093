// What the control-plane benchmarks share: calling the API as the admin, and measuring the
// whole process tree `flotilla up` started (CPU and resident memory from /proc).

import { request } from 'node:https';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** An API server to call: its URL, the CA its certificate chains to, and a bearer token. */
export interface Target {
  base: string;
  ca: string;
  token: string;
}

/** One request; the body as text. Rejects with the status and the start of the body on anything but 2xx. */
export function callText(t: Target, path: string, method = 'GET', body?: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, t.base), { method, ca: t.ca, headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json', accept: 'application/json' } }, (res) => {
      let s = '';
      res.on('data', (c: Buffer) => (s += c));
      res.on('end', () => ((res.statusCode ?? 500) < 300 ? resolve(s) : reject(new Error(`${method} ${path}: ${res.statusCode} ${s.slice(0, 200)}`))));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** One JSON request (see callText). */
export async function call<T>(t: Target, path: string, method = 'GET', body?: unknown): Promise<T> {
  return JSON.parse(await callText(t, path, method, body)) as T;
}

/** `root` and every process below it. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // the process ended between readdir and read
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

function sumOver(pids: number[], read: (pid: number) => number): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += read(pid);
    } catch {
      // gone
    }
  }
  return total;
}

/** CPU seconds (user + system) the tree has used so far. */
export function treeCpuSeconds(root: number): number {
  return sumOver(processTree(root), (pid) => {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  });
}

/** Resident memory of the tree now, in bytes. */
export function treeRssBytes(root: number): number {
  return sumOver(processTree(root), (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024);
}

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}
