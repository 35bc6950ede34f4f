import { describe, expect, it } from 'vitest';
import { ASCENT_HYSTERESIS_M, ClimbCounter, SpanTotals } from './totals.ts';

function climbOf(altitudes: readonly number[]): { ascentM: number; descentM: number } {
  const counter = new ClimbCounter();
  for (const altitude of altitudes) counter.add(altitude);
  return { ascentM: counter.ascentM, descentM: counter.descentM };
}

/**
 * The rule's definition, by brute force: the largest ascent (and, separately, descent) of any subsequence whose
 * steps are all at least the threshold. dp[i] is the best such sum over subsequences ending at sample i.
 */
function bestSubsequenceClimb(altitudes: readonly number[], sign: 1 | -1): number {
  const dp = altitudes.map(() => 0);
  for (let i = 0; i < altitudes.length; i++) {
    for (let j = 0; j < i; j++) {
      const step = altitudes[i] - altitudes[j];
      if (Math.abs(step) >= ASCENT_HYSTERESIS_M) dp[i] = Math.max(dp[i], dp[j] + Math.max(0, sign * step));
    }
  }
  return Math.max(0, ...dp);
}

/** Seeded PRNG (mulberry32), so a failure names a reproducible case. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('ClimbCounter', () => {
  it('counts a flat track with ±0.6 m of altitude noise as no climb', () => {
    const next = random(1);
    const altitudes = Array.from({ length: 3600 }, () => Math.fround(412 + (next() * 2 - 1) * 0.6));
    expect(climbOf(altitudes)).toEqual({ ascentM: 0, descentM: 0 });
  });

  it('counts a real climb in full, from the low to the high, through the noise', () => {
    const next = random(2);
    // 99.9 m up, then 49.9 m down, each sample off by up to 0.6 m: the figures are off by at most 1.2 m.
    const up = Array.from({ length: 1000 }, (_, i) => 100 + i * 0.1 + (next() * 2 - 1) * 0.6);
    const down = Array.from({ length: 500 }, (_, i) => 199.9 - i * 0.1);
    const { ascentM, descentM } = climbOf([...up, ...down]);
    expect(Math.abs(ascentM - 99.9)).toBeLessThanOrEqual(1.2);
    expect(Math.abs(descentM - 49.9)).toBeLessThanOrEqual(1.2);
  });

  it('ignores missing altitudes and says when there was none', () => {
    const counter = new ClimbCounter();
    counter.add(Number.NaN);
    expect(counter.hasAltitude).toBe(false);
    for (const altitude of [10, Number.NaN, 15, Number.NaN, 11]) counter.add(altitude);
    expect([counter.hasAltitude, counter.ascentM, counter.descentM]).toEqual([true, 5, 4]);
  });

  it('equals the best subsequence with steps of at least the threshold (brute force, 2,000 random tracks)', () => {
    const next = random(3);
    for (let run = 0; run < 2000; run++) {
      const altitudes = Array.from({ length: 2 + Math.floor(next() * 10) }, () => Math.round(next() * 80) / 10);
      const { ascentM, descentM } = climbOf(altitudes);
      expect(ascentM, `ascent of ${altitudes}`).toBeCloseTo(bestSubsequenceClimb(altitudes, 1), 9);
      expect(descentM, `descent of ${altitudes}`).toBeCloseTo(bestSubsequenceClimb(altitudes, -1), 9);
    }
  });

  it('never counts more after samples are removed (2,000 random tracks and removals)', () => {
    const next = random(4);
    for (let run = 0; run < 2000; run++) {
      const altitudes = Array.from({ length: 50 }, (_, i) => 100 + 5 * Math.sin(i / (1 + next() * 8)) + (next() * 2 - 1) * 1.5);
      const kept = altitudes.filter(() => next() > 0.3);
      const before = climbOf(altitudes);
      const after = climbOf(kept);
      expect(after.ascentM, `ascent of ${kept}`).toBeLessThanOrEqual(before.ascentM + 1e-9);
      expect(after.descentM, `descent of ${kept}`).toBeLessThanOrEqual(before.descentM + 1e-9);
    }
  });
});

describe('SpanTotals', () => {
  const timeMs = Float64Array.from({ length: 11 }, (_, i) => 1_000_000 + i * 1000);

  it('takes distance from the distance channel, else the path between positions', () => {
    const withChannel = new SpanTotals();
    withChannel.add({ timeMs, distanceM: Float64Array.from(timeMs, (_, i) => 5 + i * 3) }, 0, 11);
    expect(withChannel.totals([])).toEqual({ elapsedS: 10, timerS: 10, distanceM: 30, avgSpeedMps: 3 });

    const withPositions = new SpanTotals();
    // 0.001° of latitude is 111.2 m on the mean-radius sphere.
    withPositions.add({ timeMs, lat: Float64Array.from(timeMs, (_, i) => 52 + i * 0.001), lon: new Float64Array(11).fill(13) }, 0, 11);
    expect(withPositions.totals([]).distanceM).toBeCloseTo(10 * 111.195, 1);
  });

  it('leaves paused time out of the timer and ends a span where told', () => {
    const span = new SpanTotals();
    span.add({ timeMs, heartRateBpm: Float32Array.from(timeMs, (_, i) => 120 + i) }, 0, 5);
    span.add({ timeMs, heartRateBpm: Float32Array.from(timeMs, (_, i) => 120 + i) }, 5, 11);
    const totals = span.totals([{ startMs: 1_002_000, endMs: 1_004_500 }], { timeMs: 1_012_000, distanceM: Number.NaN });
    expect(totals).toEqual({ elapsedS: 12, timerS: 9.5, avgHeartRateBpm: 125, maxHeartRateBpm: 130 });
  });
});
