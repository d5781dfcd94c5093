// client-go's default controller rate limiter (workqueue.DefaultTypedControllerRateLimiter):
// the larger of a per-key exponential backoff (5 ms doubling to 1000 s) and an overall token
// bucket (10 qps, burst 100) shared by every key of one queue.

export const BASE_DELAY_MS = 5;
export const MAX_DELAY_MS = 1000 * 1000;

/** The per-key delay after `failures` earlier failures of that key (the first retry waits 5 ms). */
export function itemBackoffMs(failures: number, baseMs = BASE_DELAY_MS, maxMs = MAX_DELAY_MS): number {
  // 2^n overflows long before it matters; past the cap the answer is the cap.
  if (failures >= 40) return maxMs;
  return Math.min(baseMs * 2 ** Math.max(0, failures), maxMs);
}

/**
 * A token bucket as golang.org/x/time/rate's Limiter.Reserve: each retry takes a token, and
 * the delay is how long until that token exists. Per queue and per isolate: the bucket smooths
 * one process's retry storm, as client-go's does for one controller process.
 */
export class TokenBucket {
  private tokens: number;
  private last: number | undefined;

  constructor(
    readonly qps = 10,
    readonly burst = 100,
  ) {
    this.tokens = burst;
  }

  /** Takes a token at `now` and returns how long to wait for it, in ms. */
  reserve(now: number): number {
    if (this.last !== undefined && now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.qps) / 1000);
    }
    this.last = Math.max(this.last ?? now, now);
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.qps);
  }
}

/** The delay client-go's default controller rate limiter gives a key's next retry. */
export function retryDelayMs(failures: number, bucket: TokenBucket, now: number): number {
  return Math.max(itemBackoffMs(failures), bucket.reserve(now));
}
