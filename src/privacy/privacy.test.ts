import { describe, expect, it } from 'vitest';
import { MemoryRecordSource } from '../model/memory-source.ts';
import type { Activity, TrackChunk } from '../model/records.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest } from '../model/request.ts';
import { anonymiseSource } from './anonymise-source.ts';
import { estimatePasswordStrength } from './password-strength.ts';
import { createPseudonymiser } from './pseudonyms.ts';
import { redactRequest } from './redact-request.ts';
import { haversineM } from '../model/geometry.ts';

const T0 = Date.UTC(2025, 4, 1, 6, 0, 0);
const SAMPLES = 5000;
/** A straight run north from (52°, 13°), 1 sample/s, about 1.11 m per sample; GPS drops out for samples 100–109. */
function chunks(): TrackChunk[] {
  const out: TrackChunk[] = [];
  for (let start = 0, seq = 0; start < SAMPLES; start += 2048, seq++) {
    const count = Math.min(2048, SAMPLES - start);
    const index = (k: number) => start + k;
    out.push({
      activityId: 'a1', seq, startIndex: start, count,
      timeMs: Float64Array.from({ length: count }, (_, k) => T0 + index(k) * 1000),
      lat: Float64Array.from({ length: count }, (_, k) => (index(k) >= 100 && index(k) < 110 ? NaN : 52 + index(k) * 1e-5)),
      lon: new Float64Array(count).fill(13),
      heartRateBpm: Float32Array.from({ length: count }, (_, k) => 100 + (index(k) % 50)),
      distanceM: Float64Array.from({ length: count }, (_, k) => index(k) * 1.11),
    });
  }
  return out;
}

const ACTIVITY: Activity = {
  kind: 'activity', id: 'a1', name: 'Run from home', sport: 'running', subSport: 'generic', startTimeMs: T0, utcOffsetMin: 120,
  totals: { elapsedS: SAMPLES - 1, timerS: SAMPLES - 1, distanceM: (SAMPLES - 1) * 1.11, avgHeartRateBpm: 124, maxHeartRateBpm: 149, calories: 400 },
  device: { manufacturer: 'garmin', serialNumber: '3498123390' }, tags: ['secret-tag'], notes: 'door code 1234',
  laps: [
    { startTimeMs: T0, startIndex: 0, endIndex: 1000, elapsedS: 1000, timerS: 1000, distanceM: 1110 },
    { startTimeMs: T0 + 1_000_000, startIndex: 1000, endIndex: SAMPLES, elapsedS: SAMPLES - 1001, timerS: SAMPLES - 1001, distanceM: (SAMPLES - 1001) * 1.11 },
  ],
  pauses: [], sampleCount: SAMPLES, channels: ['lat', 'lon', 'heartRateBpm', 'distanceM'], updatedAtMs: T0,
};

const source = () => new MemoryRecordSource([ACTIVITY], new Map([['a1', chunks()]]), new Map([['a1', { name: 'home.fit', bytes: new Uint8Array(4) }]]));
/** Zone around the start: 500 m covers samples 0…450. */
const HOME = { latDeg: 52, lonDeg: 13, radiusM: 500 };

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function read(src: ReturnType<typeof anonymiseSource>['source']): Promise<{ activity: Activity; track: TrackChunk[] }> {
  const [[activity]] = await collect(src.records('activity', { kinds: ['activity'] }));
  return { activity, track: await collect(src.track(activity)) };
}

describe('anonymiseSource', () => {
  it('drops the samples inside a zone, re-cuts the chunks and recomputes totals and laps', async () => {
    const { activity, track } = await read(anonymiseSource(source(), { zones: [HOME], zoneMode: 'sample' }).source);
    const kept = track.reduce((n, c) => n + c.count, 0);
    const expected = SAMPLES - Array.from({ length: SAMPLES }, (_, i) => 52 + i * 1e-5).filter((lat) => haversineM(lat, 13, 52, 13) <= 500).length;
    expect(kept).toBe(expected);
    expect(activity.sampleCount).toBe(kept);
    expect(track.map((c) => [c.seq, c.startIndex])).toEqual(track.map((_, i) => [i, i * 2048]));
    expect(track.every((c) => c.count === c.timeMs.length && c.lat!.length === c.count)).toBe(true);
    expect(track[0].distanceM![0]).toBe(0);
    expect(activity.startTimeMs).toBe(track[0].timeMs[0]);
    expect(activity.totals.distanceM).toBeCloseTo((kept - 1) * 1.11, 6);
    expect(activity.totals.elapsedS).toBe(kept - 1);
    expect(activity.laps.map((l) => [l.startIndex, l.endIndex])).toEqual([[0, 1000 - (SAMPLES - kept)], [1000 - (SAMPLES - kept), kept]]);
    expect(activity.totals.calories).toBe(Math.round(400 * (kept - 1) / (SAMPLES - 1)));
  });

  it('counts a GPS dropout inside the zone as inside', async () => {
    const { track } = await read(anonymiseSource(source(), { zones: [HOME], zoneMode: 'sample' }).source);
    expect(track[0].timeMs[0]).toBeGreaterThan(T0 + 110_000);
  });

  it('in gps mode keeps every sample and blanks only positions inside the zone', async () => {
    const { activity, track } = await read(anonymiseSource(source(), { zones: [HOME] }).source);
    expect(activity.totals).toEqual(ACTIVITY.totals);
    expect(track.reduce((n, c) => n + c.count, 0)).toBe(SAMPLES);
    expect(Number.isNaN(track[0].lat![0])).toBe(true);
    expect(track[0].heartRateBpm![0]).toBe(100);
    expect(track[2].lat![0]).toBeCloseTo(52 + 4096e-5, 9);
  });

  it('drops GPS, serials and original files, and pseudonymises ids, names, notes and tags the same way twice', async () => {
    const salt = new Uint8Array(32).fill(7);
    const wrapped = anonymiseSource(source(), { dropGps: true, dropSerials: true, pseudonymise: true }, { salt });
    const { activity, track } = await read(wrapped.source);
    const again = await read(anonymiseSource(source(), { pseudonymise: true }, { salt }).source);
    expect(activity.channels).toEqual(['heartRateBpm', 'distanceM']);
    expect(track.every((c) => c.lat === undefined && c.lon === undefined && c.activityId === activity.id)).toBe(true);
    expect(activity.device).toEqual({ manufacturer: 'garmin' });
    expect(wrapped.source.original).toBeUndefined();
    expect(activity.id).toMatch(/^anon-[0-9a-f]{16}$/);
    expect(activity.name).toMatch(/^activity-[0-9a-f]{10}$/);
    expect(activity.notes).toMatch(/^note-/);
    expect(activity.tags[0]).toMatch(/^tag-/);
    expect([again.activity.id, again.activity.name]).toEqual([activity.id, activity.name]);
    expect(again.activity.device?.serialNumber).toMatch(/^\d+$/);
    expect(wrapped.transformations.join('\n')).not.toMatch(/52|13|salt/);
  });

  it('shifts every time by whole days and keeps durations', async () => {
    const { activity, track } = await read(anonymiseSource(source(), { timeShiftDays: 3 }).source);
    expect(activity.startTimeMs).toBe(T0 + 3 * 86_400_000);
    expect(activity.laps[1].startTimeMs - activity.laps[0].startTimeMs).toBe(1_000_000);
    expect(track[0].timeMs[0]).toBe(activity.startTimeMs);
    expect(activity.totals).toEqual(ACTIVITY.totals);
    expect(() => anonymiseSource(source(), { timeShiftDays: 0.5 })).toThrow(RangeError);
  });

  it('returns the source itself when nothing is asked', () => {
    const plain = source();
    expect(anonymiseSource(plain, {})).toEqual({ source: plain, transformations: [] });
  });
});

describe('pseudonyms', () => {
  it('differ between salts and between kinds of value', async () => {
    const a = createPseudonymiser(new Uint8Array(32).fill(1));
    const b = createPseudonymiser(new Uint8Array(32).fill(2));
    expect(await a.pseudonym('tag', 'home')).not.toBe(await b.pseudonym('tag', 'home'));
    expect((await a.pseudonym('tag', 'home')).slice(4)).not.toBe((await a.pseudonym('name', 'home')).slice(9));
  });
});

describe('redactRequest', () => {
  it('leaves the zones, the shift, the period and the searched words out of the recorded request', () => {
    const request: ExportRequest = {
      createdAtMs: T0,
      filter: { kinds: ['activity'], range: { fromMs: T0 }, tags: ['home'], text: 'Lindenstraße' },
      formats: { activity: ['gpx'] },
      options: { ...DEFAULT_EXPORT_OPTIONS, privacy: { zones: [HOME], pseudonymise: true, timeShiftDays: -4 } },
    };
    const recorded = redactRequest(request);
    const text = JSON.stringify(recorded);
    for (const secret of ['52', 'Lindenstraße', 'home', 'timeShiftDays', String(T0 + 1)]) expect(text).not.toContain(secret);
    expect(recorded.options.privacy).toEqual({ pseudonymise: true, zones: [] });
    expect(recorded.filter.range).toBeUndefined();
  });
});

describe('estimatePasswordStrength', () => {
  it('scores common passwords low and long pass phrases high', () => {
    expect(estimatePasswordStrength('Password123!').score).toBeLessThanOrEqual(1);
    expect(estimatePasswordStrength('correct horse battery staple').score).toBe(4);
    expect(estimatePasswordStrength('').label).toBe('very weak');
  });
});
