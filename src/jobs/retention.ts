// Retention: finished exports expire after a chosen time and are deleted through an injected storage, each
// deletion audited; nothing that has not expired is touched.

import type { TakeawayDb } from '../store/db.ts';
import { appendAudit } from './audit.ts';
import { jobsTable, transitionJob } from './lifecycle.ts';

/** Default time an export is kept: 30 days. */
export const DEFAULT_RETENTION_MS = 30 * 86_400_000;

/** Where exports live (OPFS workspace in the app, a directory in Node). */
export interface ExportStorage {
  /** Deletes one file; a missing file is not an error. */
  deleteFile(path: string): Promise<void>;
}

/**
 * Deletes the files of every COMPLETED job whose `expiresAtMs` is at or before `nowMs`, audits each deletion
 * (`DELETED`), and moves the job to EXPIRED. Returns the expired job ids.
 */
export async function expireExports(db: TakeawayDb, storage: ExportStorage, nowMs: number): Promise<string[]> {
  const due = await jobsTable(db).where('status').equals('COMPLETED')
    .filter((job) => job.expiresAtMs !== undefined && job.expiresAtMs <= nowMs).toArray();
  for (const job of due) {
    for (const path of job.fileNames ?? []) {
      await storage.deleteFile(path);
      await appendAudit(db, { atMs: nowMs, jobId: job.id, action: 'DELETED', actor: 'system', detail: path, sizeBytes: job.sizeBytes });
    }
    await transitionJob(db, job.id, 'EXPIRED', { actor: 'system', nowMs, detail: `expired after retention (${new Date(job.expiresAtMs!).toISOString()})` });
  }
  return due.map((job) => job.id);
}

/** `expiresAtMs` for an export finished at `finishedAtMs` kept for `retentionMs` (default 30 days). */
export function expiryOf(finishedAtMs: number, retentionMs = DEFAULT_RETENTION_MS): number {
  return finishedAtMs + retentionMs;
}
