// Exports started from the wizard: their live progress and outcome, shared by the Job screen and the test hooks.
// Most run as resumable jobs in the jobs worker (followed here through Dexie, so a reopened page picks up the
// ones an earlier page left unfinished); the rest stream in the export worker. Both look the same to the UI.

import { useSyncExternalStore } from 'react';
import { liveQuery } from 'dexie';
import type { ExportProgress } from '../engine/progress.ts';
import { ExportError, isAbortError } from '../model/errors.ts';
import type { ExportRequest } from '../model/request.ts';
import { notifyExportFinished } from '../platform/notify.ts';
import { readOpfsPath } from '../platform/opfs-resumable-sink.ts';
import { opfsSaveMethod, pickerSaveMethod, type SaveMethod } from '../platform/save.ts';
import type { SavedZip, WorkerSaveTarget } from '../platform/save-target.ts';
import { estimateStorage } from '../platform/storage.ts';
import { formatDestination } from '../workers/job-destination.ts';
import type { WizardHandOff, WizardJobRow } from '../workers/jobs-api.ts';
import { jobsBridge } from './background-jobs.ts';
import { describeError, type ErrorText } from './error-text.ts';
import { formatBytes } from './format.ts';
import { bridge, readDb, support } from './services.ts';

/**
 * Where a job is. INTERRUPTED: its tab or worker died mid-run and it continues from its last checkpoint;
 * PAUSED: stopped by hand; NEEDS_PERMISSION: built, waiting for a click to write the picked file.
 */
export type LiveStatus = 'PROCESSING' | 'INTERRUPTED' | 'PAUSED' | 'NEEDS_PERMISSION' | 'DONE' | 'FAILED' | 'CANCELLED';

export interface LiveJob {
  id: string;
  fileName: string;
  method: SaveMethod;
  status: LiveStatus;
  startedAtMs: number;
  progress?: ExportProgress;
  estimatedBytes: number;
  saved?: SavedZip;
  bytesWritten?: number;
  error?: ErrorText;
  /** Built in the OPFS workspace with a checkpoint after every file: survives a closed tab, a reload, a crash. */
  isResumable: boolean;
  /** An earlier tab or worker was cut off while it ran; it continued from a checkpoint. */
  wasInterrupted?: boolean;
  /** The picked file (resumable picker jobs): the page asks for write permission on it after a reload. */
  handle?: FileSystemFileHandle;
  /** A failed resumable job can run again from its last checkpoint. */
  isRetryable?: boolean;
}

/** Jobs that stream in the export worker (the picker written directly, a password, the memory download). */
let streamJobs: LiveJob[] = [];
/** What the page shows: stream jobs and resumable ones, newest first. */
let jobs: LiveJob[] = [];
const controllers = new Map<string, AbortController>();
const listeners = new Set<() => void>();

function notify(): void {
  jobs = [...streamJobs, ...resumableJobs()].sort((a, b) => b.startedAtMs - a.startedAtMs);
  for (const listener of listeners) listener();
}

function update(id: string, patch: Partial<LiveJob>): void {
  streamJobs = streamJobs.map((job) => (job.id === id ? { ...job, ...patch } : job));
  notify();
}

// Progress is applied at most once a frame: a burst of messages costs one render, not one each.
const pendingProgress = new Map<string, ExportProgress>();
const progressOf = new Map<string, ExportProgress>();
let frameRequested = false;

function applyPendingProgress(): void {
  frameRequested = false;
  if (pendingProgress.size === 0) return;
  for (const [id, progress] of pendingProgress) progressOf.set(id, progress);
  pendingProgress.clear();
  streamJobs = streamJobs.map((job) => {
    const progress = progressOf.get(job.id);
    return progress && job.status === 'PROCESSING' ? { ...job, progress } : job;
  });
  notify();
}

function queueProgress(id: string, progress: ExportProgress): void {
  pendingProgress.set(id, progress);
  if (frameRequested) return;
  frameRequested = true;
  // A hidden page gets no frames; nothing needs drawing then, but the state should still move on.
  if (document.visibilityState === 'hidden') setTimeout(applyPendingProgress, 250);
  else requestAnimationFrame(applyPendingProgress);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** True once a job will not move without a click or has ended. */
function isSettled(status: LiveStatus): boolean {
  return status !== 'PROCESSING' && status !== 'INTERRUPTED';
}

/** All jobs of this page, newest first. */
export function useLiveJobs(): LiveJob[] {
  return useSyncExternalStore(subscribe, () => jobs);
}

/** How many jobs of this page are running; re-renders only when that number changes (not on progress). */
export function useRunningJobCount(): number {
  return useSyncExternalStore(subscribe, () => jobs.reduce((n, job) => n + (isSettled(job.status) ? 0 : 1), 0));
}

export function liveJobs(): LiveJob[] {
  return jobs;
}

// ---- Resumable jobs: rows of the jobs lifecycle started by the wizard, followed through Dexie. ----

interface Followed {
  row?: WizardJobRow;
  /** Shown before the worker has stored the row. */
  placeholder?: LiveJob;
  method: SaveMethod;
  estimatedBytes: number;
  wasInterrupted: boolean;
  /** The kept archive, read once the job is done (for Download again and Share). */
  saved?: SavedZip;
}

const followed = new Map<string, Followed>();
let resumableView: LiveJob[] = [];

function resumableJobs(): LiveJob[] {
  return resumableView;
}

function liveStatus(row: WizardJobRow): LiveStatus {
  switch (row.status) {
    case 'INITIATED': case 'PROCESSING': return 'PROCESSING';
    case 'PAUSED': return row.pauseReason === 'INTERRUPTED' ? 'INTERRUPTED' : 'PAUSED';
    case 'COMPLETED': case 'EXPIRED':
      return row.handOff?.delivery === 'picker' && row.handOff.savedAtMs === undefined && row.status === 'COMPLETED' ? 'NEEDS_PERMISSION' : 'DONE';
    case 'CANCELLED': return 'CANCELLED';
    case 'FAILED': return 'FAILED';
  }
}

function viewOf(id: string, entry: Followed): LiveJob {
  const row = entry.row;
  if (!row) return { ...entry.placeholder!, progress: progressOf.get(id) ?? entry.placeholder!.progress };
  const status = liveStatus(row);
  const failure = row.failure;
  return {
    id,
    fileName: row.handOff!.fileName,
    method: entry.method,
    status,
    startedAtMs: row.createdAtMs,
    progress: progressOf.get(id),
    estimatedBytes: entry.estimatedBytes,
    isResumable: true,
    wasInterrupted: entry.wasInterrupted,
    handle: row.handOff!.handle,
    ...(row.sizeBytes !== undefined ? { bytesWritten: row.sizeBytes } : {}),
    ...(entry.saved ? { saved: entry.saved } : {}),
    ...(status === 'FAILED' && failure ? { error: describeError(new ExportError(failure.code, failure.message)), isRetryable: failure.retryable } : {}),
  };
}

function rebuildResumable(): void {
  resumableView = [...followed].map(([id, entry]) => viewOf(id, entry));
  notify();
}

/** The method a stored job was started with (after a reload the page only has the row). */
function methodOf(row: WizardJobRow): SaveMethod {
  return row.handOff?.delivery === 'picker' ? pickerSaveMethod : opfsSaveMethod;
}

async function hasBeenInterrupted(jobId: string): Promise<boolean> {
  const entries = await readDb.auditLog.where('jobId').equals(jobId).toArray() as { action: string; detail?: string }[];
  return entries.some((e) => e.action === 'PAUSED' && (e.detail ?? '').startsWith('interrupted'));
}

/** Reads the kept archive and, the first time a page sees the job done, hands it over (downloads it). */
async function completed(id: string, entry: Followed): Promise<void> {
  const row = entry.row!;
  // A picked file is the kept export; the workspace copy, if still there, waits for the copy into it.
  const path = row.handOff!.delivery === 'download' && row.fileNames?.length === 1 ? row.fileNames[0] : undefined;
  const file = path ? await readOpfsPath(path).catch(() => undefined) : undefined;
  entry.saved = { fileName: row.handOff!.fileName, ...(path ? { opfsPath: path } : {}), ...(file ? { file } : {}) };
  rebuildResumable();
  // One download per job across tabs and reloads: the first page to see it done claims it.
  const claim = `takeaway.delivered.${id}`;
  if (localStorage.getItem(claim)) return;
  localStorage.setItem(claim, '1');
  if (row.handOff!.delivery === 'download' && file) entry.method.deliver(entry.saved);
  await notifyExportFinished('Your export is ready', `${row.handOff!.fileName}, ${formatBytes(row.sizeBytes ?? 0)}`).catch(() => false);
}

async function onRows(rows: WizardJobRow[]): Promise<void> {
  for (const row of rows) {
    let entry = followed.get(row.id);
    if (!entry) {
      // Jobs of earlier pages are shown only while unfinished (this page continues them) or while their picked
      // file still waits for a click granting write access.
      if (!['INITIATED', 'PROCESSING', 'PAUSED'].includes(row.status) && liveStatus(row) !== 'NEEDS_PERMISSION') continue;
      entry = { method: methodOf(row), estimatedBytes: 0, wasInterrupted: await hasBeenInterrupted(row.id) };
      followed.set(row.id, entry);
    }
    const before = entry.row?.status;
    // A resume can pass through PAUSED faster than this query runs: the audit log (written with each
    // transition) is what says whether the job was cut off.
    if (!entry.wasInterrupted && entry.row && row.updatedAtMs !== entry.row.updatedAtMs) entry.wasInterrupted = await hasBeenInterrupted(row.id);
    entry.row = row;
    delete entry.placeholder;
    if (row.status === 'PAUSED' && row.pauseReason === 'INTERRUPTED') entry.wasInterrupted = true;
    if (row.status === 'COMPLETED' && before !== 'COMPLETED') await completed(row.id, entry);
  }
  rebuildResumable();
}

// Emissions are handled one after the other: each compares a row with the one seen before it.
let handling: Promise<void> = Promise.resolve();

let isFollowing = false;

/** Follows the wizard's resumable jobs in the database (started once, on first use or page load). */
export function followResumableJobs(): void {
  if (isFollowing) return;
  isFollowing = true;
  jobsBridge.onProgress((id, progress) => { if (followed.has(id)) { progressOf.set(id, progress); scheduleRebuild(); } });
  // Reads only what can matter (unfinished rows, the followed ones, and once the built ones waiting for a file),
  // not the whole table: this runs on the main thread after every job change.
  let isFirstRead = true;
  const read = async (): Promise<WizardJobRow[]> => {
    const table = readDb.exportJobs;
    const open = await table.where('status').anyOf('INITIATED', 'PROCESSING', 'PAUSED').toArray();
    const known = (await table.bulkGet([...followed.keys()])).filter((row) => row !== undefined);
    const waiting = isFirstRead ? await table.where('status').equals('COMPLETED').filter((row) => liveStatus(row as WizardJobRow) === 'NEEDS_PERMISSION').toArray() : [];
    isFirstRead = false;
    const rows = new Map([...open, ...known, ...waiting].map((row) => [row.id, row as WizardJobRow]));
    return [...rows.values()].filter((row) => row.handOff !== undefined);
  };
  liveQuery(read)
    .subscribe({ next: (rows) => { handling = handling.then(() => onRows(rows)).catch((e: unknown) => console.warn('following export jobs failed', e)); }, error: (e: unknown) => console.warn('following export jobs failed', e) });
}

let rebuildRequested = false;
function scheduleRebuild(): void {
  if (rebuildRequested) return;
  rebuildRequested = true;
  const run = () => { rebuildRequested = false; rebuildResumable(); };
  if (document.visibilityState === 'hidden') setTimeout(run, 250);
  else requestAnimationFrame(run);
}

/**
 * A zip name in the person's local time, to the second: `takeaway-2026-11-24-091507.zip`, so two exports of the
 * same minute do not get the same name in the downloads folder.
 */
export function suggestZipName(createdAtMs: number): string {
  const at = new Date(createdAtMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `takeaway-${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}-${two(at.getHours())}${two(at.getMinutes())}${two(at.getSeconds())}.zip`;
}

/** How "Start export" writes: resumably in the workspace (then handed over), or streamed straight to the target. */
export type WriteMode = 'resumable' | 'stream';

/**
 * Whether a run can be resumable: it needs the OPFS workspace, and a password is never stored, so an encrypted
 * export (whose random salt also changes the bytes on every run) always streams. The memory download streams too.
 */
export function canRunResumably(method: SaveMethod, hasPassword: boolean): boolean {
  return support.hasOpfs && !hasPassword && method.kind !== 'download';
}

/**
 * Starts an export. Call from a click handler: the save picker needs the user activation, so choosing the
 * target is the first thing done. Resolves undefined when the person dismissed the picker (quiet).
 * `run.mode` (default 'resumable' where `canRunResumably`) picks between a resumable job in the workspace, handed
 * over at the end (downloaded, or copied into the picked file), and a stream straight to the target.
 */
export async function startExport(
  request: ExportRequest, method: SaveMethod, estimatedBytes: number, run: { password?: string; mode?: WriteMode } = {},
): Promise<LiveJob | undefined> {
  const fileName = suggestZipName(request.createdAtMs);
  const target = await method.chooseTarget(fileName);
  if (!target) return undefined;
  const id = crypto.randomUUID();
  const isResumable = canRunResumably(method, !!run.password) && (method.kind === 'opfs' || run.mode !== 'stream');
  const job: LiveJob = { id, fileName, method, status: 'PROCESSING', startedAtMs: Date.now(), estimatedBytes, isResumable };
  if (isResumable) {
    followResumableJobs();
    followed.set(id, { placeholder: job, method, estimatedBytes, wasInterrupted: false });
    rebuildResumable();
    const handOff: WizardHandOff = target.kind === 'file-handle'
      ? { fileName, delivery: 'picker', handle: target.handle }
      : { fileName, delivery: 'download' };
    try {
      await jobsBridge.api().enqueue({ id, request, destination: formatDestination({ kind: 'workspace' }), handOff });
    } catch (error) {
      followed.delete(id);
      rebuildResumable();
      throw error;
    }
    return job;
  }
  streamJobs = [job, ...streamJobs];
  notify();
  const controller = new AbortController();
  controllers.set(id, controller);
  void follow(job, request, target, controller.signal, run.password);
  return job;
}

async function follow(job: LiveJob, request: ExportRequest, target: WorkerSaveTarget, signal: AbortSignal, password?: string): Promise<void> {
  try {
    const outcome = await bridge.runExport(
      { jobId: job.id, request, target, fileName: job.fileName, ...(password ? { password } : {}) },
      (progress) => queueProgress(job.id, progress),
      signal,
    );
    const last = pendingProgress.get(job.id) ?? progressOf.get(job.id);
    pendingProgress.delete(job.id);
    update(job.id, { status: 'DONE', saved: outcome.saved, bytesWritten: outcome.bytesWritten, ...(last ? { progress: last } : {}) });
    job.method.deliver(outcome.saved);
    await notifyExportFinished('Your export is ready', `${job.fileName}, ${formatBytes(outcome.bytesWritten)}`).catch(() => false);
  } catch (error) {
    if (isAbortError(error)) {
      update(job.id, { status: 'CANCELLED' });
      return;
    }
    const storage = await estimateStorage().catch(() => undefined);
    update(job.id, { status: 'FAILED', error: describeError(error, { storage, neededBytes: job.estimatedBytes }) });
  } finally {
    controllers.delete(job.id);
  }
}

/** Cancels a running job; the worker removes its partial zip and records it as cancelled. */
export function cancelJob(id: string): void {
  if (followed.has(id)) {
    void jobsBridge.api().cancel(id).catch((e: unknown) => console.warn('cancel failed', e));
    return;
  }
  controllers.get(id)?.abort(new DOMException('The export was cancelled.', 'AbortError'));
}

/** Continues an interrupted, paused or failed resumable job from its last checkpoint. */
export async function resumeJob(id: string): Promise<void> {
  await jobsBridge.api().resume(id);
}

/**
 * Writes a built archive into its picked file. Call from a click: after a reload the browser asks the person
 * again for write access to the file, which needs the user activation.
 */
export async function saveToPickedFile(job: LiveJob): Promise<void> {
  const handle = job.handle as (FileSystemFileHandle & { requestPermission?: (d: { mode: 'readwrite' }) => Promise<PermissionState> }) | undefined;
  if (!handle) return;
  if (typeof handle.requestPermission === 'function' && (await handle.requestPermission({ mode: 'readwrite' })) !== 'granted') {
    throw new ExportError('SINK_CLOSED', `write access to ${handle.name} was not granted`);
  }
  await jobsBridge.api().saveToPickedFile(job.id);
}

/** Resolves when the job has ended (for the test hooks). */
export function waitForJob(id: string): Promise<LiveJob> {
  return new Promise((resolve) => {
    const check = () => {
      const job = jobs.find((j) => j.id === id);
      if (job && isSettled(job.status)) {
        listeners.delete(check);
        resolve(job);
      }
    };
    listeners.add(check);
    check();
  });
}

followResumableJobs();
