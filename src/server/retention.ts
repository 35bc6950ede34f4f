// Retention: finished exports past their expiry lose their file and their row; files with no row are orphans.

import type { JobStore } from './job-store.ts';
import type { ExportStorage } from './storage.ts';

/** What a sweep removed. */
export interface SweepResult {
  jobsDeleted: number;
  orphansDeleted: number;
}

/** Deletes every job whose `expiresAtMs` is at or before `nowMs` (file first, then row), then orphan files. */
export async function sweepExpired(store: JobStore, storage: ExportStorage, nowMs: number): Promise<SweepResult> {
  let jobsDeleted = 0;
  for (const job of await store.all()) {
    if (job.expiresAtMs === undefined || job.expiresAtMs > nowMs) continue;
    await storage.delete(job.id);
    await store.delete(job.id);
    jobsDeleted += 1;
  }
  let orphansDeleted = 0;
  for (const key of await storage.list()) {
    if (await store.get(key)) continue;
    await storage.delete(key);
    orphansDeleted += 1;
  }
  return { jobsDeleted, orphansDeleted };
}
