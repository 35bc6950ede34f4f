// Row types of the tables that are not records. Minimal on purpose: later issues add optional fields here
// (non-indexed fields need no schema version; a new index does, see MIGRATIONS.md).

/** Original bytes of an imported device file, kept so `original` exports pass it through unchanged. */
export interface OriginalRow {
  activityId: string;
  /** File name as imported, e.g. `2024-05-01-run.fit`. */
  name: string;
  bytes: Uint8Array;
}

/** A record that failed validation: kept with its reason and raw JSON, never silently dropped. */
export interface QuarantineRow {
  /** Auto-incremented key. */
  seq: number;
  /** The record's kind when it had a valid one, else `unknown`. */
  kind: string;
  /** Where it came from (`api`, `import:garmin.fit`, `jsonl:export.jsonl`…). */
  source: string;
  recordId?: string;
  /** Field path of the problem (`totals.avgHeartRateBpm`), `` for the record itself. */
  field: string;
  /** The full sentence from `validateRecord`. */
  reason: string;
  /** The record as received, JSON (or a description when it cannot be serialised). */
  rawJson: string;
  atMs: number;
}

/** Incremental sync position per record kind. */
export interface SyncStateRow {
  kind: string;
  /** Opaque cursor from the records API: the next page of the pass in progress; absent between passes. */
  cursor?: string;
  /** End of the last finished pass, epoch ms (the sync's clock). */
  lastSyncMs?: number;
  /** `updated_since` of the pass in progress (absent: everything), so a resumed pass asks the same query. */
  passSinceMs?: number;
  /** Highest change time (`updatedAtMs`/`deletedAtMs`) seen in the pass in progress, epoch ms. */
  passMaxChangeMs?: number;
  /** `updated_since` of the next pass: the highest change time of the last finished pass, epoch ms. */
  watermarkMs?: number;
  /** The last sync error of this kind (code and message), cleared by a successful pass. */
  lastError?: { code: string; message: string; atMs: number };
}

export interface ExportJobRow {
  id: string;
  /** `queued`, `running`, `done`, `failed`, `cancelled`… owned by the job issue. */
  status: string;
  createdAtMs: number;
}

export interface ExportHistoryRow {
  id: string;
  createdAtMs: number;
}

/** Progress of a resumable export: one row per finished zip entry. */
export interface CheckpointRow {
  jobId: string;
  entryIndex: number;
}

export interface ScheduleRow {
  id: string;
  /** Next time the schedule fires, epoch ms UTC. */
  nextRunMs: number;
}

export interface TemplateRow {
  id: string;
  name: string;
}

export interface AuditLogRow {
  /** Auto-incremented key. */
  seq: number;
  atMs: number;
  jobId: string;
  action: string;
}
