// Retention: finished exports past their expiry lose their file and their row. A file with no row is an orphan,
// but on a bucket shared by several instances "no row here" does not mean "no row anywhere", so an orphan is
// deleted only once it is older than any row could keep it (see orphanMinAgeMs); S3 lifecycle rules are the
// backstop (docs/server.md, "Object storage").

import type { JobStore } from './job-store.ts';
import type { ExportStorage } from './storage.ts';

/** What a sweep removed, and the orphans it left because they may belong to another instance. */
export interface SweepResult {
  jobsDeleted: number;
  orphansDeleted: number;
  orphansKept: number;
}

/**
 * The age at which an archive with no row may be deleted: twice the retention. A row lives at most the retention
 * past its archive's write (expiresAtMs = finish + retention), so an archive this old has no live row on any
 * instance that uses the same retention; the second retention covers clocks that disagree and a sweep that
 * failed for a while.
 */
export function orphanMinAgeMs(retentionMs: number): number {
  return 2 * retentionMs;
}

/**
 * Deletes every job whose `expiresAtMs` is at or before `nowMs` (file first, then row), then the archives with
 * no row that are at least `orphanMinAgeMs(retentionMs)` old.
 */
export async function sweepExpired(store: JobStore, storage: ExportStorage, nowMs: number, retentionMs: number): Promise<SweepResult> {
  let jobsDeleted = 0;
  for (const job of await store.all()) {
    if (job.expiresAtMs === undefined || job.expiresAtMs > nowMs) continue;
    await storage.delete(job.id);
    await store.delete(job.id);
    jobsDeleted += 1;
  }
  let orphansDeleted = 0;
  let orphansKept = 0;
  const minAgeMs = orphanMinAgeMs(retentionMs);
  for (const { key, modifiedAtMs } of await storage.list()) {
    if (await store.get(key)) continue;
    // NaN (an unknown time) fails this test too, so an archive of unknown age is kept.
    if (!(nowMs - modifiedAtMs >= minAgeMs)) {
      orphansKept += 1;
      continue;
    }
    await storage.delete(key);
    orphansDeleted += 1;
  }
  return { jobsDeleted, orphansDeleted, orphansKept };
}
