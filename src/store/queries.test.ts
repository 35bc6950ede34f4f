import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordKind, TakeawayRecord } from '../model/records.ts';
import type { RecordFilter } from '../model/request.ts';
import type { TakeawayDb } from './db.ts';
import {
  clearAll, countRecords, deleteRecord, listCategories, listTags, putActivity, putRecords, queryRecords, readTrack,
  storeCounts, type PageKey,
} from './queries.ts';
import {
  DAY_MS, T0, countValueReads, freshDb, makeActivity, makeChunk, makeGeneric, makeSleep, makeSteps, makeWeight,
} from './test-fixtures.ts';

const HOUR_MS = 3_600_000;
const open: TakeawayDb[] = [];

function newDb(label: string): TakeawayDb {
  const db = freshDb(label);
  open.push(db);
  return db;
}

afterEach(async () => {
  for (const db of open.splice(0)) await db.delete();
});

const filterOf = (kind: RecordKind, extra: Omit<RecordFilter, 'kinds'> = {}): RecordFilter => ({ kinds: [kind], ...extra });

async function ids(db: TakeawayDb, kind: RecordKind, filter: RecordFilter): Promise<string[]> {
  return (await queryRecords(db, kind, filter, { limit: 1000 })).records.map((r) => r.id);
}

async function allPages(db: TakeawayDb, kind: RecordKind, filter: RecordFilter, limit: number): Promise<{ pages: TakeawayRecord[][] }> {
  const pages: TakeawayRecord[][] = [];
  let afterKey: PageKey | undefined;
  do {
    const page = await queryRecords(db, kind, filter, { afterKey, limit });
    pages.push(page.records);
    afterKey = page.nextKey;
  } while (afterKey && pages.length < 100);
  return { pages };
}

describe('range queries', () => {
  it('includes the from time and excludes the to time', async () => {
    const db = newDb('range');
    await putRecords(db, [0, 1, 2, 3].map((h) => makeWeight(`w${h}`, T0 + h * HOUR_MS)));
    expect(await ids(db, 'weight', filterOf('weight', { range: { fromMs: T0 + HOUR_MS, toMs: T0 + 3 * HOUR_MS } }))).toEqual(['w1', 'w2']);
    expect(await ids(db, 'weight', filterOf('weight', { range: { fromMs: T0 + HOUR_MS } }))).toEqual(['w1', 'w2', 'w3']);
    expect(await ids(db, 'weight', filterOf('weight', { range: { toMs: T0 + HOUR_MS } }))).toEqual(['w0']);
  });

  it('ranges steps by the UTC midnight of their date, as matchesFilter does', async () => {
    const db = newDb('steps-range');
    await putRecords(db, ['2024-04-30', '2024-05-01', '2024-05-02', '2024-05-03'].map((date) => makeSteps(`s-${date}`, date)));
    // From 2024-05-01T00:00Z inclusive to 2024-05-03T00:00Z exclusive.
    expect(await ids(db, 'steps', filterOf('steps', { range: { fromMs: T0, toMs: T0 + 2 * DAY_MS } }))).toEqual(['s-2024-05-01', 's-2024-05-02']);
    // A from in the middle of 2024-04-30 skips that day (its midnight is before the range).
    expect(await ids(db, 'steps', filterOf('steps', { range: { fromMs: T0 - HOUR_MS, toMs: T0 + DAY_MS + 1 } }))).toEqual(['s-2024-05-01', 's-2024-05-02']);
  });

  it('orders by time then id whatever the insertion order', async () => {
    const db = newDb('order');
    await putRecords(db, [makeSleep('b', T0), makeSleep('c', T0 - DAY_MS), makeSleep('a', T0)]);
    expect(await ids(db, 'sleep', filterOf('sleep'))).toEqual(['c', 'a', 'b']);
  });

  it('returns nothing for a kind the filter does not list', async () => {
    const db = newDb('kinds');
    await putRecords(db, [makeWeight('w', T0)]);
    expect(await ids(db, 'weight', filterOf('sleep'))).toEqual([]);
    expect(await countRecords(db, 'weight', filterOf('sleep'))).toBe(0);
  });
});

describe('tags and categories', () => {
  async function seed(db: TakeawayDb) {
    await putRecords(db, [
      makeActivity('a1', T0, { tags: ['race', 'road'], category: 'training' }),
      makeActivity('a2', T0 + 1, { tags: ['road'], category: 'commute' }),
      makeActivity('a3', T0 + 2, { tags: [] }),
      makeGeneric('r1', T0, { tags: ['billable'], category: 'work' }),
    ]);
  }

  it('finds records by any of the tags, once each, through the multi-entry index', async () => {
    const db = newDb('tags');
    await seed(db);
    expect(await ids(db, 'activity', filterOf('activity', { tags: ['race'] }))).toEqual(['a1']);
    expect(await ids(db, 'activity', filterOf('activity', { tags: ['race', 'road'] }))).toEqual(['a1', 'a2']);
    expect(await countRecords(db, 'activity', filterOf('activity', { tags: ['race', 'road'] }))).toBe(2);
    expect(await listTags(db, 'activity')).toEqual(['race', 'road']);
  });

  it('finds records by category', async () => {
    const db = newDb('category');
    await seed(db);
    expect(await ids(db, 'activity', filterOf('activity', { categories: ['commute'] }))).toEqual(['a2']);
    expect(await countRecords(db, 'activity', filterOf('activity', { categories: ['commute', 'training'] }))).toBe(2);
    expect(await ids(db, 'record', filterOf('record', { categories: ['work'] }))).toEqual(['r1']);
    expect(await listCategories(db, 'activity')).toEqual(['commute', 'training']);
  });

  it('matches no steps, weights or sleeps when the filter asks for tags', async () => {
    const db = newDb('untagged-kinds');
    await putRecords(db, [makeWeight('w', T0)]);
    expect(await countRecords(db, 'weight', filterOf('weight', { tags: ['x'] }))).toBe(0);
    expect(await ids(db, 'weight', filterOf('weight', { tags: ['x'] }))).toEqual([]);
  });
});

describe('cursor paging', () => {
  // 23 records over 6 distinct times, so most pages start or end in the middle of a tie.
  const records = Array.from({ length: 23 }, (_, i) => makeGeneric(`r${String(22 - i).padStart(2, '0')}`, T0 + (i % 6) * HOUR_MS, { tags: i % 3 === 0 ? ['x'] : ['y'] }));
  const expectedOrder = [...records].sort((a, b) => a.timestampMs - b.timestampMs || (a.id < b.id ? -1 : 1)).map((r) => r.id);

  it('visits every record once, in time then id order, across pages with ties on time', async () => {
    const db = newDb('paging');
    await putRecords(db, records);
    for (const limit of [1, 4, 5, 23, 50]) {
      const { pages } = await allPages(db, 'record', filterOf('record'), limit);
      expect(pages.flat().map((r) => r.id), `limit ${limit}`).toEqual(expectedOrder);
      expect(pages.every((page) => page.length <= limit)).toBe(true);
      expect(pages.length).toBe(Math.max(1, Math.ceil(23 / limit)));
    }
  });

  it('fills each page with matching records when a filter rejects some', async () => {
    const db = newDb('paging-filter');
    await putRecords(db, records);
    const expected = expectedOrder.filter((id) => records.find((r) => r.id === id)!.tags.includes('x'));
    const { pages } = await allPages(db, 'record', filterOf('record', { tags: ['x'] }), 3);
    expect(pages.flat().map((r) => r.id)).toEqual(expected);
    expect(pages.slice(0, -1).every((page) => page.length === 3)).toBe(true);
  });

  it('pages steps by date with ties on the same day', async () => {
    const db = newDb('paging-steps');
    await putRecords(db, [makeSteps('b', '2024-05-02'), makeSteps('a', '2024-05-02'), makeSteps('c', '2024-05-01'), makeSteps('d', '2024-05-03')]);
    const { pages } = await allPages(db, 'steps', filterOf('steps'), 1);
    expect(pages.flat().map((r) => r.id)).toEqual(['c', 'a', 'b', 'd']);
  });
});

describe('counts', () => {
  async function seeded(label: string) {
    const db = newDb(label);
    const reads = countValueReads(db);
    await putRecords(db, Array.from({ length: 30 }, (_, i) => makeActivity(`a${i}`, T0 + i * HOUR_MS, {
      tags: i % 2 === 0 ? ['even'] : ['odd'], category: i < 10 ? 'early' : 'late', totals: { elapsedS: i, timerS: i },
    })));
    return { db, reads };
  }

  it('counts a range from the index without loading records', async () => {
    const { db, reads } = await seeded('count-range');
    const before = reads.reads;
    expect(await countRecords(db, 'activity', filterOf('activity', { range: { fromMs: T0 + 5 * HOUR_MS, toMs: T0 + 15 * HOUR_MS } }))).toBe(10);
    expect(await countRecords(db, 'activity', filterOf('activity'))).toBe(30);
    expect(reads.reads).toBe(before);
  });

  it('counts range, tags and categories together from index keys without loading records', async () => {
    const { db, reads } = await seeded('count-keys');
    const before = reads.reads;
    const filter = filterOf('activity', { range: { fromMs: T0 + 5 * HOUR_MS }, tags: ['even'], categories: ['early'] });
    expect(await countRecords(db, 'activity', filter)).toBe(2); // a6, a8
    expect(reads.reads).toBe(before);
    expect(await ids(db, 'activity', filter)).toEqual(['a6', 'a8']);
  });

  it('loads records to count when the filter has conditions', async () => {
    const { db, reads } = await seeded('count-conditions');
    const before = reads.reads;
    expect(await countRecords(db, 'activity', filterOf('activity', { conditions: [{ field: 'totals.elapsedS', op: 'gt', value: 25 }] }))).toBe(4);
    expect(reads.reads).toBeGreaterThan(before);
  });

  it('reports count and first/last time per kind', async () => {
    const db = newDb('store-counts');
    await putRecords(db, [makeWeight('w1', T0 + 5), makeWeight('w2', T0 - 5), makeSteps('s', '2024-05-03')]);
    const counts = await storeCounts(db);
    expect(counts.weight).toEqual({ count: 2, firstTimeMs: T0 - 5, lastTimeMs: T0 + 5 });
    expect(counts.steps).toEqual({ count: 1, firstTimeMs: T0 + 2 * DAY_MS, lastTimeMs: T0 + 2 * DAY_MS });
    expect(counts.activity).toEqual({ count: 0 });
  });
});

describe('activities and their tracks', () => {
  it('stores an activity with its chunks and reads them back in seq order', async () => {
    const db = newDb('track');
    const chunks = [2, 0, 1].map((seq) => makeChunk('a1', seq, 2048, T0));
    await putActivity(db, makeActivity('a1', T0, { sampleCount: 3 * 2048, channels: ['lat', 'lon', 'heartRateBpm'] }), chunks);
    const read = [];
    for await (const chunk of readTrack(db, 'a1')) read.push(chunk);
    expect(read.map((c) => c.seq)).toEqual([0, 1, 2]);
    expect(await db.trackChunks.count()).toBe(3);
  });

  it('keeps typed arrays typed across a round trip, NaN included', async () => {
    const db = newDb('typed');
    const chunk = makeChunk('a1', 0, 16, T0);
    await putActivity(db, makeActivity('a1', T0, { sampleCount: 16 }), [chunk]);
    const [back] = await db.trackChunks.toArray();
    expect(back.timeMs).toBeInstanceOf(Float64Array);
    expect(back.lat).toBeInstanceOf(Float64Array);
    expect(back.heartRateBpm).toBeInstanceOf(Float32Array);
    expect(Array.from(back.lat!)).toEqual(Array.from(chunk.lat!));
    expect(Number.isNaN(back.heartRateBpm![1])).toBe(true);
  });

  it('replaces the old chunks when an activity is put again', async () => {
    const db = newDb('replace');
    await putActivity(db, makeActivity('a1', T0), [0, 1, 2].map((seq) => makeChunk('a1', seq, 4, T0)));
    await putActivity(db, makeActivity('a2', T0), [makeChunk('a2', 0, 4, T0)]);
    await putActivity(db, makeActivity('a1', T0, { name: 'Renamed' }), [makeChunk('a1', 0, 2, T0)]);
    const read = [];
    for await (const chunk of readTrack(db, 'a1')) read.push(chunk);
    expect(read.map((c) => [c.seq, c.count])).toEqual([[0, 2]]);
    expect((await db.activities.get('a1'))?.name).toBe('Renamed');
    expect(await db.trackChunks.where('activityId').equals('a2').count()).toBe(1);
  });

  it('refuses chunks of another activity and writes nothing', async () => {
    const db = newDb('stray');
    await expect(putActivity(db, makeActivity('a1', T0), [makeChunk('a9', 0, 4, T0)])).rejects.toMatchObject({ code: 'INVALID_RECORD' });
    expect(await db.activities.count()).toBe(0);
  });

  it('deletes an activity with its chunks and original file, leaving others alone', async () => {
    const db = newDb('cascade');
    await putActivity(db, makeActivity('a1', T0), [makeChunk('a1', 0, 4, T0), makeChunk('a1', 1, 4, T0)]);
    await putActivity(db, makeActivity('a2', T0), [makeChunk('a2', 0, 4, T0)]);
    await db.originals.bulkPut([{ activityId: 'a1', name: 'a1.fit', bytes: new Uint8Array([14, 16]) }, { activityId: 'a2', name: 'a2.fit', bytes: new Uint8Array([1]) }]);
    await deleteRecord(db, 'activity', 'a1');
    expect(await db.activities.toCollection().primaryKeys()).toEqual(['a2']);
    expect((await db.trackChunks.toArray()).map((c) => c.activityId)).toEqual(['a2']);
    expect(await db.originals.toCollection().primaryKeys()).toEqual(['a2']);
  });

  it('deletes a plain record from its own table', async () => {
    const db = newDb('delete-plain');
    await putRecords(db, [makeWeight('x', T0), makeSleep('x', T0)]);
    await deleteRecord(db, 'weight', 'x');
    expect(await db.weights.count()).toBe(0);
    expect(await db.sleeps.count()).toBe(1);
  });
});

describe('writing and clearing', () => {
  it('routes each record to its kind table', async () => {
    const db = newDb('route');
    await putRecords(db, [makeActivity('a', T0), makeSteps('s', '2024-05-01'), makeWeight('w', T0), makeSleep('z', T0), makeGeneric('r', T0)]);
    expect([await db.activities.count(), await db.steps.count(), await db.weights.count(), await db.sleeps.count(), await db.records.count()]).toEqual([1, 1, 1, 1, 1]);
  });

  it('clears every table', async () => {
    const db = newDb('clear');
    await putActivity(db, makeActivity('a', T0), [makeChunk('a', 0, 4, T0)]);
    await putRecords(db, [makeWeight('w', T0)]);
    await db.quarantine.add({ kind: 'weight', source: 'api', field: 'id', reason: 'weight: id is missing', rawJson: '{}', atMs: T0 });
    await db.exportJobs.put({ id: 'j1', status: 'done', createdAtMs: T0 });
    await clearAll(db);
    const counts = await Promise.all(db.tables.map((table) => table.count()));
    expect(counts.every((n) => n === 0)).toBe(true);
  });
});

describe('degenerate ranges', () => {
  it('returns nothing when the range ends before it starts', async () => {
    const db = newDb('inverted');
    await putRecords(db, [makeWeight('w', T0), makeSteps('s', '2024-05-01')]);
    const range = { fromMs: T0 + DAY_MS, toMs: T0 - DAY_MS };
    expect(await ids(db, 'weight', filterOf('weight', { range }))).toEqual([]);
    expect(await ids(db, 'steps', filterOf('steps', { range }))).toEqual([]);
    expect(await countRecords(db, 'weight', filterOf('weight', { range }))).toBe(0);
  });
});
