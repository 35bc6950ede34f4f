// The types the sync worker exposes: one call that runs a sync, one that cancels it.

import type { KindSyncProgress, SyncSummary } from '../sync/sync.ts';

/** Where the records API is and who is asking. The token stays in memory for the call. */
export interface SyncConnection {
  /** API origin with optional path prefix, ending in `/` (docs/api.md). */
  baseUrl: string;
  /** Bearer token. */
  token: string;
  /** `limit` of each list request; default the server's. */
  pageSize?: number;
}

/** How a sync run ended. Errors come back as data (a thrown error would lose `pausedUntilMs` on the way). */
export type SyncOutcome =
  | { status: 'done'; summary: SyncSummary }
  | { status: 'cancelled'; summary: Partial<SyncSummary> }
  /** 401 from the API: the person has to sign in again (a new token). */
  | { status: 'auth'; summary: Partial<SyncSummary>; message: string }
  /** The circuit breaker is open: no request until `pausedUntilMs` (epoch ms). */
  | { status: 'paused'; summary: Partial<SyncSummary>; pausedUntilMs: number; message: string }
  | { status: 'failed'; summary: Partial<SyncSummary>; code: string; message: string };

export type { KindSyncProgress };

export interface SyncWorkerApi {
  /** Syncs every kind, resuming from the saved cursors; `onProgress` after every page. */
  sync(runId: string, connection: SyncConnection, onProgress: (progress: KindSyncProgress) => void): Promise<SyncOutcome>;
  /** Stops a run between requests; its cursor is kept, so the next run resumes. */
  cancel(runId: string): Promise<boolean>;
  /** Epoch ms until which the breaker refuses calls, or undefined when it is closed. */
  pausedUntil(): Promise<number | undefined>;
}
