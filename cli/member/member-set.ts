// The demo member clusters `up` keeps: DIR/members/members.json records each member's name,
// port, labels, region and provider (what the later join step registers its Cluster with)
// and its nodes. Restarting with another --members N keeps member1…memberN as recorded,
// adds the missing ones with the defaults below, and drops the rest.

import { z } from 'zod';
import { nodeShapeSchema } from '../../shared/simulator/nodes.js';

export const memberRecordSchema = z.object({
  /** The Cluster's name, and the context's name in members.config. */
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
  /** HTTPS port on 127.0.0.1; kept across restarts, since a Cluster records its endpoint. */
  port: z.number().int().min(1).max(65535),
  labels: z.record(z.string(), z.string()).default({}),
  region: z.string().optional(),
  zone: z.string().optional(),
  provider: z.string().default('sim'),
  nodes: nodeShapeSchema.default(nodeShapeSchema.parse({})),
});
export type MemberRecord = z.infer<typeof memberRecordSchema>;

export const membersFileSchema = z.object({
  members: z.array(memberRecordSchema).default([]),
});
export type MembersFile = z.infer<typeof membersFileSchema>;

/** The upper bound of `--members`; a hundred idle members fit in one small process. */
export const MAX_MEMBERS = 100;

export function memberName(n: number): string {
  return `member${n}`;
}

/** 1 for member1: the member's address range (shared/simulator/addresses.ts). */
export function memberIndex(record: Pick<MemberRecord, 'name'>, fallback: number): number {
  const m = /(\d+)$/.exec(record.name);
  const n = m ? Number(m[1]) : fallback;
  return n >= 0 && n <= 255 ? n : fallback % 256;
}

/**
 * SCENARIOS.md's defaults: member1 location=east in r1, member2 location=west in r1, member3
 * in r2; later ones alternate between r1 and r2 without a location. Every one is provider sim.
 */
export function defaultMember(n: number, port: number): MemberRecord {
  const placement: Pick<MemberRecord, 'labels' | 'region'> =
    n === 1
      ? { labels: { location: 'east' }, region: 'r1' }
      : n === 2
        ? { labels: { location: 'west' }, region: 'r1' }
        : n === 3
          ? { labels: {}, region: 'r2' }
          : { labels: {}, region: n % 2 === 0 ? 'r1' : 'r2' };
  return { name: memberName(n), port, provider: 'sim', ...placement, nodes: nodeShapeSchema.parse({}) };
}

export interface MemberSetPlan {
  /** member1…memberN, in order: the recorded ones unchanged, new ones with `port` 0 when a free port must be found. */
  members: MemberRecord[];
  added: string[];
  removed: MemberRecord[];
}

/**
 * Which members to run for `count`. New members listen on `apiPort` + n (or on any free
 * port, marked 0 here, when the API itself was given port 0).
 */
export function planMemberSet(recorded: readonly MemberRecord[], count: number, apiPort: number): MemberSetPlan {
  const byName = new Map(recorded.map((m) => [m.name, m]));
  const members: MemberRecord[] = [];
  const added: string[] = [];
  for (let n = 1; n <= count; n++) {
    const kept = byName.get(memberName(n));
    if (kept) {
      members.push(kept);
      continue;
    }
    const port = apiPort === 0 ? 0 : apiPort + n;
    members.push(defaultMember(n, port));
    added.push(memberName(n));
  }
  const wanted = new Set(members.map((m) => m.name));
  return { members, added, removed: recorded.filter((m) => !wanted.has(m.name)) };
}

/** Two members on one port would fail only when the second listens; say so before. */
export function duplicatePorts(members: readonly MemberRecord[], apiPort: number): string[] {
  const seen = new Map<number, string>([[apiPort, 'the API']]);
  const problems: string[] = [];
  for (const m of members) {
    if (m.port === 0) continue;
    const other = seen.get(m.port);
    if (other) problems.push(`${m.name} and ${other} both want port ${m.port}`);
    else seen.set(m.port, m.name);
  }
  return problems;
}
