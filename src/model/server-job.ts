// A server export job: the row the server keeps per export and the view its API returns (docs/server.md), with the
// same status words as the app's job table. Here because the page's server client reads the same shape.

import type { ExportRequest } from './request.ts';

/**
 * Status words shared with the app (src/store/rows.ts `ExportJobRow`). The server pauses a job only while the
 * records API is down (`pause` says until when); it resumes by itself.
 */
export type ServerJobStatus = 'INITIATED' | 'PROCESSING' | 'COMPLETED' | 'PAUSED' | 'CANCELLED' | 'FAILED' | 'EXPIRED';

/** Statuses that still hold a worker slot or wait for one (they count against the per-user limit). */
export const ACTIVE_STATUSES: readonly ServerJobStatus[] = ['INITIATED', 'PROCESSING', 'PAUSED'];

export interface ServerJobProgress {
  /** 0..1 from the engine's estimate; 1 only when COMPLETED. */
  fraction: number;
  filesDone: number;
  recordsRead: number;
  samplesRead: number;
  /** Zip bytes written so far. */
  bytesOut: number;
}

/** One export, as stored in `<dataDir>/jobs/<id>.json`. */
export interface ServerJob {
  /** 128 random bits (crypto.randomUUID). */
  id: string;
  /** The JWT `sub` of the person who asked. */
  userId: string;
  status: ServerJobStatus;
  request: ExportRequest;
  createdAtMs: number;
  updatedAtMs: number;
  /** Times a worker started this job (a restart mid-job retries it). */
  attempts: number;
  progress: ServerJobProgress;
  /** The plan's size estimate, bytes. */
  estimatedBytes?: number;
  /** Size of the finished zip, bytes. */
  sizeBytes?: number;
  /** Records left out of the export (manifest `skipped`). */
  skippedCount?: number;
  /** Suggested file name of the download. */
  fileName: string;
  /** When the file and the row are deleted, epoch ms UTC (set when the job ends). */
  expiresAtMs?: number;
  error?: { code: string; message: string };
  /** While PAUSED: when the job next tries the records API, epoch ms UTC, and why it waits. */
  pause?: { untilMs: number; reason: string };
  /**
   * The caller's bearer token, forwarded to the records API. Kept only until the job's records snapshot is
   * complete (a retry after a restart before that needs it); cleared then, and when the job ends.
   */
  recordsToken?: string;
}

/** What a caller sees of a job: everything but its owner, request, attempts and token, plus the download link once COMPLETED. */
export type ServerJobView = Omit<ServerJob, 'userId' | 'request' | 'attempts' | 'recordsToken'> & {
  /** Signed, expiring download path (relative to the server origin); only when COMPLETED. */
  downloadUrl?: string;
  /** Expiry of `downloadUrl`, epoch ms UTC. */
  downloadExpiresAtMs?: number;
};
