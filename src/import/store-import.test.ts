import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { TakeawayDb } from '../store/db.ts';
import { readTrack } from '../store/queries.ts';
import { T0, freshDb, makeActivity, makeChunk, makeSteps, makeWeight } from '../store/test-fixtures.ts';
import { importIntoStore, sourceClassOf, sourceRank, DEFAULT_SOURCE_PRIORITY } from './store-import.ts';
import type { ImportItem } from './types.ts';
import { importFiles } from './index.ts';

const open: TakeawayDb[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.delete();
});
function db(): TakeawayDb {
  const created = freshDb('store-import');
  open.push(created);
  return created;
}

function activityItem(id: string, startTimeMs: number, file = `${id}.fit`): ImportItem {
  const chunk = makeChunk(id, 0, 3, startTimeMs);
  return {
    type: 'activity', file,
    activity: makeActivity(id, startTimeMs, { sampleCount: 3, channels: ['lat', 'lon', 'heartRateBpm'], source: 'import:fit' }),
    chunks: [chunk],
    original: { name: file, bytes: new Uint8Array([14, 16, 1, 2]) },
  };
}

function stepsItem(id: string, date: string, stepCount: number, source: string): ImportItem {
  return { type: 'record', file: `${source}.src`, record: { ...makeSteps(id, date, stepCount), source } };
}

describe('importIntoStore', () => {
  it('reports what an imported file left out (a GPX point with lat="100") by file, and stores the rest', async () => {
    const store = db();
    const gpx = '<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
      + '<trkpt lat="47.1" lon="8.1"><time>2024-05-01T06:00:00Z</time></trkpt><trkpt lat="100" lon="8.1"><time>2024-05-01T06:00:01Z</time></trkpt>'
      + '<trkpt lat="47.1" lon="8.2"><time>2024-05-01T06:00:02Z</time></trkpt></trkseg></trk></gpx>';
    const result = await importIntoStore(store, importFiles([{ name: 'pause.gpx', bytes: new TextEncoder().encode(gpx) }]));
    expect(result).toMatchObject({ activities: 1, errors: [], warnings: [{ file: 'pause.gpx', message: '<trkpt> #2 of the track dropped: lat="100" is out of range -90..90' }] });
    expect((await store.activities.toArray())[0].sampleCount).toBe(2);
  });

  it('writes activities with their track and original file, and skips duplicates with a count', async () => {
    const store = db();
    await importIntoStore(store, [activityItem('a-1', T0)]);
    // a-2 is the same workout as a-1 (same start second, sport and duration); a-3 repeats a-2 within the batch.
    const result = await importIntoStore(store, [activityItem('a-2', T0 + 400), activityItem('a-4', T0 + 3_600_000), activityItem('a-3', T0 + 3_600_000)]);
    expect(result).toMatchObject({ activities: 1, skippedDuplicates: 2, errors: [] });
    expect((await store.activities.toArray()).map((a) => a.id).sort()).toEqual(['a-1', 'a-4']);
    expect(await store.originals.get('a-4')).toEqual({ activityId: 'a-4', name: 'a-4.fit', bytes: new Uint8Array([14, 16, 1, 2]) });
    const track = [];
    for await (const chunk of readTrack(store, 'a-4')) track.push(chunk);
    expect(track).toEqual([makeChunk('a-4', 0, 3, T0 + 3_600_000)]);
  });

  it('keeps one step count per day from the better source, whatever the order, never a sum', async () => {
    const store = db();
    const result = await importIntoStore(store, [
      stepsItem('csv-1', '2024-05-01', 9000, 'import:csv'),
      stepsItem('fit-1', '2024-05-01', 8000, 'import:watch.fit'),
      stepsItem('csv-2', '2024-05-02', 7000, 'import:csv'),
      stepsItem('api-2', '2024-05-02', 6500, 'api'),
      stepsItem('csv-2b', '2024-05-02', 7100, 'import:csv'),
    ]);
    expect(await store.steps.orderBy('date').toArray()).toMatchObject([
      { id: 'fit-1', stepCount: 8000 },
      { id: 'api-2', stepCount: 6500 },
    ]);
    // Four writes: csv-1 and csv-2 were stored, then replaced by the better source of their day.
    expect(result).toMatchObject({ records: 4, supersededRecords: 3 });
  });

  it('follows a configured priority', async () => {
    const store = db();
    await importIntoStore(store, [
      stepsItem('fit-1', '2024-05-01', 8000, 'import:watch.fit'),
      stepsItem('csv-1', '2024-05-01', 9000, 'import:csv'),
    ], { priority: ['csv', 'device'] });
    expect(await store.steps.toArray()).toMatchObject([{ id: 'csv-1', stepCount: 9000 }]);
  });

  it('keeps several weigh-ins of one source on a day, and lets a better source take the day', async () => {
    const store = db();
    const weight = (id: string, atMs: number, source: string): ImportItem => ({ type: 'record', file: 'w', record: { ...makeWeight(id, atMs), source } });
    await importIntoStore(store, [
      weight('csv-a', T0 + 7 * 3_600_000, 'import:csv'),
      weight('csv-b', T0 + 20 * 3_600_000, 'import:csv'),
      weight('csv-next-day', T0 + 30 * 3_600_000, 'import:csv'),
    ]);
    expect(await store.weights.count()).toBe(3);
    const result = await importIntoStore(store, [weight('api-a', T0 + 8 * 3_600_000, 'api'), weight('csv-c', T0 + 9 * 3_600_000, 'import:csv')]);
    expect((await store.weights.orderBy('timestampMs').toArray()).map((w) => w.id)).toEqual(['api-a', 'csv-next-day']);
    expect(result.supersededRecords).toBe(3);
  });

  it('collects error items and imports everything else', async () => {
    const store = db();
    const result = await importIntoStore(store, [
      { type: 'error', file: 'broken.fit', message: 'broken.fit: not a FIT file' },
      activityItem('a-1', T0),
    ]);
    expect(result).toMatchObject({ activities: 1, errors: [{ file: 'broken.fit', message: 'broken.fit: not a FIT file' }] });
  });

  it('classes sources and ranks them by the default priority', () => {
    expect(['import:fit', 'import:run.gpx', 'api', 'import:csv', 'demo'].map(sourceClassOf)).toEqual(['device', 'device', 'api', 'csv', 'other']);
    expect(sourceRank('import:tcx', DEFAULT_SOURCE_PRIORITY)).toBeLessThan(sourceRank('api', DEFAULT_SOURCE_PRIORITY));
    expect(sourceRank('demo', ['demo', 'device'])).toBe(0);
  });
});
