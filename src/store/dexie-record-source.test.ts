import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { matchesFilter } from '../model/filter.ts';
import type { GenericRecord } from '../model/records.ts';
import type { RecordFilter } from '../model/request.ts';
import type { TakeawayDb } from './db.ts';
import { DexieRecordSource } from './dexie-record-source.ts';
import { putActivity, putRecords } from './queries.ts';
import { T0, freshDb, makeActivity, makeChunk, makeGeneric } from './test-fixtures.ts';

const MINUTE_MS = 60_000;
const open: TakeawayDb[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.delete();
});

async function seeded(label: string): Promise<{ db: TakeawayDb; records: GenericRecord[] }> {
  const db = freshDb(label);
  open.push(db);
  const records = Array.from({ length: 40 }, (_, i) => makeGeneric(`r${String(i).padStart(2, '0')}`, T0 + Math.floor(i / 4) * MINUTE_MS, {
    recordType: i % 2 === 0 ? 'time_entry' : 'transaction',
    title: i % 5 === 0 ? 'Client call' : 'Deep work',
    tags: i % 3 === 0 ? ['billable'] : [],
    category: i < 20 ? 'acme' : 'globex',
    fields: { amount: i, when: { date: new Date(T0 + i * MINUTE_MS).toISOString() } },
  }));
  await putRecords(db, records);
  return { db, records };
}

async function collect(source: DexieRecordSource, filter: RecordFilter, batchSize: number): Promise<GenericRecord[][]> {
  const batches: GenericRecord[][] = [];
  for await (const batch of source.records('record', filter, batchSize)) batches.push(batch);
  return batches;
}

describe('DexieRecordSource', () => {
  it('yields batches of at most batchSize holding exactly the records matchesFilter accepts, in order', async () => {
    const { db, records } = await seeded('source-filter');
    const filter: RecordFilter = {
      kinds: ['record'], range: { fromMs: T0 + MINUTE_MS, toMs: T0 + 9 * MINUTE_MS },
      categories: ['acme', 'globex'], recordTypes: ['time_entry'], conditions: [{ field: 'fields.amount', op: 'gt', value: 5 }], text: 'work',
    };
    const expected = records.filter((r) => matchesFilter(r, filter)).map((r) => r.id);
    expect(expected.length).toBeGreaterThan(4);
    const batches = await collect(new DexieRecordSource(db), filter, 3);
    expect(batches.every((batch) => batch.length > 0 && batch.length <= 3)).toBe(true);
    expect(batches.flat().map((r) => r.id)).toEqual(expected);
  });

  it('applies tags through matchesFilter', async () => {
    const { db, records } = await seeded('source-tags');
    const filter: RecordFilter = { kinds: ['record'], tags: ['billable'] };
    const batches = await collect(new DexieRecordSource(db), filter, 5);
    expect(batches.flat().map((r) => r.id)).toEqual(records.filter((r) => r.tags.includes('billable')).map((r) => r.id));
  });

  it('yields no batch when nothing matches', async () => {
    const { db } = await seeded('source-empty');
    expect(await collect(new DexieRecordSource(db), { kinds: ['record'], text: 'no such words' }, 10)).toEqual([]);
  });

  it('counts exactly the records it yields, text search and field conditions included (issue 15 item 1)', async () => {
    const { db, records } = await seeded('source-count');
    const source = new DexieRecordSource(db);
    const filters: RecordFilter[] = [
      { kinds: ['record'], categories: ['acme'] },
      { kinds: ['record'], categories: ['acme'], text: 'nothing matches this' },
      { kinds: ['record'], text: 'client' },
      { kinds: ['record'], conditions: [{ field: 'fields.amount', op: 'gt', value: 30 }] },
      { kinds: ['record'], range: { fromMs: T0, toMs: T0 + 2 * MINUTE_MS }, tags: ['billable'] },
    ];
    const counts = await Promise.all(filters.map((filter) => source.count('record', filter)));
    expect(counts).toEqual(filters.map((filter) => records.filter((r) => matchesFilter(r, filter)).length));
    expect(counts).toEqual([20, 0, 8, 9, 3]);
  });

  it('reads an activity track in order and its original file', async () => {
    const db = freshDb('source-track');
    open.push(db);
    const activity = makeActivity('a1', T0, { sampleCount: 12 });
    await putActivity(db, activity, [makeChunk('a1', 1, 6, T0), makeChunk('a1', 0, 6, T0)]);
    await db.originals.put({ activityId: 'a1', name: 'run.fit', bytes: new Uint8Array([14, 32, 1]) });
    const source = new DexieRecordSource(db);
    const seqs: number[] = [];
    for await (const chunk of source.track(activity)) seqs.push(chunk.seq);
    expect(seqs).toEqual([0, 1]);
    expect(await source.original(activity)).toEqual({ name: 'run.fit', bytes: new Uint8Array([14, 32, 1]) });
    expect(await source.original(makeActivity('a2', T0))).toBeUndefined();
  });
});
