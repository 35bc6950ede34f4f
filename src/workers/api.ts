// The types the export worker exposes: what the page may ask, and the rows it writes for jobs and history.

import type { ExportPlan, ExportProgress, ManifestSummary, VerifyReport } from '../engine/index.ts';
import type { ErrorCode } from '../model/errors.ts';
import type { RecordKind } from '../model/records.ts';
import type { ExportRequest, FormatId } from '../model/request.ts';
import type { DemoOptions } from '../demo/index.ts';
import type { KindCount } from '../store/queries.ts';
import type { ExportHistoryRow, ExportJobRow } from '../store/rows.ts';
import type { SavedZip, WorkerSaveTarget } from '../platform/save-target.ts';

/** Life of a job. A job still PROCESSING or QUEUED when its page is gone is marked INTERRUPTED, never DONE. */
export type JobStatus = 'QUEUED' | 'PROCESSING' | 'DONE' | 'FAILED' | 'CANCELLED' | 'INTERRUPTED';

/** Where the zip went, as the UI names it. */
export type SaveKind = WorkerSaveTarget['kind'];

/** A row of `exportJobs`: one per started export, updated as it runs. */
export interface JobRow extends ExportJobRow {
  status: JobStatus;
  fileName: string;
  target: SaveKind;
  request: ExportRequest;
  /** The zip was encrypted with a password (the password itself is never stored). */
  encrypted?: boolean;
}

/** A row of `exportHistory`: one per export that ended, in any way. */
export interface HistoryRow extends ExportHistoryRow {
  status: JobStatus;
  fileName: string;
  target: SaveKind;
  formats: FormatId[];
  kinds: RecordKind[];
  /** Start and end of the exported range, epoch ms UTC, when the request had one. */
  fromMs?: number;
  toMs?: number;
  finishedAtMs: number;
  /** Size of the finished zip, bytes (0 unless DONE). */
  sizeBytes: number;
  records: number;
  files: number;
  /** Records that failed (manifest `skipped`): more than 0 makes the export partial. Absent on rows older than it. */
  skipped?: number;
  /** Records a format cannot carry by design (manifest `leftOut`, all formats): not a failure. */
  leftOut?: number;
  /** Where the zip is kept in the OPFS workspace, for re-download, share and verify. */
  opfsPath?: string;
  /** The picked file, kept so verify can read it back (the browser may ask for permission again). */
  handle?: FileSystemFileHandle;
  errorCode?: ErrorCode;
  errorMessage?: string;
  /** Result of the last verify. */
  verified?: { ok: boolean; atMs: number; problems: number };
  /** The zip was encrypted with a password: a retry needs the password again, so History offers none. */
  encrypted?: boolean;
}

/** What the page asks for a run. */
export interface StartExport {
  jobId: string;
  request: ExportRequest;
  target: WorkerSaveTarget;
  fileName: string;
  /** Encrypts the zip (AES-256) when set. Passed to the engine only: never stored in a row, logged or put in the request. */
  password?: string;
}

export interface RunOutcome extends ManifestSummary {
  saved: SavedZip;
  bytesWritten: number;
}

export interface DemoLoadProgress {
  recordsWritten: number;
  recordsTotal: number;
}

export type { ImportEta } from '../import/import-progress.ts';
import type { ImportEta } from '../import/import-progress.ts';

/** What importing one file did. */
export interface ImportFileResult {
  file: string;
  activities: number;
  records: number;
  /** Activities already stored (the same workout: sport, start within seconds, overlapping time), left out. */
  skippedDuplicates: number;
  /** Steps or weight days a better source already has. */
  supersededRecords: number;
  /** Why the file, or members of it, could not be read. */
  errors: string[];
  /** What the file held but the import left out (a bad track point dropped…); the rest was imported. */
  warnings: string[];
}

export type StoreSummary = Record<RecordKind, KindCount>;

/** Files from an export the share sheet may accept (PDF, CSV), extracted into the workspace. */
export interface ShareCandidates {
  files: File[];
}

export interface ExportWorkerApi {
  /**
   * The engine's plan of a request over the store (counts, files, sizes, time, what formats leave out), without
   * reading samples; each CSV table carries its header and first `previewRows` rows, anonymised as the run will be.
   */
  plan(request: ExportRequest, previewRows?: number): Promise<ExportPlan>;
  /** Queues and runs an export; resolves when it ended. Progress about 10 times a second. */
  runExport(job: StartExport, onProgress: (progress: ExportProgress) => void): Promise<RunOutcome>;
  /** Cancels a queued or running job; false when none is known. */
  cancel(jobId: string): Promise<boolean>;
  /** Re-checks every file of a kept export against its manifest. */
  /** `password`: an encrypted export's, used for this check only and never stored. */
  verify(historyId: string, password?: string): Promise<VerifyReport>;
  /** The zip of a kept export (a disk-backed OPFS File), or undefined when it is gone. */
  savedZip(historyId: string): Promise<File | undefined>;
  /** PDF and CSV files of a kept export, for browsers whose share sheet refuses zips. */
  shareCandidates(historyId: string): Promise<ShareCandidates>;
  /** Removes a history row and its kept zip. */
  deleteExport(historyId: string): Promise<void>;
  /** Marks jobs left QUEUED/PROCESSING by a closed page as INTERRUPTED; returns their ids. */
  recoverInterrupted(): Promise<string[]>;
  /** Writes the demo dataset into the database (bulk, tracks as chunk rows). */
  loadDemo(options: Partial<DemoOptions>, onProgress?: (progress: DemoLoadProgress) => void): Promise<StoreSummary>;
  /** Imports device files (.fit .gpx .tcx .zip, our own CSV) into the store, one result per file. */
  importFiles(files: File[], onResult?: (result: ImportFileResult) => void, onProgress?: (progress: ImportEta) => void): Promise<ImportFileResult[]>;
  /** Empties the database and the export workspace. */
  clearAll(): Promise<void>;
  /** Counts per kind with first and last time. */
  summary(): Promise<StoreSummary>;
  /** Formats this build can write (the registry grows as formats land). */
  formats(): Promise<FormatId[]>;
  /**
   * Whether zip.js deflates in web workers of its own (a second core) instead of inline in this worker.
   * Off by default: two exports already fill both cores of a phone. The bench measures both.
   */
  setZipWorkers(useWebWorkers: boolean): Promise<void>;
}
