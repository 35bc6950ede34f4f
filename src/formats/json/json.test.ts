import { describe, expect, it } from 'vitest';
import type { Activity, Channel, TakeawayRecord } from '../../model/records.ts';
import {
  NASTY_TEXTS, TestSource, type TrackColumns, activityFixture, collectEntries, genericFixture, sleepFixture, stepsFixture,
  trackFixture, weightFixture,
} from '../csv/fixtures/records.ts';
import { jsonFormat, rechunk } from './encode.ts';
import { float32Text } from '../../model/number-text.ts';

const START = Date.UTC(2025, 2, 1, 6, 12, 0);
const ALL_KINDS = ['activity', 'steps', 'weight', 'sleep', 'record'] as const;
const WIDE: Channel[] = ['lat', 'lon', 'distanceM'];

function awkwardTrack(count: number): TrackColumns {
  const track = trackFixture(START, count);
  // Doubles with 17 significant digits, a negative zero and a float32 channel with no short form.
  track.columns.lat = track.columns.lat!.map((v, i) => v + i * 1e-13 + Math.PI * 1e-9);
  track.columns.temperatureC = track.timeMs.map((_, i) => (i === 0 ? -0 : i % 7 === 0 ? Number.NaN : 20 + i / 3));
  return track;
}

function records(): TakeawayRecord[] {
  return [
    activityFixture('a1', START, { channels: ['lat', 'lon', 'altitudeM', 'heartRateBpm', 'speedMps', 'distanceM', 'temperatureC'], sampleCount: 5000 }),
    activityFixture('a2', START + 86_400_000, { name: NASTY_TEXTS.join('|'), channels: [], sampleCount: 0, device: undefined }),
    stepsFixture('2025-03-01', 10_234),
    weightFixture('w1', START, 0.1 + 72.2, 18.25),
    sleepFixture('s1', START),
    genericFixture('r1', 'time_entry', START, 'Report', { hours: 0.1 + 0.2, due: { date: '2025-03-05' }, note: null, ok: false, text: NASTY_TEXTS[4] }),
  ];
}

function source(sizes: { batchSize?: number; chunkSize?: number } = {}) {
  return new TestSource(records(), new Map([['a1', awkwardTrack(5000)]]), sizes);
}

/** What an importer does: rebuild model records and typed-array tracks from the parsed files. */
function rebuild(files: Map<string, string>) {
  const rebuilt: TakeawayRecord[] = [];
  const tracks = new Map<string, Record<string, Float32Array | Float64Array>>();
  for (const text of files.values()) {
    const file = JSON.parse(text);
    expect(file.format).toBe('takeaway');
    expect(file.version).toBe(1);
    for (const record of file.records) {
      if (record.kind === 'activity') {
        const { track, ...activity } = record;
        const columns: Record<string, Float32Array | Float64Array> = {};
        for (const name of ['timeMs', ...track.channels]) {
          const values = track.chunks.flatMap((chunk: Record<string, (number | null)[]>) => chunk[name]).map((v: number | null) => v ?? Number.NaN);
          columns[name] = name === 'timeMs' || WIDE.includes(name as Channel) ? Float64Array.from(values) : Float32Array.from(values);
        }
        expect(track.chunks.slice(0, -1).every((chunk: { count: number }) => chunk.count === 2048)).toBe(true);
        tracks.set(activity.id, columns);
        rebuilt.push(activity);
      } else {
        rebuilt.push(record);
      }
    }
  }
  return { rebuilt, tracks };
}

describe('jsonFormat', () => {
  it('writes one file per selected kind', async () => {
    const { files, entries } = await collectEntries(jsonFormat, source(), [...ALL_KINDS]);
    expect([...files.keys()]).toEqual(['json/activities.json', 'json/steps.json', 'json/weight.json', 'json/sleep.json', 'json/records.json']);
    expect(entries.map((e) => e.recordCounts)).toEqual([{ activity: 2 }, { steps: 1 }, { weight: 1 }, { sleep: 1 }, { record: 1 }]);
  });

  it('rebuilds records and typed-array tracks deep-equal to the input', async () => {
    const { files } = await collectEntries(jsonFormat, source(), [...ALL_KINDS]);
    const { rebuilt, tracks } = rebuild(files);
    const input = records();
    const byId = (a: TakeawayRecord, b: TakeawayRecord) => a.id.localeCompare(b.id);
    expect(rebuilt.sort(byId)).toEqual(input.sort(byId));

    const expected: Record<string, Float32Array | Float64Array> = {};
    for await (const chunk of source().track(input.find((r) => r.id === 'a1') as Activity)) {
      for (const [name, values] of Object.entries(chunk)) {
        if (!(values instanceof Float32Array || values instanceof Float64Array)) continue;
        const previous = expected[name];
        const merged = new (values.constructor as Float64ArrayConstructor)((previous?.length ?? 0) + values.length);
        if (previous) merged.set(previous);
        merged.set(values, previous?.length ?? 0);
        expected[name] = merged;
      }
    }
    expect(tracks.get('a1')).toEqual(expected);
    // NaN ↔ null, and exact doubles: compare bit for bit where toEqual would forgive.
    expect(Number.isNaN(tracks.get('a1')!.temperatureC[7])).toBe(true);
    expect([...tracks.get('a1')!.lat].every((v, i) => Object.is(v, expected.lat[i]))).toBe(true);
    expect(tracks.get('a2')).toEqual({ timeMs: new Float64Array(0) });
  });

  it('gives the same bytes whatever the batch and chunk sizes', async () => {
    const reference = await collectEntries(jsonFormat, source(), [...ALL_KINDS]);
    for (const sizes of [{ batchSize: 1, chunkSize: 1 }, { batchSize: 2, chunkSize: 777 }, { chunkSize: 5000 }]) {
      expect((await collectEntries(jsonFormat, source(sizes), [...ALL_KINDS])).files).toEqual(reference.files);
    }
  });

  it('writes an empty records array for a selected kind without records', async () => {
    const { files } = await collectEntries(jsonFormat, new TestSource([]), ['weight']);
    expect(files.get('json/weight.json')).toBe('{"format":"takeaway","version":1,"kind":"weight","records":[\n\n]}\n');
    expect(JSON.parse(files.get('json/weight.json')!).records).toEqual([]);
  });

  it('writes float32 samples in their shortest exact form', () => {
    for (const value of [3.4, 0.1, 142.5, 1e-40, 3.4e38, -7.25, 1 / 3, 9.80665]) {
      const f = Math.fround(value);
      const text = float32Text(f);
      expect(Math.fround(Number(text))).toBe(f);
      expect(text.replace(/^-|\.|e.*$/g, '').replace(/^0+/, '').length).toBeLessThanOrEqual(9);
    }
    expect(float32Text(Math.fround(3.4))).toBe('3.4');
    expect(float32Text(Number.NaN)).toBe('null');
  });

  it('cuts tracks into runs of the asked size without losing samples', async () => {
    const chunks = source({ chunkSize: 300 }).track(records()[0] as Activity);
    const runs: number[] = [];
    for await (const run of rechunk(chunks, 2048)) runs.push(run.reduce((n, s) => n + s.to - s.from, 0));
    expect(runs).toEqual([2048, 2048, 904]);
  });
});
