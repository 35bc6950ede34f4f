// One export job from start to end: its rows in exportJobs/exportHistory, its sink, the engine run,
// and what a cancel, a failure or a closed page leave behind (never a zip that claims to be complete).

import { planExport, runExport, summariseManifest, type ExportProgress } from '../engine/index.ts';
import { FORMAT_REGISTRY } from '../formats/registry.ts';
import { ExportError, isAbortError } from '../model/errors.ts';
import type { FormatId } from '../model/request.ts';
import type { RecordSource } from '../model/source.ts';
import type { TakeawayDb } from '../store/db.ts';
import { openSink } from '../platform/worker-sinks.ts';
import { withNeededBytes } from '../platform/storage.ts';
import type { HistoryRow, JobRow, JobStatus, RunOutcome, StartExport } from './api.ts';
import type { JobQueue } from './job-queue.ts';
import { throttleProgress } from './throttle-progress.ts';

/** Web Lock held while a job runs, so another page can tell a live job from one whose page closed. */
export function jobLockName(jobId: string): string {
  return `takeaway-job:${jobId}`;
}

export async function runExportJob(
  db: TakeawayDb,
  source: RecordSource,
  queue: JobQueue,
  job: StartExport,
  onProgress: (progress: ExportProgress) => void,
  engine: { useWebWorkers?: boolean } = {},
): Promise<RunOutcome> {
  const jobRow: JobRow = {
    id: job.jobId, status: 'QUEUED', createdAtMs: job.request.createdAtMs, fileName: job.fileName, target: job.target.kind, request: job.request,
    ...(job.password !== undefined ? { encrypted: true } : {}),
  };
  await db.exportJobs.put(jobRow);
  const toPage = throttleProgress(onProgress);
  let neededBytes: number | undefined;
  try {
    const outcome = await queue.run(job.jobId, (signal) => withJobLock(job.jobId, async () => {
      await db.exportJobs.update(job.jobId, { status: 'PROCESSING' });
      const opened = await openSink(job.target, job.jobId, job.fileName);
      // Planned here (the run would plan the same) so a full destination can be told what the export needs.
      const plan = await planExport(job.request, source, FORMAT_REGISTRY, { signal });
      neededBytes = plan.estimatedBytes;
      const result = await runExport(job.request, source, opened.sink, { registry: FORMAT_REGISTRY, plan, signal, onProgress: toPage, useWebWorkers: engine.useWebWorkers, password: job.password });
      toPage.flush();
      const saved = await opened.finish();
      return { saved, bytesWritten: result.bytesWritten, ...summariseManifest(result.manifest) };
    }));
    await finishJob(db, jobRow, 'DONE', {
      sizeBytes: outcome.bytesWritten, files: outcome.files, records: outcome.records, skipped: outcome.skipped, leftOut: outcome.leftOut,
      opfsPath: outcome.saved.opfsPath, handle: job.target.kind === 'file-handle' ? job.target.handle : undefined,
    });
    return outcome;
  } catch (thrown) {
    toPage.cancel();
    const error = withNeededBytes(thrown, neededBytes);
    if (isAbortError(error)) {
      await finishJob(db, jobRow, 'CANCELLED', {});
    } else {
      const code = error instanceof ExportError ? error.code : 'INTERNAL';
      await finishJob(db, jobRow, 'FAILED', { errorCode: code, errorMessage: error instanceof Error ? error.message : String(error) });
    }
    throw error;
  }
}

async function withJobLock<T>(jobId: string, task: () => Promise<T>): Promise<T> {
  if (typeof navigator.locks?.request !== 'function') return task();
  return navigator.locks.request(jobLockName(jobId), task) as Promise<T>;
}

async function finishJob(db: TakeawayDb, job: JobRow, status: JobStatus, extra: Partial<HistoryRow>): Promise<void> {
  const formats = [...new Set(job.request.filter.kinds.flatMap((kind) => job.request.formats[kind] ?? []))] as FormatId[];
  const row: HistoryRow = {
    id: job.id,
    createdAtMs: job.createdAtMs,
    status,
    fileName: job.fileName,
    target: job.target,
    formats,
    kinds: job.request.filter.kinds,
    fromMs: job.request.filter.range?.fromMs,
    toMs: job.request.filter.range?.toMs,
    finishedAtMs: Date.now(),
    sizeBytes: 0,
    records: 0,
    files: 0,
    ...(job.encrypted ? { encrypted: true } : {}),
    ...extra,
  };
  await db.transaction('rw', db.exportJobs, db.exportHistory, db.auditLog, async () => {
    await db.exportJobs.update(job.id, { status });
    await db.exportHistory.put(row);
    await db.auditLog.add({ atMs: row.finishedAtMs, jobId: job.id, action: `export ${status.toLowerCase()}` } as never);
  });
}

/**
 * Jobs left QUEUED or PROCESSING whose lock no page holds belong to a page that closed mid-run: they
 * become INTERRUPTED (with a history row), and a partial OPFS file of theirs is deleted by the caller.
 */
export async function markInterruptedJobs(db: TakeawayDb, liveJobIds: readonly string[]): Promise<JobRow[]> {
  // Background jobs (rows with a destination, resumable-jobs.ts) share the table and recover themselves.
  const open = (await db.exportJobs.where('status').anyOf('QUEUED', 'PROCESSING').toArray() as JobRow[]).filter((job) => !('destination' in job));
  let held = new Set<string>();
  if (typeof navigator.locks?.query === 'function') {
    const snapshot = await navigator.locks.query();
    held = new Set((snapshot.held ?? []).map((lock) => lock.name ?? ''));
  }
  const dead = open.filter((job) => !liveJobIds.includes(job.id) && !held.has(jobLockName(job.id)));
  for (const job of dead) {
    await finishJob(db, job, 'INTERRUPTED', {
      errorMessage: 'The page was closed or reloaded while this export was running; the zip was not finished.',
    });
  }
  return dead;
}
