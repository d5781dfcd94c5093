/**
 * Memory per idle simulated member: one member host with no members, then one with
 * BENCH_MEMBERS (default 100), each measured once every member answers /readyz and the host
 * has sat idle; the difference in resident memory divided by the member count is the cost of
 * a member. Also times the start. Run: npx tsx test/bench/members.bench.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ensureCertificates } from '../../cli/launcher/certificates.js';
import { prepareDataDir } from '../../cli/launcher/data-dir.js';
import { startMemberHost } from '../../cli/member/member-host-process.js';
import { prepareMembers } from '../../cli/member/prepare-members.js';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 100);
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 5_000);

/** CPU seconds a process has used (user + system; Linux /proc, clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory of a process in KiB (Linux /proc). */
function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

async function measure(count: number): Promise<{ startMs: number; rssKiB: number; idleCpu: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-members-bench-'));
  try {
    const files = prepareDataDir(join(dir, 'data'));
    const certs = await ensureCertificates(files);
    // Ports below the ephemeral range (32768+), so outgoing connections of other processes
    // cannot take one between the check and the host listening.
    const base = 20_000 + Math.floor(Math.random() * 9_000);
    const { members } = await prepareMembers(files, count, base);
    const started = performance.now();
    const host = await startMemberHost({
      dataDir: files.root,
      members,
      caCertPem: certs.caCertPem,
      delays: {},
      readyTimeoutMs: 300_000,
      onOutput: (line) => {
        if (!line.startsWith('ready ')) process.stderr.write(`  host │ ${line}\n`);
      },
    });
    const startMs = performance.now() - started;
    // Settle: the first tick and the start-up garbage are behind us; then the median of ten
    // samples over five seconds, and the CPU used meanwhile.
    await delay(IDLE_MS);
    const cpuBefore = cpuSeconds(host.pid);
    const samples: number[] = [];
    const windowStart = performance.now();
    for (let i = 0; i < 10; i++) {
      samples.push(rssKiB(host.pid));
      await delay(500);
    }
    const idleCpu = (cpuSeconds(host.pid) - cpuBefore) / ((performance.now() - windowStart) / 1000);
    await host.stop();
    samples.sort((a, b) => a - b);
    return { startMs, rssKiB: samples[5]!, idleCpu };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cpu = cpus()[0]?.model ?? 'unknown cpu';
console.log(`machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
const base = await measure(0);
console.log(`member host, no members:   RSS ${(base.rssKiB / 1024).toFixed(1)} MiB`);
const full = await measure(MEMBERS);
const perMember = (full.rssKiB - base.rssKiB) / MEMBERS / 1024;
console.log(`member host, ${MEMBERS} members: RSS ${(full.rssKiB / 1024).toFixed(1)} MiB, all ready after ${(full.startMs / 1000).toFixed(1)} s`);
console.log(`memory per idle member:    ${perMember.toFixed(2)} MiB`);
console.log(`idle CPU of the host with ${MEMBERS} members: ${(full.idleCpu * 100).toFixed(1)}% of a core (over 5 s)`);
