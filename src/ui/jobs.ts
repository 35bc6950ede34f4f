// Exports started in this page: their live progress and outcome, shared by the Job screen and the test hooks.
// The run itself happens in the worker; this only starts it, follows it and hands the zip over at the end.

import { useSyncExternalStore } from 'react';
import type { ExportProgress } from '../engine/progress.ts';
import { isAbortError } from '../model/errors.ts';
import type { ExportRequest } from '../model/request.ts';
import { notifyExportFinished } from '../platform/notify.ts';
import type { SaveMethod } from '../platform/save.ts';
import type { SavedZip, WorkerSaveTarget } from '../platform/save-target.ts';
import { estimateStorage } from '../platform/storage.ts';
import { describeError, type ErrorText } from './error-text.ts';
import { formatBytes } from './format.ts';
import { bridge } from './services.ts';

export type LiveStatus = 'PROCESSING' | 'DONE' | 'FAILED' | 'CANCELLED';

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
}

let jobs: LiveJob[] = [];
const controllers = new Map<string, AbortController>();
const listeners = new Set<() => void>();

function update(id: string, patch: Partial<LiveJob>): void {
  jobs = jobs.map((job) => (job.id === id ? { ...job, ...patch } : job));
  for (const listener of listeners) listener();
}

// Progress is applied at most once a frame: a burst of messages costs one render, not one each.
const pendingProgress = new Map<string, ExportProgress>();
let frameRequested = false;

function applyPendingProgress(): void {
  frameRequested = false;
  if (pendingProgress.size === 0) return;
  const pending = new Map(pendingProgress);
  pendingProgress.clear();
  jobs = jobs.map((job) => {
    const progress = pending.get(job.id);
    return progress && job.status === 'PROCESSING' ? { ...job, progress } : job;
  });
  for (const listener of listeners) listener();
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

/** All jobs of this page, newest first. */
export function useLiveJobs(): LiveJob[] {
  return useSyncExternalStore(subscribe, () => jobs);
}

/** How many jobs of this page are running; re-renders only when that number changes (not on progress). */
export function useRunningJobCount(): number {
  return useSyncExternalStore(subscribe, () => jobs.reduce((n, job) => n + (job.status === 'PROCESSING' ? 1 : 0), 0));
}

export function liveJobs(): LiveJob[] {
  return jobs;
}

/** A zip name like `takeaway-2026-11-24-0915.zip`. */
export function suggestZipName(createdAtMs: number): string {
  const iso = new Date(createdAtMs).toISOString();
  return `takeaway-${iso.slice(0, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}.zip`;
}

/**
 * Starts an export. Call from a click handler: the save picker needs the user activation, so choosing the
 * target is the first thing done. Resolves undefined when the person dismissed the picker (quiet).
 */
export async function startExport(
  request: ExportRequest, method: SaveMethod, estimatedBytes: number, run: { password?: string } = {},
): Promise<LiveJob | undefined> {
  const fileName = suggestZipName(request.createdAtMs);
  const target = await method.chooseTarget(fileName);
  if (!target) return undefined;
  const id = crypto.randomUUID();
  const job: LiveJob = { id, fileName, method, status: 'PROCESSING', startedAtMs: Date.now(), estimatedBytes };
  jobs = [job, ...jobs];
  for (const listener of listeners) listener();
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
    const last = pendingProgress.get(job.id);
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
  controllers.get(id)?.abort(new DOMException('The export was cancelled.', 'AbortError'));
}

/** Resolves when the job has ended (for the test hooks). */
export function waitForJob(id: string): Promise<LiveJob> {
  return new Promise((resolve) => {
    const check = () => {
      const job = jobs.find((j) => j.id === id);
      if (job && job.status !== 'PROCESSING') {
        listeners.delete(check);
        resolve(job);
      }
    };
    listeners.add(check);
    check();
  });
}
