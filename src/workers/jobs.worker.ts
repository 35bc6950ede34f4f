// The background-jobs worker: a Comlink shell over BackgroundJobs (resumable exports, schedules, retention)
// and the template and schedule writes. It lives as long as its page; see resumable-jobs.ts for the runner lock.

import './comlink-setup.ts';
import { expose } from 'comlink';
import type { ExportProgress } from '../engine/progress.ts';
import { saveSchedule, setSchedulePaused } from '../jobs/schedule.ts';
import { deleteTemplate, saveTemplate, templateFromJson } from '../jobs/templates.ts';
import { TakeawayDb } from '../store/db.ts';
import { DexieRecordSource } from '../store/dexie-record-source.ts';
import type { JobsWorkerApi } from './jobs-api.ts';
import { BackgroundJobs } from './resumable-jobs.ts';
import { installWorkerRuntime } from './runtime.ts';
import type { AppSchedule } from './schedules.ts';
import { throttleProgress } from './throttle-progress.ts';

installWorkerRuntime();

const db = new TakeawayDb();
const watchers = new Set<(jobId: string, progress: ExportProgress) => void>();
// Sent by time, not only by timer: a busy export can starve the timer queue of this worker for seconds.
const throttles = new Map<string, ReturnType<typeof throttleProgress<ExportProgress>>>();

function throttleOf(jobId: string) {
  let throttle = throttles.get(jobId);
  if (!throttle) {
    throttle = throttleProgress<ExportProgress>((progress) => { for (const watcher of watchers) watcher(jobId, progress); });
    throttles.set(jobId, throttle);
  }
  return throttle;
}

const jobs = new BackgroundJobs(db, new DexieRecordSource(db), { onProgress: (jobId, progress) => throttleOf(jobId)(progress) });
let started: Promise<boolean> | undefined;

const api: JobsWorkerApi = {
  async start() {
    started ??= jobs.start();
    return { isRunner: await started };
  },
  running: () => jobs.owned,
  setRetention: (retentionMs) => jobs.setRetention(retentionMs),
  enqueue: (job) => jobs.enqueue(job),
  pause: (id) => jobs.pause(id),
  resume: (id) => jobs.resume(id),
  cancel: (id) => jobs.cancel(id),
  saveToPickedFile: (id) => jobs.saveToPickedFile(id),
  async watch(onProgress) { watchers.add(onProgress); },
  checkSchedules: () => jobs.requestScheduleCheck(),
  saveTemplate: (id, name, request) => saveTemplate(db, id, name, request),
  async importTemplate(json) {
    const template = templateFromJson(json, `imported:${crypto.randomUUID()}`);
    return saveTemplate(db, template.id, template.name, template.request);
  },
  deleteTemplate: (id) => deleteTemplate(db, id),
  saveSchedule: (schedule) => saveSchedule(db, schedule, Date.now()) as Promise<AppSchedule>,
  setSchedulePaused: (id, isPaused) => setSchedulePaused(db, id, isPaused, Date.now()) as Promise<AppSchedule>,
  async deleteSchedule(id) { await db.schedules.delete(id); },
};

expose(api);
