// Export jobs in Dexie and the only ways their status may change. Every change is one transaction that also
// writes the audit entry, so the log and the jobs never disagree.

import type { Table } from 'dexie';
import type { Manifest } from '../engine/manifest.ts';
import { ExportError, type ErrorCode } from '../model/errors.ts';
import type { ExportRequest, FormatId } from '../model/request.ts';
import type { TakeawayDb } from '../store/db.ts';
import type { ExportJobRow } from '../store/rows.ts';
import { appendAudit, type AuditActor } from './audit.ts';

export type JobStatus = 'INITIATED' | 'PROCESSING' | 'PAUSED' | 'COMPLETED' | 'CANCELLED' | 'FAILED' | 'EXPIRED';

/** Where each status may go. Anything else throws. FAILED → PROCESSING is a retry; PAUSED → PROCESSING a resume. */
export const JOB_TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  INITIATED: ['PROCESSING', 'CANCELLED'],
  PROCESSING: ['COMPLETED', 'PAUSED', 'CANCELLED', 'FAILED'],
  PAUSED: ['PROCESSING', 'CANCELLED'],
  FAILED: ['PROCESSING', 'EXPIRED'],
  COMPLETED: ['EXPIRED'],
  CANCELLED: [],
  EXPIRED: [],
};

/** Statuses that count against the per-user job limit. */
export const ACTIVE_STATUSES: readonly JobStatus[] = ['INITIATED', 'PROCESSING', 'PAUSED'];

/** A failure a person can act on: the engine's code, its technical message, and what to do about it. */
export interface JobFailure {
  code: ErrorCode;
  message: string;
  /** Plain-language next step for the UI. */
  action: string;
  retryable: boolean;
}

export interface JobRow extends ExportJobRow {
  status: JobStatus;
  updatedAtMs: number;
  request: ExportRequest;
  /** Manual runs go before scheduled ones in the queue. */
  trigger: 'manual' | 'scheduled';
  userId: string;
  templateId?: string;
  scheduleId?: string;
  /** Where the archive goes, as the platform layer names it (`opfs:exports/x.zip`, `folder:Backups`). */
  destination: string;
  /** Why a job is PAUSED: by hand, or found unfinished on start (resumed automatically). */
  pauseReason?: 'USER' | 'INTERRUPTED';
  failure?: JobFailure;
  /** A FAILED job the person asked to run again (the queue starts it when there is room). */
  isRetryRequested?: boolean;
  startedAtMs?: number;
  finishedAtMs?: number;
  /** Set on COMPLETED: archive bytes, SHA-256 of manifest.json, part file names. */
  sizeBytes?: number;
  sha256?: string;
  fileNames?: string[];
  /** When retention deletes the archive, epoch ms UTC. */
  expiresAtMs?: number;
}

export interface NewJob {
  id: string;
  request: ExportRequest;
  trigger: JobRow['trigger'];
  userId: string;
  destination: string;
  templateId?: string;
  scheduleId?: string;
}

/** Extra facts recorded with a transition. */
export interface TransitionDetails {
  actor: AuditActor;
  nowMs: number;
  failure?: JobFailure;
  pauseReason?: JobRow['pauseReason'];
  /** COMPLETED: the result. */
  completed?: { sizeBytes: number; sha256: string; fileNames: string[]; manifest: Manifest; expiresAtMs?: number };
  detail?: string;
}

export function jobsTable(db: TakeawayDb): Table<JobRow, string> {
  return db.table<JobRow, string>('exportJobs');
}

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return JOB_TRANSITIONS[from].includes(to);
}

/** Stores a new job as INITIATED and audits it. */
export async function createJob(db: TakeawayDb, job: NewJob, actor: AuditActor, nowMs: number): Promise<JobRow> {
  const row: JobRow = { ...job, status: 'INITIATED', createdAtMs: nowMs, updatedAtMs: nowMs };
  await db.transaction('rw', jobsTable(db), db.auditLog, async () => {
    await jobsTable(db).add(row);
    await appendAudit(db, { atMs: nowMs, jobId: job.id, action: 'INITIATED', actor, formats: formatsOf(job.request), detail: job.destination });
  });
  return row;
}

/** Moves a job to `to`, or throws `INVALID_REQUEST` naming both statuses when the table forbids it. */
export async function transitionJob(db: TakeawayDb, jobId: string, to: JobStatus, details: TransitionDetails): Promise<JobRow> {
  return db.transaction('rw', jobsTable(db), db.auditLog, async () => {
    const job = await jobsTable(db).get(jobId);
    if (!job) throw new ExportError('INVALID_REQUEST', `no export job "${jobId}"`);
    if (!canTransition(job.status, to)) throw new ExportError('INVALID_REQUEST', `export job "${jobId}" cannot go from ${job.status} to ${to}`);
    const { nowMs, completed } = details;
    const next: JobRow = { ...job, status: to, updatedAtMs: nowMs };
    if (to === 'PROCESSING') {
      next.startedAtMs ??= nowMs;
      delete next.pauseReason;
      delete next.failure;
      delete next.isRetryRequested;
    }
    if (to === 'PAUSED') next.pauseReason = details.pauseReason ?? 'USER';
    if (to === 'FAILED') next.failure = details.failure;
    if (to === 'COMPLETED' || to === 'FAILED' || to === 'CANCELLED') next.finishedAtMs = nowMs;
    if (completed) Object.assign(next, { sizeBytes: completed.sizeBytes, sha256: completed.sha256, fileNames: completed.fileNames, expiresAtMs: completed.expiresAtMs });
    await jobsTable(db).put(next);
    await appendAudit(db, {
      atMs: nowMs, jobId, action: to, actor: details.actor, fromStatus: job.status, formats: formatsOf(job.request),
      detail: details.detail ?? details.failure?.message ?? next.pauseReason,
      sizeBytes: completed?.sizeBytes, sha256: completed?.sha256,
      bytesByFormat: completed && bytesByFormat(completed.manifest),
      durationMs: completed && next.startedAtMs !== undefined ? nowMs - next.startedAtMs : undefined,
    });
    return next;
  });
}

/**
 * On start, every PROCESSING job was cut off (closed tab, killed worker): marks it PAUSED with reason
 * INTERRUPTED, so the queue resumes it from its checkpoint. Returns the ids.
 */
export async function markInterruptedJobs(db: TakeawayDb, nowMs: number): Promise<string[]> {
  const ids = (await jobsTable(db).where('status').equals('PROCESSING').primaryKeys());
  for (const id of ids) await transitionJob(db, id, 'PAUSED', { actor: 'system', nowMs, pauseReason: 'INTERRUPTED', detail: 'interrupted: found unfinished on start' });
  return ids;
}

const ACTIONS: Record<ErrorCode, string> = {
  QUOTA_EXCEEDED: 'The destination is full. Free some space, delete old exports, or choose a smaller part size, then retry.',
  SINK_FAILED: 'Writing the archive failed. Check that the destination is still available, then retry.',
  SINK_CLOSED: 'The destination was closed while writing. Choose it again, then retry.',
  VERIFY_FAILED: 'The data changed since the export was interrupted. Start the export again.',
  INVALID_REQUEST: 'The export settings are not valid. Check them in the wizard and start again.',
  INVALID_RECORD: 'Some data could not be exported. See the list of skipped records, fix or exclude them, and retry.',
  INVALID_INPUT: 'An input file could not be read. Check the file and try again.',
  UNSUPPORTED: 'This browser cannot write this format or destination. Choose another one.',
  NETWORK: 'The network failed. Check the connection and retry.',
  AUTH: 'Sign in again, then retry.',
  ABORTED: 'The export was stopped. Start it again when ready.',
  INTERNAL: 'Something went wrong inside the app. Retry; if it fails again, report it with the audit log.',
};

/** The failure to store for `error`: its code (INTERNAL for foreign errors), message and the next step. */
export function failureFromError(error: unknown): JobFailure {
  if (error instanceof ExportError) return { code: error.code, message: error.message, action: ACTIONS[error.code], retryable: error.retryable };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message, action: ACTIONS.INTERNAL, retryable: true };
}

function formatsOf(request: ExportRequest): FormatId[] {
  return [...new Set(Object.values(request.formats).flat())] as FormatId[];
}

function bytesByFormat(manifest: Manifest): Partial<Record<FormatId, number>> {
  const bytes: Partial<Record<FormatId, number>> = {};
  for (const file of manifest.files) if (file.format !== 'readme') bytes[file.format] = (bytes[file.format] ?? 0) + file.size;
  return bytes;
}
