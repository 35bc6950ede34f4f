// One sync run as an outcome value: the errors syncAll throws become the states the Data screen shows.

import { ExportError, isAbortError } from '../model/errors.ts';
import type { TakeawayDb } from '../store/db.ts';
import type { RecordsClient } from '../sync/client.ts';
import { CircuitOpenError } from '../sync/retry.ts';
import { syncAll, type KindSyncProgress, type SyncOptions, type SyncSummary } from '../sync/sync.ts';
import type { SyncOutcome } from './sync-api.ts';

/**
 * Runs `syncAll` and maps how it ended: `done`, `cancelled` (abort), `auth` (401), `paused` (breaker open,
 * with its end), `failed` (anything else, with the error code). Progress seen so far is in `summary`.
 */
export async function runSync(db: TakeawayDb, client: RecordsClient, options: SyncOptions): Promise<SyncOutcome> {
  const summary: Partial<SyncSummary> = {};
  const onProgress = (progress: KindSyncProgress) => {
    summary[progress.kind] = progress;
    options.onProgress?.(progress);
  };
  try {
    return { status: 'done', summary: await syncAll(db, client, { ...options, onProgress }) };
  } catch (error) {
    if (isAbortError(error) || options.signal?.aborted) return { status: 'cancelled', summary };
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof CircuitOpenError) return { status: 'paused', summary, pausedUntilMs: error.pausedUntilMs, message };
    if (error instanceof ExportError && error.code === 'AUTH') return { status: 'auth', summary, message };
    return { status: 'failed', summary, code: error instanceof ExportError ? error.code : 'INTERNAL', message };
  }
}
