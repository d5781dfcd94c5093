// The periodic pass's full looks: clusters that joined together must not stay due on the same tick.

import { describe, expect, it } from 'vitest';
import { staggered } from '../../cron/karmada/periodic.js';

describe('staggered full looks', () => {
  const every = 10_000;

  it('moves a cluster’s first look back by a share of the period fixed by its name, and later looks not at all', () => {
    const t = 1_000_000;
    for (const name of ['member1', 'member2', 'member3']) {
      const at = staggered(name, t, every, true);
      expect(t - at).toBeGreaterThanOrEqual(0);
      expect(t - at).toBeLessThan(every);
      expect(staggered(name, t, every, true)).toBe(at);
      expect(staggered(name, t, every, false)).toBe(t);
    }
  });

  it('spreads a fleet that joined at once over the period', () => {
    const t = 5_000_000;
    const next = Array.from({ length: 100 }, (_, i) => staggered(`member${i + 1}`, t, every, true) + every - t);
    // Next looks fall across the whole period, not on one instant: each quarter gets some.
    for (let q = 0; q < 4; q++) expect(next.filter((d) => d >= (q * every) / 4 && d < ((q + 1) * every) / 4).length).toBeGreaterThan(10);
  });
});
