// Writes the demo dataset into the database in bulk: records in large batches, tracks as chunk rows.
// Runs in the export worker so the page never does the generating or the writing.

import { createDemoDataset, type DemoOptions } from '../demo/index.ts';
import type { Activity, TakeawayRecord, TrackChunk } from '../model/records.ts';
import type { TakeawayDb } from '../store/db.ts';
import { putRecords } from '../store/queries.ts';
import type { DemoLoadProgress } from './api.ts';

/** Activities written per transaction (with all their chunk rows). */
const ACTIVITIES_PER_BATCH = 20;
/** Other records per transaction. */
const RECORDS_PER_BATCH = 2_000;

export async function loadDemoData(db: TakeawayDb, options: Partial<DemoOptions>, onProgress?: (p: DemoLoadProgress) => void): Promise<void> {
  const dataset = createDemoDataset(options);
  const activities = dataset.activities();
  const others: TakeawayRecord[] = (['steps', 'weight', 'sleep', 'record'] as const).flatMap((kind) => dataset.records(kind));
  const progress: DemoLoadProgress = { recordsWritten: 0, recordsTotal: activities.length + others.length };
  const report = () => {
    try {
      onProgress?.({ ...progress });
    } catch {
      // Progress is best effort: a page that went away must not stop the load.
    }
  };
  for (let i = 0; i < activities.length; i += ACTIVITIES_PER_BATCH) {
    const batch: Activity[] = activities.slice(i, i + ACTIVITIES_PER_BATCH);
    const chunks: TrackChunk[] = batch.flatMap((activity) => [...dataset.trackSync(activity)]);
    await db.transaction('rw', db.activities, db.trackChunks, async () => {
      await db.trackChunks.where('activityId').anyOf(batch.map((a) => a.id)).delete();
      await db.activities.bulkPut(batch);
      await db.trackChunks.bulkPut(chunks);
    });
    progress.recordsWritten += batch.length;
    report();
  }
  for (let i = 0; i < others.length; i += RECORDS_PER_BATCH) {
    const batch = others.slice(i, i + RECORDS_PER_BATCH);
    await putRecords(db, batch);
    progress.recordsWritten += batch.length;
    report();
  }
  await db.syncState.put({ kind: 'demo', lastSyncMs: Date.now(), cursor: `seed:${dataset.options.seed}` });
}
