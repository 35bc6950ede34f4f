// Messages between the job runner and an export worker thread.

import type { ExportRequest } from '../model/request.ts';
import type { ServerJobProgress } from './job.ts';
import type { S3StorageOptions } from './s3-storage.ts';

/** What a worker is started with (`workerData`). */
export interface ExportWorkerInput {
  /** URL of the module the boot file imports (export-worker.ts). */
  entry: string;
  jobId: string;
  request: ExportRequest;
  recordsApiUrl: string;
  /** The person's bearer token for the records API. */
  recordsToken: string;
  /** Directory of the file-system storage. */
  filesDir: string;
  /** Object storage to write to instead of `filesDir`, when configured. */
  s3?: S3StorageOptions;
  /** Scratch directory for the track spool; deleted when the job ends. */
  spoolDir: string;
  /** Largest export accepted, by the plan's estimate, bytes. */
  maxExportBytes: number;
}

export type ExportWorkerMessage =
  | { type: 'planned'; estimatedBytes: number }
  | { type: 'progress'; progress: ServerJobProgress }
  | { type: 'done'; sizeBytes: number; skippedCount: number }
  /** `storageFullNeededBytes` is set when a write found the disk full (the runner words the message). */
  | { type: 'failed'; code: string; message: string; retryable: boolean; storageFullNeededBytes?: number };
