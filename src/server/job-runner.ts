// Runs server exports in worker threads, a few at a time, and keeps the job table true: COMPLETED only
// after the storage sink closed; PAUSED while the records API is down (the worker waits it out); a job found
// PROCESSING or PAUSED at start (the process died) is queued again, reusing its records snapshot if complete. A full
// disk (any row, spool or archive write) ends the job FAILED with "storage full", never the process.

import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ServerConfig } from './config.ts';
import { ACTIVE_STATUSES, type ServerJob } from '../model/server-job.ts';
import type { FileJobStore } from './file-job-store.ts';
import type { JobQueue } from './job-store.ts';
import type { ExportStorage } from './storage.ts';
import { freeBytes, isStorageFull, storageFullMessage } from '../node/storage-full.ts';
import type { ExportWorkerCommand, ExportWorkerInput, ExportWorkerMessage } from './worker-protocol.ts';

/** Called when a job ends (COMPLETED or FAILED), e.g. to send a push message. Errors are logged, not thrown. */
export type JobFinishedListener = (job: ServerJob) => Promise<void>;

/** How often progress reaches the disk, at most; the in-memory row is always current. */
const PROGRESS_WRITE_INTERVAL_MS = 500;
/** A job that failed this many times in a row (crashes of the whole process included) stays FAILED. */
export const MAX_ATTEMPTS = 3;

/** The file a worker thread starts from (it loads export-worker.ts through tsx). */
export const BOOT_URL = new URL('./worker-boot.mjs', import.meta.url);
const ENTRY_URL = new URL('./export-worker.ts', import.meta.url).href;

/** What an export worker thread is started with, in either mode; `attempt` names its partial archive. */
export function exportWorkerInput(config: ServerConfig, job: ServerJob, spoolDir: string, recordsToken: string | undefined, attempt?: number): ExportWorkerInput {
  return {
    entry: ENTRY_URL,
    jobId: job.id,
    request: job.request,
    recordsApiUrl: config.recordsApiUrl,
    recordsApi: config.recordsApi,
    recordsToken,
    filesDir: path.join(config.dataDir, 'files'),
    s3: config.s3,
    spoolDir,
    maxExportBytes: config.maxExportBytes,
    attempt,
  };
}

export class JobRunner implements JobQueue {
  private readonly queue: string[] = [];
  private readonly running = new Map<string, Worker>();
  /** Jobs whose attempt is being written, before their worker exists (they hold a slot). */
  private readonly starting = new Set<string>();
  private stopped = false;

  constructor(
    private readonly store: FileJobStore,
    private readonly storage: ExportStorage,
    private readonly config: ServerConfig,
    private readonly onFinished: JobFinishedListener,
  ) {}

  /**
   * Re-queues what a previous process left: PROCESSING jobs (their partial files were removed by the storage's
   * init) go back to INITIATED, unless they already had MAX_ATTEMPTS runs (each counted on disk before it
   * began): those end FAILED. Every INITIATED job is queued in creation order. A COMPLETED job whose file is
   * gone is marked FAILED rather than offered for download.
   */
  async recover(): Promise<void> {
    // No worker runs yet, so the spool holds what a process that died left: the records snapshot of a job that
    // will run again is kept (it is what lets the job go on without the caller's session); the rest is removed.
    for (const name of await readdir(this.spoolRoot()).catch(() => [])) {
      const owner = this.store.get(name);
      if (owner && ACTIVE_STATUSES.includes(owner.status) && owner.attempts < MAX_ATTEMPTS) continue;
      await rm(path.join(this.spoolRoot(), name), { recursive: true, force: true });
    }
    const jobs = this.store.all().sort((a, b) => a.createdAtMs - b.createdAtMs);
    for (const job of jobs) {
      const wasRunning = job.status === 'PROCESSING' || job.status === 'PAUSED';
      if (wasRunning && job.attempts >= MAX_ATTEMPTS) {
        // Every attempt ended with the process: running it again would only take the server down again.
        const message = `the server stopped while running this export ${job.attempts} times (at most ${MAX_ATTEMPTS} attempts); it is not tried again`;
        await this.endFailed(job.id, { code: 'INTERNAL', message });
      } else if (wasRunning) {
        await this.updateOrWarn(job.id, { status: 'INITIATED', updatedAtMs: Date.now(), pause: undefined, progress: { ...job.progress, fraction: 0, bytesOut: 0 } });
      }
      if (job.status === 'COMPLETED' && (await this.storage.size(job.id)) === undefined) {
        await this.updateOrWarn(job.id, { status: 'FAILED', updatedAtMs: Date.now(), error: { code: 'INTERNAL', message: 'the archive is missing from storage' } });
      }
    }
    for (const job of this.store.all().sort((a, b) => a.createdAtMs - b.createdAtMs)) {
      if (job.status === 'INITIATED') this.enqueue(job.id);
    }
  }

  /** A row change at start-up that a full disk may refuse: the server still starts, the row in memory is current. */
  private async updateOrWarn(id: string, patch: Partial<ServerJob>): Promise<void> {
    await this.store.update(id, patch).catch((error: unknown) => console.warn(`export ${id}: row not written at start-up:`, error));
  }

  /** Queues an INITIATED job; it starts when a worker slot is free. */
  enqueue(id: string): void {
    if (!this.queue.includes(id) && !this.running.has(id) && !this.starting.has(id)) this.queue.push(id);
    this.pump();
  }

  /** Stops a queued or running job (terminating its thread) and removes any partial output. */
  async cancel(id: string): Promise<void> {
    const index = this.queue.indexOf(id);
    if (index !== -1) this.queue.splice(index, 1);
    this.starting.delete(id);
    const worker = this.running.get(id);
    if (worker) {
      this.running.delete(id);
      await worker.terminate();
      this.pump();
    }
    await this.storage.delete(id);
    await rm(this.spoolDirOf(id), { recursive: true, force: true });
  }

  /** Terminates every worker (their jobs stay PROCESSING on disk and are retried at the next start). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.running.values()].map((w) => w.terminate()));
    this.running.clear();
  }

  private pump(): void {
    while (!this.stopped && this.running.size + this.starting.size < this.config.workerCount && this.queue.length > 0) {
      const id = this.queue.shift()!;
      void this.start(id).catch((error: unknown) => console.error(`export ${id} could not start:`, error));
    }
  }

  private async start(id: string): Promise<void> {
    const job = this.store.get(id);
    if (!job || job.status !== 'INITIATED') return;
    // Undefined once the job's records snapshot is complete: the worker then reads the snapshot alone.
    const recordsToken = job.recordsToken;
    // The attempt reaches the disk before the worker runs, so a run that takes the whole process down still counts.
    this.starting.add(id);
    try {
      await this.store.update(id, { status: 'PROCESSING', attempts: job.attempts + 1, updatedAtMs: Date.now() });
    } catch (error) {
      this.starting.delete(id);
      await this.endFailed(id, rowWriteFailure(error, job));
      this.pump();
      return;
    }
    if (!this.starting.delete(id) || this.stopped) return; // cancelled or stopped meanwhile
    const input = exportWorkerInput(this.config, job, this.spoolDirOf(id), recordsToken);
    const worker = new Worker(BOOT_URL, { workerData: input });
    this.running.set(id, worker);
    let lastWriteMs = 0;
    let settled = false;
    /** True once, for the first end of this run; false after a cancel or stop(), which own the job then. */
    const settle = (): boolean => {
      if (settled || this.stopped || this.running.get(id) !== worker) return false;
      settled = true;
      this.running.delete(id);
      return true;
    };
    const retryOrFail = async (failure: JobFailure, retryable: boolean): Promise<void> => {
      if (!settle()) return;
      await worker.terminate();
      const current = this.store.get(id);
      if (retryable && current && current.attempts < MAX_ATTEMPTS && !this.stopped) {
        try {
          await this.store.update(id, { status: 'INITIATED', updatedAtMs: Date.now(), pause: undefined });
          this.enqueue(id);
          return;
        } catch (error) {
          failure = rowWriteFailure(error, current);
        }
      }
      await this.endFailed(id, failure);
      this.pump();
    };
    // A job row that cannot be written ends the job: its progress would no longer survive a restart.
    const writeRow = (patch: Partial<ServerJob>): void => {
      this.store.update(id, patch).catch((error: unknown) => {
        const current = this.store.get(id);
        if (current) void retryOrFail(rowWriteFailure(error, current), false);
      });
    };
    worker.on('message', (message: ExportWorkerMessage) => {
      if (this.running.get(id) !== worker) return;
      const current = this.store.get(id);
      if (!current) return;
      switch (message.type) {
        case 'snapshotted':
          // The job reads its snapshot from now on, in this attempt and any later one: the token is not kept.
          writeRow({ recordsToken: undefined, updatedAtMs: Date.now() });
          break;
        case 'paused':
          writeRow({ status: 'PAUSED', pause: { untilMs: message.untilMs, reason: message.reason }, updatedAtMs: Date.now() });
          break;
        case 'resumed':
          writeRow({ status: 'PROCESSING', pause: undefined, updatedAtMs: Date.now() });
          break;
        case 'planned':
          writeRow({ estimatedBytes: message.estimatedBytes, updatedAtMs: Date.now() });
          break;
        case 'progress': {
          current.progress = message.progress;
          const nowMs = Date.now();
          if (nowMs - lastWriteMs >= PROGRESS_WRITE_INTERVAL_MS) {
            lastWriteMs = nowMs;
            writeRow({ progress: message.progress, updatedAtMs: nowMs });
          }
          break;
        }
        case 'committing':
          worker.postMessage({ type: 'commit' } satisfies ExportWorkerCommand);
          break;
        case 'done':
          if (!settle()) return;
          void this.end(id, {
            status: 'COMPLETED', sizeBytes: message.sizeBytes, skippedCount: message.skippedCount,
            progress: { ...current.progress, fraction: 1, bytesOut: message.sizeBytes },
          }).then(() => worker.terminate());
          break;
        case 'failed':
          void retryOrFail({ code: message.code, message: message.message, storageFullNeededBytes: message.storageFullNeededBytes }, message.retryable);
          break;
      }
    });
    worker.on('error', (error) => {
      const failure: JobFailure = isStorageFull(error)
        ? { code: 'QUOTA_EXCEEDED', message: error.message, storageFullNeededBytes: this.store.get(id)?.estimatedBytes ?? 0 }
        : { code: 'INTERNAL', message: `the export worker crashed: ${error.message}` };
      void retryOrFail(failure, failure.storageFullNeededBytes === undefined);
    });
    worker.on('exit', () => {
      void retryOrFail({ code: 'INTERNAL', message: 'the export worker exited before finishing' }, true);
    });
  }

  /**
   * Ends a job FAILED: its partial archive and spool are removed first (on a full disk that is what makes room
   * for the row), then a storage-full failure gets its message with the space free after that cleanup.
   */
  private async endFailed(id: string, failure: JobFailure): Promise<void> {
    await this.storage.delete(id).catch((error: unknown) => console.warn(`export ${id}: partial archive not removed:`, error));
    await rm(this.spoolDirOf(id), { recursive: true, force: true });
    const message = failure.storageFullNeededBytes === undefined
      ? failure.message
      : storageFullMessage('this export', failure.storageFullNeededBytes, await freeBytes(this.config.dataDir));
    await this.end(id, { status: 'FAILED', error: { code: failure.code, message } });
  }

  /** Records the end of a job (the row in memory even when the disk refuses it), then tells its owner. */
  private async end(id: string, patch: Partial<ServerJob>): Promise<void> {
    await rm(this.spoolDirOf(id), { recursive: true, force: true });
    const nowMs = Date.now();
    const done = await this.store.update(id, { ...patch, updatedAtMs: nowMs, expiresAtMs: nowMs + this.config.retentionMs, recordsToken: undefined, pause: undefined })
      .catch((error: unknown) => {
        console.error(`export ${id}: its end (${patch.status}) could not be written:`, error);
        return this.store.get(id);
      });
    this.pump();
    if (done) await this.onFinished(done).catch((error: unknown) => console.warn(`export ${id}: notification failed:`, error));
  }

  private spoolDirOf(id: string): string {
    return path.join(this.spoolRoot(), id);
  }

  private spoolRoot(): string {
    return path.join(this.config.dataDir, 'spool');
  }
}

/** Why a job failed; `storageFullNeededBytes` marks a full disk (the message is then made after cleanup). */
interface JobFailure {
  code: string;
  message: string;
  storageFullNeededBytes?: number;
}

/** The failure of a job whose row could not be written. */
function rowWriteFailure(error: unknown, job: ServerJob): JobFailure {
  if (isStorageFull(error)) return { code: 'QUOTA_EXCEEDED', message: 'the job row could not be written', storageFullNeededBytes: job.estimatedBytes ?? JSON.stringify(job).length };
  return { code: 'INTERNAL', message: `the job row could not be written: ${error instanceof Error ? error.message : String(error)}` };
}
