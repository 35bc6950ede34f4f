// Incremental, resumable sync from the records API into the store: per-kind cursors saved after every page,
// updates upserted by id, tombstones applied, bad records quarantined, failures retried under a breaker.

import { ExportError, isAbortError } from '../model/errors.ts';
import { RECORD_KINDS, type Activity, type RecordKind, type TrackChunk } from '../model/records.ts';
import { validateRecord, validateTrackChunk } from '../model/validate.ts';
import type { TakeawayDb } from '../store/db.ts';
import { ingestRecords } from '../store/ingest.ts';
import { deleteRecord, putActivity } from '../store/queries.ts';
import type { SyncStateRow } from '../store/rows.ts';
import { RecordsApiError, type RecordsClient } from './client.ts';
import { CircuitBreaker, DEFAULT_RETRY_POLICY, realSleep, withRetry, type RetryContext, type RetryPolicy, type Sleep } from './retry.ts';

/** Progress of one kind, reported after every page. */
export interface KindSyncProgress {
  kind: RecordKind;
  /** Pages applied in this run. */
  pages: number;
  /** Records written (new or updated) in this run. */
  stored: number;
  /** Tombstones applied in this run. */
  deleted: number;
  /** Records kept aside in `quarantine` in this run. */
  quarantined: number;
  /** True once the kind's pass reached the last page. */
  isDone: boolean;
}

export interface SyncOptions {
  /** Aborting stops between requests with an `AbortError`; the saved cursor lets the next run resume. */
  signal?: AbortSignal;
  /** Called after every page (and when a kind finishes) with that kind's progress. */
  onProgress?: (progress: KindSyncProgress) => void;
  /** Clock, epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Waits between retries. Default a real timer. */
  sleep?: Sleep;
  /** Jitter source, 0 ≤ r < 1. Default `Math.random`. */
  random?: () => number;
  /** Default `DEFAULT_RETRY_POLICY`. */
  policy?: RetryPolicy;
  /** Share one breaker between runs so a failing API stays paused; default a new one per run. */
  breaker?: CircuitBreaker;
  /** Kinds to sync, in order. Default all (`RECORD_KINDS`). */
  kinds?: readonly RecordKind[];
  /** `limit` of each list request; default the server's. */
  pageSize?: number;
  /** `source` stamped on records that name none. Default `api`. */
  source?: string;
  /** Told about each wait before a retry. */
  onRetry?: RetryContext['onRetry'];
}

/** What one run did, per kind. */
export type SyncSummary = Record<RecordKind, KindSyncProgress>;

/**
 * Brings the store up to date with the records API, kind by kind. Each kind resumes from the cursor saved in
 * `syncState` (or starts a pass from its watermark), and after every page saves the next cursor, so a run cut
 * short by an abort, a closed tab or a dead network continues where it stopped; records are upserted by id, so a
 * page applied twice duplicates nothing. Activities get their samples, fetched in chunks. Invalid records go to
 * `quarantine` with their reason and the sync goes on. Throws `ExportError` `AUTH` on 401 (sign in again), a
 * `CircuitOpenError` when the API keeps failing, and the signal's reason on abort.
 */
export async function syncAll(db: TakeawayDb, client: RecordsClient, options: SyncOptions = {}): Promise<SyncSummary> {
  const now = options.now ?? Date.now;
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const retry: RetryContext = {
    policy,
    breaker: options.breaker ?? new CircuitBreaker(policy),
    sleep: options.sleep ?? realSleep,
    now,
    random: options.random ?? Math.random,
    signal: options.signal,
    onRetry: options.onRetry,
  };
  const summary = {} as SyncSummary;
  for (const kind of options.kinds ?? RECORD_KINDS) {
    const progress: KindSyncProgress = { kind, pages: 0, stored: 0, deleted: 0, quarantined: 0, isDone: false };
    summary[kind] = progress;
    try {
      await syncKind(db, client, kind, progress, options, retry);
    } catch (error) {
      if (!isAbortError(error) && !options.signal?.aborted) await recordError(db, kind, error, now());
      throw error;
    }
  }
  return summary;
}

async function syncKind(
  db: TakeawayDb, client: RecordsClient, kind: RecordKind, progress: KindSyncProgress,
  options: SyncOptions, retry: RetryContext,
): Promise<void> {
  const now = retry.now;
  const source = options.source ?? 'api';
  let state: SyncStateRow = (await db.syncState.get(kind)) ?? { kind };
  if (state.cursor === undefined) {
    // A new pass: ask for what changed since the last finished one.
    state = { ...state, passSinceMs: state.watermarkMs, passMaxChangeMs: undefined };
  }
  for (;;) {
    options.signal?.throwIfAborted();
    const page = await withRetry(() => client.listRecords(kind, {
      updatedSinceMs: state.passSinceMs, cursor: state.cursor, limit: options.pageSize, signal: options.signal,
    }), retry);
    let maxChangeMs = state.passMaxChangeMs ?? -Infinity;
    const tableItems: unknown[] = [];
    for (const [position, item] of page.items.entries()) {
      const changeMs = (item as { updatedAtMs?: unknown } | null)?.updatedAtMs;
      if (typeof changeMs === 'number' && Number.isFinite(changeMs)) maxChangeMs = Math.max(maxChangeMs, changeMs);
      if (kind !== 'activity') {
        tableItems.push(item);
        continue;
      }
      const outcome = await syncActivity(db, client, item, position, source, retry);
      if (outcome === 'stored') progress.stored += 1;
      if (outcome === 'quarantined') progress.quarantined += 1;
    }
    if (tableItems.length > 0) {
      const result = await ingestRecords(db, tableItems.map((item) => withKind(item, kind)), source, now());
      progress.stored += result.stored;
      progress.quarantined += result.quarantined;
    }
    for (const tombstone of page.tombstones) {
      await deleteRecord(db, kind, tombstone.id);
      maxChangeMs = Math.max(maxChangeMs, tombstone.deletedAtMs);
      progress.deleted += 1;
    }
    progress.pages += 1;
    const passMaxChangeMs = Number.isFinite(maxChangeMs) ? maxChangeMs : undefined;
    if (page.nextCursor !== null) {
      state = { ...state, cursor: page.nextCursor, passMaxChangeMs };
    } else {
      state = {
        kind, lastSyncMs: now(), watermarkMs: passMaxChangeMs ?? state.watermarkMs,
      };
      progress.isDone = true;
    }
    // Saved after the page's writes: a cut between the two re-applies this page, which upserts change nothing.
    await db.syncState.put(state);
    report(options, progress);
    if (progress.isDone) return;
  }
}

/** A record without a kind gets the one of the endpoint it came from; anything else is left to validation. */
function withKind(item: unknown, kind: RecordKind): unknown {
  if (typeof item === 'object' && item !== null && !Array.isArray(item) && !('kind' in item)) return { ...item, kind };
  return item;
}

/** Validates an activity, fetches its samples chunk page by chunk page, and stores both, or quarantines the activity. */
async function syncActivity(
  db: TakeawayDb, client: RecordsClient, item: unknown, position: number, source: string, retry: RetryContext,
): Promise<'stored' | 'quarantined' | 'gone'> {
  const checked = validateRecord(withKind(item, 'activity'), position);
  if (!checked.ok || checked.value.kind !== 'activity') {
    await ingestRecords(db, [item], source, retry.now());
    return 'quarantined';
  }
  const activity: Activity = checked.value.source === undefined ? { ...checked.value, source } : checked.value;
  const chunks: TrackChunk[] = [];
  let cursor: string | undefined;
  let sampleCount = 0;
  try {
    do {
      const page = await withRetry(() => client.listSamples(activity.id, { cursor, signal: retry.signal }), retry);
      for (const raw of page.chunks) {
        const result = validateTrackChunk(raw, activity);
        if (!result.ok) return await quarantine(db, activity, item, source, result.error.field, result.error.message, retry.now());
        const { kind: _kind, ...chunk } = result.value as TrackChunk & { kind?: unknown };
        if (chunk.seq !== chunks.length || chunk.startIndex !== sampleCount) {
          return await quarantine(db, activity, item, source, 'track', `activity ${activity.id}: track chunk ${chunk.seq} out of order (expected seq ${chunks.length} at sample ${sampleCount})`, retry.now());
        }
        chunks.push(chunk);
        sampleCount += chunk.count;
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  } catch (error) {
    // Deleted between the listing and the samples request: its tombstone comes with a later page.
    if (error instanceof RecordsApiError && error.status === 404) return 'gone';
    throw error;
  }
  if (sampleCount !== activity.sampleCount) {
    return quarantine(db, activity, item, source, 'track', `activity ${activity.id}: track has ${sampleCount} samples, sampleCount says ${activity.sampleCount}`, retry.now());
  }
  await putActivity(db, activity, chunks);
  return 'stored';
}

async function quarantine(
  db: TakeawayDb, activity: Activity, raw: unknown, source: string, field: string, reason: string, atMs: number,
): Promise<'quarantined'> {
  await db.quarantine.add({
    kind: 'activity', source, recordId: activity.id, field, reason, rawJson: JSON.stringify(raw).slice(0, 100_000), atMs,
  } as Parameters<typeof db.quarantine.add>[0]);
  return 'quarantined';
}

async function recordError(db: TakeawayDb, kind: RecordKind, error: unknown, atMs: number): Promise<void> {
  const code = error instanceof ExportError ? error.code : 'INTERNAL';
  const message = error instanceof Error ? error.message : String(error);
  await db.syncState.update(kind, { lastError: { code, message, atMs } }).then(async (updated) => {
    if (updated === 0) await db.syncState.put({ kind, lastError: { code, message, atMs } });
  });
}

function report(options: SyncOptions, progress: KindSyncProgress): void {
  try {
    options.onProgress?.({ ...progress });
  } catch {
    // A failing progress listener must not stop the sync; progress is best-effort.
  }
}
