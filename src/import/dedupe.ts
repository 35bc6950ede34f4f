// Duplicate activities: the same workout imported twice (same file again, or FIT and GPX of one run).

import type { Activity } from '../model/records.ts';

/** `<start epoch s>|<sport>|<elapsed s rounded>`: equal for the same workout whichever file it came from. */
export function activityFingerprint(activity: Activity): string {
  return `${Math.floor(activity.startTimeMs / 1000)}|${activity.sport}|${Math.round(activity.totals.elapsedS)}`;
}

/**
 * Keeps the first of each fingerprint, in order, also skipping those in `existing` (fingerprints
 * already stored). Returns the kept items and how many were skipped.
 */
export function dedupeActivities<T extends { activity: Activity }>(
  items: Iterable<T>,
  existing: Iterable<string> = [],
): { kept: T[]; skippedCount: number } {
  const seen = new Set(existing);
  const kept: T[] = [];
  let skippedCount = 0;
  for (const item of items) {
    const fingerprint = activityFingerprint(item.activity);
    if (seen.has(fingerprint)) skippedCount++;
    else {
      seen.add(fingerprint);
      kept.push(item);
    }
  }
  return { kept, skippedCount };
}
