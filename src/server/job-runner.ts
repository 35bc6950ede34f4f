// Runs server exports in worker threads, a few at a time, and keeps the job table true: COMPLETED only
// after the storage sink closed; a job found PROCESSING at start (the process died) is queued again.

import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ServerConfig } from './config.ts';
import { ACTIVE_STATUSES, type ServerJob } from './job.ts';
import type { JobStore } from './job-store.ts';
import type { ExportStorage } from './storage.ts';
import type { ExportWorkerInput, ExportWorkerMessage } from './worker-protocol.ts';

/** Called when a job ends (COMPLETED or FAILED), e.g. to send a push message. Errors are logged, not thrown. */
export type JobFinishedListener = (job: ServerJob) => Promise<void>;

/** How often progress reaches the disk, at most; the in-memory row is always current. */
const PROGRESS_WRITE_INTERVAL_MS = 500;
/** A job that failed this many times in a row (crashes included) stays FAILED. */
const MAX_ATTEMPTS = 3;

const BOOT_URL = new URL('./worker-boot.mjs', import.meta.url);
const ENTRY_URL = new URL('./export-worker.ts', import.meta.url).href;

export class JobRunner {
  private readonly queue: string[] = [];
  private readonly running = new Map<string, Worker>();
  private stopped = false;

  constructor(
    private readonly store: JobStore,
    private readonly storage: ExportStorage,
    private readonly config: ServerConfig,
    private readonly onFinished: JobFinishedListener,
  ) {}

  /**
   * Re-queues what a previous process left: PROCESSING jobs (their partial files were removed by the storage's
   * init) go back to INITIATED, and every INITIATED job is queued in creation order. A COMPLETED job whose
   * file is gone is marked FAILED rather than offered for download.
   */
  async recover(): Promise<void> {
    const jobs = this.store.all().sort((a, b) => a.createdAtMs - b.createdAtMs);
    for (const job of jobs) {
      if (job.status === 'PROCESSING') {
        await this.store.update(job.id, { status: 'INITIATED', updatedAtMs: Date.now(), progress: { ...job.progress, fraction: 0, bytesOut: 0 } });
      }
      if (job.status === 'COMPLETED' && (await this.storage.size(job.id)) === undefined) {
        await this.store.update(job.id, { status: 'FAILED', updatedAtMs: Date.now(), error: { code: 'INTERNAL', message: 'the archive is missing from storage' } });
      }
    }
    for (const job of this.store.all().sort((a, b) => a.createdAtMs - b.createdAtMs)) {
      if (job.status === 'INITIATED') this.enqueue(job.id);
    }
  }

  /** Queues an INITIATED job; it starts when a worker slot is free. */
  enqueue(id: string): void {
    if (!this.queue.includes(id) && !this.running.has(id)) this.queue.push(id);
    this.pump();
  }

  /** Stops a queued or running job (terminating its thread) and removes any partial output. */
  async cancel(id: string): Promise<void> {
    const index = this.queue.indexOf(id);
    if (index !== -1) this.queue.splice(index, 1);
    const worker = this.running.get(id);
    if (worker) {
      this.running.delete(id);
      await worker.terminate();
      this.pump();
    }
    await this.storage.delete(id);
    await rm(this.spoolDirOf(id), { recursive: true, force: true });
  }

  /** Active (INITIATED or PROCESSING) jobs of a user. */
  activeCount(userId: string): number {
    return this.store.listByUser(userId).filter((j) => ACTIVE_STATUSES.includes(j.status)).length;
  }

  /** Terminates every worker (their jobs stay PROCESSING on disk and are retried at the next start). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.running.values()].map((w) => w.terminate()));
    this.running.clear();
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.config.workerCount && this.queue.length > 0) {
      const id = this.queue.shift()!;
      void this.start(id).catch((error: unknown) => console.error(`export ${id} could not start:`, error));
    }
  }

  private async start(id: string): Promise<void> {
    const job = this.store.get(id);
    if (!job || job.status !== 'INITIATED' || !job.recordsToken) return;
    const input: ExportWorkerInput = {
      entry: ENTRY_URL,
      jobId: id,
      request: job.request,
      recordsApiUrl: this.config.recordsApiUrl,
      recordsToken: job.recordsToken,
      filesDir: path.join(this.config.dataDir, 'files'),
      s3: this.config.s3,
      spoolDir: this.spoolDirOf(id),
      maxExportBytes: this.config.maxExportBytes,
    };
    const worker = new Worker(BOOT_URL, { workerData: input });
    this.running.set(id, worker);
    await this.store.update(id, { status: 'PROCESSING', attempts: job.attempts + 1, updatedAtMs: Date.now() });
    let lastWriteMs = 0;
    let settled = false;
    const finish = async (patch: Partial<ServerJob>): Promise<void> => {
      if (settled) return;
      settled = true;
      if (this.running.get(id) === worker) this.running.delete(id);
      await rm(this.spoolDirOf(id), { recursive: true, force: true });
      const nowMs = Date.now();
      const done = await this.store.update(id, { ...patch, updatedAtMs: nowMs, expiresAtMs: nowMs + this.config.retentionMs, recordsToken: undefined });
      this.pump();
      if (done) await this.onFinished(done).catch((error: unknown) => console.warn(`export ${id}: notification failed:`, error));
    };
    const retryOrFail = async (code: string, message: string, retryable: boolean): Promise<void> => {
      const current = this.store.get(id);
      if (retryable && current && current.attempts < MAX_ATTEMPTS && !this.stopped) {
        settled = true;
        this.running.delete(id);
        await this.store.update(id, { status: 'INITIATED', updatedAtMs: Date.now() });
        this.enqueue(id);
        return;
      }
      await this.storage.delete(id);
      await finish({ status: 'FAILED', error: { code, message } });
    };
    worker.on('message', (message: ExportWorkerMessage) => {
      if (!this.running.has(id)) return;
      const current = this.store.get(id);
      if (!current) return;
      switch (message.type) {
        case 'planned':
          void this.store.update(id, { estimatedBytes: message.estimatedBytes, updatedAtMs: Date.now() });
          break;
        case 'progress': {
          current.progress = message.progress;
          const nowMs = Date.now();
          if (nowMs - lastWriteMs >= PROGRESS_WRITE_INTERVAL_MS) {
            lastWriteMs = nowMs;
            void this.store.update(id, { progress: message.progress, updatedAtMs: nowMs });
          }
          break;
        }
        case 'done':
          void finish({
            status: 'COMPLETED', sizeBytes: message.sizeBytes, skippedCount: message.skippedCount,
            progress: { ...current.progress, fraction: 1, bytesOut: message.sizeBytes },
          }).then(() => worker.terminate());
          break;
        case 'failed':
          void retryOrFail(message.code, message.message, message.retryable).then(() => worker.terminate());
          break;
      }
    });
    worker.on('error', (error) => {
      if (this.running.get(id) === worker) void retryOrFail('INTERNAL', `the export worker crashed: ${error.message}`, true);
    });
    worker.on('exit', () => {
      if (!settled && this.running.get(id) === worker) void retryOrFail('INTERNAL', 'the export worker exited before finishing', true);
    });
  }

  private spoolDirOf(id: string): string {
    return path.join(this.config.dataDir, 'spool', id);
  }
}
