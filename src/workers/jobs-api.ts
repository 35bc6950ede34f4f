// The types the background-jobs worker exposes (resumable exports, schedules, templates, retention).

import type { ExportProgress } from '../engine/progress.ts';
import type { JobRow } from '../jobs/lifecycle.ts';
import type { ExportTemplate } from '../jobs/templates.ts';
import type { ExportRequest } from '../model/request.ts';
import type { NewBackgroundJob, WizardHandOff, WizardJobRow } from './resumable-jobs.ts';
import type { AppSchedule } from './schedules.ts';

export type { NewBackgroundJob, WizardHandOff, WizardJobRow };

export interface JobsWorkerApi {
  /** Starts the runner (or waits in line behind another tab's); resolves at once with whether this one runs. */
  start(): Promise<{ isRunner: boolean }>;
  /** Resolves once this worker runs the queue and has recovered interrupted jobs (waits while another tab runs it). */
  running(): Promise<void>;
  /** How long finished exports are kept, ms (`Infinity`: until deleted); applied to those kept already. */
  setRetention(retentionMs: number): Promise<void>;
  /** Adds a background job; it starts when there is room. */
  enqueue(job: NewBackgroundJob): Promise<JobRow>;
  pause(jobId: string): Promise<void>;
  resume(jobId: string): Promise<void>;
  cancel(jobId: string): Promise<void>;
  /** Copies a finished wizard job's archive into its picked file (after the page got permission on a click). */
  saveToPickedFile(jobId: string): Promise<void>;
  /** Progress of running jobs, at most 4 times a second per job. */
  watch(onProgress: (jobId: string, progress: ExportProgress) => void): Promise<void>;
  /** Looks for due schedules now (Periodic Background Sync, a visible page). Returns new job ids. */
  checkSchedules(): Promise<void>;
  saveTemplate(id: string, name: string, request: ExportRequest | ExportTemplate['request']): Promise<ExportTemplate>;
  importTemplate(json: string): Promise<ExportTemplate>;
  deleteTemplate(id: string): Promise<void>;
  /** Validates (clear message for a cron typo) and stores a schedule. */
  saveSchedule(schedule: Omit<AppSchedule, 'nextRunMs'>): Promise<AppSchedule>;
  setSchedulePaused(id: string, isPaused: boolean): Promise<AppSchedule>;
  deleteSchedule(id: string): Promise<void>;
}
