// Schema version 1: the first shape of the database. Never edit this file once released; see ../MIGRATIONS.md.

/** Dexie `stores()` spec of version 1: primary key first, then indexes (`*` multi-entry, `[a+b]` compound, `++` auto-increment). */
export const STORES_V1 = {
  activities: 'id, startTimeMs, *tags, category, updatedAtMs, sport',
  // Columnar chunks of ~2048 samples (TRACK_CHUNK_SIZE), never one row per sample.
  trackChunks: '[activityId+seq], activityId',
  steps: 'id, date, updatedAtMs',
  weights: 'id, timestampMs, updatedAtMs',
  sleeps: 'id, startTimeMs, updatedAtMs',
  records: 'id, timestampMs, recordType, *tags, category, updatedAtMs',
  originals: 'activityId',
  quarantine: '++seq, kind, source',
  syncState: 'kind',
  exportJobs: 'id, status, createdAtMs',
  exportHistory: 'id, createdAtMs',
  checkpoints: '[jobId+entryIndex], jobId',
  schedules: 'id, nextRunMs',
  templates: 'id, name',
  auditLog: '++seq, atMs, jobId, action',
} as const;
