// The one Dexie database of Takeaway: typed tables and every schema version, oldest first.

import { Dexie, type DexieOptions, type EntityTable, type Table } from 'dexie';
import type { Activity, DailySteps, GenericRecord, Sleep, TrackChunk, Weight } from '../model/records.ts';
import { STORES_V1 } from './migrations/001-initial.ts';
import type {
  AuditLogRow, CheckpointRow, ExportHistoryRow, ExportJobRow, OriginalRow, QuarantineRow, ScheduleRow,
  SyncStateRow, TemplateRow,
} from './rows.ts';

/** Default IndexedDB database name. */
export const DEFAULT_DB_NAME = 'takeaway';

/** The current schema version (the highest `version(n)` below). */
export const SCHEMA_VERSION = 1;

export class TakeawayDb extends Dexie {
  activities!: Table<Activity, string>;
  trackChunks!: Table<TrackChunk, [string, number]>;
  steps!: Table<DailySteps, string>;
  weights!: Table<Weight, string>;
  sleeps!: Table<Sleep, string>;
  records!: Table<GenericRecord, string>;
  originals!: Table<OriginalRow, string>;
  quarantine!: EntityTable<QuarantineRow, 'seq'>;
  syncState!: Table<SyncStateRow, string>;
  exportJobs!: Table<ExportJobRow, string>;
  exportHistory!: Table<ExportHistoryRow, string>;
  checkpoints!: Table<CheckpointRow, [string, number]>;
  schedules!: Table<ScheduleRow, string>;
  templates!: Table<TemplateRow, string>;
  auditLog!: EntityTable<AuditLogRow, 'seq'>;

  /**
   * Opens (lazily, on first use) the database `name` (default `takeaway`). `options` goes to Dexie,
   * e.g. `{ indexedDB, IDBKeyRange }` to run on fake-indexeddb without the global shim.
   */
  constructor(name: string = DEFAULT_DB_NAME, options?: DexieOptions) {
    super(name, options);
    // Every version stays here forever; a new one is version(n + 1).stores(...).upgrade(...) from migrations/.
    this.version(1).stores(STORES_V1);
  }
}
