import { describe, expect, it } from 'vitest';
import type { Sport } from '../model/records.ts';
import { dedupeActivities, DuplicateIndex, isSameWorkout, type WorkoutSpan } from './dedupe.ts';

const T0 = Date.UTC(2024, 4, 1, 6, 0, 0);
const span = (sport: Sport, startOffsetS: number, elapsedS: number): WorkoutSpan => ({ sport, startTimeMs: T0 + startOffsetS * 1000, totals: { elapsedS } });

describe('isSameWorkout', () => {
  it('matches one run as FIT and as GPX: starts seconds apart, elapsed 2824 s against 2818 s', () => {
    expect(isSameWorkout(span('running', 0, 2824), span('running', 3, 2818))).toBe(true);
  });

  it('matches a file that names no sport (generic) with any sport', () => {
    expect(isSameWorkout(span('running', 0, 2824), span('generic', 1, 2820))).toBe(true);
  });

  it('keeps apart different sports, starts a minute apart, and a short warm-up that began with the race', () => {
    expect(isSameWorkout(span('running', 0, 2824), span('cycling', 0, 2824))).toBe(false);
    expect(isSameWorkout(span('running', 0, 2824), span('running', 60, 2824))).toBe(false);
    expect(isSameWorkout(span('running', 0, 2824), span('running', 0, 300))).toBe(false);
  });
});

describe('dedupeActivities', () => {
  it('keeps the first of each workout and skips those already stored, across the window buckets', () => {
    const index = new DuplicateIndex();
    // 14 s before a bucket edge and 2 s after it: neighbouring buckets are searched too.
    const edge = Math.ceil(T0 / 15_000) * 15_000;
    index.add({ sport: 'running', startTimeMs: edge - 2000, totals: { elapsedS: 600 } });
    expect(index.has({ sport: 'running', startTimeMs: edge + 2000, totals: { elapsedS: 598 } })).toBe(true);
    const item = (s: WorkoutSpan, file: string) => ({ file, activity: { ...s } as never });
    const { kept, skippedCount } = dedupeActivities(
      [item(span('running', 0, 2824), 'a.fit'), item(span('running', 2, 2818), 'a.gpx'), item(span('cycling', 7200, 3600), 'b.fit')],
      [span('cycling', 7205, 3590)],
    );
    expect({ files: kept.map((k) => k.file), skippedCount }).toEqual({ files: ['a.fit'], skippedCount: 2 });
  });
});
