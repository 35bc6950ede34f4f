import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './rate-limit.ts';

describe('TokenBuckets', () => {
  it('allows the burst, then refuses with the seconds until the next token', () => {
    let nowMs = 0;
    const buckets = new TokenBuckets(3, 0.5, () => nowMs);
    expect([1, 2, 3].map(() => buckets.take('a').isAllowed)).toEqual([true, true, true]);
    expect(buckets.take('a')).toEqual({ isAllowed: false, retryAfterS: 2 });
    nowMs = 2000;
    expect(buckets.take('a').isAllowed).toBe(true);
    expect(buckets.take('a').isAllowed).toBe(false);
  });

  it('keeps one bucket per key', () => {
    const buckets = new TokenBuckets(1, 1, () => 0);
    expect(buckets.take('a').isAllowed).toBe(true);
    expect(buckets.take('a').isAllowed).toBe(false);
    expect(buckets.take('b').isAllowed).toBe(true);
  });

  it('never fills a bucket beyond its burst', () => {
    let nowMs = 0;
    const buckets = new TokenBuckets(2, 10, () => nowMs);
    nowMs = 3_600_000;
    expect([1, 2, 3].map(() => buckets.take('a').isAllowed)).toEqual([true, true, false]);
  });
});
