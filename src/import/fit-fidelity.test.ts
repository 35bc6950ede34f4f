// FIT files built from the structures the FIT profile documents, one per class of real-device data the import must keep.

import { CrcCalculator, Decoder, Profile, Stream } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { validateRecord, validateTrackChunk } from '../model/validate.ts';
import { readCorpus } from './corpus.test-helper.ts';
import { expandCompressedTimestamps } from './fit-compressed.ts';
import { encodeFit, fitSeconds, semicircles } from './fit-encode.test-helper.ts';
import { importFit } from './fit.ts';
import { importFiles } from './index.ts';
import type { ImportedActivity, ImportItem } from './types.ts';

const M = Profile.MesgNum;
const NOW_MS = Date.UTC(2026, 0, 1);
const START = new Date(Date.UTC(2024, 4, 1, 6, 0, 0));
const at = (second: number) => fitSeconds(START) + second;
const FILE_ID: [number, Record<string, unknown>] = [M.FILE_ID, { type: 'activity', manufacturer: 'development', product: 1, serialNumber: 7, timeCreated: START }];

function session(seconds: number, extra: Record<string, unknown> = {}): [number, Record<string, unknown>] {
  return [M.SESSION, { timestamp: at(seconds), startTime: at(0), totalElapsedTime: seconds, totalTimerTime: seconds, sport: 'running', ...extra }];
}

function expectValid(activities: ImportedActivity[]): void {
  for (const { activity, chunks } of activities) {
    expect(validateRecord(activity)).toMatchObject({ ok: true });
    for (const chunk of chunks) expect(validateTrackChunk(chunk, activity)).toMatchObject({ ok: true });
  }
}

describe('FIT developer fields that declare a native field', () => {
  const developerFields = [
    { key: 0, fieldDescription: { fieldDefinitionNumber: 0, fitBaseTypeId: 132, fieldName: 'Power', units: 'Watts', nativeMesgNum: 20, nativeFieldNum: 7 } },
    { key: 1, fieldDescription: { fieldDefinitionNumber: 1, fitBaseTypeId: 136, fieldName: 'Distance', units: 'm', nativeMesgNum: 20, nativeFieldNum: 5 } },
    { key: 2, fieldDescription: { fieldDefinitionNumber: 2, fitBaseTypeId: 2, fieldName: 'Heart Rate', units: 'bpm', nativeMesgNum: 20, nativeFieldNum: 3 } },
    // Declares no native field: stays out of the track.
    { key: 3, fieldDescription: { fieldDefinitionNumber: 3, fitBaseTypeId: 132, fieldName: 'Form Power', units: 'Watts' } },
  ];
  const records = Array.from({ length: 10 }, (_, i): [number, Record<string, unknown>] => [M.RECORD, {
    timestamp: at(i), distance: 0, heartRate: 100,
    developerFields: { 0: 200 + i, 1: i * 3.5, 2: 150 + i, 3: 60 },
  }]);

  it('fills and overrides power, distance and heart rate from them (Stryd, Connect IQ), and drops the session\'s placeholder 0 distance', () => {
    const bytes = encodeFit([FILE_ID, ...records, session(9, { totalDistance: 0 })], developerFields);
    const activities = importFit(bytes, { fileName: 'stryd.fit', nowMs: NOW_MS });
    const [{ activity, chunks }] = activities;
    expect(Array.from(chunks[0].powerW!)).toEqual(Array.from({ length: 10 }, (_, i) => 200 + i));
    expect(Array.from(chunks[0].distanceM!)).toEqual(Array.from({ length: 10 }, (_, i) => i * 3.5));
    expect(Array.from(chunks[0].heartRateBpm!)).toEqual(Array.from({ length: 10 }, (_, i) => 150 + i));
    expect(activity.totals.distanceM).toBe(31.5);
    expect(activity.totals.avgPowerW).toBe(205);
    expectValid(activities);
  });
});

describe('FIT records of the same second written apart', () => {
  it('merges position and sensor records of one timestamp into one sample with elevation and heart rate', () => {
    const records = Array.from({ length: 5 }, (_, i): [number, Record<string, unknown>][] => [
      [M.RECORD, { timestamp: at(i), positionLat: semicircles(47 + i * 1e-4), positionLong: semicircles(8), distance: i * 11 }],
      [M.RECORD, { timestamp: at(i), heartRate: 120 + i, enhancedAltitude: 400 + i }],
    ]).flat();
    const activities = importFit(encodeFit([FILE_ID, ...records, session(4)]), { fileName: 'split.fit', nowMs: NOW_MS });
    const [{ activity, chunks }] = activities;
    expect(activity.sampleCount).toBe(5);
    expect(Array.from(chunks[0].timeMs)).toEqual([0, 1, 2, 3, 4].map((s) => START.getTime() + s * 1000));
    expect(Array.from(chunks[0].heartRateBpm!)).toEqual([120, 121, 122, 123, 124]);
    expect(Array.from(chunks[0].altitudeM!)).toEqual([400, 401, 402, 403, 404]);
    expect(chunks[0].lat!.every((lat) => lat > 46.9)).toBe(true);
    expectValid(activities);
  });
});

/** A FIT file written byte by byte as the FIT Protocol lays it out: 14-byte header, records, CRC. */
function rawFit(records: number[][]): Uint8Array {
  const data = records.flat();
  const file = new Uint8Array(14 + data.length + 2);
  file.set([14, 0x20, 0x34, 0x08], 0);
  new DataView(file.buffer).setUint32(4, data.length, true);
  file.set([0x2e, 0x46, 0x49, 0x54], 8);
  const headerCrc = CrcCalculator.calculateCRC(file, 0, 12);
  file.set([headerCrc & 0xff, headerCrc >> 8], 12);
  file.set(data, 14);
  const crc = CrcCalculator.calculateCRC(file, 0, 14 + data.length);
  file.set([crc & 0xff, crc >> 8], 14 + data.length);
  return file;
}
const u32 = (value: number) => [value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, (value >>> 24) & 0xff];

describe('FIT compressed-timestamp record headers', () => {
  // A full timestamp whose low 5 bits are 30, so the offsets roll over after two seconds.
  const t0 = (fitSeconds(START) & ~0x1f) + 30;
  const definitions = [
    // Local 0: file_id (type enum, manufacturer uint16, time_created uint32). Local 1: record with timestamp, heart_rate, distance.
    [0x40, 0, 0, 0, 0, 3, 0, 1, 0x00, 1, 2, 0x84, 4, 4, 0x86],
    [0x41, 0, 0, 20, 0, 3, 253, 4, 0x86, 3, 1, 0x02, 5, 4, 0x86],
    // Local 2: record without timestamp (heart_rate, distance), used by the compressed headers (local type in bits 5-6).
    [0x42, 0, 0, 20, 0, 2, 3, 1, 0x02, 5, 4, 0x86],
  ];
  const full = (second: number) => [0x01, ...u32(t0 + second), 100 + second, ...u32(second * 300)];
  const compressed = (second: number) => [0x80 | (2 << 5) | ((t0 + second) & 0x1f), 100 + second, ...u32(second * 300)];

  it('decodes them, rollover past 32 s included, between ordinary timestamped records', () => {
    const seconds = Array.from({ length: 43 }, (_, i) => i);
    const bytes = rawFit([
      ...definitions.slice(0, 1), [0x00, 4, 1, 0, ...u32(t0)], ...definitions.slice(1),
      ...seconds.map((s) => (s === 0 || s === 41 ? full(s) : compressed(s))),
    ]);
    const activities = importFit(bytes, { fileName: 'fr70-like.fit', nowMs: NOW_MS });
    const [{ activity, chunks, original }] = activities;
    expect(activity.startTimeMs).toBe((t0 + 631_065_600) * 1000);
    expect(Array.from(chunks[0].timeMs)).toEqual(seconds.map((s) => (t0 + s + 631_065_600) * 1000));
    expect(Array.from(chunks[0].heartRateBpm!)).toEqual(seconds.map((s) => 100 + s));
    expect(Array.from(chunks[0].distanceM!)).toEqual(seconds.map((s) => s * 3));
    expect(original?.bytes).toBe(bytes);
    expectValid(activities);
  });

  it('reads the corpus Forerunner 70 file the SDK refuses, and refuses it by name for its power-up times', () => {
    const bytes = readCorpus('fit/sdk-unsupported', 'fr70-compressed-timestamps.fit');
    const expanded = expandCompressedTimestamps(bytes);
    const decoder = new Decoder(Stream.fromByteArray(expanded));
    expect(decoder.checkIntegrity()).toBe(true);
    const { messages, errors } = decoder.read();
    expect(errors).toEqual([]);
    const times = messages.recordMesgs!.map((r) => +r.timestamp!);
    expect(times.length).toBe(755);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true);
    expect(messages.recordMesgs!.at(-1)!.distance).toBeCloseTo(messages.sessionMesgs![0].totalDistance!, 0);
    // Its times count from power-up (1990 as dates) and it has no timestamp_correlation.
    expect(() => importFit(bytes, { fileName: 'fr70.fit', nowMs: NOW_MS })).toThrow(/relative to the device's power-up .* no timestamp_correlation/);
  });
});

describe('FIT times relative to power-up', () => {
  const records = (count: number) => Array.from({ length: count }, (_, i): [number, Record<string, unknown>] => [M.RECORD, { timestamp: 5000 + i, heartRate: 120 }]);

  it('places them in real time with the timestamp_correlation message', () => {
    const bytes = encodeFit([
      [M.FILE_ID, { type: 'activity', manufacturer: 'development', product: 1, timeCreated: 5000 }],
      [M.TIMESTAMP_CORRELATION, { timestamp: at(0), systemTimestamp: 5000 }],
      ...records(10),
      [M.SESSION, { timestamp: 5009, startTime: 5000, totalElapsedTime: 9, totalTimerTime: 9, sport: 'running' }],
    ]);
    const activities = importFit(bytes, { fileName: 'system-time.fit', nowMs: NOW_MS });
    const [{ activity, chunks }] = activities;
    expect(activity.startTimeMs).toBe(START.getTime());
    expect(chunks[0].timeMs[9]).toBe(START.getTime() + 9000);
    expectValid(activities);
  });

  it('refuses a file without a timestamp_correlation rather than dating it 1989', () => {
    const bytes = encodeFit([[M.FILE_ID, { type: 'activity', manufacturer: 'development', product: 1 }], ...records(5)]);
    expect(() => importFit(bytes, { fileName: 'x.fit', nowMs: NOW_MS })).toThrow(/relative to the device's power-up/);
  });
});

describe('FIT wellness files', () => {
  async function importItems(name: string, bytes: Uint8Array): Promise<ImportItem[]> {
    const items: ImportItem[] = [];
    for await (const item of importFiles([{ name, bytes }], { nowMs: NOW_MS })) items.push(item);
    return items;
  }

  it('imports a weight-scale file into weight records with body fat', async () => {
    const bytes = encodeFit([
      [M.FILE_ID, { type: 'weight', manufacturer: 'development', product: 1, timeCreated: START }],
      [M.WEIGHT_SCALE, { timestamp: at(0), weight: 72.5, percentFat: 18.2 }],
      [M.WEIGHT_SCALE, { timestamp: at(86_400), weight: 72.1 }],
    ]);
    const items = await importItems('scale.fit', bytes);
    expect(items.map((i) => (i.type === 'record' ? i.record : i))).toEqual([
      { kind: 'weight', id: `fit-weight-${START.getTime() / 1000}`, updatedAtMs: NOW_MS, source: 'import:fit', timestampMs: START.getTime(), utcOffsetMin: 0, weightKg: 72.5, bodyFatPct: 18.2 },
      { kind: 'weight', id: `fit-weight-${START.getTime() / 1000 + 86_400}`, updatedAtMs: NOW_MS, source: 'import:fit', timestampMs: START.getTime() + 86_400_000, utcOffsetMin: 0, weightKg: 72.1 },
    ]);
  });

  it("imports a monitoring file into one step count per local day: per activity type the day's largest counter, summed", async () => {
    // Local time is UTC+2; the counters count up from local midnight and start again the next day. The Encoder takes
    // `cycles` (scale 2: half of the raw count) and drops the subfield name `steps` (scale 1), so steps are cycles × 2.
    const steps = (count: number) => count / 2;
    const localMidnightUtc = Date.UTC(2024, 4, 1, 22, 0, 0);
    const atUtc = (ms: number) => fitSeconds(ms);
    const bytes = encodeFit([
      [M.FILE_ID, { type: 'monitoringB', manufacturer: 'development', product: 1, timeCreated: START }],
      [M.MONITORING_INFO, { timestamp: at(0), localTimestamp: at(0) + 7200 }],
      [M.MONITORING, { timestamp: at(0), activityType: 'walking', cycles: steps(1000) }],
      [M.MONITORING, { timestamp: at(900), activityType: 'walking', cycles: steps(2500) }],
      [M.MONITORING, { timestamp: at(1800), activityType: 'running', cycles: steps(4000) }],
      [M.MONITORING, { timestamp: atUtc(localMidnightUtc - 60_000), activityType: 'walking', cycles: steps(6000) }],
      [M.MONITORING, { timestamp: atUtc(localMidnightUtc + 600_000), activityType: 'walking', cycles: steps(300) }],
    ]);
    const items = await importItems('wellness.fit', bytes);
    expect(items.map((i) => (i.type === 'record' ? i.record : i))).toEqual([
      { kind: 'steps', id: 'fit-steps-2024-05-01', updatedAtMs: NOW_MS, source: 'import:fit', date: '2024-05-01', stepCount: 10_000 },
      { kind: 'steps', id: 'fit-steps-2024-05-02', updatedAtMs: NOW_MS, source: 'import:fit', date: '2024-05-02', stepCount: 300 },
    ]);
  });

  it('names the pool lengths of a swim it cannot keep, with the pool length and strokes', () => {
    const [activity] = importFit(readCorpus('fit', 'fr920xt-pool-swim.fit'), { fileName: 'pool.fit', nowMs: NOW_MS });
    const sdk = new Decoder(Stream.fromByteArray(readCorpus('fit', 'fr920xt-pool-swim.fit'))).read().messages;
    expect(activity.warnings).toEqual([expect.stringMatching(new RegExp(`^${sdk.lengthMesgs!.length} pool swim lengths \\(pool length ${sdk.sessionMesgs![0].poolLength} m; strokes .*freestyle.*\\) left out`))]);
  });
});
