import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CrcCalculator, Decoder, Stream } from '@garmin/fitsdk';
import { afterAll, describe, expect, it } from 'vitest';
import { createDemoDataset, DemoRecordSource, DEMO_SMALL_OPTIONS } from '../../demo/index.ts';
import { ExportError } from '../../model/errors.ts';
import { CHANNELS, type Activity, type Channel, type RecordKind, type TrackChunk } from '../../model/records.ts';
import { DEFAULT_EXPORT_OPTIONS } from '../../model/request.ts';
import type { RecordSource } from '../../model/source.ts';
import type { EncodeContext, LeftOutRecord, SkippedRecord } from '../types.ts';
import { FIT_CHUNK_BYTES, encodeFitActivity, fitFormat } from './encode.ts';
import { chunkTrack, collectBytes, iterate, makeActivity, makeSamples, TEST_START_MS, type SampleColumns } from './fixtures/make-activity.ts';
import {
  FIT_EARLIEST_MS, FIT_SINT32, FIT_UINT32, FIT_UINT8, MESG_RECORD, degreesToSemicircles, encodeDefinition,
  encodeFileHeader, encodeFitString, fitTimeFromMs, updateFitCrc,
} from './parts.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const VALIDATE_FIT = path.resolve(repoRoot, '../shared/validators/validate-fit.mjs');
const tempDir = mkdtempSync(path.join(tmpdir(), 'takeaway-fit-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const ascii = (text: string) => new TextEncoder().encode(text);

type Message = Record<string, unknown>;
interface Decoded { messages: Record<string, Message[]>; order: number[] }

/** Decodes with Garmin's SDK, failing on any integrity or read error; `order` lists global message numbers in file order. */
function decodeFit(bytes: Uint8Array): Decoded {
  const decoder = new Decoder(Stream.fromByteArray(bytes));
  expect(Decoder.isFIT(Stream.fromByteArray(bytes))).toBe(true);
  expect(decoder.checkIntegrity()).toBe(true);
  const order: number[] = [];
  const { messages, errors } = decoder.read({ mesgListener: (mesgNum: number) => order.push(mesgNum) });
  expect(errors).toEqual([]);
  return { messages: messages as unknown as Record<string, Message[]>, order };
}

/** Runs the team-independent validator (Garmin SDK, fit-file-parser, gpsbabel) on bytes; returns exit code and output. */
function validateFit(bytes: Uint8Array, name: string, strict = true): { status: number | null; output: string } {
  const file = path.join(tempDir, name);
  writeFileSync(file, bytes);
  const result = spawnSync('node', [VALIDATE_FIT, file, ...(strict ? ['--strict'] : [])], { cwd: repoRoot, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

async function encode(activity: Activity, columns: SampleColumns | undefined, chunkSize = 2048): Promise<Uint8Array> {
  const chunks = columns ? chunkTrack(activity.id, columns, chunkSize) : [];
  return collectBytes(encodeFitActivity(activity, iterate(chunks)));
}

const ALL_CHANNELS: Channel[] = [...CHANNELS];
const SEMICIRCLE_DEG = 180 / 2 ** 31;
const at = (s: number) => TEST_START_MS + s * 1000;

describe('FIT parts', () => {
  it('computes the FIT CRC-16 of "123456789" as the CRC-16/ARC check value 0xBB3D', () => {
    expect(updateFitCrc(0, ascii('123456789'))).toBe(0xbb3d);
  });

  it('continues a CRC across pieces to the CRC of the whole, as the Garmin SDK computes it', () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37 + 11) & 0xff);
    const pieced = updateFitCrc(updateFitCrc(updateFitCrc(0, bytes, 0, 3), bytes, 3, 600), bytes, 600);
    expect(pieced).toBe(updateFitCrc(0, bytes));
    expect(pieced).toBe(CrcCalculator.calculateCRC(bytes, 0, bytes.length));
  });

  it('writes a 14-byte file header with protocol 1.0, profile 21.217, the data size, ".FIT" and its CRC', () => {
    expect(hex(encodeFileHeader(0x1234))).toBe('0e10e152341200002e464954' + 'e393');
    const header = encodeFileHeader(0x1234);
    expect(CrcCalculator.calculateCRC(header, 0, 12)).toBe(header[12] | (header[13] << 8));
  });

  it('writes a definition message with little-endian architecture and one triple per field', () => {
    const definition = encodeDefinition(3, MESG_RECORD, [
      { num: 253, type: FIT_UINT32, value: undefined },
      { num: 0, type: FIT_SINT32, value: undefined },
      { num: 3, type: FIT_UINT8, value: undefined },
    ]);
    expect(hex(definition)).toBe('43' + '00' + '00' + '1400' + '03' + 'fd0486' + '000485' + '030102');
  });

  it('counts FIT time from 1989-12-31T00:00:00Z and truncates to the second', () => {
    expect(fitTimeFromMs(Date.UTC(1989, 11, 31))).toBe(0);
    expect(fitTimeFromMs(Date.UTC(2024, 4, 1, 6, 0, 0, 999))).toBe(1_714_543_200 - 631_065_600);
  });

  it('converts degrees to sint32 semicircles, wrapping 180° to -2^31', () => {
    expect(degreesToSemicircles(90)).toBe(2 ** 30);
    expect(degreesToSemicircles(-45)).toBe(-(2 ** 29));
    expect(degreesToSemicircles(180)).toBe(-(2 ** 31));
    expect(degreesToSemicircles(47.3769)).toBe(Math.round(47.3769 * 2 ** 31 / 180));
  });

  it('encodes strings as null-terminated UTF-8 cut on a character boundary', () => {
    expect(hex(encodeFitString('Zürich')!)).toBe(hex(ascii('Zürich\0')));
    const cut = encodeFitString('ab€', 5)!;
    expect(hex(cut)).toBe(hex(ascii('ab\0')));
    expect(encodeFitString('')).toBeUndefined();
  });
});

describe('encodeFitActivity', () => {
  const rideStart = TEST_START_MS;
  const ride = makeActivity({
    sampleCount: 600,
    channels: ALL_CHANNELS,
    device: { manufacturer: 'Garmin', product: 'Edge 530', serialNumber: '3456789', softwareVersion: '9.10' },
    totals: {
      elapsedS: 599, timerS: 539, distanceM: 1922.79, calories: 250, ascentM: 40, descentM: 38,
      avgHeartRateBpm: 139, maxHeartRateBpm: 159, avgCadenceRpm: 87, maxCadenceRpm: 89, avgPowerW: 224, maxPowerW: 249,
      avgSpeedMps: 3.45, maxSpeedMps: 3.9,
    },
    pauses: [{ startMs: at(200), endMs: at(260) }],
    laps: [
      { startTimeMs: at(0), startIndex: 0, endIndex: 300, elapsedS: 300, timerS: 240, distanceM: 963, avgHeartRateBpm: 138, maxPowerW: 249 },
      { startTimeMs: at(300), startIndex: 300, endIndex: 600, elapsedS: 299, timerS: 299, distanceM: 959.79, avgHeartRateBpm: 140 },
    ],
  });
  const rideSamples = makeSamples(600, rideStart, ALL_CHANNELS);

  it('round-trips every channel through the Garmin SDK decoder', async () => {
    const { messages } = decodeFit(await encode(ride, rideSamples));
    const records = messages.recordMesgs;
    expect(records).toHaveLength(600);
    records.forEach((record, i) => {
      expect((record.timestamp as Date).getTime()).toBe(rideSamples.timeMs[i]);
      expect(Math.abs((record.positionLat as number) * SEMICIRCLE_DEG - rideSamples.lat![i])).toBeLessThan(1e-6);
      expect(Math.abs((record.positionLong as number) * SEMICIRCLE_DEG - rideSamples.lon![i])).toBeLessThan(1e-6);
      expect(record.heartRate).toBe(rideSamples.heartRateBpm![i]);
      expect(record.cadence).toBe(rideSamples.cadenceRpm![i]);
      expect(record.power).toBe(rideSamples.powerW![i]);
      expect(record.temperature).toBe(rideSamples.temperatureC![i]);
      expect(Math.abs((record.distance as number) - rideSamples.distanceM![i])).toBeLessThan(0.1);
      expect(Math.abs((record.enhancedSpeed as number) - rideSamples.speedMps![i])).toBeLessThanOrEqual(0.0005);
      expect(Math.abs((record.enhancedAltitude as number) - rideSamples.altitudeM![i])).toBeLessThanOrEqual(0.1 + 1e-9);
    });
  });

  it('writes file_id, device_info, session and activity with the right types, scales and times', async () => {
    const { messages } = decodeFit(await encode(ride, rideSamples));
    expect(messages.fileIdMesgs).toEqual([{ type: 'activity', manufacturer: 'garmin', serialNumber: 3456789, timeCreated: new Date(rideStart), productName: 'Edge 530' }]);
    expect(messages.deviceInfoMesgs[0]).toMatchObject({ deviceIndex: 'creator', manufacturer: 'garmin', softwareVersion: 9.1, productName: 'Edge 530' });
    const [session] = messages.sessionMesgs;
    expect(session).toMatchObject({
      sport: 'cycling', subSport: 'road', startTime: new Date(rideStart), timestamp: new Date(at(599)),
      totalElapsedTime: 599, totalTimerTime: 539, totalDistance: 1922.79, totalCalories: 250, totalAscent: 40, totalDescent: 38,
      avgHeartRate: 139, maxHeartRate: 159, avgCadence: 87, maxCadence: 89, avgPower: 224, maxPower: 249,
      enhancedAvgSpeed: 3.45, enhancedMaxSpeed: 3.9, firstLapIndex: 0, numLaps: 2,
    });
    expect(messages.activityMesgs).toEqual([{
      timestamp: new Date(at(599)), totalTimerTime: 539, numSessions: 1, type: 'manual', event: 'activity', eventType: 'stop',
      localTimestamp: fitTimeFromMs(at(599)) + 120 * 60,
    }]);
  });

  it('writes one lap message per lap with its own start, times and totals', async () => {
    const { messages } = decodeFit(await encode(ride, rideSamples));
    expect(messages.lapMesgs).toHaveLength(2);
    expect(messages.lapMesgs[0]).toMatchObject({ messageIndex: 0, startTime: new Date(at(0)), timestamp: new Date(at(300)), totalElapsedTime: 300, totalTimerTime: 240, totalDistance: 963, avgHeartRate: 138, maxPower: 249, sport: 'cycling', lapTrigger: 'manual' });
    expect(messages.lapMesgs[1]).toMatchObject({ messageIndex: 1, startTime: new Date(at(300)), timestamp: new Date(at(599)), totalElapsedTime: 299, totalDistance: 959.79, lapTrigger: 'sessionEnd' });
    expect(messages.lapMesgs[1].maxPower).toBeUndefined();
  });

  it('stops the timer after the last record before a pause and restarts it before the first record after it', async () => {
    const { messages, order } = decodeFit(await encode(ride, rideSamples));
    expect(messages.eventMesgs.map((e) => [e.eventType, (e.timestamp as Date).getTime()])).toEqual([
      ['start', at(0)], ['stopAll', at(200)], ['start', at(260)], ['stopAll', at(599)],
    ]);
    // Message order: the records 0–200 come before the stop, 201–259 between stop and start.
    const recordsBefore = (nth: number) => {
      let seen = 0;
      let records = 0;
      for (const mesgNum of order) {
        if (mesgNum === 21 && seen++ === nth) return records;
        if (mesgNum === MESG_RECORD) records++;
      }
      return -1;
    };
    expect([recordsBefore(0), recordsBefore(1), recordsBefore(2), recordsBefore(3)]).toEqual([0, 201, 260, 600]);
  });

  it('passes the independent validator (Garmin SDK, fit-file-parser, gpsbabel) in strict mode', { tags: ['tools'] }, async () => {
    const result = validateFit(await encode(ride, rideSamples), 'ride.fit');
    expect(result.output).toContain('records=600');
    expect(result.status, result.output).toBe(0);
  });

  it('gives identical bytes whether the track comes in chunks of 1, 7 or 2048 samples', async () => {
    const [one, seven, big] = await Promise.all([encode(ride, rideSamples, 1), encode(ride, rideSamples, 7), encode(ride, rideSamples, 2048)]);
    expect(hex(one)).toBe(hex(big));
    expect(hex(seven)).toBe(hex(big));
  });

  it('streams chunks of at most 64 KB (plus the 2-byte CRC) for a 24-hour activity of 86,400 samples', { tags: ['tools'] }, async () => {
    const day = makeActivity({ sampleCount: 86_400, channels: ALL_CHANNELS, sport: 'hiking', subSport: 'trail', totals: { elapsedS: 86_399, timerS: 86_399 } });
    const samples = makeSamples(86_400, day.startTimeMs, ALL_CHANNELS);
    const sizes: number[] = [];
    const parts: Uint8Array[] = [];
    for await (const part of encodeFitActivity(day, iterate(chunkTrack(day.id, samples, 2048)))) {
      sizes.push(part.length);
      parts.push(part);
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(FIT_CHUNK_BYTES + 2);
    expect(sizes.length).toBeGreaterThan(40);
    // The validator decodes with the Garmin SDK and fit-file-parser and prints what each read.
    const result = validateFit(await collectBytes(iterate(parts)), 'day.fit');
    expect(result.status, result.output).toBe(0);
    const last = new Date(at(86_399)).toISOString();
    expect(result.output).toContain(`records=86400 first=${new Date(at(0)).toISOString()} last=${last}`);
    expect(result.output).toContain(`fit-file-parser : ok records=86400 first=${new Date(at(0)).toISOString()} last=${last}`);
  });

  it('writes a valid file with file_id, lap, session and activity for an activity without samples', { tags: ['tools'] }, async () => {
    const empty = makeActivity({ sampleCount: 0, channels: [], totals: { elapsedS: 0, timerS: 0 } });
    const bytes = await encode(empty, undefined);
    const { messages } = decodeFit(bytes);
    expect(messages.recordMesgs ?? []).toHaveLength(0);
    expect(messages.fileIdMesgs).toHaveLength(1);
    expect(messages.lapMesgs).toHaveLength(1);
    expect(messages.sessionMesgs).toHaveLength(1);
    expect(messages.activityMesgs).toHaveLength(1);
    // Not strict: the validator rightly warns that an activity file has no records.
    const result = validateFit(bytes, 'empty.fit', false);
    expect(result.status, result.output).toBe(0);
  });

  it('writes a one-sample activity', { tags: ['tools'] }, async () => {
    const single = makeActivity({ sampleCount: 1, channels: ['heartRateBpm'] });
    const bytes = await encode(single, makeSamples(1, single.startTimeMs, single.channels));
    const { messages } = decodeFit(bytes);
    expect(messages.recordMesgs).toEqual([{ timestamp: new Date(TEST_START_MS), heartRate: 120 }]);
    expect(validateFit(bytes, 'single.fit').status).toBe(0);
  });

  it('writes a pool swim without GPS with no position fields at all', { tags: ['tools'] }, async () => {
    const channels: Channel[] = ['heartRateBpm', 'distanceM', 'speedMps'];
    const swim = makeActivity({ sampleCount: 120, channels, sport: 'swimming', subSport: 'lap_swimming', totals: { elapsedS: 119, timerS: 119, distanceM: 381.99 } });
    const bytes = await encode(swim, makeSamples(120, swim.startTimeMs, channels));
    const { messages } = decodeFit(bytes);
    expect(messages.recordMesgs).toHaveLength(120);
    expect(messages.recordMesgs.some((r) => 'positionLat' in r || 'positionLong' in r || 'enhancedAltitude' in r)).toBe(false);
    expect(messages.sessionMesgs[0]).toMatchObject({ sport: 'swimming', subSport: 'lapSwimming' });
    const result = validateFit(bytes, 'swim.fit');
    expect(result.output).toContain('trackpoints=0');
    expect(result.status, result.output).toBe(0);
  });

  it('writes NaN gaps, channels missing from a chunk and out-of-range values as invalid, so decoders omit them', async () => {
    const channels: Channel[] = ['lat', 'lon', 'heartRateBpm', 'powerW', 'temperatureC'];
    const gappy = makeActivity({ sampleCount: 10, channels });
    const samples = makeSamples(10, gappy.startTimeMs, channels);
    samples.lat![2] = Number.NaN;
    samples.heartRateBpm![3] = Number.NaN;
    samples.heartRateBpm![4] = 300;
    samples.powerW![5] = -5;
    samples.temperatureC![6] = 127;
    const chunks = chunkTrack(gappy.id, samples, 8);
    delete chunks[1].powerW;
    const { messages } = decodeFit(await collectBytes(encodeFitActivity(gappy, iterate(chunks))));
    const records = messages.recordMesgs;
    expect(records[2].positionLat).toBeUndefined();
    expect(records[2].positionLong).toBeUndefined();
    expect(records[3].heartRate).toBeUndefined();
    expect(records[4].heartRate).toBeUndefined();
    expect(records[5].power).toBeUndefined();
    expect(records[6].temperature).toBeUndefined();
    expect(records[8].power).toBeUndefined();
    expect(records[9].power).toBeUndefined();
    expect(records[7]).toMatchObject({ heartRate: 127, power: 207, temperature: 4 });
  });

  it('keeps UTC record times continuous across a DST change and writes local time with the start offset', async () => {
    // Europe/Berlin springs forward at 2024-03-31T01:00:00Z (CET +60 → CEST +120).
    const startMs = Date.UTC(2024, 2, 31, 0, 30);
    const night = makeActivity({ sampleCount: 3600, channels: ['heartRateBpm'], startTimeMs: startMs, utcOffsetMin: 60, timeZone: 'Europe/Berlin', totals: { elapsedS: 3599, timerS: 3599 } });
    const { messages } = decodeFit(await encode(night, makeSamples(3600, startMs, night.channels)));
    const times = messages.recordMesgs.map((r) => (r.timestamp as Date).getTime());
    expect(times.every((t, i) => t === startMs + i * 1000)).toBe(true);
    expect(messages.activityMesgs[0].localTimestamp).toBe(fitTimeFromMs(startMs + 3599_000) + 3600);
  });

  it('writes sub-second sample times truncated to the second, never backwards', async () => {
    const fast = makeActivity({ sampleCount: 8, channels: ['powerW'] });
    const { messages } = decodeFit(await encode(fast, makeSamples(8, fast.startTimeMs + 250, fast.channels, 250)));
    expect(messages.recordMesgs.map((r) => (r.timestamp as Date).getTime() - TEST_START_MS)).toEqual([0, 0, 0, 1000, 1000, 1000, 1000, 2000]);
  });

  it('writes a non-ASCII device name as UTF-8 that the decoder reads back', { tags: ['tools'] }, async () => {
    const named = makeActivity({ sampleCount: 5, channels: ['heartRateBpm'], name: 'Läufchen über den Col d’Izoard 🚴', device: { product: 'Montre à Zürich 時計' } });
    const bytes = await encode(named, makeSamples(5, named.startTimeMs, named.channels));
    const { messages } = decodeFit(bytes);
    expect(messages.fileIdMesgs[0]).toMatchObject({ manufacturer: 'development', productName: 'Montre à Zürich 時計' });
    expect(validateFit(bytes, 'named.fit').status).toBe(0);
  });

  it('refuses an activity before the earliest FIT date_time with INVALID_RECORD', async () => {
    const old = makeActivity({ sampleCount: 0, channels: [], startTimeMs: Date.UTC(1989, 5, 1) });
    await expect(encode(old, undefined)).rejects.toMatchObject({ name: 'ExportError', code: 'INVALID_RECORD' });
  });

  it('fails with INVALID_RECORD when the track holds a different number of samples than sampleCount', async () => {
    const wrong = makeActivity({ sampleCount: 5, channels: ['heartRateBpm'] });
    await expect(encode(wrong, makeSamples(4, wrong.startTimeMs, wrong.channels))).rejects.toBeInstanceOf(ExportError);
    await expect(encode(wrong, makeSamples(6, wrong.startTimeMs, wrong.channels))).rejects.toMatchObject({ code: 'INVALID_RECORD' });
  });

  it('stops with an AbortError between chunks when the signal is aborted', async () => {
    const controller = new AbortController();
    const chunks = chunkTrack(ride.id, rideSamples, 100);
    async function* track(): AsyncGenerator<TrackChunk> {
      yield chunks[0];
      controller.abort();
      yield* chunks.slice(1);
    }
    await expect(collectBytes(encodeFitActivity(ride, track(), controller.signal))).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('fitFormat', () => {
  /** A RecordSource over in-memory activities and their full sample columns. */
  function memorySource(items: { activity: Activity; samples?: SampleColumns }[]): RecordSource {
    return {
      async *records<K extends RecordKind>(kind: K) {
        if (kind === 'activity') yield items.map((item) => item.activity) as never;
      },
      track: (activity) => iterate(chunkTrack(activity.id, items.find((i) => i.activity.id === activity.id)?.samples ?? { timeMs: new Float64Array(0) }, 2048)),
      count: async () => items.length,
    };
  }

  it('yields one stored .fit entry per activity, leaves out activities FIT cannot date and skips a start that is no instant', async () => {
    const good = makeActivity({ id: 'good', sampleCount: 3, channels: ['heartRateBpm'], name: 'Évening run', sport: 'running' });
    const old = makeActivity({ id: 'old', sampleCount: 0, channels: [], startTimeMs: Date.UTC(1985, 0, 1) });
    const broken = makeActivity({ id: 'broken', sampleCount: 0, channels: [], startTimeMs: Number.NaN });
    const leftOut: LeftOutRecord[] = [];
    const skipped: SkippedRecord[] = [];
    const context: EncodeContext = {
      source: memorySource([{ activity: good, samples: makeSamples(3, good.startTimeMs, good.channels) }, { activity: old }, { activity: broken }]),
      filter: { kinds: ['activity'] },
      options: DEFAULT_EXPORT_OPTIONS,
      createdAtMs: Date.UTC(2025, 0, 1),
      skip: (record) => skipped.push(record),
      leaveOut: (record) => leftOut.push(record),
    };
    const entries = [];
    for await (const entry of fitFormat.entries(context)) entries.push({ ...entry, bytes: await collectBytes(entry.content) });
    expect(entries.map((e) => [e.path, e.modifiedMs, e.recordCounts])).toEqual([
      ['activities/fit/2024-05-01_0800_evening-run.fit', good.startTimeMs, { activity: 1 }],
    ]);
    expect(decodeFit(entries[0].bytes).messages.recordMesgs).toHaveLength(3);
    expect(leftOut).toHaveLength(1);
    expect(leftOut[0]).toMatchObject({ kind: 'activity', id: 'old' });
    expect(leftOut[0].reason).toContain('1985-01-01T00:00:00.000Z');
    expect(leftOut[0].reason).toContain(new Date(FIT_EARLIEST_MS).toISOString());
    expect(skipped).toEqual([{ kind: 'activity', id: 'broken', reason: 'FIT: start time NaN is not a valid instant' }]);
    expect(fitFormat.isCompressible).toBe(false);
    expect(fitFormat.lostChannels(DEFAULT_EXPORT_OPTIONS)).toEqual([]);
  });

  it('encodes every demo activity into a file the SDK decodes, with timer events matching elapsed minus timer time', async () => {
    const dataset = createDemoDataset(DEMO_SMALL_OPTIONS);
    const context: EncodeContext = {
      source: new DemoRecordSource(dataset),
      filter: { kinds: ['activity'] },
      options: DEFAULT_EXPORT_OPTIONS,
      createdAtMs: Date.UTC(2026, 10, 1),
      skip: (record) => { throw new Error(`unexpected skip ${record.id}: ${record.reason}`); },
      leaveOut: (record) => { throw new Error(`unexpected left out ${record.id}: ${record.reason}`); },
    };
    const activities = dataset.activities();
    let index = 0;
    for await (const entry of fitFormat.entries(context)) {
      const activity = activities[index++];
      const { messages } = decodeFit(await collectBytes(entry.content));
      expect(messages.recordMesgs).toHaveLength(activity.sampleCount);
      expect(messages.lapMesgs).toHaveLength(Math.max(1, activity.laps.length));
      const events = messages.eventMesgs;
      let pausedS = 0;
      for (let i = 1; i + 1 < events.length; i += 2) pausedS += ((events[i + 1].timestamp as Date).getTime() - (events[i].timestamp as Date).getTime()) / 1000;
      const session = messages.sessionMesgs[0];
      expect(pausedS).toBeCloseTo((session.totalElapsedTime as number) - (session.totalTimerTime as number), 0);
    }
    expect(index).toBe(activities.length);
  });
});
