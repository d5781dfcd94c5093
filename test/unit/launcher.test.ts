// The launcher's pieces without starting anything: the lock, certificates, tokens,
// kubeconfig, the wrangler.toml reader, the cron ticker and the CLI's flag parsing.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { defineCommand, UsageError } from '../../cli/command.js';
import { ensureCertificates } from '../../cli/launcher/certificates.js';
import { ensureProtobufCode } from '../../cli/launcher/codegen.js';
import { startCronTicker } from '../../cli/launcher/cron-ticker.js';
import { layout, resolveDataDir } from '../../cli/launcher/data-dir.js';
import { readKubeconfigToken, writeKubeconfig } from '../../cli/launcher/kubeconfig.js';
import { acquireLock, DataDirLockedError } from '../../cli/launcher/lock.js';
import { parsePort } from '../../cli/launcher/ports.js';
import { ensureAdminToken, ensureTokenSigningKey, sha256Hex } from '../../cli/launcher/tokens.js';
import { readWranglerConfig } from '../../cli/launcher/wrangler-config.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-launcher-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid ?? 999_999;

describe('data dir', () => {
  it('resolves relative paths against the directory the user ran the command in', () => {
    expect(resolveDataDir(undefined, '/home/me/project')).toBe('/home/me/project/.flotilla');
    expect(resolveDataDir('x/y', '/home/me/project')).toBe('/home/me/project/x/y');
    expect(resolveDataDir('/abs', '/home/me/project')).toBe('/abs');
  });
});

describe('lock', () => {
  it('refuses a live owner, naming its pid and the dir', () => {
    const file = join(dir, 'flotilla.lock');
    writeFileSync(file, JSON.stringify({ pid: process.ppid, nonce: 'x' }));
    expect(() => acquireLock(file, dir)).toThrow(DataDirLockedError);
    expect(() => acquireLock(file, dir)).toThrow(new RegExp(`pid ${process.ppid}.*${dir}`));
  });

  it('takes over a dead owner and releases only its own lock', () => {
    const file = join(dir, 'flotilla.lock');
    const dead = deadPid();
    writeFileSync(file, JSON.stringify({ pid: dead, nonce: 'old' }));
    const lock = acquireLock(file, dir);
    expect(lock.tookOverFrom?.pid).toBe(dead);
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    // A successor's lock (another nonce) survives our release.
    writeFileSync(file, JSON.stringify({ pid: process.pid, nonce: 'someone-else' }));
    lock.release();
    expect(existsSync(file)).toBe(true);
    unlinkSync(file);
    const again = acquireLock(file, dir);
    again.release();
    expect(existsSync(file)).toBe(false);
  });
});

describe('certificates', () => {
  it('makes a CA and a serving certificate once, reuses them, and reissues only the serving one', async () => {
    const paths = layout(dir);
    mkdirSync(paths.pkiDir);
    const first = await ensureCertificates(paths);
    expect(first.caCreated).toBe(true);
    const serving = new X509Certificate(first.servingCertPem);
    const ca = new X509Certificate(first.caCertPem);
    expect(serving.verify(ca.publicKey)).toBe(true);
    expect(serving.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(serving.checkHost('localhost')).toBe('localhost');
    expect(ca.ca).toBe(true);
    expect(statSync(paths.caKey).mode & 0o777).toBe(0o600);

    const second = await ensureCertificates(paths);
    expect(second).toMatchObject({ caCreated: false, servingIssued: false, caCertPem: first.caCertPem });

    unlinkSync(paths.servingCert);
    const third = await ensureCertificates(paths);
    expect(third.caCertPem).toBe(first.caCertPem);
    expect(third.servingIssued).toBe(true);
    expect(new X509Certificate(third.servingCertPem).verify(ca.publicKey)).toBe(true);

    unlinkSync(paths.caKey);
    await expect(ensureCertificates(paths)).rejects.toThrow(/CA is incomplete/);
  });
});

describe('tokens and kubeconfig', () => {
  it('keeps the plaintext token only in the kubeconfig and recovers it from there', () => {
    const hashFile = join(dir, 'admin-token.sha256');
    const kubeconfig = join(dir, 'karmada-apiserver.config');
    const first = ensureAdminToken(hashFile, undefined);
    expect(first.origin).toBe('created');
    expect(first.token).toMatch(/^[0-9a-f]{64}$/);
    // Nothing is stored until the kubeconfig holding the token is written.
    expect(existsSync(hashFile)).toBe(false);
    expect(writeKubeconfig(kubeconfig, { server: 'https://127.0.0.1:1', caCertPem: 'PEM', token: first.token }).changed).toBe(true);
    first.persist();
    expect(readFileSync(hashFile, 'utf8').trim()).toBe(sha256Hex(first.token));
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);

    const again = ensureAdminToken(hashFile, readKubeconfigToken(kubeconfig));
    expect(again).toMatchObject({ origin: 'reused', token: first.token });
    expect(writeKubeconfig(kubeconfig, { server: 'https://127.0.0.1:1', caCertPem: 'PEM', token: first.token }).changed).toBe(false);

    const lost = ensureAdminToken(hashFile, 'not-the-token');
    expect(lost.origin).toBe('rotated');
  });

  it('writes a kubeconfig kubectl understands', () => {
    const file = join(dir, 'kc');
    writeKubeconfig(file, { server: 'https://127.0.0.1:6443', caCertPem: 'CA', token: 't0k' });
    const kc = parse(readFileSync(file, 'utf8'));
    expect(kc['current-context']).toBe('karmada-apiserver');
    expect(kc.contexts[0]).toEqual({ name: 'karmada-apiserver', context: { cluster: 'karmada-apiserver', user: 'karmada-admin' } });
    expect(kc.clusters[0].cluster).toEqual({ server: 'https://127.0.0.1:6443', 'certificate-authority-data': Buffer.from('CA').toString('base64') });
    expect(kc.users[0]).toEqual({ name: 'karmada-admin', user: { token: 't0k' } });
  });

  it('makes the signing key once', () => {
    const file = join(dir, 'token-signing.key');
    const a = ensureTokenSigningKey(file);
    const b = ensureTokenSigningKey(file);
    expect(a.created).toBe(true);
    expect(b).toEqual({ key: a.key, created: false });
    expect(Buffer.from(a.key, 'base64')).toHaveLength(32);
  });
});

describe('wrangler.toml', () => {
  it("reads the project's settings", () => {
    const config = readWranglerConfig(new URL('../../wrangler.toml', import.meta.url).pathname);
    expect(config.main).toBe('functions/worker.ts');
    expect(config.compatibilityFlags).toContain('nodejs_compat');
    expect(config.queueProducers).toEqual([{ binding: 'RECONCILE_QUEUE', queue: 'flotilla-reconcile' }]);
    expect(config.queueConsumers[0]).toMatchObject({ queue: 'flotilla-reconcile', maxBatchTimeout: 0, maxBatchSize: 100 });
    expect(config.crons).toEqual(['* * * * *']);
    expect(config.vars.FLOTILLA_MODE).toBe('control-plane');
  });
});

describe('build-time code', () => {
  it('runs the generator when its stamp is missing, and not again once it is current', async () => {
    symlinkSync(new URL('../../node_modules', import.meta.url).pathname, join(dir, 'node_modules'));
    mkdirSync(join(dir, 'cli/build'), { recursive: true });
    const generator = join(dir, 'cli/build/protobuf.ts');
    writeFileSync(
      generator,
      `import { mkdirSync, writeFileSync } from 'node:fs';
const n: number = 1;
mkdirSync('functions/generated/protobuf', { recursive: true });
writeFileSync('functions/generated/protobuf/stamp.json', JSON.stringify({ n }));
console.log('[protobuf] wrote');
`,
    );
    const lines: string[] = [];
    expect(await ensureProtobufCode(dir, (l) => lines.push(l))).toBe('generated');
    expect(lines).toContain('[protobuf] wrote');
    expect(await ensureProtobufCode(dir)).toBe('present');
    // Two starts at once: one runs the generator, the other waits and finds it current.
    unlinkSync(join(dir, 'functions/generated/protobuf/stamp.json'));
    writeFileSync(
      generator,
      `import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
appendFileSync('runs', 'x');
mkdirSync('functions/generated/protobuf', { recursive: true });
writeFileSync('functions/generated/protobuf/stamp.json', '{}');
`,
    );
    const both = await Promise.all([ensureProtobufCode(dir), ensureProtobufCode(dir)]);
    expect(both.sort()).toEqual(['generated', 'present']);
    expect(readFileSync(join(dir, 'runs'), 'utf8')).toBe('x');
    writeFileSync(generator, `console.error('boom'); process.exit(3);`);
    unlinkSync(join(dir, 'functions/generated/protobuf/stamp.json'));
    await expect(ensureProtobufCode(dir)).rejects.toThrow(/exited with 3:\nboom/);
  });
});

describe('cron ticker', () => {
  it('never runs two ticks at once and waits for the one in flight on stop', async () => {
    let running = 0;
    let maxRunning = 0;
    let finished = 0;
    let release: () => void = () => undefined;
    let third: () => void = () => undefined;
    const thirdStarted = new Promise<void>((r) => (third = r));
    const ticker = startCronTicker({
      intervalMs: 1,
      tick: async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        if (finished === 2) {
          third();
          await new Promise<void>((r) => (release = r));
        }
        running--;
        finished++;
      },
      onError: () => undefined,
    });
    await thirdStarted;
    const stopped = ticker.stop();
    release();
    await stopped;
    expect(maxRunning).toBe(1);
    expect(finished).toBe(3);
  });
});

describe('command flags', () => {
  const cmd = defineCommand({
    name: 'demo',
    summary: 'demo',
    flags: {
      port: { type: 'string', default: '6443', description: 'port' },
      name: { type: 'string', env: 'FLOTILLA_TEST_NAME', description: 'name' },
      verbose: { type: 'boolean', short: 'v', description: 'more' },
    },
    examples: ['flotilla demo'],
    async run({ flags }) {
      seen = flags;
      return 0;
    },
  });
  let seen: unknown;

  it('applies defaults and environment, and rejects unknown flags and arguments', async () => {
    process.env.FLOTILLA_TEST_NAME = 'from-env';
    try {
      expect(await cmd.execute(['-v'], '/')).toBe(0);
      expect(seen).toEqual({ port: '6443', name: 'from-env', verbose: true });
      await cmd.execute(['--port', '0', '--name', 'given'], '/');
      expect(seen).toEqual({ port: '0', name: 'given', verbose: false });
    } finally {
      delete process.env.FLOTILLA_TEST_NAME;
    }
    await expect(cmd.execute(['--nope'], '/')).rejects.toThrow(new UsageError("flotilla demo: unknown flag '--nope'"));
    await expect(cmd.execute(['stray'], '/')).rejects.toThrow(UsageError);
    await expect(cmd.execute(['--port'], '/')).rejects.toThrow('--port needs a value');
    expect(cmd.help()).toMatch(/--port VALUE\s+port \(default: 6443\)/);
    expect(parsePort('65536')).toBeUndefined();
    expect(parsePort('0')).toBe(0);
  });
});
