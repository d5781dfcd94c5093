import { ConcurrencyCounter, TokenBuckets } from '../shared/limits/token-bucket.js';

export interface LimitOptions {
  /** Per-user request rate; `false` turns rate limiting off. */
  rate?: { qps: number; burst: number } | false;
  /** Open watches per user. */
  maxWatchesPerUser?: number;
}

export const DEFAULT_RATE = { qps: 50, burst: 100 };
export const DEFAULT_MAX_WATCHES_PER_USER = 50;

/**
 * The per-user limits' state. It must outlive a request, so the worker keeps one per isolate
 * (module scope) and the Node server one per process: limits are per instance, not global.
 * Counters are plain numbers, never promises, which workerd allows sharing between requests.
 */
export class RequestLimiter {
  readonly rate?: TokenBuckets;
  readonly watches: ConcurrencyCounter;
  readonly maxWatchesPerUser: number;

  constructor(opts: LimitOptions = {}) {
    const rate = opts.rate === undefined ? DEFAULT_RATE : opts.rate;
    if (rate) this.rate = new TokenBuckets(rate);
    this.maxWatchesPerUser = opts.maxWatchesPerUser ?? DEFAULT_MAX_WATCHES_PER_USER;
    this.watches = new ConcurrencyCounter(this.maxWatchesPerUser);
  }
}
