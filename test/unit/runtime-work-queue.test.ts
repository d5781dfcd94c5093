import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { freshStore, type TestDb } from '../helpers/db.js';
import { ackKeys, addKeys, claimKeys, exchange, queueEntries, type ClaimedKey } from '../../db/work-queue.js';
import { TokenBucket, itemBackoffMs, retryDelayMs } from '../../cron/runtime/rate-limiter.js';
import { concurrencyOf } from '../../cron/runtime/concurrency.js';

let db: TestDb;
beforeAll(async () => {
  db = await freshStore();
});
afterAll(() => db.close());
beforeEach(async () => {
  await db.client.execute('DELETE FROM work_queue');
});

const LEASE = 30_000;
const R = 'rec';

describe('work queue rows', () => {
  it('adding a waiting key does nothing; adding a claimed key runs it once more after, never beside', async () => {
    await addKeys(db.client, [{ reconciler: R, key: 'a', readyAt: 100 }]);
    await addKeys(db.client, [{ reconciler: R, key: 'a', readyAt: 100 }]);
    expect(await queueEntries(db.client, R)).toHaveLength(1);
    const [c] = await claimKeys(db.client, [{ reconciler: R, limit: 10 }], 100, LEASE);
    expect(c!.key).toBe('a');
    await addKeys(db.client, [{ reconciler: R, key: 'a', readyAt: 101 }]);
    // Claimed: nobody else gets it, even though it was added again.
    expect(await claimKeys(db.client, [{ reconciler: R, limit: 10 }], 102, LEASE)).toEqual([]);
    await ackKeys(db.client, [{ ...c!, outcome: 'forget' }], 103);
    const again = await claimKeys(db.client, [{ reconciler: R, limit: 10 }], 103, LEASE);
    expect(again.map((x) => x.key)).toEqual(['a']);
    await ackKeys(db.client, [{ ...again[0]!, outcome: 'forget' }], 104);
    expect(await queueEntries(db.client, R)).toEqual([]);
  });

  it('a lapsed claim is retaken, and the old holder\'s acknowledgement then changes nothing', async () => {
    await addKeys(db.client, [{ reconciler: R, key: 'k', readyAt: 0 }]);
    const [old] = await claimKeys(db.client, [{ reconciler: R, limit: 1 }], 0, LEASE);
    expect(await claimKeys(db.client, [{ reconciler: R, limit: 1 }], LEASE - 1, LEASE)).toEqual([]);
    const [retaken] = await claimKeys(db.client, [{ reconciler: R, limit: 1 }], LEASE + 1, LEASE);
    expect(retaken!.fence).toBeGreaterThan(old!.fence);
    await ackKeys(db.client, [{ ...old!, outcome: 'forget' }], LEASE + 2);
    expect((await queueEntries(db.client, R))[0]).toMatchObject({ key: 'k', claimed: true });
    await ackKeys(db.client, [{ ...retaken!, outcome: 'forget' }], LEASE + 3);
    expect(await queueEntries(db.client, R)).toEqual([]);
  });

  it('a failure goes back with its backoff and count; success forgets the count', async () => {
    await addKeys(db.client, [{ reconciler: R, key: 'f', readyAt: 0 }]);
    let [c] = await claimKeys(db.client, [{ reconciler: R, limit: 1 }], 0, LEASE);
    await ackKeys(db.client, [{ ...c!, outcome: 'requeue', readyAt: 5, failures: 1 }], 0);
    expect(await claimKeys(db.client, [{ reconciler: R, limit: 1 }], 4, LEASE)).toEqual([]);
    [c] = await claimKeys(db.client, [{ reconciler: R, limit: 1 }], 5, LEASE);
    expect(c!.failures).toBe(1);
    // Added again while claimed, then failed: the earlier of the two times wins, as client-go's queue does.
    await addKeys(db.client, [{ reconciler: R, key: 'f', readyAt: 6 }]);
    await ackKeys(db.client, [{ ...c!, outcome: 'requeue', readyAt: 1000, failures: 2 }], 6);
    expect((await queueEntries(db.client, R))[0]).toMatchObject({ readyAt: 6, failures: 2 });
    [c] = await claimKeys(db.client, [{ reconciler: R, limit: 1 }], 6, LEASE);
    await ackKeys(db.client, [{ ...c!, outcome: 'forget' }], 7);
    await addKeys(db.client, [{ reconciler: R, key: 'f', readyAt: 8 }]);
    expect((await queueEntries(db.client, R))[0]!.failures).toBe(0);
  });
});

describe('client-go default controller rate limiter', () => {
  it('doubles per key from 5 ms to a cap of 1000 s', () => {
    expect([0, 1, 2, 3].map((n) => itemBackoffMs(n))).toEqual([5, 10, 20, 40]);
    expect(itemBackoffMs(17)).toBe(655_360);
    expect(itemBackoffMs(18)).toBe(1_000_000);
    expect(itemBackoffMs(500)).toBe(1_000_000);
  });

  it('shares a 10 qps bucket with a burst of 100 across keys', () => {
    const bucket = new TokenBucket();
    const delays = Array.from({ length: 103 }, () => retryDelayMs(0, bucket, 0));
    expect(delays.slice(0, 100).every((d) => d === 5)).toBe(true);
    expect(delays.slice(100)).toEqual([100, 200, 300]);
    // Tokens come back at 10 per second: a second later the 3 owed are repaid and 7 are there.
    expect(Array.from({ length: 8 }, () => bucket.reserve(1000))).toEqual([0, 0, 0, 0, 0, 0, 0, 100]);
  });

  it('takes Karmada flag defaults, declared limits and overrides in that order of precedence', () => {
    const rec = { name: 'work', keysFor: () => [], reconcile: async () => undefined, maxConcurrentFlag: 'concurrent-namespace-syncs' };
    expect(concurrencyOf(rec)).toBe(1);
    expect(concurrencyOf({ ...rec, concurrency: 3 })).toBe(3);
    expect(concurrencyOf({ ...rec, concurrency: 3 }, { 'concurrent-namespace-syncs': 7 })).toBe(7);
    expect(concurrencyOf({ name: 'x', keysFor: () => [], reconcile: async () => undefined })).toBe(5);
  });
});

type Action =
  | { t: 'add'; key: string }
  | { t: 'claim'; c: number; n: number }
  | { t: 'succeed'; c: number }
  | { t: 'fail'; c: number }
  | { t: 'requeue'; c: number; after: number }
  | { t: 'crash'; c: number }
  | { t: 'tick'; ms: number };

const KEYS = ['a', 'b', 'c'];
const CONSUMERS = 3;
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant('add' as const), key: fc.constantFrom(...KEYS) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('claim' as const), c: fc.nat(CONSUMERS - 1), n: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('succeed' as const), c: fc.nat(CONSUMERS - 1) }) },
  fc.record({ t: fc.constant('fail' as const), c: fc.nat(CONSUMERS - 1) }),
  fc.record({ t: fc.constant('requeue' as const), c: fc.nat(CONSUMERS - 1), after: fc.constantFrom(0, 10, 2000) }),
  fc.record({ t: fc.constant('crash' as const), c: fc.nat(CONSUMERS - 1) }),
  fc.record({ t: fc.constant('tick' as const), ms: fc.constantFrom(1, 50, 1000, LEASE + 1) }),
);

describe('work queue model (fast-check)', () => {
  it('two or more consumers, any interleaving: never two holders at once, nothing lost, every add followed by a reconcile', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 40 }), async (actions) => {
        runs++;
        await db.client.execute('DELETE FROM work_queue');
        let now = 1_000_000;
        const held: ClaimedKey[][] = Array.from({ length: CONSUMERS }, () => []);
        /** Live claims by key: who holds it and until when (the fence rule: a holder stops before it lapses). */
        const live = new Map<string, { consumer: number; fence: number; expires: number; claimedAt: number }>();
        const lastAdd = new Map<string, number>();
        const completions = new Map<string, number[]>(); // claim times of successful reconciles
        let step = 0;

        const claim = async (c: number, n: number): Promise<void> => {
          const got = await claimKeys(db.client, [{ reconciler: R, limit: n }], now, LEASE);
          for (const k of got) {
            const other = live.get(k.key);
            // Never reconciled concurrently: any earlier claim has ended or lapsed.
            if (other && other.expires >= now) throw new Error(`${k.key} claimed by ${c} while ${other.consumer} holds it`);
            live.set(k.key, { consumer: c, fence: k.fence, expires: now + LEASE, claimedAt: step });
            held[c]!.push(k);
          }
        };
        const finish = async (c: number, outcome: 'forget' | 'fail' | 'requeue', after = 0): Promise<void> => {
          const k = held[c]!.shift();
          if (!k) return;
          const mine = live.get(k.key);
          // A holder whose claim lapsed stops without writing (its signal aborted); its ack is fenced.
          const valid = mine?.fence === k.fence && mine.expires > now;
          if (valid && outcome === 'forget') completions.set(k.key, [...(completions.get(k.key) ?? []), mine.claimedAt]);
          if (mine?.fence === k.fence) live.delete(k.key);
          if (outcome === 'forget') await ackKeys(db.client, [{ ...k, outcome: 'forget' }], now);
          else await ackKeys(db.client, [{ ...k, outcome: 'requeue', readyAt: now + (outcome === 'fail' ? itemBackoffMs(k.failures) : after), failures: outcome === 'fail' ? k.failures + 1 : 0 }], now);
        };

        for (const a of actions) {
          step++;
          if (a.t === 'add') {
            await addKeys(db.client, [{ reconciler: R, key: a.key, readyAt: now }]);
            lastAdd.set(a.key, step);
          } else if (a.t === 'claim') await claim(a.c, a.n);
          else if (a.t === 'succeed') await finish(a.c, 'forget');
          else if (a.t === 'fail') await finish(a.c, 'fail');
          else if (a.t === 'requeue') await finish(a.c, 'requeue', a.after);
          else if (a.t === 'crash') held[a.c] = [];
          else now += a.ms;
        }
        // Every consumer stops; time passes beyond every lease and backoff; one consumer drains the queue.
        for (let c = 0; c < CONSUMERS; c++) held[c] = [];
        now += LEASE + 1_000_000;
        for (let round = 0; round < 50; round++) {
          step++;
          const got = await exchange(db.client, { wants: [{ reconciler: R, limit: 10 }], now, leaseMs: LEASE });
          if (got.length === 0) break;
          for (const k of got) completions.set(k.key, [...(completions.get(k.key) ?? []), step]);
          await ackKeys(db.client, got.map((k) => ({ ...k, outcome: 'forget' as const })), now);
        }
        expect(await queueEntries(db.client, R)).toEqual([]);
        for (const [key, added] of lastAdd) {
          expect(Math.max(...(completions.get(key) ?? [-1])), `${key} reconciled after its last add`).toBeGreaterThan(added);
        }
      }),
      { numRuns: 200 },
    );
    expect(runs).toBeGreaterThanOrEqual(200);
  }, 60_000);
});
