// The audit log of exports: who did what to which job, when, with size and hash; searchable, exportable as CSV,
// and summed into counts, bytes and durations per format and per month.

import type { Table } from 'dexie';
import type { FormatId } from '../model/request.ts';
import { csvLine, headerLine, numberCell, textCell } from '../formats/csv/parts.ts';
import type { TakeawayDb } from '../store/db.ts';
import type { AuditLogRow } from '../store/rows.ts';

/** Who caused an audited step. */
export type AuditActor = 'user' | 'schedule' | 'system';

/** One audited step (a job transition, a retention deletion, a mirror run…) in the v1 `auditLog` table. */
export interface AuditEntry extends AuditLogRow {
  /** What happened: a job status (`COMPLETED`…) or `DELETED`, `MIRRORED`. */
  action: string;
  actor: AuditActor;
  /** Status before a transition. */
  fromStatus?: string;
  /** Human-readable detail: a failure reason, a deleted path. */
  detail?: string;
  /** Bytes of the archive (or file) concerned. */
  sizeBytes?: number;
  /** SHA-256 of the archive's manifest.json (or of the file concerned). */
  sha256?: string;
  /** Formats of the export. */
  formats?: FormatId[];
  /** Uncompressed bytes per format (completed exports). */
  bytesByFormat?: Partial<Record<FormatId, number>>;
  /** From start to end of the job, ms (completed exports). */
  durationMs?: number;
}

export type NewAuditEntry = Omit<AuditEntry, 'seq'>;

function table(db: TakeawayDb): Table<AuditEntry, number> {
  return db.table<AuditEntry, number>('auditLog');
}

/** Appends an entry; returns its sequence number. */
export function appendAudit(db: TakeawayDb, entry: NewAuditEntry): Promise<number> {
  return table(db).add(entry as AuditEntry);
}

/** Action of the entry, under the new job, that says which job it retries. */
export const RETRY_OF_ACTION = 'RETRY_OF';
/** Action of the entry, under the retried job, that names the job retrying it. */
export const RETRIED_AS_ACTION = 'RETRIED_AS';

/**
 * Links a retry to the job it retries: an entry under each job, so a search by either id finds the other.
 * The new job's detail reads "retry of job X: <what>".
 */
export async function appendRetryLink(db: TakeawayDb, link: { retryJobId: string; ofJobId: string; what: string; actor: AuditActor; nowMs: number }): Promise<void> {
  const { retryJobId, ofJobId, what, actor, nowMs } = link;
  await db.transaction('rw', table(db), async () => {
    await appendAudit(db, { atMs: nowMs, jobId: retryJobId, action: RETRY_OF_ACTION, actor, detail: `retry of job ${ofJobId}: ${what}` });
    await appendAudit(db, { atMs: nowMs, jobId: ofJobId, action: RETRIED_AS_ACTION, actor, detail: `retried as job ${retryJobId}: ${what}` });
  });
}

export interface AuditQuery {
  jobId?: string;
  action?: string;
  /** Inclusive start and exclusive end, epoch ms UTC. */
  fromMs?: number;
  toMs?: number;
  /** Case-insensitive words that must all appear in the job id, action, actor, detail or formats. */
  text?: string;
  /** Default 1000. */
  limit?: number;
}

/** Entries matching `query`, newest first. */
export async function searchAudit(db: TakeawayDb, query: AuditQuery = {}): Promise<AuditEntry[]> {
  const words = (query.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const collection = query.jobId !== undefined
    ? table(db).where('jobId').equals(query.jobId)
    : table(db).where('atMs').between(query.fromMs ?? -Infinity, query.toMs ?? Infinity, true, false);
  const rows = await collection.filter((row) => {
    if (query.action !== undefined && row.action !== query.action) return false;
    if (query.fromMs !== undefined && row.atMs < query.fromMs) return false;
    if (query.toMs !== undefined && row.atMs >= query.toMs) return false;
    const haystack = [row.jobId, row.action, row.actor, row.detail ?? '', ...(row.formats ?? [])].join(' ').toLowerCase();
    return words.every((word) => haystack.includes(word));
  }).toArray();
  return rows.sort((a, b) => b.atMs - a.atMs || b.seq - a.seq).slice(0, query.limit ?? 1000);
}

export const AUDIT_CSV_COLUMNS = ['seq', 'time_utc', 'job_id', 'action', 'actor', 'from_status', 'formats', 'size_bytes', 'sha256', 'duration_ms', 'detail'] as const;

/** The entries as CSV (RFC 4180, CRLF, papaparse-compatible quoting, formula-safe). */
export function auditToCsv(entries: readonly AuditEntry[]): string {
  let text = headerLine(AUDIT_CSV_COLUMNS, true);
  for (const e of entries) {
    text += csvLine([
      numberCell(e.seq, 0), new Date(e.atMs).toISOString(), textCell(e.jobId, true), textCell(e.action, true), textCell(e.actor, true),
      textCell(e.fromStatus, true), textCell((e.formats ?? []).join(' '), true), numberCell(e.sizeBytes, 0), textCell(e.sha256, true),
      numberCell(e.durationMs, 0), textCell(e.detail, true),
    ]);
  }
  return text;
}

export interface ExportStats {
  /** Completed exports, their archive bytes and summed durations. */
  total: { exports: number; bytes: number; durationMs: number };
  /** Per format: exports that included it and the uncompressed bytes it wrote. */
  byFormat: Partial<Record<FormatId, { exports: number; bytes: number }>>;
  /** Per UTC month `YYYY-MM`: exports, archive bytes and durations. */
  byMonth: Record<string, { exports: number; bytes: number; durationMs: number }>;
}

/** Sums the `COMPLETED` entries among `entries`. */
export function exportStats(entries: readonly AuditEntry[]): ExportStats {
  const stats: ExportStats = { total: { exports: 0, bytes: 0, durationMs: 0 }, byFormat: {}, byMonth: {} };
  for (const e of entries) {
    if (e.action !== 'COMPLETED') continue;
    const bytes = e.sizeBytes ?? 0;
    const durationMs = e.durationMs ?? 0;
    stats.total.exports += 1;
    stats.total.bytes += bytes;
    stats.total.durationMs += durationMs;
    const month = new Date(e.atMs).toISOString().slice(0, 7);
    const m = (stats.byMonth[month] ??= { exports: 0, bytes: 0, durationMs: 0 });
    m.exports += 1;
    m.bytes += bytes;
    m.durationMs += durationMs;
    for (const format of e.formats ?? []) {
      const f = (stats.byFormat[format] ??= { exports: 0, bytes: 0 });
      f.exports += 1;
      f.bytes += e.bytesByFormat?.[format] ?? 0;
    }
  }
  return stats;
}
