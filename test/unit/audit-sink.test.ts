import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditBindingHandler, auditLines, RotatingLog } from '../../cli/launcher/audit-sink.js';

const dirs: string[] = [];
const servers: Server[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  for (const s of servers.splice(0)) s.close();
});
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'flotilla-audit-'));
  dirs.push(d);
  return d;
}

describe('rotating audit log', () => {
  it('rotates by size and keeps a bounded number of files, every line whole', async () => {
    const file = join(scratch(), 'audit', 'audit.log');
    const log = new RotatingLog(file, { maxBytes: 1000, maxFiles: 3 });
    const line = (i: number) => JSON.stringify({ kind: 'Event', i, pad: 'x'.repeat(80) }) + '\n';
    await Promise.all(Array.from({ length: 60 }, (_, i) => log.append(line(i))));
    const files = readdirSync(join(file, '..')).sort();
    expect(files).toEqual(['audit.log', 'audit.log.1', 'audit.log.2']);
    for (const f of files) {
      const path = join(file, '..', f);
      expect(statSync(path).size).toBeLessThanOrEqual(1000);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      for (const l of readFileSync(path, 'utf8').trim().split('\n')) expect(JSON.parse(l).kind).toBe('Event');
    }
    // The newest lines are in audit.log, the oldest kept in audit.log.2; older ones were dropped.
    const newest = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).i);
    expect(newest.at(-1)).toBe(59);
    const oldest = JSON.parse(readFileSync(`${file}.2`, 'utf8').split('\n')[0]!).i;
    expect(oldest).toBeGreaterThan(0);
  });

  it('accepts only audit events over the binding', async () => {
    expect(auditLines('{"kind":"Event","a":1}\n\n{"kind":"Event"}\n')).toEqual(['{"kind":"Event","a":1}', '{"kind":"Event"}']);
    expect(() => auditLines('{"kind":"Secret"}')).toThrow();
    expect(() => auditLines('not json')).toThrow();
    const file = join(scratch(), 'audit.log');
    const server = createServer(auditBindingHandler(new RotatingLog(file), () => undefined));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const post = (body: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/append' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(body);
      });
    expect(await post('{"kind":"Event","verb":"create"}\n')).toBe(204);
    expect(await post('rm -rf /\n')).toBe(400);
    expect(readFileSync(file, 'utf8')).toBe('{"kind":"Event","verb":"create"}\n');
  });
});
