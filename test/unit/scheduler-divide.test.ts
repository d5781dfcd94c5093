import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divideByWeights, fnv32a, tieBreakDescending } from '../../shared/scheduler/divide.js';

const w = (pairs: Record<string, number>) => Object.entries(pairs).map(([name, weight]) => ({ name, weight }));
const replicas = (r: Array<{ name: string; replicas: number }>) => Object.fromEntries(r.map((x) => [x.name, x.replicas]));

// The method spelled out seat by seat, as the definition reads, to check the fast path against.
function websterReference(total: number, weights: Array<{ name: string; weight: number }>, descending: boolean): Record<string, number> {
  const seats = weights.map(() => 0);
  for (let k = 0; k < total; k++) {
    let best = 0;
    for (let i = 1; i < weights.length; i++) {
      const pi = weights[i]!.weight / (2 * seats[i]! + 1);
      const pb = weights[best]!.weight / (2 * seats[best]! + 1);
      const nameFirst = descending ? weights[i]!.name > weights[best]!.name : weights[i]!.name < weights[best]!.name;
      if (pi > pb || (pi === pb && (seats[i]! < seats[best]! || (seats[i] === seats[best] && nameFirst)))) best = i;
    }
    seats[best]!++;
  }
  return Object.fromEntries(weights.map((x, i) => [x.name, seats[i]!]));
}

describe('divideByWeights (Webster / Sainte-Laguë)', () => {
  it("reproduces Karmada's documented splits", () => {
    expect(replicas(divideByWeights(9, w({ a: 1, b: 2 })))).toEqual({ a: 3, b: 6 });
    expect(replicas(divideByWeights(9, w({ a: 1, b: 3 })))).toEqual({ a: 2, b: 7 });
    expect(replicas(divideByWeights(12, w({ a: 1, b: 2 })))).toEqual({ a: 4, b: 8 });
    expect(replicas(divideByWeights(12, w({ A: 6, B: 12, C: 18 })))).toEqual({ A: 2, B: 4, C: 6 });
    expect(replicas(divideByWeights(14, w({ m1: 3, m2: 2, m3: 1 })))).toEqual({ m1: 7, m2: 5, m3: 2 });
  });

  it('matches the step-by-step Sainte-Laguë example (230,000 votes, 8 seats)', () => {
    const votes = w({ PartyA: 100000, PartyB: 80000, PartyC: 30000, PartyD: 20000 });
    const rounds = [
      { PartyA: 1, PartyB: 0, PartyC: 0, PartyD: 0 },
      { PartyA: 1, PartyB: 1, PartyC: 0, PartyD: 0 },
      { PartyA: 2, PartyB: 1, PartyC: 0, PartyD: 0 },
      { PartyA: 2, PartyB: 1, PartyC: 1, PartyD: 0 },
      { PartyA: 2, PartyB: 2, PartyC: 1, PartyD: 0 },
      { PartyA: 2, PartyB: 2, PartyC: 1, PartyD: 1 },
      { PartyA: 3, PartyB: 2, PartyC: 1, PartyD: 1 },
      { PartyA: 3, PartyB: 3, PartyC: 1, PartyD: 1 },
    ];
    rounds.forEach((want, i) => expect(replicas(divideByWeights(i + 1, votes))).toEqual(want));
  });

  it('breaks ties by fewer replicas, then by name in the direction the uid hash picks', () => {
    // 5 over three equal weights: two clusters get 2, one gets 1; which one depends on names.
    const even = ['uid-0', 'uid-1', 'uid-2', 'uid-3'].find((u) => !tieBreakDescending(u))!;
    const odd = ['uid-0', 'uid-1', 'uid-2', 'uid-3'].find((u) => tieBreakDescending(u))!;
    expect(replicas(divideByWeights(5, w({ a: 1, b: 1, c: 1 }), even))).toEqual({ a: 2, b: 2, c: 1 });
    expect(replicas(divideByWeights(5, w({ a: 1, b: 1, c: 1 }), odd))).toEqual({ a: 1, b: 2, c: 2 });
    // Without a uid names win ascending, as Karmada's default tie-breaker.
    expect(replicas(divideByWeights(1, w({ b: 1, a: 1 })))).toEqual({ a: 1, b: 0 });
    // A tie between unequal weights goes to the party holding fewer seats: 3/3 vs 1/1 after one seat.
    expect(replicas(divideByWeights(2, w({ a: 3, b: 1 })))).toEqual({ a: 1, b: 1 });
  });

  it('hashes with FNV-32a over UTF-8 bytes', () => {
    expect(fnv32a('')).toBe(0x811c9dc5);
    expect(fnv32a('a')).toBe(0xe40c292c);
    expect(fnv32a('foobar')).toBe(0xbf9cf968);
    // A non-ASCII character is hashed as its UTF-8 bytes (0xc3 0xa9), as Go's []byte(uid) would.
    const bytes = [0xc3, 0xa9].reduce((h, b) => Math.imul(h ^ b, 0x01000193) >>> 0, 0x811c9dc5);
    expect(fnv32a('é')).toBe(bytes);
  });

  it('returns every name sorted, merging duplicates, and gives zero weights nothing', () => {
    expect(divideByWeights(3, [{ name: 'b', weight: 1 }, { name: 'a', weight: 0 }, { name: 'b', weight: 1 }])).toEqual([
      { name: 'a', replicas: 0 },
      { name: 'b', replicas: 3 },
    ]);
    expect(divideByWeights(0, w({ a: 1 }))).toEqual([{ name: 'a', replicas: 0 }]);
    expect(divideByWeights(4, [])).toEqual([]);
  });

  it('divides huge totals quickly and exactly in proportion when they divide evenly', () => {
    const t0 = performance.now();
    const r = divideByWeights(2_000_000_000, w({ a: 1, b: 3, c: 6 }), 'x');
    expect(performance.now() - t0).toBeLessThan(200);
    expect(replicas(r)).toEqual({ a: 200_000_000, b: 600_000_000, c: 1_200_000_000 });
  });

  it('property: always sums to the total and equals the seat-by-seat method', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.uniqueArray(fc.record({ name: fc.stringMatching(/^[a-e]{1,3}$/), weight: fc.integer({ min: 0, max: 40 }) }), { minLength: 1, maxLength: 8, selector: (x) => x.name }),
        fc.string({ maxLength: 8 }),
        (total, weights, uid) => {
          fc.pre(weights.some((x) => x.weight > 0));
          const got = divideByWeights(total, weights, uid);
          expect(got.reduce((s, x) => s + x.replicas, 0)).toBe(total);
          expect(replicas(got)).toEqual(websterReference(total, weights, tieBreakDescending(uid)));
          expect(divideByWeights(total, [...weights].reverse(), uid)).toEqual(got);
        },
      ),
      { numRuns: 300 },
    );
  });
});
