import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { TakeawayDb } from './db.ts';
import { ingestRecords } from './ingest.ts';
import { T0, freshDb, makeActivity, makeWeight } from './test-fixtures.ts';

const open: TakeawayDb[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.delete();
});

describe('ingestRecords', () => {
  it('stores valid records and quarantines invalid ones with their reason and raw JSON', async () => {
    const db = freshDb('ingest');
    open.push(db);
    const bad = { ...makeActivity('a-2', T0), totals: { elapsedS: 10, timerS: 10, avgHeartRateBpm: Number.NaN } };
    const result = await ingestRecords(db, [makeWeight('w-1', T0), bad, 'garbage', makeActivity('a-1', T0)], 'api', T0);
    expect(result).toMatchObject({ stored: 2, quarantined: 2 });
    expect(result.issues.map((issue) => issue.message)).toEqual([
      'activity a-2: totals.avgHeartRateBpm is NaN',
      'item at position 2: record = "garbage" is not an object',
    ]);
    expect(await db.weights.get('w-1')).toMatchObject({ source: 'api' });
    expect(await db.activities.get('a-1')).toBeDefined();
    const rows = await db.quarantine.orderBy('seq').toArray();
    expect(rows.map(({ seq: _seq, rawJson: _raw, ...row }) => row)).toEqual([
      { kind: 'activity', source: 'api', recordId: 'a-2', field: 'totals.avgHeartRateBpm', reason: 'activity a-2: totals.avgHeartRateBpm is NaN', atMs: T0 },
      { kind: 'unknown', source: 'api', field: '', reason: 'item at position 2: record = "garbage" is not an object', atMs: T0 },
    ]);
    expect(JSON.parse(rows[0].rawJson)).toMatchObject({ id: 'a-2', totals: { avgHeartRateBpm: 'NaN' } });
    expect(rows[1].rawJson).toBe('"garbage"');
  });

  it('keeps a source the record already names', async () => {
    const db = freshDb('ingest-source');
    open.push(db);
    await ingestRecords(db, [{ ...makeWeight('w', T0), source: 'import:scale.csv' }], 'api', T0);
    expect((await db.weights.get('w'))?.source).toBe('import:scale.csv');
  });

  it('quarantines an input JSON cannot serialise', async () => {
    const db = freshDb('ingest-cycle');
    open.push(db);
    const cyclic: Record<string, unknown> = { kind: 'weight', id: 'w' };
    cyclic.self = cyclic;
    const result = await ingestRecords(db, [cyclic], 'api', T0);
    expect(result.quarantined).toBe(1);
    expect((await db.quarantine.toArray())[0].rawJson).toMatch(/^unserialisable input: /);
  });
});
