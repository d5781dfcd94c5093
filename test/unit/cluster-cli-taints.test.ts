// kubectl taint's syntax and rules for `flotilla taint`, cordon/uncordon, durations on the
// command line, and the CA pin `flotilla register` checks.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caCertHash, caMatchesPins, normalizeCaHash } from '../../cli/cluster/ca-hash.js';
import { parseDuration } from '../../cli/cluster/duration.js';
import { clusterNameProblem } from '../../cli/cluster/names.js';
import { applyTaintArgs, cordonTaints, isCordoned, parseTaintArgs, UNSCHEDULABLE_TAINT } from '../../cli/cluster/taints.js';
import { ensureCertificates } from '../../cli/launcher/certificates.js';
import { prepareDataDir } from '../../cli/launcher/data-dir.js';
import type { Taint } from '../../shared/karmada/common.js';

describe('taint arguments (kubectl syntax)', () => {
  it('parses additions and removals', () => {
    expect(parseTaintArgs(['dedicated=gpu:NoSchedule', 'maintenance:NoExecute', 'old:PreferNoSchedule-', 'legacy-', 'x=y:NoSchedule-'])).toEqual({
      add: [
        { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
        { key: 'maintenance', effect: 'NoExecute' },
      ],
      remove: [{ key: 'old', effect: 'PreferNoSchedule' }, { key: 'legacy' }, { key: 'x', effect: 'NoSchedule' }],
    });
    expect(parseTaintArgs(['example.com/team=a:NoSchedule']).add).toEqual([{ key: 'example.com/team', value: 'a', effect: 'NoSchedule' }]);
  });

  it.each([
    ['no effect', 'dedicated=gpu'],
    ['unknown effect', 'dedicated=gpu:Sometimes'],
    ['bad key', 'bad key:NoSchedule'],
    ['bad value', 'k=bad value:NoSchedule'],
    ['empty key', '=v:NoSchedule'],
  ])('refuses %s', (_, spec) => {
    expect(() => parseTaintArgs([spec])).toThrow(/invalid taint/);
  });

  it('refuses adding and removing the same taint in one command, and duplicates', () => {
    expect(() => parseTaintArgs(['a=b:NoSchedule', 'a:NoSchedule-'])).toThrow(/can not both modify and remove/);
    expect(() => parseTaintArgs(['a=b:NoSchedule', 'a-'])).toThrow(/can not both modify and remove/);
    expect(() => parseTaintArgs(['a=b:NoSchedule', 'a=c:NoSchedule'])).toThrow(/duplicated/);
  });

  const current: Taint[] = [
    { key: 'a', value: '1', effect: 'NoSchedule' },
    { key: 'b', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' },
  ];

  it("applies kubectl's rules and words", () => {
    expect(applyTaintArgs('m1', current, parseTaintArgs(['c=3:NoSchedule']), false)).toEqual({ taints: [...current, { key: 'c', value: '3', effect: 'NoSchedule' }], operation: 'tainted' });
    expect(applyTaintArgs('m1', current, parseTaintArgs(['a-']), false)).toEqual({ taints: [current[1]], operation: 'untainted' });
    expect(applyTaintArgs('m1', current, parseTaintArgs(['a=9:NoSchedule']), true)).toEqual({ taints: [{ key: 'a', value: '9', effect: 'NoSchedule' }, current[1]], operation: 'modified' });
    expect(applyTaintArgs('m1', current, parseTaintArgs(['c:NoSchedule', 'b:NoExecute-']), false).operation).toBe('modified');
    expect(() => applyTaintArgs('m1', current, parseTaintArgs(['a=9:NoSchedule']), false)).toThrow(/--overwrite is false/);
    expect(() => applyTaintArgs('m1', current, parseTaintArgs(['zzz-']), false)).toThrow(/taint "zzz" not found/);
    expect(() => applyTaintArgs('m1', current, parseTaintArgs(['a:NoExecute-']), false)).toThrow(/not found/);
  });

  const key = fc.constantFrom('a', 'b', 'c', 'example.com/d');
  const effect = fc.constantFrom('NoSchedule', 'PreferNoSchedule', 'NoExecute');
  const taintArb = fc.record({ key, effect, value: fc.constantFrom('', 'v1', 'v2') }).map(({ key, effect, value }) => ({ key, effect, ...(value ? { value } : {}) }));
  const uniqueTaints = fc.uniqueArray(taintArb, { selector: (t) => `${t.key}:${t.effect}`, maxLength: 6 });

  it('property: adding new taints then removing them by key and effect gives the original list back', () => {
    fc.assert(
      fc.property(uniqueTaints, uniqueTaints, (existing, extra) => {
        const fresh = extra.filter((t) => !existing.some((e) => e.key === t.key && e.effect === t.effect));
        if (!fresh.length) return;
        const added = applyTaintArgs('m', existing, { add: fresh, remove: [] }, false);
        expect(added.operation).toBe('tainted');
        expect(added.taints).toHaveLength(existing.length + fresh.length);
        const removed = applyTaintArgs('m', added.taints, { add: [], remove: fresh.map((t) => ({ key: t.key, effect: t.effect })) }, false);
        expect(removed).toEqual({ taints: existing, operation: 'untainted' });
      }),
    );
  });

  it('property: with --overwrite the result has one taint per key and effect, and every added taint as given', () => {
    fc.assert(
      fc.property(uniqueTaints, uniqueTaints, (existing, add) => {
        const { taints } = applyTaintArgs('m', existing, { add, remove: [] }, true);
        const ids = taints.map((t) => `${t.key}:${t.effect}`);
        expect(new Set(ids).size).toBe(ids.length);
        for (const t of add) expect(taints).toContainEqual(t);
      }),
    );
  });

  it('property: cordon then uncordon restores the list; each is idempotent', () => {
    fc.assert(
      fc.property(uniqueTaints, (taints) => {
        const cordoned = cordonTaints(taints, true)!;
        expect(isCordoned(cordoned)).toBe(true);
        expect(cordonTaints(cordoned, true)).toBeUndefined();
        expect(cordoned).toContainEqual(UNSCHEDULABLE_TAINT);
        expect(cordonTaints(cordoned, false)).toEqual(taints);
        expect(cordonTaints(taints, false)).toBeUndefined();
      }),
    );
  });
});

describe('command-line details', () => {
  it('reads durations as Go does for the simple forms', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('12')).toBe(12_000);
    expect(parseDuration('0')).toBe(0);
    for (const bad of ['', 'soon', '5 m', '-1s', '1d']) expect(parseDuration(bad)).toBeUndefined();
  });

  it('checks cluster names as Karmada does (DNS-1123 label, at most 48 characters)', () => {
    expect(clusterNameProblem('member1')).toBeUndefined();
    expect(clusterNameProblem('a'.repeat(48))).toBeUndefined();
    expect(clusterNameProblem('a'.repeat(49))).toMatch(/longer than 48/);
    expect(clusterNameProblem('Member1')).toMatch(/DNS-1123/);
    expect(clusterNameProblem('')).toMatch(/required/);
  });
});

describe('CA pin (kubeadm discovery-token-ca-cert-hash)', () => {
  it("is the SHA-256 of the CA's SubjectPublicKeyInfo, as openssl computes it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-ca-'));
    try {
      const files = prepareDataDir(join(dir, 'data'));
      const certs = await ensureCertificates(files);
      const pin = caCertHash(certs.caCertPem);
      expect(pin).toMatch(/^sha256:[0-9a-f]{64}$/);
      let viaOpenssl: string | undefined;
      try {
        const der = execFileSync('sh', ['-c', `openssl x509 -in '${files.caCert}' -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -hex`]).toString();
        viaOpenssl = /([0-9a-f]{64})/.exec(der)?.[1];
      } catch {
        viaOpenssl = undefined;
      }
      if (viaOpenssl) expect(pin).toBe(`sha256:${viaOpenssl}`);
      expect(readFileSync(files.caCert, 'utf8')).toBe(certs.caCertPem);
      expect(caMatchesPins(certs.caCertPem, [pin.toUpperCase().replace('SHA256:', 'sha256:')])).toBe(true);
      expect(caMatchesPins(certs.caCertPem, [`sha256:${'0'.repeat(64)}`])).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('normalizes only well-formed pins', () => {
    expect(normalizeCaHash(`sha256:${'A'.repeat(64)}`)).toBe(`sha256:${'a'.repeat(64)}`);
    expect(normalizeCaHash('sha256:abc')).toBeUndefined();
    expect(normalizeCaHash(`md5:${'a'.repeat(64)}`)).toBeUndefined();
  });
});
