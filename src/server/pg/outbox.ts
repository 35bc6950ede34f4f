// The push outbox of the scaled mode: a job's end and its message are written in one transaction
// (pg-job-store.ts finish), and any instance sends what is unsent. Rows are locked while sent (SKIP LOCKED), so two
// instances never send the same message; a row is marked sent after its attempt, whatever the push service said
// (push.ts already drops subscriptions that answer 404/410), so one unreachable endpoint cannot block the rest.

import type { PushPayload, PushService } from '../push.ts';
import type { PgJobStore } from './pg-job-store.ts';

/** Messages sent per transaction. */
const BATCH = 20;

/** Sends unsent messages until none is left (or `maxBatches` batches); returns how many were sent. */
export async function drainOutbox(store: PgJobStore, push: PushService, maxBatches = 50): Promise<number> {
  let sent = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const count = await store.transaction(async (client) => {
      const { rows } = await client.query(
        'SELECT id, user_id, payload FROM takeaway_outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED',
        [BATCH],
      );
      for (const row of rows) {
        await push.notify(row.user_id, row.payload as PushPayload).catch((error: unknown) => console.warn(`push for export ${String(row.payload?.exportId)} failed:`, error));
        await client.query('UPDATE takeaway_outbox SET sent_at = now() WHERE id = $1', [row.id]);
      }
      return rows.length;
    });
    sent += count;
    if (count < BATCH) break;
  }
  return sent;
}
