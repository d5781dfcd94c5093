// The audit log of a local control plane: JSON lines in DIR/audit/audit.log, rotated by size.
// The worker cannot write files, so it sends each request's records to the `AUDIT` service
// binding; Miniflare runs that binding's handler here, in the launcher's Node process.

import { appendFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname } from 'node:path';

export const AUDIT_MAX_BYTES = 10 * 1024 * 1024;
/** Files kept, the live one included: audit.log, audit.log.1 … audit.log.4. */
export const AUDIT_MAX_FILES = 5;
/** One request's records; anything bigger is not what the worker sends. */
const MAX_BATCH_BYTES = 1024 * 1024;

export interface RotatingLogOptions {
  file: string;
  maxBytes?: number;
  maxFiles?: number;
}

/**
 * Appends text to a file and rotates it before it would pass `maxBytes` (audit.log →
 * audit.log.1 → … → audit.log.<maxFiles-1>, the oldest dropped), as lumberjack does for
 * kube-apiserver's --audit-log-maxsize/--audit-log-maxbackup. Appends are serialised, so
 * concurrent requests never interleave inside a line. The files are 0600: they name users.
 */
export class RotatingLog {
  private size: number | undefined;
  private queue: Promise<void> = Promise.resolve();
  readonly maxBytes: number;
  readonly maxFiles: number;

  constructor(readonly file: string, opts: Omit<RotatingLogOptions, 'file'> = {}) {
    this.maxBytes = opts.maxBytes ?? AUDIT_MAX_BYTES;
    this.maxFiles = Math.max(1, opts.maxFiles ?? AUDIT_MAX_FILES);
  }

  append(text: string): Promise<void> {
    const next = this.queue.then(() => this.write(text));
    // A failed write must not wedge every later one.
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async write(text: string): Promise<void> {
    const bytes = Buffer.byteLength(text);
    if (this.size === undefined) {
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      this.size = await stat(this.file).then((s) => s.size, () => 0);
    }
    if (this.size > 0 && this.size + bytes > this.maxBytes) await this.rotate();
    await appendFile(this.file, text, { mode: 0o600 });
    this.size += bytes;
  }

  private async rotate(): Promise<void> {
    const name = (i: number): string => (i === 0 ? this.file : `${this.file}.${i}`);
    await rm(name(this.maxFiles - 1), { force: true });
    for (let i = this.maxFiles - 2; i >= 0; i--) {
      await rename(name(i), name(i + 1)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
    this.size = 0;
  }
}

/**
 * Keeps only lines that are audit events (JSON objects of kind Event), re-serialised, so the
 * binding cannot be used to write anything else into the log.
 */
export function auditLines(body: string): string[] {
  const out: string[] = [];
  for (const line of body.split('\n')) {
    if (!line.trim()) continue;
    const value = JSON.parse(line) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value) || (value as { kind?: unknown }).kind !== 'Event') {
      throw new Error('not an audit event');
    }
    out.push(JSON.stringify(value));
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BATCH_BYTES) {
        reject(new Error('audit batch too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The Node side of the `AUDIT` service binding: POSTed JSON lines are appended to the log. */
export function auditBindingHandler(log: RotatingLog, onError: (err: Error) => void): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    let lines: string[];
    try {
      lines = auditLines(await readBody(req));
    } catch (err) {
      res.writeHead(400).end((err as Error).message);
      return;
    }
    try {
      if (lines.length) await log.append(lines.join('\n') + '\n');
      res.writeHead(204).end();
    } catch (err) {
      onError(err as Error);
      res.writeHead(500).end();
    }
  };
}
