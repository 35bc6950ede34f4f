// Push subscriptions of the scaled mode in PostgreSQL, so the instance that sends a message (any worker, draining
// the outbox) sees the subscriptions every API instance stored. A user's list changes under that user's row lock.

import type { PushSubscriptionJson, PushSubscriptionStore } from '../push.ts';
import { lockUser, type PgJobStore } from './pg-job-store.ts';

export class PgPushSubscriptions implements PushSubscriptionStore {
  constructor(private readonly store: PgJobStore) {}

  async init(): Promise<void> {
    // The table is made by schema.ts with the others.
  }

  async list(userId: string): Promise<PushSubscriptionJson[]> {
    const { rows } = await this.store.pool.query('SELECT subscription FROM takeaway_push_subscriptions WHERE user_id = $1 ORDER BY position', [userId]);
    return rows.map((r) => r.subscription as PushSubscriptionJson);
  }

  async update(userId: string, change: (list: PushSubscriptionJson[]) => PushSubscriptionJson[]): Promise<void> {
    await this.store.transaction(async (client) => {
      await lockUser(client, userId);
      const { rows } = await client.query('SELECT subscription FROM takeaway_push_subscriptions WHERE user_id = $1 ORDER BY position', [userId]);
      const next = change(rows.map((r) => r.subscription as PushSubscriptionJson));
      await client.query('DELETE FROM takeaway_push_subscriptions WHERE user_id = $1', [userId]);
      if (next.length > 0) {
        await client.query(
          `INSERT INTO takeaway_push_subscriptions (user_id, position, subscription)
             SELECT $1, ordinality, value FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(value, ordinality)`,
          [userId, JSON.stringify(next)],
        );
      }
    });
  }
}
