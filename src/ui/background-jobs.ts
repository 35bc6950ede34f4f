// Background (resumable) jobs as the page sees them: rows from the database, live progress from the jobs
// worker, "scheduled export ready" notifications, schedule checks on wake, and test hooks on window.takeawayJobs.

import { useEffect, useState, useSyncExternalStore } from 'react';
import { liveQuery } from 'dexie';
import type { ExportProgress } from '../engine/progress.ts';
import type { JobRow } from '../jobs/lifecycle.ts';
import { notifyExportFinished } from '../platform/notify.ts';
import { JobsBridge } from '../workers/jobs-bridge.ts';
import type { NewBackgroundJob, WizardJobRow } from '../workers/jobs-api.ts';
import { isBackgroundJob } from '../workers/job-destination.ts';
import { BUILT_IN_TEMPLATES, requestFromTemplate } from '../jobs/templates.ts';
import { formatBytes } from './format.ts';
import { readDb } from './services.ts';

/** The page's only door to the jobs worker. */
export const jobsBridge = new JobsBridge();

const DAY_MS = 86_400_000;
/** How long exports may be kept in app storage; `Infinity` keeps them until deleted by hand. */
export const RETENTION_CHOICES: readonly { ms: number; label: string }[] = [
  { ms: 7 * DAY_MS, label: '7 days' }, { ms: 30 * DAY_MS, label: '30 days' }, { ms: 90 * DAY_MS, label: '90 days' },
  { ms: 365 * DAY_MS, label: '1 year' }, { ms: Infinity, label: 'until I delete them' },
];
const RETENTION_KEY = 'takeaway.retentionMs';

/** The chosen retention (default 30 days), kept in localStorage: it is a setting of this browser. */
export function retentionMs(): number {
  const stored = Number(localStorage.getItem(RETENTION_KEY));
  return RETENTION_CHOICES.some((c) => c.ms === stored) ? stored : 30 * DAY_MS;
}

/** Stores the retention and applies it now to the exports already kept. */
export async function setRetentionMs(ms: number): Promise<void> {
  localStorage.setItem(RETENTION_KEY, String(ms));
  await jobsBridge.api().setRetention(ms);
}
jobsBridge.retentionMs = retentionMs;
/** Tag of the Periodic Background Sync that checks schedules (sw.ts listens for it). */
export { SCHEDULES_SYNC_TAG } from '../sw-schedules.ts';
import { SCHEDULES_SYNC_TAG } from '../sw-schedules.ts';
const SYNC_INTERVAL_MS = 12 * 3_600_000;

let progress = new Map<string, ExportProgress>();
const listeners = new Set<() => void>();
jobsBridge.onProgress((jobId, p) => {
  progress = new Map(progress).set(jobId, p);
  for (const listener of listeners) listener();
});

/** Live progress of background jobs running in this page's worker. */
export function useJobProgress(): ReadonlyMap<string, ExportProgress> {
  return useSyncExternalStore((l) => { listeners.add(l); return () => listeners.delete(l); }, () => progress);
}

/** Background jobs, newest first. */
export async function listBackgroundJobs(): Promise<JobRow[]> {
  const rows = await readDb.exportJobs.orderBy('createdAtMs').reverse().toArray();
  return rows.filter((row) => isBackgroundJob(row as Partial<JobRow>)) as unknown as JobRow[];
}

export function useBackgroundJobs(): JobRow[] {
  const [rows, setRows] = useState<JobRow[]>([]);
  useEffect(() => {
    const sub = liveQuery(listBackgroundJobs).subscribe({ next: setRows, error: () => setRows([]) });
    return () => sub.unsubscribe();
  }, []);
  return rows;
}

export async function enqueueBackgroundJob(job: NewBackgroundJob): Promise<JobRow> {
  return jobsBridge.api().enqueue(job);
}

/** Whether anything needs the jobs worker now: unfinished or expired jobs, or schedules. */
async function needsWorker(nowMs: number): Promise<boolean> {
  const jobs = await listBackgroundJobs();
  const due = jobs.some((j) => ['INITIATED', 'PROCESSING', 'PAUSED'].includes(j.status) || (j.status === 'COMPLETED' && (j.expiresAtMs ?? Infinity) <= nowMs));
  return due || (await readDb.schedules.count()) > 0;
}

let started = false;

/**
 * Starts background work on page load (idempotent): the jobs worker when something needs it (it then resumes
 * interrupted jobs, expires old exports and catches up due schedules), the notification on a finished
 * scheduled export, a schedule check when the page becomes visible or the service worker's periodic sync asks.
 */
export function startBackgroundJobs(): void {
  if (started) return;
  started = true;
  void needsWorker(Date.now()).then((needed) => { if (needed) jobsBridge.api(); }).catch((e: unknown) => console.warn('background jobs', e));
  const seen = new Map<string, string>();
  liveQuery(listBackgroundJobs).subscribe({
    next(rows) {
      for (const job of rows) {
        const before = seen.get(job.id);
        seen.set(job.id, job.status);
        // The wizard's jobs notify through jobs.ts, with their file name.
        if (before && before !== 'COMPLETED' && job.status === 'COMPLETED' && !(job as WizardJobRow).handOff) {
          const title = job.trigger === 'scheduled' ? 'Your scheduled export is ready' : 'Your export is ready';
          void notifyExportFinished(title, `${formatBytes(job.sizeBytes ?? 0)}, ${job.fileNames?.length ?? 0} file(s)`).catch(() => false);
        }
      }
    },
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && jobsBridge.isStarted) void jobsBridge.api().checkSchedules();
  });
  navigator.serviceWorker?.addEventListener('message', (event: MessageEvent<{ type?: string }>) => {
    if (event.data?.type === 'takeaway-check-schedules') void jobsBridge.api().checkSchedules();
  });
}

/** Registers Periodic Background Sync for schedules where the installed PWA has it; false elsewhere. */
export async function registerScheduleSync(): Promise<boolean> {
  const registration = await navigator.serviceWorker?.getRegistration();
  const periodicSync = (registration as unknown as { periodicSync?: { register(tag: string, o: { minInterval: number }): Promise<void> } } | undefined)?.periodicSync;
  if (!periodicSync) return false;
  try {
    await periodicSync.register(SCHEDULES_SYNC_TAG, { minInterval: SYNC_INTERVAL_MS });
    return true;
  } catch {
    // Not installed, or the site engagement is too low: the timer and the catch-up on start still run.
    return false;
  }
}

const hooks = {
  bridge: jobsBridge,
  enqueue: enqueueBackgroundJob,
  list: listBackgroundJobs,
  progress: (jobId: string) => progress.get(jobId),
  pause: (id: string) => jobsBridge.api().pause(id),
  resume: (id: string) => jobsBridge.api().resume(id),
  cancel: (id: string) => jobsBridge.api().cancel(id),
  /** Resolves once this page's worker runs the queue and has recovered interrupted jobs. */
  running: () => jobsBridge.api().running(),
  /** Kills the jobs worker mid-write, as a crash would. */
  terminate: () => jobsBridge.terminate(),
  /** The request of a built-in template made at `createdAtMs` (tests compare runs of one request). */
  builtInRequest: (id: string, createdAtMs: number) => requestFromTemplate(BUILT_IN_TEMPLATES.find((t) => t.id === id)!, createdAtMs),
};
(window as unknown as { takeawayJobs: typeof hooks }).takeawayJobs = hooks;
