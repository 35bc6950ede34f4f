// Checkpoints of resumable exports in Dexie: the last few per job, so a resume can fall back when a crash lost
// the bytes behind the newest one.

import type { Table } from 'dexie';
import type { ExportCheckpoint } from '../engine/resume.ts';
import type { TakeawayDb } from '../store/db.ts';
import type { CheckpointRow } from '../store/rows.ts';

/** Checkpoints kept per job (older ones are deleted as new ones arrive). */
export const CHECKPOINTS_KEPT = 3;

/** A checkpoint row: the v1 `checkpoints` table's key fields plus the engine's checkpoint. */
export interface StoredCheckpointRow extends CheckpointRow, ExportCheckpoint {
  atMs: number;
}

function table(db: TakeawayDb): Table<StoredCheckpointRow, [string, number]> {
  return db.table<StoredCheckpointRow, [string, number]>('checkpoints');
}

/** Stores a job's checkpoint and prunes all but the newest `CHECKPOINTS_KEPT`. `nowMs` is the clock (injected for tests). */
export async function saveCheckpoint(db: TakeawayDb, jobId: string, checkpoint: ExportCheckpoint, nowMs: number): Promise<void> {
  await db.transaction('rw', table(db), async () => {
    await table(db).put({ ...checkpoint, jobId, atMs: nowMs });
    const keys = await table(db).where('jobId').equals(jobId).primaryKeys();
    const stale = keys.sort((a, b) => b[1] - a[1]).slice(CHECKPOINTS_KEPT);
    if (stale.length) await table(db).bulkDelete(stale);
  });
}

/** A job's checkpoints, newest first (by entry index). */
export async function loadCheckpoints(db: TakeawayDb, jobId: string): Promise<ExportCheckpoint[]> {
  const rows = await table(db).where('jobId').equals(jobId).toArray();
  return rows.sort((a, b) => b.entryIndex - a.entryIndex).map(({ entryIndex, offsetBytes, prefixSha256, files, fraction }) => ({
    entryIndex, offsetBytes, prefixSha256, files, ...(fraction === undefined ? {} : { fraction }),
  }));
}

/** Deletes a job's checkpoints (after it completes, is cancelled or expires). */
export async function clearCheckpoints(db: TakeawayDb, jobId: string): Promise<void> {
  await table(db).where('jobId').equals(jobId).delete();
}

/** A `saveCheckpoint` callback for `runResumableExport` bound to one job. */
export function checkpointSaver(db: TakeawayDb, jobId: string, now: () => number): (checkpoint: ExportCheckpoint) => Promise<void> {
  return (checkpoint) => saveCheckpoint(db, jobId, checkpoint, now());
}
