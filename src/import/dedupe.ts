// Duplicate activities: the same workout imported twice (the same file again, or the FIT and the GPX of one run,
// whose starts and durations differ by a few seconds because each format rounds and trims differently).

import type { Activity } from '../model/records.ts';

/** Starts at most this far apart can be the same workout (a GPX's first point vs the FIT session's start). */
export const DUPLICATE_START_WINDOW_MS = 15_000;
/** The shared time must be at least this share of the longer activity: a 5-minute warm-up is not the race that started with it. */
export const DUPLICATE_MIN_OVERLAP = 0.8;

/** What decides a duplicate: sport, start and elapsed time. */
export type WorkoutSpan = Pick<Activity, 'sport' | 'startTimeMs'> & { totals: Pick<Activity['totals'], 'elapsedS'> };

/**
 * True when `a` and `b` are one workout: the same sport (`generic`, a file that did not say, matches any), starts
 * within `DUPLICATE_START_WINDOW_MS`, and time spans overlapping by at least `DUPLICATE_MIN_OVERLAP` of the longer.
 */
export function isSameWorkout(a: WorkoutSpan, b: WorkoutSpan): boolean {
  if (a.sport !== b.sport && a.sport !== 'generic' && b.sport !== 'generic') return false;
  if (Math.abs(a.startTimeMs - b.startTimeMs) > DUPLICATE_START_WINDOW_MS) return false;
  const endA = a.startTimeMs + a.totals.elapsedS * 1000;
  const endB = b.startTimeMs + b.totals.elapsedS * 1000;
  const longerMs = Math.max(endA - a.startTimeMs, endB - b.startTimeMs);
  const sharedMs = Math.min(endA, endB) - Math.max(a.startTimeMs, b.startTimeMs);
  return longerMs === 0 ? sharedMs === 0 : sharedMs >= DUPLICATE_MIN_OVERLAP * longerMs;
}

/** Activities seen so far, bucketed by start so a lookup checks only the neighbours within the window. */
export class DuplicateIndex {
  private readonly buckets = new Map<number, WorkoutSpan[]>();

  add(activity: WorkoutSpan): void {
    const bucket = Math.floor(activity.startTimeMs / DUPLICATE_START_WINDOW_MS);
    const spans = this.buckets.get(bucket) ?? [];
    spans.push({ sport: activity.sport, startTimeMs: activity.startTimeMs, totals: { elapsedS: activity.totals.elapsedS } });
    this.buckets.set(bucket, spans);
  }

  /** True when an activity added before is the same workout (`isSameWorkout`). */
  has(activity: WorkoutSpan): boolean {
    const bucket = Math.floor(activity.startTimeMs / DUPLICATE_START_WINDOW_MS);
    for (let b = bucket - 1; b <= bucket + 1; b++) {
      for (const seen of this.buckets.get(b) ?? []) if (isSameWorkout(seen, activity)) return true;
    }
    return false;
  }
}

/**
 * Keeps the first of each workout, in order, also skipping those that match one of `existing` (activities
 * already stored). Returns the kept items and how many were skipped.
 */
export function dedupeActivities<T extends { activity: Activity }>(
  items: Iterable<T>,
  existing: Iterable<WorkoutSpan> = [],
): { kept: T[]; skippedCount: number } {
  const index = new DuplicateIndex();
  for (const activity of existing) index.add(activity);
  const kept: T[] = [];
  let skippedCount = 0;
  for (const item of items) {
    if (index.has(item.activity)) skippedCount++;
    else {
      index.add(item.activity);
      kept.push(item);
    }
  }
  return { kept, skippedCount };
}
