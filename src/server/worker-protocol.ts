// Messages between the job runner and an export worker thread.

import type { ManifestFile } from '../engine/manifest.ts';
import type { ExportCheckpoint } from '../engine/resume.ts';
import type { ExportRequest } from '../model/request.ts';
import type { RecordsApiPatience } from './config.ts';
import type { ServerJobProgress } from '../model/server-job.ts';
import type { S3StorageOptions } from './s3-storage.ts';

/** What a worker is started with (`workerData`). */
export interface ExportWorkerInput {
  /** URL of the module the boot file imports (export-worker.ts). */
  entry: string;
  jobId: string;
  request: ExportRequest;
  recordsApiUrl: string;
  recordsApi: RecordsApiPatience;
  /**
   * The person's bearer token for the records API, needed only until the records snapshot is complete
   * (undefined once it is: the job then reads the snapshot alone).
   */
  recordsToken?: string;
  /** Directory of the file-system storage. */
  filesDir: string;
  /** Object storage to write to instead of `filesDir`, when configured. */
  s3?: S3StorageOptions;
  /** The records snapshot (record-fetcher.ts): kept across attempts and restarts, deleted when the job ends. */
  spoolDir: string;
  /** Largest export accepted, by the plan's estimate, bytes. */
  maxExportBytes: number;
  /** The job's claim number in scaled mode: names this attempt's partial archive (storage.ts createSink). */
  attempt?: number;
  /**
   * Scaled mode: the archive is written as a resumable export into a partial file or one S3 multipart upload
   * (checkpoints after each entry, `checkpoint` messages), continuing from `resume` when an earlier attempt left one.
   */
  resumable?: boolean;
  resume?: { checkpoint: ExportCheckpoint; fromAttempt: number };
}

/** From the runner to the worker: the archive may be stored (answers `committing`). */
export type ExportWorkerCommand = { type: 'commit' } | { type: 'checkpoint-saved' };

export type ExportWorkerMessage =
  /** The records snapshot is complete: the records token is no longer needed. */
  | { type: 'snapshotted' }
  /** The records API is failing: the job waits until `untilMs` and tries again by itself. */
  | { type: 'paused'; untilMs: number; reason: string }
  | { type: 'resumed' }
  | { type: 'planned'; estimatedBytes: number }
  | { type: 'progress'; progress: ServerJobProgress }
  /**
   * The archive is written and about to be stored under its key: the worker waits for `commit`. The runner of the
   * scaled mode first checks that this worker still holds the job, so a worker that lost it never stores its bytes.
   */
  | { type: 'committing' }
  /**
   * A resumable export finished an entry: the checkpoint without its file list, and the files finished since the
   * last one (from position `firstIndex`). The worker waits for `checkpoint-saved`.
   */
  | { type: 'checkpoint'; checkpoint: Omit<ExportCheckpoint, 'files'>; firstIndex: number; newFiles: ManifestFile[] }
  /** `resumedFromBytes`: archive bytes kept from an earlier attempt (0 for a fresh start). */
  | { type: 'done'; sizeBytes: number; skippedCount: number; resumedFromBytes?: number }
  /** `storageFullNeededBytes` is set when a write found the disk full (the runner words the message). */
  | { type: 'failed'; code: string; message: string; retryable: boolean; storageFullNeededBytes?: number };
