// Background export jobs in the worker: the src/jobs lifecycle and queue with a runner that writes the OPFS
// workspace resumably (a checkpoint after every zip entry), then splits into parts or mirrors into a folder.
// One worker across all tabs runs the queue (a Web Lock); others pass commands to it over a BroadcastChannel.

import { BlobReader } from '@zip.js/zip.js';
import type { ExportProgress } from '../engine/progress.ts';
import { planExport } from '../engine/plan.ts';
import { chooseCheckpoint, runResumableExport } from '../engine/resume.ts';
import { sha256Hex } from '../engine/sha256.ts';
import { partFileName, splitExport } from '../engine/split.ts';
import { summariseManifest, type Manifest } from '../engine/manifest.ts';
import { FORMAT_REGISTRY } from '../formats/registry.ts';
import { appendAudit } from '../jobs/audit.ts';
import { checkpointSaver, loadCheckpoints } from '../jobs/checkpoints.ts';
import { recordExport } from '../jobs/ledger.ts';
import { failureFromError, jobsTable, transitionJob, type JobRow, type NewJob } from '../jobs/lifecycle.ts';
import { mirrorExport } from '../jobs/mirror.ts';
import { JobQueue, type JobRunResult } from '../jobs/queue.ts';
import { DEFAULT_RETENTION_MS, expireExports } from '../jobs/retention.ts';
import { ExportError } from '../model/errors.ts';
import type { ExportRequest, FormatId } from '../model/request.ts';
import type { RecordSource } from '../model/source.ts';
import type { TakeawayDb } from '../store/db.ts';
import { openFolderForMirror } from '../platform/fsa-directory.ts';
import { deleteOpfsPath, openOpfsResumableSink, opfsDirectory, readOpfsPath } from '../platform/opfs-resumable-sink.ts';
import { withNeededBytes } from '../platform/storage.ts';
import type { HistoryRow } from './api.ts';
import { jobLockName } from './export-jobs.ts';
import { isBackgroundJob, jobArchivePath, jobPartPath, parseDestination } from './job-destination.ts';
import { startDueRuns } from './schedules.ts';

/** The queue aborts a cancelled run with this message (a pause uses 'paused'); see jobs/queue.ts. */
function isCancelReason(reason: unknown): boolean {
  return reason instanceof ExportError && reason.code === 'ABORTED' && reason.message === 'cancelled';
}

/** Whether the page granted write access to a picked file (a worker cannot ask: that needs a click). */
async function hasWritePermission(handle: FileSystemFileHandle): Promise<boolean> {
  const query = (handle as unknown as { queryPermission?: (d: { mode: 'readwrite' }) => Promise<PermissionState> }).queryPermission;
  if (typeof query !== 'function') return true;
  return (await query.call(handle, { mode: 'readwrite' })) === 'granted';
}

/** Streams a workspace archive into a picked file (the browser swaps the written copy in on close). */
async function copyIntoPickedFile(archivePath: string, handle: FileSystemFileHandle): Promise<void> {
  const file = await readOpfsPath(archivePath);
  if (!file) throw new ExportError('SINK_FAILED', `the built archive ${archivePath} is no longer in app storage`);
  await file.stream().pipeTo(await handle.createWritable() as unknown as WritableStream<Uint8Array>);
}

/** The only user of a device-local app; the queue's per-user limit then caps unfinished jobs on the device. */
export const LOCAL_USER = 'local';
/** Web Lock held by the worker that runs the queue (one across all tabs of the app). */
export const RUNNER_LOCK = 'takeaway-job-runner';
/** Channel the non-running tabs send their commands on. */
export const JOBS_CHANNEL = 'takeaway-jobs';
/** How often a due schedule is looked for while the app is open. */
export const SCHEDULE_CHECK_MS = 60_000;

/**
 * How a job started by the wizard's "Start export" hands its archive over once it is built in the workspace.
 * A picked file cannot be resumed in place (Chromium writes it through a swap file that a dead tab discards), so
 * the archive is built resumably in OPFS and copied into the file at the end.
 */
export interface WizardHandOff {
  /** Name of the zip, as offered for download or suggested to the save picker. */
  fileName: string;
  /** 'download': the page downloads the kept archive; 'picker': the archive is copied into `handle`. */
  delivery: 'download' | 'picker';
  /** The file picked at click time (structured-cloneable, so it is stored with the job). */
  handle?: FileSystemFileHandle;
  /** When the copy into `handle` finished, epoch ms; absent while it waits for permission. */
  savedAtMs?: number;
}

/** A job row; wizard jobs carry their hand-off. */
export type WizardJobRow = JobRow & { handOff?: WizardHandOff };

/** What the page asks for a new background job. */
export interface NewBackgroundJob {
  request: ExportRequest;
  destination: string;
  templateId?: string;
  scheduleId?: string;
  trigger?: JobRow['trigger'];
  /** The job id, when the page needs to know it before the worker answers (the wizard shows the job at once). */
  id?: string;
  /** Set by the wizard's "Start export": what happens to the archive once built. */
  handOff?: WizardHandOff;
}

type Command = { type: 'pump' } | { type: 'pause' | 'resume' | 'cancel'; jobId: string } | { type: 'checkSchedules' };

export interface BackgroundJobsOptions {
  now?: () => number;
  retentionMs?: number;
  /** Called (throttled by the caller) with the progress of a running job. */
  onProgress?: (jobId: string, progress: ExportProgress) => void;
  useWebWorkers?: boolean;
}

export class BackgroundJobs {
  readonly queue: JobQueue;
  private isOwner = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(JOBS_CHANNEL) : undefined;
  private readonly now: () => number;
  private retentionMs: number;
  /** Resolves once this worker runs the queue (at once when no other tab does). */
  readonly owned: Promise<void>;
  private markOwned: () => void = () => {};

  constructor(private readonly db: TakeawayDb, private readonly source: RecordSource, private readonly options: BackgroundJobsOptions = {}) {
    this.now = options.now ?? Date.now;
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.queue = new JobQueue(db, {
      runner: (job, signal) => this.run(job, signal),
      now: this.now,
      retentionMs: this.retentionMs,
      discard: (job) => this.discard(job),
    });
    this.owned = new Promise((resolve) => { this.markOwned = resolve; });
    this.channel?.addEventListener('message', (event: MessageEvent<Command>) => { if (this.isOwner) void this.handle(event.data); });
  }

  /**
   * Takes the runner lock when free (then recovers interrupted jobs, expires old exports, starts due schedules and
   * the queue) or waits in line for it; resolves with whether this worker runs the queue now.
   */
  async start(): Promise<boolean> {
    const takeOver = async () => {
      this.isOwner = true;
      await this.recover();
      this.markOwned();
      // Held for the worker's life: a closed tab or a terminated worker lets the next one take over.
      await new Promise<never>(() => {});
    };
    const locks = navigator.locks;
    if (typeof locks?.request !== 'function') {
      void takeOver();
      return true;
    }
    const isFree = await new Promise<boolean>((resolve) => {
      void locks.request(RUNNER_LOCK, { ifAvailable: true }, async (lock) => {
        resolve(lock !== null);
        if (lock) await takeOver();
      });
    });
    if (!isFree) void locks.request(RUNNER_LOCK, takeOver);
    return isFree;
  }

  private async recover(): Promise<void> {
    const nowMs = this.now();
    const held = new Set<string>();
    if (typeof navigator.locks?.query === 'function') for (const lock of (await navigator.locks.query()).held ?? []) held.add(lock.name ?? '');
    const processing = (await jobsTable(this.db).where('status').equals('PROCESSING').toArray()).filter(isBackgroundJob);
    for (const job of processing.filter((j) => !held.has(jobLockName(j.id)))) {
      await transitionJob(this.db, job.id, 'PAUSED', { actor: 'system', nowMs, pauseReason: 'INTERRUPTED', detail: 'interrupted: found unfinished on start' });
    }
    await this.expire();
    await this.checkSchedules();
    this.timer ??= setInterval(() => {
      void this.checkSchedules().then(() => this.expire()).catch((e: unknown) => console.warn('schedule check or retention failed', e));
    }, SCHEDULE_CHECK_MS);
    await this.queue.pump();
  }

  /**
   * Sets how long finished exports are kept (`Infinity`: until deleted by hand) and applies it to the exports
   * already kept, counted from when each finished.
   */
  async setRetention(retentionMs: number): Promise<void> {
    this.retentionMs = retentionMs;
    if (this.isOwner) await this.expire();
  }

  /** Applies the retention to every finished export, then deletes those past it (and their History downloads). */
  async expire(): Promise<string[]> {
    await this.db.transaction('rw', this.db.exportJobs, async () => {
      const completed = (await jobsTable(this.db).where('status').equals('COMPLETED').toArray()).filter(isBackgroundJob);
      for (const job of completed) {
        const expiresAtMs = Number.isFinite(this.retentionMs) ? (job.finishedAtMs ?? job.updatedAtMs) + this.retentionMs : undefined;
        if (job.expiresAtMs !== expiresAtMs) await jobsTable(this.db).update(job.id, { expiresAtMs });
      }
    });
    const expired = await expireExports(this.db, { deleteFile: deleteOpfsPath }, this.now());
    for (const id of expired) await this.db.exportHistory.update(id, { opfsPath: undefined } as never);
    return expired;
  }

  /** Starts the runs of schedules that are due (missed ones once). */
  async checkSchedules(): Promise<string[]> {
    if (!this.isOwner) return [];
    return startDueRuns(this.db, (job) => this.queue.enqueue(job, 'schedule'), this.now());
  }

  /** Adds a job; the running tab starts it when there is room. */
  async enqueue(input: NewBackgroundJob): Promise<JobRow> {
    parseDestination(input.destination);
    const job: NewJob & { handOff?: WizardHandOff } = {
      id: input.id ?? crypto.randomUUID(), request: input.request, trigger: input.trigger ?? 'manual', userId: LOCAL_USER,
      destination: input.destination, templateId: input.templateId, scheduleId: input.scheduleId,
      ...(input.handOff ? { handOff: input.handOff } : {}),
    };
    if (this.isOwner) return this.queue.enqueue(job);
    const { createJob } = await import('../jobs/lifecycle.ts');
    const row = await createJob(this.db, job, job.trigger === 'manual' ? 'user' : 'schedule', this.now());
    this.channel?.postMessage({ type: 'pump' } satisfies Command);
    return row;
  }

  pause(jobId: string): Promise<void> { return this.command({ type: 'pause', jobId }); }
  resume(jobId: string): Promise<void> { return this.command({ type: 'resume', jobId }); }
  cancel(jobId: string): Promise<void> { return this.command({ type: 'cancel', jobId }); }

  private async command(command: Command): Promise<void> {
    if (this.isOwner) return this.handle(command);
    this.channel?.postMessage(command);
  }

  private async handle(command: Command): Promise<void> {
    switch (command.type) {
      case 'pump': return this.queue.pump();
      case 'pause': return this.queue.pause(command.jobId);
      case 'resume': return this.queue.resume(command.jobId);
      case 'cancel': return this.queue.cancel(command.jobId);
      case 'checkSchedules': await this.checkSchedules(); return;
    }
  }

  /** Asks the running tab to look for due schedules (Periodic Background Sync, a page timer). */
  async requestScheduleCheck(): Promise<void> {
    await this.command({ type: 'checkSchedules' });
  }

  private async run(job: JobRow, signal: AbortSignal): Promise<JobRunResult> {
    const locks = navigator.locks;
    // The per-job lock tells the one-shot export recovery (and other tabs) that this job is alive.
    if (typeof locks?.request === 'function') return locks.request(jobLockName(job.id), () => this.runLocked(job, signal)) as Promise<JobRunResult>;
    return this.runLocked(job, signal);
  }

  private async runLocked(job: JobRow, signal: AbortSignal): Promise<JobRunResult> {
    const destination = parseDestination(job.destination);
    const archivePath = jobArchivePath(job.id);
    const [dir, name] = await opfsDirectory(archivePath, true);
    const opened = await openOpfsResumableSink(dir, name);
    // The replay ends at the first byte past the checkpoint: timed, so the audit says what a resume cost.
    const runStartMs = performance.now();
    let replayMs: number | undefined;
    const sink: typeof opened = { ...opened, write(chunk) { replayMs ??= performance.now() - runStartMs; return opened.write(chunk); } };
    let manifest: Manifest;
    let bytesWritten: number;
    let neededBytes: number | undefined;
    try {
      const checkpoint = chooseCheckpoint(await loadCheckpoints(this.db, job.id), await sink.size());
      const onProgress = this.options.onProgress ? (p: ExportProgress) => this.options.onProgress!(job.id, p) : undefined;
      // Planned here (the run would plan the same) so a full app storage can be told what the export needs.
      const plan = await planExport(job.request, this.source, FORMAT_REGISTRY, { signal });
      neededBytes = plan.estimatedBytes;
      const result = await runResumableExport(job.request, this.source, sink, {
        registry: FORMAT_REGISTRY, plan, signal, checkpoint, saveCheckpoint: checkpointSaver(this.db, job.id, this.now), onProgress,
        useWebWorkers: this.options.useWebWorkers,
      });
      ({ manifest, bytesWritten } = result);
      if (result.resumedFromBytes > 0) {
        await appendAudit(this.db, { atMs: this.now(), jobId: job.id, action: 'RESUMED', actor: 'system', detail: `continued after ${result.resumedFromBytes} bytes (entry ${checkpoint?.entryIndex}); replaying them took ${Math.round(replayMs ?? 0)} ms` });
      }
    } catch (thrown) {
      const error = withNeededBytes(thrown, neededBytes);
      const isCancel = signal.aborted && isCancelReason(signal.reason);
      // A cancelled job's partial archive goes before the job reads as cancelled, so none is ever seen after it.
      if (isCancel) await sink.abort();
      else await sink.release();
      const handOff = (job as WizardJobRow).handOff;
      if (handOff && isCancel) await this.writeEndedHistory(job, 'CANCELLED');
      else if (handOff && !signal.aborted) await this.writeEndedHistory(job, 'FAILED', error);
      throw error;
    }
    const manifestSha256 = await sha256Hex(new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
    let fileNames = [archivePath];
    if (destination.kind === 'folder') {
      const folder = await openFolderForMirror(destination.folderId);
      const mirrored = await mirrorExport(folder, new BlobReader((await readOpfsPath(archivePath))!));
      await appendAudit(this.db, {
        atMs: this.now(), jobId: job.id, action: 'MIRRORED', actor: 'system',
        detail: `${mirrored.written.length} written, ${mirrored.removed.length} removed, ${mirrored.unchanged.length} unchanged`,
      });
      await deleteOpfsPath(archivePath);
      fileNames = [];
    } else if (destination.partSizeBytes && bytesWritten > destination.partSizeBytes) {
      fileNames = await this.split(job, archivePath, destination.partSizeBytes, signal);
    }
    const handOff = (job as WizardJobRow).handOff;
    if (handOff?.delivery === 'picker' && handOff.handle && await hasWritePermission(handOff.handle)) {
      await copyIntoPickedFile(archivePath, handOff.handle);
      await jobsTable(this.db).update(job.id, { handOff: { ...handOff, savedAtMs: this.now() } } as never);
      await deleteOpfsPath(archivePath);
      fileNames = [];
    }
    await this.writeHistory(job, manifest, bytesWritten, fileNames);
    return { sizeBytes: bytesWritten, sha256: manifestSha256, fileNames, manifest };
  }

  /** Repacks the finished archive into parts next to it, then deletes it; returns the part paths. */
  private async split(job: JobRow, archivePath: string, partSizeBytes: number, signal: AbortSignal): Promise<string[]> {
    const whole = (await readOpfsPath(archivePath))!;
    const paths: string[] = [];
    await splitExport(new BlobReader(whole), partSizeBytes, async (partNumber) => {
      const path = jobPartPath(job.id, partNumber);
      paths.push(path);
      const [dir, name] = await opfsDirectory(path, true);
      const sink = await openOpfsResumableSink(dir, name);
      await sink.truncate(0);
      return new WritableStream<Uint8Array>({ write: (chunk) => sink.write(chunk), close: () => sink.close(), abort: () => sink.abort() });
    }, { signal });
    await deleteOpfsPath(archivePath);
    return paths;
  }

  /** The History row (kept zip, re-download, verify) merged with the ledger entry ("since the last export"). */
  private async writeHistory(job: JobRow, manifest: Manifest, sizeBytes: number, fileNames: string[]): Promise<void> {
    const request = job.request;
    const isSingle = fileNames.length === 1 && fileNames[0] === jobArchivePath(job.id);
    const handOff = (job as WizardJobRow).handOff;
    const isInPickedFile = handOff?.delivery === 'picker' && fileNames.length === 0;
    const row: Omit<HistoryRow, 'id' | 'createdAtMs'> = {
      status: 'DONE',
      fileName: handOff?.fileName ?? (isSingle || fileNames.length === 0 ? partFileName(request.createdAtMs, 1).replace(/-001\.zip$/, '.zip') : `${fileNames.length} parts`),
      target: isInPickedFile ? 'file-handle' : 'opfs',
      ...(isInPickedFile ? { handle: handOff.handle } : {}),
      formats: [...new Set(request.filter.kinds.flatMap((k) => request.formats[k] ?? []))] as FormatId[],
      kinds: request.filter.kinds,
      fromMs: request.filter.range?.fromMs,
      toMs: request.filter.range?.toMs,
      finishedAtMs: this.now(),
      sizeBytes,
      ...summariseManifest(manifest),
      opfsPath: isSingle ? fileNames[0] : undefined,
    };
    await this.db.transaction('rw', this.db.exportHistory, async () => {
      await recordExport(this.db, job.id, manifest, job.templateId);
      await this.db.exportHistory.update(job.id, row as never);
    });
  }

  /** The History row of a wizard job that ended without an archive (the one-shot exports write the same rows). */
  private async writeEndedHistory(job: JobRow, status: 'CANCELLED' | 'FAILED', error?: unknown): Promise<void> {
    const handOff = (job as WizardJobRow).handOff;
    if (!handOff) return;
    const request = job.request;
    const failure = status === 'FAILED' ? failureFromError(error) : undefined;
    const row: HistoryRow = {
      id: job.id, createdAtMs: request.createdAtMs, status, fileName: handOff.fileName,
      target: handOff.delivery === 'picker' ? 'file-handle' : 'opfs',
      formats: [...new Set(request.filter.kinds.flatMap((k) => request.formats[k] ?? []))] as FormatId[],
      kinds: request.filter.kinds, fromMs: request.filter.range?.fromMs, toMs: request.filter.range?.toMs,
      finishedAtMs: this.now(), sizeBytes: 0, records: 0, files: 0,
      ...(failure ? { errorCode: failure.code, errorMessage: failure.message } : {}),
    };
    await this.db.exportHistory.put(row as never);
  }

  /**
   * Copies a finished wizard job's archive into the file picked for it, then deletes the workspace copy (a picked
   * file is the kept export, as for a streamed one). Call after the page got write permission on a click.
   */
  async saveToPickedFile(jobId: string): Promise<void> {
    const job = await jobsTable(this.db).get(jobId) as WizardJobRow | undefined;
    const handOff = job?.handOff;
    if (!job || job.status !== 'COMPLETED' || handOff?.delivery !== 'picker' || !handOff.handle) {
      throw new ExportError('INVALID_REQUEST', `export job "${jobId}" has no finished archive waiting for its picked file`);
    }
    if (handOff.savedAtMs !== undefined) return;
    const archivePath = jobArchivePath(jobId);
    await copyIntoPickedFile(archivePath, handOff.handle);
    const savedAtMs = this.now();
    await this.db.transaction('rw', this.db.exportJobs, this.db.exportHistory, async () => {
      await jobsTable(this.db).update(jobId, { handOff: { ...handOff, savedAtMs }, fileNames: [] } as never);
      await this.db.exportHistory.update(jobId, { target: 'file-handle', handle: handOff.handle, opfsPath: undefined } as never);
    });
    await appendAudit(this.db, { atMs: savedAtMs, jobId, action: 'SAVED', actor: 'user', detail: `copied into ${handOff.handle.name}` });
    await deleteOpfsPath(archivePath);
  }

  private async discard(job: JobRow): Promise<void> {
    await deleteOpfsPath(jobArchivePath(job.id));
    await this.writeEndedHistory(job, 'CANCELLED');
  }

  /** Job ids running in this worker now. */
  running(): string[] {
    return this.queue.runningJobIds();
  }

  /** Stops the schedule timer (tests). */
  stop(): void {
    clearInterval(this.timer);
    this.channel?.close();
  }
}
