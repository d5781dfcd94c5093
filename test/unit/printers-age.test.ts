import { describe, expect, it } from 'vitest';
import { ageCell, translateTimestampSince } from '../../shared/printers/timestamp.js';
import { humanDuration } from '../../shared/time.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('AGE (duration.HumanDuration)', () => {
  it.each([
    [0, '0s'],
    [5 * S, '5s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [3 * M + 20 * S, '3m20s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [4 * H, '4h'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H + 30 * M, '8h'],
    [47 * H, '47h'],
    [2 * D, '2d'],
    [2 * D + 3 * H, '2d3h'],
    [7 * D + 23 * H, '7d23h'],
    [8 * D, '8d'],
    [45 * D, '45d'],
    [729 * D, '729d'],
    [3 * 365 * D, '3y'],
    [3 * 365 * D + 10 * D, '3y10d'],
    [8 * 365 * D + 100 * D, '8y'],
  ])('%d ms is %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it('tolerates clock skew under two seconds and calls the rest invalid', () => {
    expect(humanDuration(-1500)).toBe('0s');
    expect(humanDuration(-999)).toBe('0s');
    expect(humanDuration(-2000)).toBe('<invalid>');
  });

  it('prints <unknown> for unset, null, unparsable and Go zero timestamps', () => {
    expect(translateTimestampSince(undefined, NOW)).toBe('<unknown>');
    expect(translateTimestampSince(null, NOW)).toBe('<unknown>');
    expect(translateTimestampSince('yesterday-ish', NOW)).toBe('<unknown>');
    expect(translateTimestampSince('0001-01-01T00:00:00Z', NOW)).toBe('<unknown>');
    expect(translateTimestampSince('2025-06-01T11:59:55Z', NOW)).toBe('5s');
    expect(ageCell({ metadata: { creationTimestamp: '2025-05-30T09:00:00Z' } }, NOW)).toBe('2d3h');
    expect(ageCell({ metadata: {} }, NOW)).toBe('<unknown>');
  });
});
