import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, TakeawayDb } from '../db.ts';
import { STORES_V1 } from './001-initial.ts';

describe('schema version 1', () => {
  it('creates every table with its primary key and indexes', async () => {
    const db = new TakeawayDb('migration-001-initial');
    await db.open();
    expect(db.verno).toBe(1);
    expect(SCHEMA_VERSION).toBe(1);
    expect(db.tables.map((t) => t.name).sort()).toEqual(Object.keys(STORES_V1).sort());
    const activities = db.table('activities').schema;
    expect(activities.primKey.keyPath).toBe('id');
    expect(activities.indexes.map((i) => [i.name, i.multi])).toEqual([
      ['startTimeMs', false], ['tags', true], ['category', false], ['updatedAtMs', false], ['sport', false],
    ]);
    expect(db.table('trackChunks').schema.primKey.keyPath).toEqual(['activityId', 'seq']);
    expect(db.table('quarantine').schema.primKey.auto).toBe(true);
    expect(db.table('checkpoints').schema.primKey.keyPath).toEqual(['jobId', 'entryIndex']);
    db.close();
    await db.delete();
  });

  it('opens a database created by an earlier run without a version change', async () => {
    const first = new TakeawayDb('migration-001-reopen');
    await first.weights.put({ kind: 'weight', id: 'w', updatedAtMs: 0, timestampMs: 1, utcOffsetMin: 0, weightKg: 70 });
    first.close();
    const second = new TakeawayDb('migration-001-reopen');
    expect(await second.weights.get('w')).toMatchObject({ weightKg: 70 });
    expect(second.verno).toBe(1);
    await second.delete();
  });
});
