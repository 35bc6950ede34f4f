import 'fake-indexeddb/auto';
import { getResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { TakeawayDb } from '../store/db.ts';
import { createRecordsClient } from '../sync/client.ts';
import { CircuitBreaker, DEFAULT_RETRY_POLICY } from '../sync/retry.ts';
import { createRecordsApi, type RecordsApi } from '../../tests/mocks/records-api.ts';
import { runSync } from './sync-run.ts';

const dbs: TakeawayDb[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.delete();
});

function setup(token = 'demo-token'): { db: TakeawayDb; api: RecordsApi; client: ReturnType<typeof createRecordsClient> } {
  const db = new TakeawayDb(`sync-run-${dbs.length}-${Math.random()}`);
  dbs.push(db);
  const api = createRecordsApi({ pageSize: 2 });
  const fetchFromHandlers = async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await getResponse(api.handlers, new Request(input, init));
    if (!response || response.type === 'error') throw new TypeError('Failed to fetch');
    return response;
  };
  return { db, api, client: createRecordsClient({ baseUrl: api.baseUrl, token, fetch: fetchFromHandlers as typeof fetch }) };
}

const instant = { sleep: async () => {}, random: () => 0 };

describe('runSync', () => {
  it('ends done with the per-kind summary of a full sync', async () => {
    const { db, api, client } = setup();
    const outcome = await runSync(db, client, instant);
    expect(outcome.status).toBe('done');
    expect(outcome.summary.activity?.stored).toBe(api.records('activity').length);
    expect(await db.activities.count()).toBe(api.records('activity').length);
  });

  it('turns a 401 into "auth" (sign in again)', async () => {
    const { db, client } = setup('stale-token');
    const outcome = await runSync(db, client, instant);
    expect(outcome).toMatchObject({ status: 'auth' });
  });

  it('turns an open breaker into "paused" with the time it lets calls through again, also on the next run', async () => {
    const { db, api, client } = setup();
    api.queueFaults(Array.from({ length: 5 }, () => ({ type: 'status' as const, status: 503 as const, retryAfterS: 0 })), { afterRequests: 2 });
    const breaker = new CircuitBreaker();
    const nowMs = Date.UTC(2026, 10, 2, 9, 0);
    const first = await runSync(db, client, { ...instant, breaker, now: () => nowMs });
    expect(first).toMatchObject({ status: 'paused', pausedUntilMs: nowMs + DEFAULT_RETRY_POLICY.breakerCooldownMs });
    expect(first.summary.activity?.pages ?? 0).toBeLessThanOrEqual(2);
    const requests = api.requests.length;
    const second = await runSync(db, client, { ...instant, breaker, now: () => nowMs + 1000 });
    expect(second.status).toBe('paused');
    expect(api.requests.length).toBe(requests);
  });

  it('turns an abort into "cancelled" and keeps what was stored', async () => {
    const { db, client } = setup();
    const controller = new AbortController();
    const outcome = await runSync(db, client, {
      ...instant, signal: controller.signal,
      onProgress: (p) => { if (p.pages === 1) controller.abort(new DOMException('stop', 'AbortError')); },
    });
    expect(outcome.status).toBe('cancelled');
    expect(await db.activities.count()).toBeGreaterThan(0);
    expect((await db.syncState.get('activity'))?.cursor).toBeDefined();
  });
});
