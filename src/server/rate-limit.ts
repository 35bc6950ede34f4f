// Per-user token buckets: each call takes a token; tokens come back at a steady rate up to the burst size.

export interface RateDecision {
  isAllowed: boolean;
  /** When refused: whole seconds until a token is back (for `Retry-After`). */
  retryAfterS: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  /**
   * @param burst tokens a bucket holds (calls allowed at once)
   * @param perS tokens added per second
   */
  constructor(private readonly burst: number, private readonly perS: number, private readonly now: () => number = Date.now) {}

  /** Takes a token from `key`'s bucket if there is one. */
  take(key: string): RateDecision {
    const nowMs = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, atMs: nowMs };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((nowMs - bucket.atMs) / 1000) * this.perS);
    bucket.atMs = nowMs;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { isAllowed: true, retryAfterS: 0 };
    }
    return { isAllowed: false, retryAfterS: this.perS > 0 ? Math.max(1, Math.ceil((1 - bucket.tokens) / this.perS)) : 3600 };
  }

  /** Forgets full buckets (they behave exactly like absent ones), so memory stays bounded by active users. */
  prune(): void {
    const nowMs = this.now();
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((nowMs - bucket.atMs) / 1000) * this.perS >= this.burst) this.buckets.delete(key);
    }
  }
}
