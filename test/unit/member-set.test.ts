// The recorded member set and what `up --members N` makes of it; members.config; the
// in-process reconcile queue that drives a member inside the member host.

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { armTimer } from '../../cron/timers.js';
import type { ReconcileMessage } from '../../cron/queue.js';
import { ensureCertificates } from '../../cli/launcher/certificates.js';
import { prepareDataDir } from '../../cli/launcher/data-dir.js';
import { freePort } from '../../cli/member/free-port.js';
import { InProcessQueue } from '../../cli/member/in-process-queue.js';
import { memberFiles } from '../../cli/member/member-files.js';
import { defaultMember, duplicatePorts, planMemberSet } from '../../cli/member/member-set.js';
import { readMemberTokens, renderMembersKubeconfig } from '../../cli/member/members-kubeconfig.js';
import { prepareMembers } from '../../cli/member/prepare-members.js';
import { freshStore, type TestDb } from '../helpers/db.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('the member set', () => {
  it('gives the first three members SCENARIOS.md\'s labels and regions, all provider sim', () => {
    expect([1, 2, 3, 4, 5].map((n) => defaultMember(n, 6443 + n)).map(({ name, labels, region, provider, port }) => ({ name, labels, region, provider, port }))).toEqual([
      { name: 'member1', labels: { location: 'east' }, region: 'r1', provider: 'sim', port: 6444 },
      { name: 'member2', labels: { location: 'west' }, region: 'r1', provider: 'sim', port: 6445 },
      { name: 'member3', labels: {}, region: 'r2', provider: 'sim', port: 6446 },
      { name: 'member4', labels: {}, region: 'r1', provider: 'sim', port: 6447 },
      { name: 'member5', labels: {}, region: 'r2', provider: 'sim', port: 6448 },
    ]);
  });

  it('keeps recorded members as they are, adds missing ones after the API port, drops the rest', () => {
    const edited = { ...defaultMember(1, 7001), labels: { location: 'north' } };
    const plan = planMemberSet([edited, defaultMember(2, 7002), defaultMember(3, 7003)], 2, 6443);
    expect(plan.members.map((m) => [m.name, m.port, m.labels])).toEqual([
      ['member1', 7001, { location: 'north' }],
      ['member2', 7002, { location: 'west' }],
    ]);
    expect(plan.removed.map((m) => m.name)).toEqual(['member3']);
    expect(plan.added).toEqual([]);
    const grown = planMemberSet(plan.members, 4, 6443);
    expect(grown.added).toEqual(['member3', 'member4']);
    expect(grown.members.map((m) => m.port)).toEqual([7001, 7002, 6446, 6447]);
    expect(planMemberSet([], 1, 0).members[0]!.port).toBe(0);
    expect(duplicatePorts([defaultMember(1, 6444), defaultMember(2, 6444)], 6443)).toEqual(['member2 and member1 both want port 6444']);
    expect(duplicatePorts([defaultMember(1, 6443)], 6443)).toEqual(['member1 and the API both want port 6443']);
  });
});

describe('members.config', () => {
  it('has a cluster, user and context per member, named as the member', () => {
    const text = renderMembersKubeconfig(
      [
        { name: 'member1', server: 'https://127.0.0.1:6444', token: 't1' },
        { name: 'member2', server: 'https://127.0.0.1:6445', token: 't2' },
      ],
      '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n',
    );
    const config = parse(text) as Record<string, unknown>;
    expect(config['current-context']).toBe('member1');
    expect(config.contexts).toEqual([
      { name: 'member1', context: { cluster: 'member1', user: 'member1' } },
      { name: 'member2', context: { cluster: 'member2', user: 'member2' } },
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-kc-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'members.config'), text);
    expect([...readMemberTokens(join(dir, 'members.config'))]).toEqual([
      ['member1', 't1'],
      ['member2', 't2'],
    ]);
    expect(readMemberTokens(join(dir, 'missing')).size).toBe(0);
  });

  it('survives restarts: tokens and certificates are reused, removed members leave no files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-members-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const files = prepareDataDir(join(dir, 'data'));
    await ensureCertificates(files);
    // Not 6443: a developer's own `up` may hold the ports after it.
    const api = await freePort('127.0.0.1');
    const first = await prepareMembers(files, 2, api);
    expect(first.members.map((m) => m.port)).toEqual([api + 1, api + 2]);
    expect(statSync(first.kubeconfig!).mode & 0o777).toBe(0o600);
    const tokens = readMemberTokens(first.kubeconfig!);
    const cert = readFileSync(memberFiles(files.root, 'member1').servingCert, 'utf8');

    const second = await prepareMembers(files, 1, api);
    expect(second.removed).toEqual(['member2']);
    expect(existsSync(memberFiles(files.root, 'member2').dir)).toBe(false);
    expect(readMemberTokens(second.kubeconfig!).get('member1')).toBe(tokens.get('member1'));
    expect(readFileSync(memberFiles(files.root, 'member1').servingCert, 'utf8')).toBe(cert);

    const none = await prepareMembers(files, 0, api);
    expect(none.kubeconfig).toBeUndefined();
    expect(existsSync(join(files.root, 'members.config'))).toBe(false);
  });

  it('refuses a member set whose ports clash, naming the file to fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-members-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const files = prepareDataDir(join(dir, 'data'));
    await ensureCertificates(files);
    const api = await freePort('127.0.0.1');
    await prepareMembers(files, 1, api);
    const record = join(files.root, 'members', 'members.json');
    const set = JSON.parse(readFileSync(record, 'utf8')) as { members: Array<{ port: number }> };
    set.members[0]!.port = api + 2;
    writeFileSync(record, JSON.stringify(set));
    await expect(prepareMembers(files, 2, api)).rejects.toThrow(new RegExp(`member2 and member1 both want port ${api + 2}\\. Edit .*members\\.json`));
    writeFileSync(record, '{"members": [{"name": "Bad Name"}]}');
    await expect(prepareMembers(files, 1, api)).rejects.toThrow(/is not a valid member set/);
  });
});

describe('the in-process reconcile queue', () => {
  async function queue(): Promise<{ q: InProcessQueue; delivered: ReconcileMessage[][]; db: TestDb }> {
    const db = await freshStore();
    const delivered: ReconcileMessage[][] = [];
    const q = new InProcessQueue({ client: db.client, deliver: async (m) => void delivered.push(m), onError: (e) => { throw e; } });
    cleanup.push(() => db.close());
    cleanup.push(() => q.stop());
    return { q, delivered, db };
  }

  it('turns any number of nudges in one turn into one delivery', async () => {
    const { q, delivered } = await queue();
    for (let i = 0; i < 10; i++) q.nudge();
    await q.idle();
    expect(delivered).toEqual([[{ kind: 'nudge' }]]);
  });

  it('delivers a delayed wake after its delay, and re-arms queue rows left from before a restart', async () => {
    const { q, delivered, db } = await queue();
    const armedAt = Date.now();
    await armTimer(db.client, q, { reconciler: 'kubelet', key: 'default/p', delayMs: 150, now: armedAt });
    await q.idle();
    expect(delivered).toEqual([]);
    const deadline = Date.now() + 5_000;
    while (delivered.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    // Delays have one-second granularity, as Cloudflare's.
    expect(Date.now() - armedAt).toBeGreaterThanOrEqual(900);
    expect(delivered).toEqual([[{ kind: 'wake', reconciler: 'kubelet' }]]);

    // A second queue on the same database (a restarted host) finds the due rows and wakes for them.
    await armTimer(db.client, undefined, { reconciler: 'job-controller', key: 'default/j', delayMs: 0, now: Date.now() });
    const after: ReconcileMessage[][] = [];
    const restarted = new InProcessQueue({ client: db.client, deliver: async (m) => void after.push(m), onError: () => undefined });
    cleanup.push(() => restarted.stop());
    expect(await restarted.rearm()).toBe(1);
    const until = Date.now() + 5_000;
    while (after.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(after.flat()).toContainEqual({ kind: 'nudge' });
  });

  it('delivers nothing after stop', async () => {
    const { q, delivered } = await queue();
    await q.stop();
    q.nudge();
    await new Promise((r) => setTimeout(r, 20));
    expect(delivered).toEqual([]);
  });
});
