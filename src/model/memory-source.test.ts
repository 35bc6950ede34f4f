import { describe, expect, it } from 'vitest';
import { compareRecords, MemoryRecordSource } from './memory-source.ts';
import type { Activity, DailySteps, GenericRecord, TakeawayRecord, TrackChunk } from './records.ts';

function steps(date: string, id = `steps-${date}`): DailySteps {
  return { kind: 'steps', id, updatedAtMs: 0, date, stepCount: 1000 };
}

function entry(id: string, timestampMs: number, tags: string[], category?: string): GenericRecord {
  return { kind: 'record', id, updatedAtMs: 0, recordType: 'time_entry', timestampMs, utcOffsetMin: 0, title: `entry ${id}`, tags, category, fields: { hours: 1 } };
}

function activity(id: string, startTimeMs: number): Activity {
  return {
    kind: 'activity', id, updatedAtMs: 0, sport: 'running', subSport: 'road', name: id, startTimeMs, utcOffsetMin: 0,
    totals: { elapsedS: 1, timerS: 1 }, tags: [], laps: [], pauses: [], sampleCount: 2, channels: [],
  };
}

async function all<K extends TakeawayRecord['kind']>(source: MemoryRecordSource, kind: K, filter: Parameters<MemoryRecordSource['records']>[1], batchSize?: number) {
  const batches: TakeawayRecord[][] = [];
  for await (const batch of source.records(kind, filter, batchSize)) batches.push(batch);
  return batches;
}

describe('MemoryRecordSource', () => {
  const records: TakeawayRecord[] = [
    entry('r3', 3_000, ['client'], 'work'),
    steps('2026-01-02'),
    entry('r1', 1_000, ['internal'], 'admin'),
    entry('r2b', 2_000, ['client', 'meeting'], 'work'),
    entry('r2a', 2_000, [], 'work'),
    steps('2026-01-01'),
  ];
  const source = new MemoryRecordSource(records);

  it('orders records by time, then by id', async () => {
    const [batch] = await all(source, 'record', { kinds: ['record'] });
    expect(batch.map((r) => r.id)).toEqual(['r1', 'r2a', 'r2b', 'r3']);
    const [days] = await all(source, 'steps', { kinds: ['steps'] });
    expect(days.map((r) => r.id)).toEqual(['steps-2026-01-01', 'steps-2026-01-02']);
  });

  it('cuts results into batches of at most batchSize, with no empty batch', async () => {
    expect((await all(source, 'record', { kinds: ['record'] }, 3)).map((b) => b.length)).toEqual([3, 1]);
    expect((await all(source, 'record', { kinds: ['record'] }, 2)).map((b) => b.length)).toEqual([2, 2]);
    expect(await all(source, 'weight', { kinds: ['weight'] })).toEqual([]);
  });

  it('applies the filter: range end exclusive, tags, categories, conditions and text', async () => {
    const ids = async (filter: Parameters<MemoryRecordSource['records']>[1]) => (await all(source, 'record', filter)).flat().map((r) => r.id);
    expect(await ids({ kinds: ['record'], range: { fromMs: 2_000, toMs: 3_000 } })).toEqual(['r2a', 'r2b']);
    expect(await ids({ kinds: ['record'], tags: ['client'] })).toEqual(['r2b', 'r3']);
    expect(await ids({ kinds: ['record'], categories: ['admin'] })).toEqual(['r1']);
    expect(await ids({ kinds: ['record'], text: 'ENTRY R3' })).toEqual(['r3']);
    expect(await ids({ kinds: ['steps'] })).toEqual([]);
  });

  it('counts records matching the whole filter, free text included, as the store does', async () => {
    expect(await source.count('record', { kinds: ['record'], categories: ['work'] })).toBe(3);
    expect(await source.count('record', { kinds: ['record'], categories: ['work'], text: 'nothing matches this' })).toBe(0);
    expect(await source.count('steps', { kinds: ['steps'], range: { fromMs: Date.UTC(2026, 0, 2) } })).toBe(1);
  });

  it('serves stored track chunks in order, and nothing for an activity without a track', async () => {
    const a = activity('a1', 0);
    const chunk: TrackChunk = { activityId: 'a1', seq: 0, startIndex: 0, count: 2, timeMs: Float64Array.from([0, 1000]) };
    const withTracks = new MemoryRecordSource([a], new Map([['a1', [chunk]]]));
    const chunks: TrackChunk[] = [];
    for await (const c of withTracks.track(a)) chunks.push(c);
    expect(chunks).toEqual([chunk]);
    for await (const _ of withTracks.track(activity('a2', 0))) throw new Error('a2 has no track');
  });

  it('takes a track function instead of stored chunks', async () => {
    const a = activity('a1', 0);
    const made = new MemoryRecordSource([a], async function* (x) {
      yield { activityId: x.id, seq: 0, startIndex: 0, count: 1, timeMs: Float64Array.from([x.startTimeMs]) };
    });
    const chunks: TrackChunk[] = [];
    for await (const c of made.track(a)) chunks.push(c);
    expect(chunks.map((c) => c.activityId)).toEqual(['a1']);
  });

  it('rejects a batch size below 1', async () => {
    await expect(all(source, 'record', { kinds: ['record'] }, 0)).rejects.toThrow(RangeError);
  });

  it('compares records of different kinds by their filter time', () => {
    expect(compareRecords(steps('2026-01-01'), entry('x', Date.UTC(2026, 0, 1, 6), []))).toBeLessThan(0);
    expect(compareRecords(entry('b', 5, []), entry('a', 5, []))).toBeGreaterThan(0);
  });
});
