// The scaled mode's tables, created on start by whichever instance comes first (idempotent; an advisory lock
// keeps two instances starting at once from racing on CREATE).

import type pg from 'pg';

/** Any 64-bit number unique to this purpose: the lock that serialises schema changes. */
const MIGRATION_LOCK = 0x74616b65_0001n;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS takeaway_users (
  user_id text PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS takeaway_jobs (
  id uuid PRIMARY KEY,
  user_id text NOT NULL,
  status text NOT NULL,
  created_at_ms bigint NOT NULL,
  request json NOT NULL,
  job jsonb NOT NULL,
  fence bigint NOT NULL DEFAULT 0,
  worker_id text,
  lease_expires_at timestamptz
);
-- The engine's last checkpoint (ExportCheckpoint without its file list, plus the attempt that wrote it).
ALTER TABLE takeaway_jobs ADD COLUMN IF NOT EXISTS checkpoint jsonb;
-- The checkpoint's file list, one row per finished file: a checkpoint adds its new files, so thousands of files
-- cost one row each rather than a growing list rewritten at every entry.
CREATE TABLE IF NOT EXISTS takeaway_checkpoint_files (
  job_id uuid NOT NULL REFERENCES takeaway_jobs (id) ON DELETE CASCADE,
  n integer NOT NULL,
  file jsonb NOT NULL,
  PRIMARY KEY (job_id, n)
);
CREATE INDEX IF NOT EXISTS takeaway_jobs_queue ON takeaway_jobs (created_at_ms) WHERE status IN ('INITIATED', 'PROCESSING', 'PAUSED');
CREATE INDEX IF NOT EXISTS takeaway_jobs_user ON takeaway_jobs (user_id, created_at_ms DESC);
CREATE TABLE IF NOT EXISTS takeaway_push_subscriptions (
  user_id text NOT NULL,
  position integer NOT NULL,
  subscription jsonb NOT NULL,
  PRIMARY KEY (user_id, position)
);
CREATE TABLE IF NOT EXISTS takeaway_outbox (
  id bigserial PRIMARY KEY,
  job_id uuid NOT NULL UNIQUE,
  user_id text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX IF NOT EXISTS takeaway_outbox_unsent ON takeaway_outbox (id) WHERE sent_at IS NULL;
`;

export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
    await client.query(SCHEMA);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
