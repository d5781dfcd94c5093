/**
 * Per-key token buckets and concurrency counters: the arithmetic, with the clock passed in.
 * The caller decides where they live (one per isolate in workerd, one per process in Node),
 * so limits are per instance, not global.
 */

export interface BucketOptions {
  /** Sustained requests per second. */
  qps: number;
  /** How many may come at once after a quiet spell. */
  burst: number;
  /** Buckets idle this long are forgotten (they would be full anyway). */
  idleMs?: number;
  /** Upper bound on remembered keys; the oldest is dropped past it. */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  constructor(private readonly opts: BucketOptions) {}

  take(key: string, nowMs: number): TakeResult {
    const { qps, burst } = this.opts;
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: burst, at: nowMs };
      this.remember(key, b, nowMs);
    } else {
      b.tokens = Math.min(burst, b.tokens + (Math.max(0, nowMs - b.at) / 1000) * qps);
      b.at = nowMs;
      // Map order is recency order: re-insert so eviction drops the least recently seen.
      this.buckets.delete(key);
      this.buckets.set(key, b);
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / qps)) };
  }

  private remember(key: string, b: Bucket, nowMs: number): void {
    const idle = this.opts.idleMs ?? 10 * 60_000;
    for (const [k, v] of this.buckets) {
      if (nowMs - v.at < idle && this.buckets.size < (this.opts.maxKeys ?? 10_000)) break;
      this.buckets.delete(k);
    }
    this.buckets.set(key, b);
  }
}

/** How many long-running requests (watches) each key has open. */
export class ConcurrencyCounter {
  private readonly counts = new Map<string, number>();
  constructor(private readonly max: number) {}

  /** Takes a slot, or returns false when the key already holds `max`. */
  acquire(key: string): boolean {
    const n = this.counts.get(key) ?? 0;
    if (n >= this.max) return false;
    this.counts.set(key, n + 1);
    return true;
  }

  release(key: string): void {
    const n = (this.counts.get(key) ?? 0) - 1;
    if (n <= 0) this.counts.delete(key);
    else this.counts.set(key, n);
  }

  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}
