// The job table as the API and retention see it, behind one interface with two homes: the JSON files of the
// embedded default (file-job-store.ts) and PostgreSQL in scaled mode (pg/pg-job-store.ts). Reads may answer
// at once (the embedded map) or later (a query); callers always await.

import type { ServerJob } from '../model/server-job.ts';

export type Awaitable<T> = T | Promise<T>;

export interface JobStore {
  /** The job with this id, whoever owns it. */
  get(id: string): Awaitable<ServerJob | undefined>;
  /** The job with this id if `userId` owns it (anything else looks like a missing job). */
  getOwned(id: string, userId: string): Awaitable<ServerJob | undefined>;
  /** A user's jobs, newest first. */
  listByUser(userId: string): Awaitable<ServerJob[]>;
  all(): Awaitable<ServerJob[]>;
  /**
   * Stores a new job unless its owner already has `maxActive` jobs waiting or running; false then, and nothing
   * is stored. The count and the insert are one step, so concurrent requests cannot overshoot the limit.
   */
  admit(job: ServerJob, maxActive: number): Promise<boolean>;
  /** Removes a job's row. */
  delete(id: string): Promise<void>;
}

/** What the API asks of whatever runs the jobs: the in-process runner, or the PostgreSQL queue's workers. */
export interface JobQueue {
  /** A new INITIATED job is stored: run it when a slot is free. */
  enqueue(id: string): void;
  /** Stops the job wherever it runs and removes its partial and finished output. */
  cancel(id: string): Promise<void>;
}
