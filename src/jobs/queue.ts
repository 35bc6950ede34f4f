// The per-device export queue: starts jobs up to a concurrency limit, manual runs before scheduled ones, at most
// a fixed number of unfinished jobs per user; pause, resume and cancel go through the lifecycle.

import type { Manifest } from '../engine/manifest.ts';
import { ExportError } from '../model/errors.ts';
import type { TakeawayDb } from '../store/db.ts';
import type { AuditActor } from './audit.ts';
import { clearCheckpoints } from './checkpoints.ts';
import { ACTIVE_STATUSES, createJob, failureFromError, jobsTable, transitionJob, type JobRow, type NewJob } from './lifecycle.ts';

/** Jobs running at once on one device, by default. */
export const DEFAULT_CONCURRENCY = 2;
/** Unfinished jobs (initiated, processing, paused) one user may have. */
export const MAX_JOBS_PER_USER = 10;

/** What a finished run reports. */
export interface JobRunResult {
  sizeBytes: number;
  /** SHA-256 of the archive's manifest.json. */
  sha256: string;
  fileNames: string[];
  manifest: Manifest;
}

/**
 * Runs one job to the end (the worker: open the sink, load checkpoints, `runResumableExport`, split). Must stop
 * with the signal's reason when `signal` aborts, leaving the partial archive in place.
 */
export type JobRunner = (job: JobRow, signal: AbortSignal) => Promise<JobRunResult>;

export interface JobQueueOptions {
  runner: JobRunner;
  /** Default 2. */
  concurrency?: number;
  /** Default 10. */
  maxJobsPerUser?: number;
  /** The clock, epoch ms (injected for tests). Default `Date.now`. */
  now?: () => number;
  /** How long a finished export is kept, ms; sets `expiresAtMs`. Default 30 days. */
  retentionMs?: number;
  /** Deletes a cancelled job's partial archive (the platform layer). */
  discard?: (job: JobRow) => Promise<void>;
}

const DAY_MS = 86_400_000;

/** The order jobs start in: manual before scheduled, then oldest first, then by id. */
export function compareJobPriority(a: JobRow, b: JobRow): number {
  const rank = (job: JobRow) => (job.trigger === 'manual' ? 0 : 1);
  return rank(a) - rank(b) || a.createdAtMs - b.createdAtMs || a.id.localeCompare(b.id);
}

/** Jobs waiting to start: INITIATED, PAUSED without a hand pause (interrupted, or resume asked), FAILED with a retry asked. */
export function isWaiting(job: JobRow): boolean {
  return job.status === 'INITIATED' || (job.status === 'PAUSED' && job.pauseReason !== 'USER') || (job.status === 'FAILED' && job.isRetryRequested === true);
}

/** Which of `jobs` to start now, given `runningCount` already running and the concurrency limit. */
export function pickJobsToStart(jobs: readonly JobRow[], runningCount: number, concurrency = DEFAULT_CONCURRENCY): JobRow[] {
  return jobs.filter(isWaiting).sort(compareJobPriority).slice(0, Math.max(0, concurrency - runningCount));
}

export class JobQueue {
  private readonly running = new Map<string, { controller: AbortController; intent?: 'pause' | 'cancel'; done: Promise<void> }>();
  private readonly options: Required<Omit<JobQueueOptions, 'discard'>> & Pick<JobQueueOptions, 'discard'>;

  constructor(private readonly db: TakeawayDb, options: JobQueueOptions) {
    this.options = { concurrency: DEFAULT_CONCURRENCY, maxJobsPerUser: MAX_JOBS_PER_USER, now: Date.now, retentionMs: 30 * DAY_MS, ...options };
  }

  /** Adds a job (INITIATED) and starts what fits. Throws `QUOTA_EXCEEDED` when the user has too many unfinished jobs. */
  async enqueue(job: NewJob, actor: AuditActor = job.trigger === 'manual' ? 'user' : 'schedule'): Promise<JobRow> {
    const active = await jobsTable(this.db).where('status').anyOf([...ACTIVE_STATUSES]).filter((j) => j.userId === job.userId).count();
    if (active >= this.options.maxJobsPerUser) {
      throw new ExportError('QUOTA_EXCEEDED', `user "${job.userId}" already has ${active} unfinished exports (the limit is ${this.options.maxJobsPerUser}); wait for one to finish or cancel one`);
    }
    const row = await createJob(this.db, job, actor, this.options.now());
    await this.pump();
    return row;
  }

  /** Starts waiting jobs while there is room. Call on app start (after `markInterruptedJobs`) and after changes. */
  pump(): Promise<void> {
    // Serialised: two overlapping pumps would both see a free slot and overshoot the concurrency limit.
    this.pumping = this.pumping.catch(() => undefined).then(() => this.pumpOnce());
    return this.pumping;
  }

  private pumping: Promise<void> = Promise.resolve();

  private async pumpOnce(): Promise<void> {
    const all = await jobsTable(this.db).where('status').anyOf(['INITIATED', 'PAUSED', 'FAILED']).toArray();
    const toStart = pickJobsToStart(all.filter((j) => !this.running.has(j.id)), this.running.size, this.options.concurrency);
    for (const job of toStart) await this.start(job);
  }

  /** Pauses a running job (it stops after its current chunk and keeps its checkpoints) or a waiting one. */
  async pause(jobId: string): Promise<void> {
    const run = this.running.get(jobId);
    if (run) {
      run.intent = 'pause';
      run.controller.abort(new ExportError('ABORTED', 'paused'));
      await run.done;
      return;
    }
    await transitionJob(this.db, jobId, 'PAUSED', { actor: 'user', nowMs: this.options.now(), pauseReason: 'USER' });
  }

  /** Lets a hand-paused job continue from its last checkpoint when there is room. */
  async resume(jobId: string): Promise<void> {
    const job = await jobsTable(this.db).get(jobId);
    if (job?.status !== 'PAUSED' && job?.status !== 'FAILED') throw new ExportError('INVALID_REQUEST', `export job "${jobId}" is ${job?.status ?? 'missing'}, not paused or failed`);
    await jobsTable(this.db).update(jobId, job.status === 'PAUSED' ? { pauseReason: undefined } : { isRetryRequested: true });
    await this.pump();
  }

  /** Cancels a job: stops it, deletes its partial archive and checkpoints. */
  async cancel(jobId: string): Promise<void> {
    const run = this.running.get(jobId);
    if (run) {
      run.intent = 'cancel';
      run.controller.abort(new ExportError('ABORTED', 'cancelled'));
      await run.done;
      return;
    }
    const job = await transitionJob(this.db, jobId, 'CANCELLED', { actor: 'user', nowMs: this.options.now() });
    await this.cleanUpCancelled(job);
  }

  /** Resolves when no job is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** Ids of the jobs running now. */
  runningJobIds(): string[] {
    return [...this.running.keys()];
  }

  private async start(job: JobRow): Promise<void> {
    const started = await transitionJob(this.db, job.id, 'PROCESSING', { actor: job.trigger === 'manual' ? 'user' : 'schedule', nowMs: this.options.now() });
    const controller = new AbortController();
    const entry: { controller: AbortController; intent?: 'pause' | 'cancel'; done: Promise<void> } = { controller, done: Promise.resolve() };
    this.running.set(job.id, entry);
    entry.done = this.options.runner(started, controller.signal).then(
      (result) => this.finish(job.id, result),
      (error: unknown) => this.stop(job.id, entry.intent, error),
    ).finally(() => {
      this.running.delete(job.id);
      // Fill the freed slot; a failure here surfaces on the next pump() call, not as an unhandled rejection.
      void this.pump().catch(() => undefined);
    });
  }

  private async finish(jobId: string, result: JobRunResult): Promise<void> {
    const nowMs = this.options.now();
    await transitionJob(this.db, jobId, 'COMPLETED', {
      actor: 'system', nowMs, completed: { ...result, expiresAtMs: nowMs + this.options.retentionMs },
    });
    await clearCheckpoints(this.db, jobId);
  }

  private async stop(jobId: string, intent: 'pause' | 'cancel' | undefined, error: unknown): Promise<void> {
    const nowMs = this.options.now();
    if (intent === 'pause') {
      await transitionJob(this.db, jobId, 'PAUSED', { actor: 'user', nowMs, pauseReason: 'USER' });
      return;
    }
    if (intent === 'cancel') {
      await this.cleanUpCancelled(await transitionJob(this.db, jobId, 'CANCELLED', { actor: 'user', nowMs }));
      return;
    }
    await transitionJob(this.db, jobId, 'FAILED', { actor: 'system', nowMs, failure: failureFromError(error) });
  }

  private async cleanUpCancelled(job: JobRow): Promise<void> {
    await clearCheckpoints(this.db, job.id);
    await this.options.discard?.(job);
  }
}
