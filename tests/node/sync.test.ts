// The sync against the emulated records API (msw), into a real Dexie database on fake-indexeddb, on fake time.

import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExportError } from '../../src/model/errors.ts';
import { RECORD_KINDS, type RecordKind } from '../../src/model/records.ts';
import { TakeawayDb } from '../../src/store/db.ts';
import { readTrack } from '../../src/store/queries.ts';
import { tableOf } from '../../src/store/record-tables.ts';
import {
  backoffDelayMs, CircuitBreaker, CircuitOpenError, clockText, createRecordsClient, DEFAULT_RETRY_POLICY, syncAll,
  type SyncOptions,
} from '../../src/sync/index.ts';
import { createRecordsApi, MALFORMED_IDS, type RecordsApi } from '../mocks/records-api.ts';
import { setupServer } from 'msw/node';

/** 2026-11-02T00:00:00Z: after every demo record's `updatedAtMs`, so server-side changes come later. */
const T0 = Date.UTC(2026, 10, 2);

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const openDbs: TakeawayDb[] = [];
afterEach(async () => {
  for (const db of openDbs.splice(0)) await db.delete();
});

let dbCounter = 0;
function freshDb(): TakeawayDb {
  const db = new TakeawayDb(`sync-test-${++dbCounter}`);
  openDbs.push(db);
  return db;
}

function useApi(options: Parameters<typeof createRecordsApi>[0] = {}): RecordsApi {
  const api = createRecordsApi(options);
  server.use(...api.handlers);
  return api;
}

/** Fake time: `sleep` only records the wait and moves the clock. */
function fakeTime(startMs = T0) {
  const clock = { nowMs: startMs, sleeps: [] as number[] };
  const options: Pick<SyncOptions, 'now' | 'sleep' | 'random'> = {
    now: () => clock.nowMs,
    sleep: async (ms) => {
      clock.sleeps.push(ms);
      clock.nowMs += ms;
    },
    random: () => 0.5,
  };
  return { clock, options };
}

function clientFor(api: RecordsApi, token = api.token) {
  return createRecordsClient({ baseUrl: api.baseUrl, token });
}

/** Every local record of a kind, sorted by id (the order a comparison needs, not the store's). */
async function localRecords(db: TakeawayDb, kind: RecordKind) {
  return (await tableOf(db, kind).toArray()).sort((a, b) => (a.id < b.id ? -1 : 1));
}

function serverRecords(api: RecordsApi, kind: RecordKind) {
  return api.records(kind).slice().sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1));
}

async function expectStoreEqualsServer(db: TakeawayDb, api: RecordsApi): Promise<void> {
  for (const kind of RECORD_KINDS) {
    expect(await localRecords(db, kind), kind).toEqual(serverRecords(api, kind));
  }
  for (const activity of api.records('activity')) {
    const local = [];
    for await (const chunk of readTrack(db, String(activity.id))) local.push(chunk);
    expect(local).toEqual(api.track(String(activity.id)));
  }
}

describe('syncAll against the emulated records API', () => {
  it('makes the store equal to the server, tracks included, and saves a watermark per kind', async () => {
    const api = useApi();
    const db = freshDb();
    const { options } = fakeTime();
    const progress: string[] = [];
    const summary = await syncAll(db, clientFor(api), { ...options, onProgress: (p) => progress.push(`${p.kind}:${p.pages}:${p.isDone}`) });
    await expectStoreEqualsServer(db, api);
    expect(summary.activity).toMatchObject({ stored: 4, isDone: true, quarantined: 0 });
    expect(summary.steps.stored).toBe(api.records('steps').length);
    expect(progress).toContain('steps:1:false');
    const state = await db.syncState.get('weight');
    const maxUpdatedMs = Math.max(...api.records('weight').map((r) => Number(r.updatedAtMs)));
    expect(state).toEqual({ kind: 'weight', lastSyncMs: T0, watermarkMs: maxUpdatedMs });
    // Each activity has 2500 samples: two chunks, fetched on two samples pages.
    expect(api.requests.filter((r) => r.path.endsWith('/samples'))).toHaveLength(8);
  });

  it('resumes a sync aborted after page 2 without duplicates or gaps', async () => {
    const api = useApi({ pageSize: 3 });
    const db = freshDb();
    const { options } = fakeTime();
    const controller = new AbortController();
    const run = syncAll(db, clientFor(api), {
      ...options, signal: controller.signal,
      onProgress: (p) => { if (p.kind === 'steps' && p.pages === 2) controller.abort(); },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    const saved = await db.syncState.get('steps');
    expect(saved?.cursor).toEqual(expect.any(String));
    expect(await db.steps.count()).toBe(6);
    const before = api.requests.length;
    await syncAll(db, clientFor(api), options);
    const resumed = api.requests.slice(before).find((r) => r.path === 'v1/steps');
    expect(resumed?.query.cursor).toBe(saved?.cursor);
    await expectStoreEqualsServer(db, api);
  });

  it('resumes after the connection dies mid-page and stays dead until the breaker opens', async () => {
    const api = useApi();
    const db = freshDb();
    const { options } = fakeTime();
    // 6 requests go through, then the 7th is cut half-way and the network is gone for 4 more attempts.
    api.queueFaults([{ type: 'cut-mid-body' }, ...Array.from({ length: 4 }, () => ({ type: 'network-error' as const }))], { afterRequests: 6 });
    await expect(syncAll(db, clientFor(api), options)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(api.requests.map((r) => r.status).slice(6)).toEqual(['cut', 'network-error', 'network-error', 'network-error', 'network-error']);
    await syncAll(db, clientFor(api), options);
    await expectStoreEqualsServer(db, api);
    for (const kind of RECORD_KINDS) expect(await tableOf(db, kind).count()).toBe(api.records(kind).length);
  });

  it('waits as long as Retry-After says on 429', async () => {
    const api = useApi();
    const db = freshDb();
    const { clock, options } = fakeTime();
    api.queueFaults([{ type: 'status', status: 429, retryAfterS: 7 }, { type: 'status', status: 429, retryAfterS: 3 }], { afterRequests: 2 });
    await syncAll(db, clientFor(api), options);
    expect(clock.sleeps).toEqual([7000, 3000]);
    expect(api.requests.slice(2, 5).map((r) => r.status)).toEqual([429, 429, 200]);
    await expectStoreEqualsServer(db, api);
  });

  it('backs off exponentially with jitter on 5xx without Retry-After', async () => {
    const api = useApi();
    const db = freshDb();
    const { clock, options } = fakeTime();
    api.queueFaults([500, 502, 503].map((status) => ({ type: 'status', status: status as 500 })));
    await syncAll(db, clientFor(api), options);
    // random() = 0.5 and jitter 0.5: each delay is 75 % of 1 s, 2 s, 4 s.
    expect(clock.sleeps).toEqual([750, 1500, 3000]);
    expect([1, 2, 3].map((retry) => backoffDelayMs(DEFAULT_RETRY_POLICY, retry, () => 0))).toEqual([500, 1000, 2000]);
  });

  it('opens the circuit breaker after 5 consecutive 500s and says until when', async () => {
    const api = useApi();
    const db = freshDb();
    const { clock, options } = fakeTime();
    const breaker = new CircuitBreaker(DEFAULT_RETRY_POLICY);
    api.queueFaults(Array.from({ length: 10 }, () => ({ type: 'status' as const, status: 500 as const })));
    const error = await syncAll(db, clientFor(api), { ...options, breaker }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitOpenError);
    const pausedUntilMs = clock.nowMs + DEFAULT_RETRY_POLICY.breakerCooldownMs;
    expect(error).toMatchObject({ code: 'NETWORK', pausedUntilMs, message: `the records API is failing; paused until ${clockText(pausedUntilMs)}` });
    expect(api.requests).toHaveLength(5);
    expect(clock.sleeps).toHaveLength(4);
    expect((await db.syncState.get('activity'))?.lastError).toMatchObject({ code: 'NETWORK', message: (error as Error).message });
    // While open, a new run does not call the API at all.
    await expect(syncAll(db, clientFor(api), { ...options, breaker })).rejects.toBeInstanceOf(CircuitOpenError);
    expect(api.requests).toHaveLength(5);
  });

  it('stops with AUTH "sign in again" on 401', async () => {
    const api = useApi();
    const error = await syncAll(freshDb(), clientFor(api, 'expired'), fakeTime().options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportError);
    expect(error).toMatchObject({ code: 'AUTH', retryable: false });
    expect((error as Error).message).toMatch(/^sign in again/);
    expect(api.requests).toHaveLength(1);
  });

  it('keeps malformed records aside with their reasons and syncs the rest', async () => {
    const api = useApi({ hasMalformedRecords: true });
    const db = freshDb();
    const summary = await syncAll(db, clientFor(api), fakeTime().options);
    const rows = await db.quarantine.orderBy('seq').toArray();
    expect(rows.map((r) => [r.recordId, r.source, r.field])).toEqual(expect.arrayContaining([
      [MALFORMED_IDS.activity, 'api', 'sport'],
      [MALFORMED_IDS.steps, 'api', 'stepCount'],
      [MALFORMED_IDS.weight, 'api', 'weightKg'],
    ]));
    expect(rows).toHaveLength(3);
    expect(rows.find((r) => r.recordId === MALFORMED_IDS.weight)?.reason).toMatch(/weightKg/);
    expect(JSON.parse(rows.find((r) => r.recordId === MALFORMED_IDS.activity)!.rawJson)).toMatchObject({ sport: 'quidditch' });
    expect(summary.activity.quarantined + summary.steps.quarantined + summary.weight.quarantined).toBe(3);
    for (const kind of RECORD_KINDS) {
      const good = serverRecords(api, kind).filter((r) => !Object.values(MALFORMED_IDS).includes(r.id as never));
      expect(await localRecords(db, kind)).toEqual(good);
    }
  });

  it('removes a record deleted on the server, an activity with its track', async () => {
    const api = useApi();
    const db = freshDb();
    const { options } = fakeTime();
    await syncAll(db, clientFor(api), options);
    const [activity] = api.records('activity');
    const [weight] = api.records('weight');
    api.deleteRecord('activity', String(activity.id), T0 + 1000);
    api.deleteRecord('weight', String(weight.id), T0 + 2000);
    const before = api.requests.length;
    const summary = await syncAll(db, clientFor(api), options);
    expect(await db.activities.get(String(activity.id))).toBeUndefined();
    expect(await db.trackChunks.where('activityId').equals(String(activity.id)).count()).toBe(0);
    expect(await db.weights.get(String(weight.id))).toBeUndefined();
    expect(summary.weight.deleted).toBe(1);
    await expectStoreEqualsServer(db, api);
    // The second run asks only for changes since the first run's watermark.
    const weightRequest = api.requests.slice(before).find((r) => r.path === 'v1/weight');
    expect(Number(weightRequest?.query.updated_since)).toBe(Math.max(...api.records('weight').map((r) => Number(r.updatedAtMs))));
    expect(summary.weight.stored).toBe(1);
  });

  it('applies an update made on the server', async () => {
    const api = useApi();
    const db = freshDb();
    const { options } = fakeTime();
    await syncAll(db, clientFor(api), options);
    const [steps] = api.records('steps');
    const [activity] = api.records('activity');
    api.updateRecord('steps', String(steps.id), { stepCount: 12_345 }, T0 + 5000);
    api.updateRecord('activity', String(activity.id), { name: 'Renamed on the server' }, T0 + 5000);
    await syncAll(db, clientFor(api), options);
    expect(await db.steps.get(String(steps.id))).toMatchObject({ stepCount: 12_345, updatedAtMs: T0 + 5000 });
    expect(await db.activities.get(String(activity.id))).toMatchObject({ name: 'Renamed on the server' });
    await expectStoreEqualsServer(db, api);
  });
});
