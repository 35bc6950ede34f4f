// The job table of the scaled mode in PostgreSQL, which is also the queue: the API admits jobs under a per-user
// row lock, workers claim them with FOR UPDATE SKIP LOCKED and hold a lease, and every write a worker makes names
// its claim (the fence), so a worker that lost its lease changes nothing. The ServerJob is kept as jsonb; status,
// owner and order are columns for the queries. The request is `json` (text as given): the archive's manifest
// holds it, and jsonb would reorder its keys, so the bytes would differ from the same export elsewhere.

import pg from 'pg';
import { ACTIVE_STATUSES, type ServerJob, type ServerJobStatus } from '../../model/server-job.ts';
import type { ExportCheckpoint } from '../../engine/resume.ts';
import type { ManifestFile } from '../../engine/manifest.ts';
import type { JobStore } from '../job-store.ts';
import { migrate } from './schema.ts';

/** A worker's hold on a job: the row as claimed and the claim number every later write must carry. */
export interface Claim {
  job: ServerJob;
  fence: number;
}

/** The end of a job and the push message its owner gets, written together. */
export interface JobEnd {
  patch: Partial<ServerJob> & { status: 'COMPLETED' | 'FAILED' };
  payload: unknown;
}

/** A job's stored checkpoint and the attempt (claim) whose partial archive it describes. */
export interface StoredCheckpoint {
  checkpoint: ExportCheckpoint;
  attempt: number;
}

/** Statuses of a job a worker holds. */
const HELD = ['PROCESSING', 'PAUSED'];
/** Candidates one claim looks at past users at their running cap. */
const CLAIM_CANDIDATES = 20;

export class PgJobStore implements JobStore {
  private constructor(readonly pool: pg.Pool) {}

  /** Connects and creates the tables if missing. */
  static async open(databaseUrl: string, poolSize = 10): Promise<PgJobStore> {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
    // An idle connection that breaks (a database restart) must not take the process down; the next query reconnects.
    pool.on('error', (error) => console.warn('PostgreSQL connection lost:', error.message));
    await migrate(pool);
    return new PgJobStore(pool);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async get(id: string): Promise<ServerJob | undefined> {
    if (!isUuid(id)) return undefined;
    const { rows } = await this.pool.query('SELECT job, status, request FROM takeaway_jobs WHERE id = $1', [id]);
    return rows[0] ? rowToJob(rows[0]) : undefined;
  }

  async getOwned(id: string, userId: string): Promise<ServerJob | undefined> {
    if (!isUuid(id)) return undefined;
    const { rows } = await this.pool.query('SELECT job, status, request FROM takeaway_jobs WHERE id = $1 AND user_id = $2', [id, userId]);
    return rows[0] ? rowToJob(rows[0]) : undefined;
  }

  async listByUser(userId: string): Promise<ServerJob[]> {
    const { rows } = await this.pool.query('SELECT job, status, request FROM takeaway_jobs WHERE user_id = $1 ORDER BY created_at_ms DESC', [userId]);
    return rows.map(rowToJob);
  }

  async all(): Promise<ServerJob[]> {
    const { rows } = await this.pool.query('SELECT job, status, request FROM takeaway_jobs');
    return rows.map(rowToJob);
  }

  /** Count and insert under the owner's row lock: concurrent admissions of one user on any instance queue up here. */
  async admit(job: ServerJob, maxActive: number): Promise<boolean> {
    return this.transaction(async (client) => {
      await lockUser(client, job.userId);
      const { rows } = await client.query('SELECT count(*)::int AS n FROM takeaway_jobs WHERE user_id = $1 AND status = ANY($2)', [job.userId, ACTIVE_STATUSES]);
      if (rows[0].n >= maxActive) return false;
      await client.query(
        'INSERT INTO takeaway_jobs (id, user_id, status, created_at_ms, request, job) VALUES ($1, $2, $3, $4, $5, $6)',
        [job.id, job.userId, job.status, job.createdAtMs, JSON.stringify(job.request), rowOf(job)],
      );
      return true;
    });
  }

  async delete(id: string): Promise<void> {
    if (!isUuid(id)) return;
    await this.pool.query('DELETE FROM takeaway_jobs WHERE id = $1', [id]);
  }

  /**
   * Claims the oldest job that waits, or whose holder's lease ran out, and whose owner runs fewer than
   * `maxRunningPerUser` jobs; the owner's row lock makes that count exact across workers. The claim number
   * (`fence`) goes up by one, which makes every write of an earlier holder miss. A job already claimed
   * `maxAttempts` times ends FAILED instead (it took its workers down each time), with its push message.
   */
  async claim(workerId: string, leaseMs: number, maxRunningPerUser: number, maxAttempts: number, failedPayload: (job: ServerJob) => unknown): Promise<Claim | undefined> {
    return this.transaction(async (client) => {
      const passed: string[] = [];
      for (let i = 0; i < CLAIM_CANDIDATES; i++) {
        const { rows } = await client.query(
          `SELECT id, user_id, fence, status FROM takeaway_jobs
            WHERE (status = 'INITIATED' OR (status = ANY($1) AND lease_expires_at < now())) AND NOT (id = ANY($2::uuid[]))
            ORDER BY created_at_ms LIMIT 1 FOR UPDATE SKIP LOCKED`,
          [HELD, passed],
        );
        const candidate = rows[0];
        if (!candidate) return undefined;
        // Never wait for an owner's lock here: two claims each holding one owner and waiting for the other's
        // would deadlock. A locked owner (an admission, another claim) is passed over until the next poll.
        const owner = await client.query('SELECT 1 FROM takeaway_users WHERE user_id = $1 FOR UPDATE SKIP LOCKED', [candidate.user_id]);
        if (owner.rowCount === 0) {
          passed.push(candidate.id);
          continue;
        }
        const running = await client.query(
          'SELECT count(*)::int AS n FROM takeaway_jobs WHERE user_id = $1 AND status = ANY($2) AND lease_expires_at >= now() AND id <> $3',
          [candidate.user_id, HELD, candidate.id],
        );
        if (running.rows[0].n >= maxRunningPerUser) {
          passed.push(candidate.id);
          continue;
        }
        const fence = Number(candidate.fence) + 1;
        if (fence > maxAttempts) {
          const message = `the export's worker stopped ${fence - 1} times while running it (at most ${maxAttempts} attempts); it is not tried again`;
          const { rows: ended } = await client.query(
            `UPDATE takeaway_jobs SET status = 'FAILED', worker_id = NULL, lease_expires_at = NULL,
                    job = (job - 'recordsToken' - 'pause') || $2::jsonb
              WHERE id = $1 RETURNING job, status, request`,
            [candidate.id, { error: { code: 'INTERNAL', message }, updatedAtMs: Date.now() }],
          );
          const job = rowToJob(ended[0]);
          await insertOutbox(client, job, failedPayload(job));
          passed.push(candidate.id);
          continue;
        }
        const { rows: claimed } = await client.query(
          `UPDATE takeaway_jobs SET status = 'PROCESSING', fence = $2::bigint, worker_id = $3,
                  lease_expires_at = now() + $4 * interval '1 millisecond',
                  job = (job - 'pause') || jsonb_build_object('attempts', $2::bigint, 'updatedAtMs', $5::bigint)
            WHERE id = $1 RETURNING job, status, request`,
          [candidate.id, fence, workerId, leaseMs, Date.now()],
        );
        return { job: rowToJob(claimed[0]), fence };
      }
      return undefined;
    });
  }

  /** Extends the lease; false when this claim is no longer the job's (taken over, deleted, or ended). */
  async renew(id: string, fence: number, leaseMs: number): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE takeaway_jobs SET lease_expires_at = now() + $3 * interval '1 millisecond'
        WHERE id = $1 AND fence = $2 AND status = ANY($4)`,
      [id, fence, leaseMs, HELD],
    );
    return result.rowCount === 1;
  }

  /** Changes a held job; false (and nothing changed) when this claim is no longer the job's. */
  async patchHeld(id: string, fence: number, patch: Partial<ServerJob>): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE takeaway_jobs SET ${patchSql()} WHERE id = $1 AND fence = $2 AND status = ANY($5)`,
      [id, fence, ...patchParams(patch), HELD],
    );
    return result.rowCount === 1;
  }

  /** Puts a held job back in the queue for another attempt; false when this claim is no longer the job's. */
  async release(id: string, fence: number): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE takeaway_jobs SET status = 'INITIATED', worker_id = NULL, lease_expires_at = NULL,
              job = (job - 'pause') || jsonb_build_object('updatedAtMs', $3::bigint)
        WHERE id = $1 AND fence = $2 AND status = ANY($4)`,
      [id, fence, Date.now(), HELD],
    );
    return result.rowCount === 1;
  }

  /**
   * Stores the engine's checkpoint of a held job: the checkpoint without its file list on the job row, the files
   * finished since the last one (`newFiles`, from position `firstIndex`) as rows. False (nothing stored) when this
   * claim is no longer the job's.
   */
  async saveCheckpoint(id: string, fence: number, checkpoint: Omit<ExportCheckpoint, 'files'>, firstIndex: number, newFiles: ManifestFile[]): Promise<boolean> {
    return this.transaction(async (client) => {
      const stored = { ...checkpoint, fileCount: firstIndex + newFiles.length, attempt: fence };
      const result = await client.query(
        'UPDATE takeaway_jobs SET checkpoint = $3 WHERE id = $1 AND fence = $2 AND status = ANY($4)',
        [id, fence, stored, HELD],
      );
      if (result.rowCount !== 1) return false;
      if (newFiles.length > 0) {
        await client.query(
          `INSERT INTO takeaway_checkpoint_files (job_id, n, file)
             SELECT $1, $2 + ordinality - 1, file FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS t(file, ordinality)
           ON CONFLICT (job_id, n) DO UPDATE SET file = excluded.file`,
          [id, firstIndex, JSON.stringify(newFiles)],
        );
      }
      return true;
    });
  }

  /** The job's last checkpoint with its file list, or undefined when it has none. */
  async loadCheckpoint(id: string): Promise<StoredCheckpoint | undefined> {
    const { rows } = await this.pool.query('SELECT checkpoint FROM takeaway_jobs WHERE id = $1', [id]);
    const stored = rows[0]?.checkpoint as (Omit<ExportCheckpoint, 'files'> & { fileCount: number; attempt: number }) | null | undefined;
    if (!stored) return undefined;
    const files = await this.pool.query('SELECT file FROM takeaway_checkpoint_files WHERE job_id = $1 AND n < $2 ORDER BY n', [id, stored.fileCount]);
    if (files.rows.length !== stored.fileCount) return undefined;
    const { fileCount: _count, attempt, ...checkpoint } = stored;
    return { checkpoint: { ...checkpoint, files: files.rows.map((r) => r.file as ManifestFile) }, attempt };
  }

  /**
   * Ends a held job and queues its push message in one transaction, so there is exactly one message per
   * finished job; undefined (and nothing written) when this claim is no longer the job's.
   */
  async finish(id: string, fence: number, end: (job: ServerJob) => JobEnd): Promise<ServerJob | undefined> {
    return this.transaction(async (client) => {
      const { rows } = await client.query('SELECT job, status, request FROM takeaway_jobs WHERE id = $1 AND fence = $2 AND status = ANY($3) FOR UPDATE', [id, fence, HELD]);
      if (!rows[0]) return undefined;
      const { patch, payload } = end(rowToJob(rows[0]));
      const { rows: ended } = await client.query(
        `UPDATE takeaway_jobs SET ${patchSql()}, worker_id = NULL, lease_expires_at = NULL WHERE id = $1 AND fence = $2 RETURNING job, status, request`,
        [id, fence, ...patchParams(patch)],
      );
      const job = rowToJob(ended[0]);
      await insertOutbox(client, job, payload);
      return job;
    });
  }

  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

/** The owner's row, created on first use and locked until the transaction ends. */
export async function lockUser(client: pg.PoolClient, userId: string): Promise<void> {
  await client.query('INSERT INTO takeaway_users (user_id) VALUES ($1) ON CONFLICT DO NOTHING', [userId]);
  await client.query('SELECT 1 FROM takeaway_users WHERE user_id = $1 FOR UPDATE', [userId]);
}

async function insertOutbox(client: pg.PoolClient, job: ServerJob, payload: unknown): Promise<void> {
  await client.query('INSERT INTO takeaway_outbox (job_id, user_id, payload) VALUES ($1, $2, $3) ON CONFLICT (job_id) DO NOTHING', [job.id, job.userId, payload]);
}

/** `SET` of a patch: $3 the keys set (jsonb), $4 the keys removed (set to undefined in the patch). */
function patchSql(): string {
  return `job = (job - $4::text[]) || $3::jsonb, status = coalesce($3::jsonb->>'status', status)`;
}

function patchParams(patch: Partial<ServerJob>): [string, string[]] {
  const removed = Object.entries(patch).filter(([, value]) => value === undefined).map(([key]) => key);
  return [JSON.stringify(patch), removed];
}

function rowToJob(row: { job: Omit<ServerJob, 'status' | 'request'>; status: string; request: ServerJob['request'] }): ServerJob {
  return { ...row.job, request: row.request, status: row.status as ServerJobStatus };
}

/** The `job` column: the row without the status and the request, which have columns of their own. */
function rowOf(job: ServerJob): Omit<ServerJob, 'status' | 'request'> {
  const { status: _status, request: _request, ...rest } = job;
  return rest;
}

function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id);
}
