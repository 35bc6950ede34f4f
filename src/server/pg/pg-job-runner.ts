// The workers of the scaled mode: claim jobs from PostgreSQL (pg-job-store.ts), run each in an export worker
// thread like the embedded runner does, and renew the lease from this (main) thread while the engine works in its
// own. Every row write carries the claim's fence; the first one that misses means another worker took the job
// (our lease ran out, e.g. this process was stopped), and this worker then drops the job without another write,
// and never stores its archive (the `committing` check).

import { randomBytes } from 'node:crypto';
import { readdir, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ServerConfig } from '../config.ts';
import type { ExportCheckpoint } from '../../engine/resume.ts';
import type { ServerJob } from '../../model/server-job.ts';
import { hasCompleteSnapshot } from '../record-fetcher.ts';
import { removeAttemptPartials } from '../resumable-archive.ts';
import { BOOT_URL, exportWorkerInput, MAX_ATTEMPTS } from '../job-runner.ts';
import type { JobQueue } from '../job-store.ts';
import type { ExportStorage } from '../storage.ts';
import type { ExportWorkerCommand, ExportWorkerMessage } from '../worker-protocol.ts';
import type { Claim, PgJobStore } from './pg-job-store.ts';

/** The push payload of a finished job (built by main.ts, which knows the public URL). */
export type FinishedPayload = (job: ServerJob) => unknown;

interface Held {
  fence: number;
  worker: Worker;
  heartbeat: NodeJS.Timeout;
}

export class PgJobRunner implements JobQueue {
  private readonly held = new Map<string, Held>();
  private readonly workerId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private poller: NodeJS.Timeout | undefined;
  private filling: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly store: PgJobStore,
    private readonly storage: ExportStorage,
    private readonly config: ServerConfig,
    private readonly payloadOf: FinishedPayload,
    /** Called after a job ended here (to drain the outbox at once). */
    private readonly onEnded: () => void,
  ) {}

  /** Starts polling for jobs (an instance with TAKEAWAY_WORKERS=0 only serves the API). */
  start(): void {
    if (this.config.workerCount === 0) return;
    this.poller = setInterval(() => this.enqueue(''), this.config.pollMs);
    this.enqueue('');
  }

  /** A job was stored: look for work now rather than at the next poll. */
  enqueue(_id: string): void {
    if (this.stopped || this.config.workerCount === 0 || this.filling) return;
    this.filling = this.fill()
      .catch((error: unknown) => console.error('claiming a job failed:', error))
      .finally(() => { this.filling = undefined; });
  }

  /** Stops the job if it runs here; the row's deletion (by the caller) stops it on any other worker. */
  async cancel(id: string): Promise<void> {
    const held = this.held.get(id);
    if (held) await this.drop(id, held);
    await this.storage.delete(id);
  }

  /** Stops claiming, ends every thread and gives its job back to the queue for another worker. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poller);
    await this.filling;
    await Promise.all([...this.held].map(async ([id, held]) => {
      await this.drop(id, held);
      await this.store.release(id, held.fence).catch(() => false);
    }));
  }

  private async fill(): Promise<void> {
    while (!this.stopped && this.held.size < this.config.workerCount) {
      const claim = await this.store.claim(this.workerId, this.config.leaseMs, this.config.maxRunningPerUser, MAX_ATTEMPTS, this.payloadOf);
      if (!claim) return;
      if (this.stopped) {
        await this.store.release(claim.job.id, claim.fence);
        return;
      }
      await this.run(claim);
    }
  }

  /**
   * Where an earlier attempt got to: its complete records snapshot on this machine is taken over (renamed to
   * ours, so the records API is not read again), and its stored checkpoint lets the export continue from the
   * bytes it had written (its partial file, or the whole parts of the bucket's multipart upload).
   */
  private async resumeState(id: string, fence: number, spoolDir: string): Promise<{ resumable: boolean; resume?: { checkpoint: ExportCheckpoint; fromAttempt: number } }> {
    const spoolRoot = path.join(this.config.dataDir, 'spool');
    const earlier = (await readdir(spoolRoot).catch(() => [] as string[])).filter((name) => name.startsWith(`${id}-`) && name !== `${id}-${fence}`);
    for (const name of earlier) {
      if (await hasCompleteSnapshot(path.join(spoolRoot, name))) {
        await rename(path.join(spoolRoot, name), spoolDir).catch(() => undefined);
        break;
      }
    }
    const stored = await this.store.loadCheckpoint(id);
    return { resumable: true, resume: stored && { checkpoint: stored.checkpoint, fromAttempt: stored.attempt } };
  }

  private async run({ job, fence }: Claim): Promise<void> {
    const id = job.id;
    const spoolDir = path.join(this.config.dataDir, 'spool', `${id}-${fence}`);
    const state = await this.resumeState(id, fence, spoolDir).catch((error: unknown) => {
      console.warn(`export ${id}: earlier attempt not taken over (starting from byte 0):`, error);
      return { resumable: true };
    });
    const worker = new Worker(BOOT_URL, { workerData: { ...exportWorkerInput(this.config, job, spoolDir, job.recordsToken, fence), ...state } });
    const heartbeat = setInterval(() => {
      this.store.renew(id, fence, this.config.leaseMs).then((ok) => {
        if (!ok) void lose('its lease was taken over or the job was deleted');
      }, (error: unknown) => console.warn(`export ${id}: lease not renewed:`, error));
    }, Math.max(100, this.config.leaseMs / 3));
    const held: Held = { fence, worker, heartbeat };
    this.held.set(id, held);
    let progress = job.progress;
    let lastWriteMs = 0;
    /** True once, for the first end of this run. */
    const settle = (): boolean => {
      if (this.held.get(id) !== held) return false;
      this.held.delete(id);
      clearInterval(heartbeat);
      return true;
    };
    const lose = async (why: string): Promise<void> => {
      if (this.held.get(id) !== held) return;
      console.warn(`export ${id}: claim ${fence} lost (${why}); this worker drops it without another write`);
      await this.drop(id, held);
      this.enqueue('');
    };
    const write = (patch: Partial<ServerJob>): void => {
      this.store.patchHeld(id, fence, { ...patch, updatedAtMs: Date.now() }).then((ok) => {
        if (!ok) void lose('a fenced write missed');
      }, (error: unknown) => console.warn(`export ${id}: row not written:`, error));
    };
    const end = async (outcome: { status: 'COMPLETED'; sizeBytes: number; skippedCount: number } | { status: 'FAILED'; code: string; message: string; retryable: boolean }): Promise<void> => {
      if (!settle()) return;
      await worker.terminate();
      await rm(spoolDir, { recursive: true, force: true });
      if (outcome.status === 'FAILED' && outcome.retryable && fence < MAX_ATTEMPTS && !this.stopped) {
        await this.store.release(id, fence);
      } else {
        const nowMs = Date.now();
        const patch = outcome.status === 'COMPLETED'
          ? { status: outcome.status, sizeBytes: outcome.sizeBytes, skippedCount: outcome.skippedCount, progress: { ...progress, fraction: 1, bytesOut: outcome.sizeBytes } }
          : { status: outcome.status, error: { code: outcome.code, message: outcome.message } };
        const ended = await this.store.finish(id, fence, (current) => {
          const done = { ...current, ...patch, updatedAtMs: nowMs, expiresAtMs: nowMs + this.config.retentionMs, recordsToken: undefined, pause: undefined };
          return { patch: { ...patch, updatedAtMs: nowMs, expiresAtMs: done.expiresAtMs, recordsToken: undefined, pause: undefined }, payload: this.payloadOf(done) };
        });
        if (!ended) console.warn(`export ${id}: claim ${fence} lost before it ended (${outcome.status}); nothing was written`);
        const filesDir = path.join(this.config.dataDir, 'files');
        if (ended?.status === 'COMPLETED' && !this.config.s3) await removeAttemptPartials(filesDir, id);
        if (ended?.status === 'FAILED') await this.storage.delete(id).catch(() => undefined);
      }
      this.onEnded();
      this.enqueue('');
    };
    worker.on('message', (message: ExportWorkerMessage) => {
      if (this.held.get(id) !== held) return;
      switch (message.type) {
        case 'snapshotted':
          // The token stays: the snapshot is on this machine's disk, and a takeover elsewhere must take it again.
          write({});
          break;
        case 'paused':
          write({ status: 'PAUSED', pause: { untilMs: message.untilMs, reason: message.reason } });
          break;
        case 'resumed':
          write({ status: 'PROCESSING', pause: undefined });
          break;
        case 'planned':
          write({ estimatedBytes: message.estimatedBytes });
          break;
        case 'progress': {
          progress = message.progress;
          const nowMs = Date.now();
          if (nowMs - lastWriteMs >= this.config.progressWriteMs) {
            lastWriteMs = nowMs;
            write({ progress });
          }
          break;
        }
        case 'committing':
          // The last check before the archive is stored under the job's key: this claim must still hold.
          this.store.renew(id, fence, this.config.leaseMs).then((ok) => {
            if (ok && this.held.get(id) === held) worker.postMessage({ type: 'commit' } satisfies ExportWorkerCommand);
            else void lose('its lease was taken over before the archive was stored');
          }, (error: unknown) => void end({ status: 'FAILED', code: 'INTERNAL', message: `the lease could not be checked: ${String(error)}`, retryable: true }));
          break;
        case 'checkpoint':
          this.store.saveCheckpoint(id, fence, message.checkpoint, message.firstIndex, message.newFiles).then((ok) => {
            if (ok && this.held.get(id) === held) worker.postMessage({ type: 'checkpoint-saved' } satisfies ExportWorkerCommand);
            else void lose('a fenced checkpoint write missed');
          }, (error: unknown) => void end({ status: 'FAILED', code: 'INTERNAL', message: `the checkpoint could not be stored: ${String(error)}`, retryable: true }));
          break;
        case 'done':
          if (message.resumedFromBytes) console.log(`export ${id}: claim ${fence} resumed from byte ${message.resumedFromBytes} of an earlier attempt`);
          void end({ status: 'COMPLETED', sizeBytes: message.sizeBytes, skippedCount: message.skippedCount });
          break;
        case 'failed':
          void end({ status: 'FAILED', code: message.code, message: message.message, retryable: message.retryable });
          break;
      }
    });
    worker.on('error', (error) => void end({ status: 'FAILED', code: 'INTERNAL', message: `the export worker crashed: ${error.message}`, retryable: true }));
    worker.on('exit', () => void end({ status: 'FAILED', code: 'INTERNAL', message: 'the export worker exited before finishing', retryable: true }));
  }

  /** Ends this worker's part in a job: its thread and its records snapshot; no row is written. */
  private async drop(id: string, held: Held): Promise<void> {
    if (this.held.get(id) === held) this.held.delete(id);
    clearInterval(held.heartbeat);
    await held.worker.terminate();
    await rm(path.join(this.config.dataDir, 'spool', `${id}-${held.fence}`), { recursive: true, force: true });
  }
}
