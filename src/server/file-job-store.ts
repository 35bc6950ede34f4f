// The embedded job table: one JSON file per job under `<dataDir>/jobs/`, each write atomic (temp file + rename).
// Chosen over SQLite because better-sqlite3 needs a native build and node:sqlite is not in Node 20; a job is
// small, written a few times a second at most, and looked up by id or scanned per user, which a Map does.

import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { readJsonIfExists, writeJsonAtomic } from './atomic-file.ts';
import { ACTIVE_STATUSES, type ServerJob } from '../model/server-job.ts';
import type { JobStore } from './job-store.ts';

const ID_PATTERN = /^[0-9a-f-]{36}$/;

export class FileJobStore implements JobStore {
  private readonly jobs = new Map<string, ServerJob>();
  /** Per-job write chain, so two updates of one job reach the disk in order. */
  private readonly writes = new Map<string, Promise<void>>();

  private constructor(private readonly dir: string) {}

  /** Opens (and creates) `<dataDir>/jobs` and loads every job in it; leftover temporary files are removed. */
  static async open(dataDir: string): Promise<FileJobStore> {
    const dir = path.join(dataDir, 'jobs');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const store = new FileJobStore(dir);
    for (const name of await readdir(dir)) {
      if (name.endsWith('.tmp')) {
        await rm(path.join(dir, name), { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const job = await readJsonIfExists<ServerJob>(path.join(dir, name));
      if (job && ID_PATTERN.test(job.id)) store.jobs.set(job.id, job);
    }
    return store;
  }

  /** The job with this id, whoever owns it. */
  get(id: string): ServerJob | undefined {
    return this.jobs.get(id);
  }

  /** The job with this id if `userId` owns it (anything else looks like a missing job). */
  getOwned(id: string, userId: string): ServerJob | undefined {
    const job = this.jobs.get(id);
    return job && job.userId === userId ? job : undefined;
  }

  /** A user's jobs, newest first. */
  listByUser(userId: string): ServerJob[] {
    return [...this.jobs.values()].filter((j) => j.userId === userId).sort((a, b) => b.createdAtMs - a.createdAtMs);
  }

  all(): ServerJob[] {
    return [...this.jobs.values()];
  }

  /**
   * One process owns the data directory (data-dir-lock.ts) and the count and the insert into the map happen
   * with no await between them, so this count is exact.
   */
  async admit(job: ServerJob, maxActive: number): Promise<boolean> {
    if (this.listByUser(job.userId).filter((j) => ACTIVE_STATUSES.includes(j.status)).length >= maxActive) return false;
    await this.create(job);
    return true;
  }

  /**
   * Stores a new job and waits until it is on disk. When the write fails (a full disk) the job is taken out
   * again, so a job that never reached the disk never counts against anyone's limit.
   */
  async create(job: ServerJob): Promise<void> {
    try {
      await this.put(job);
    } catch (error) {
      if (this.jobs.get(job.id) === job) this.jobs.delete(job.id);
      throw error;
    }
  }

  /**
   * Stores a new or changed job and waits until it is on disk. The row in memory changes at once; when the
   * write fails it stays changed (the caller decides what the failure means) and the file keeps the last row.
   */
  async put(job: ServerJob): Promise<void> {
    this.jobs.set(job.id, job);
    const snapshot = structuredClone(job);
    await this.chain(job.id, () => writeJsonAtomic(this.fileOf(job.id), snapshot));
  }

  /** Applies `patch` to a job (if it still exists) and stores it. */
  async update(id: string, patch: Partial<ServerJob>): Promise<ServerJob | undefined> {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    const next = { ...job, ...patch };
    await this.put(next);
    return next;
  }

  /** Removes a job's row. */
  async delete(id: string): Promise<void> {
    this.jobs.delete(id);
    await this.chain(id, () => rm(this.fileOf(id), { force: true }));
  }

  private chain(id: string, step: () => Promise<void>): Promise<void> {
    const previous = this.writes.get(id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(step);
    this.writes.set(id, next);
    void next.finally(() => {
      if (this.writes.get(id) === next) this.writes.delete(id);
    }).catch(() => undefined);
    return next;
  }

  private fileOf(id: string): string {
    if (!ID_PATTERN.test(id)) throw new RangeError(`not a job id: ${JSON.stringify(id)}`);
    return path.join(this.dir, `${id}.json`);
  }
}
