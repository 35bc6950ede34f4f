// FIT activity import with the Garmin FIT SDK: one Activity per session, so a triathlon becomes its legs.

import { CrcCalculator, Decoder, Stream } from '@garmin/fitsdk';
import { ExportError } from '../model/errors.ts';
import type { Channel, DeviceInfo, Pause, Totals } from '../model/records.ts';
import { assembleActivity, type LapInput } from './assemble.ts';
import { expandCompressedTimestamps } from './fit-compressed.ts';
import { wellnessRecordsOf, type FitWellnessRecord } from './fit-wellness.ts';
import { sportOfFit } from './sports.ts';
import { TrackBuilder, type Sample } from './track-builder.ts';
import type { ImportedActivity } from './types.ts';

/** FIT file header signature `.FIT` at bytes 8–11 (FIT Protocol, "File Header"). */
const FIT_SIGNATURE = [0x2e, 0x46, 0x49, 0x54];
const FIT_HEADER_SIZES = [12, 14];
const FIT_CRC_SIZE = 2;
/** Unix seconds at the FIT epoch 1989-12-31T00:00:00Z. */
const FIT_EPOCH_UNIX_S = 631_065_600;
const SEMICIRCLES_TO_DEG = 180 / 2 ** 31;
const MAX_UTC_OFFSET_MIN = 14 * 60;
/**
 * A date_time below 0x10000000 s is system time, counted from the device's power-up (FIT Profile, type date_time);
 * read as a date it would be 1989–1998. As epoch ms, the first real date.
 */
const SYSTEM_TIME_LIMIT_MS = (FIT_EPOCH_UNIX_S + 0x10000000) * 1000;
/** Messages whose times place the activity; system times there without a correlation refuse the file. */
const TIMED_MESSAGES = ['recordMesgs', 'sessionMesgs', 'lapMesgs', 'eventMesgs'];

type FitMesg = Record<string, unknown>;

/** Global message number of `record` (FIT Profile, mesg_num). */
const RECORD_MESG_NUM = 20;
/**
 * `record` field numbers (FIT Profile) a developer field may declare as its native field, with the sample
 * channel each fills: position_lat 0, position_long 1, altitude 2, heart_rate 3, cadence 4, distance 5,
 * speed 6, power 7, temperature 13, enhanced_speed 73, enhanced_altitude 78.
 */
const RECORD_NATIVE_CHANNELS: Record<number, Channel> = {
  0: 'lat', 1: 'lon', 2: 'altitudeM', 3: 'heartRateBpm', 4: 'cadenceRpm', 5: 'distanceM', 6: 'speedMps', 7: 'powerW',
  13: 'temperatureC', 73: 'speedMps', 78: 'altitudeM',
};
/** Totals the device works out from a channel: a 0 there is a placeholder when the channel came from a developer field. */
const TOTALS_OF_CHANNEL: Partial<Record<Channel, (keyof Totals)[]>> = {
  distanceM: ['distanceM', 'avgSpeedMps', 'maxSpeedMps'], speedMps: ['avgSpeedMps', 'maxSpeedMps'],
  powerW: ['avgPowerW', 'maxPowerW'], heartRateBpm: ['avgHeartRateBpm', 'maxHeartRateBpm'], cadenceRpm: ['avgCadenceRpm', 'maxCadenceRpm'],
};

/** A developer field that declares a native `record` field (`field_description.native_mesg_num` 20 and `native_field_num`). */
interface NativeOverride {
  channel: Channel;
  /** The field description's own scale and offset: value = raw / scale − offset (FIT Protocol, "Scale/Offset"). */
  scale: number;
  offset: number;
}

/** Options of `importFit`. */
export interface FitImportOptions {
  /** File name, used in error messages and kept with the original bytes. */
  fileName: string;
  /** `updatedAtMs` of the produced records. */
  nowMs: number;
}

/** True when the bytes start with a FIT file header (size 12 or 14, `.FIT` signature). */
export function isFitHeader(head: Uint8Array): boolean {
  return head.length >= 12 && FIT_HEADER_SIZES.includes(head[0]) && FIT_SIGNATURE.every((byte, i) => head[8 + i] === byte);
}

/**
 * Checks every FIT file in the (possibly chained) buffer: header, announced size and CRCs.
 * Throws `INVALID_INPUT` naming the problem; the SDK itself reports a bad CRC only after decoding everything.
 */
export function checkFitIntegrity(bytes: Uint8Array): void {
  let offset = 0;
  let index = 0;
  while (offset < bytes.length) {
    const where = index === 0 ? 'FIT file' : `chained FIT file #${index + 1} (at byte ${offset})`;
    if (!isFitHeader(bytes.subarray(offset, offset + 14))) {
      throw new ExportError('INVALID_INPUT', `${where}: no valid FIT header (expected size 12 or 14 and the ".FIT" signature)`);
    }
    const headerSize = bytes[offset];
    const dataSize = new DataView(bytes.buffer, bytes.byteOffset + offset + 4, 4).getUint32(0, true);
    const end = offset + headerSize + dataSize + FIT_CRC_SIZE;
    if (end > bytes.length) {
      throw new ExportError('INVALID_INPUT', `${where} is truncated: the header announces ${headerSize + dataSize + FIT_CRC_SIZE} bytes but only ${bytes.length - offset} are present`);
    }
    if (headerSize === 14) {
      const headerCrc = bytes[offset + 12] | (bytes[offset + 13] << 8);
      if (headerCrc !== 0 && headerCrc !== CrcCalculator.calculateCRC(bytes, offset, offset + 12)) {
        throw new ExportError('INVALID_INPUT', `${where}: header CRC mismatch`);
      }
    }
    const fileCrc = bytes[end - 2] | (bytes[end - 1] << 8);
    const actualCrc = CrcCalculator.calculateCRC(bytes, offset, end - 2);
    if (fileCrc !== actualCrc) {
      throw new ExportError('INVALID_INPUT', `${where}: CRC mismatch (file says 0x${fileCrc.toString(16).padStart(4, '0')}, data gives 0x${actualCrc.toString(16).padStart(4, '0')}); the file is corrupt`);
    }
    offset = end;
    index++;
  }
}

function num(mesg: FitMesg | undefined, ...keys: string[]): number | undefined {
  for (const key of keys) {
    const value = mesg?.[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return undefined;
}

function timeMsOf(value: unknown): number | undefined {
  return value instanceof Date && Number.isFinite(value.getTime()) ? value.getTime() : undefined;
}

function totalsOf(mesg: FitMesg): Partial<Totals> {
  return {
    elapsedS: num(mesg, 'totalElapsedTime'),
    timerS: num(mesg, 'totalTimerTime'),
    distanceM: num(mesg, 'totalDistance'),
    calories: num(mesg, 'totalCalories'),
    ascentM: num(mesg, 'totalAscent'),
    descentM: num(mesg, 'totalDescent'),
    avgHeartRateBpm: num(mesg, 'avgHeartRate'),
    maxHeartRateBpm: num(mesg, 'maxHeartRate'),
    avgCadenceRpm: num(mesg, 'avgCadence'),
    maxCadenceRpm: num(mesg, 'maxCadence'),
    avgPowerW: num(mesg, 'avgPower'),
    maxPowerW: num(mesg, 'maxPower'),
    avgSpeedMps: num(mesg, 'enhancedAvgSpeed', 'avgSpeed'),
    maxSpeedMps: num(mesg, 'enhancedMaxSpeed', 'maxSpeed'),
  };
}

/** Developer fields (by the SDK's field key) that stand in for a native `record` field. */
function nativeOverridesOf(fieldDescriptions: readonly FitMesg[]): Map<string, NativeOverride> {
  const overrides = new Map<string, NativeOverride>();
  for (const description of fieldDescriptions) {
    const fieldNum = num(description, 'nativeFieldNum');
    const channel = fieldNum === undefined ? undefined : RECORD_NATIVE_CHANNELS[fieldNum];
    if (num(description, 'nativeMesgNum') !== RECORD_MESG_NUM || !channel || description.key === undefined) continue;
    const scale = num(description, 'scale');
    overrides.set(String(description.key), { channel, scale: scale && scale > 0 ? scale : 1, offset: num(description, 'offset') ?? 0 });
  }
  return overrides;
}

/**
 * Replaces the sample's channels with the developer fields that declare them as their native field (Stryd power,
 * Connect IQ distance and speed): the app writing them means them as the value, and the native one is then often
 * missing or a placeholder 0. Adds each channel it set to `overridden`.
 */
function applyNativeOverrides(sample: Sample, record: FitMesg, overrides: ReadonlyMap<string, NativeOverride>, overridden: Set<Channel>): void {
  const developerFields = record.developerFields as Record<string, unknown> | undefined;
  if (!developerFields) return;
  for (const [key, raw] of Object.entries(developerFields)) {
    const override = overrides.get(key);
    if (!override || typeof raw !== 'number' || !Number.isFinite(raw)) continue;
    let value = raw / override.scale - override.offset;
    if (override.channel === 'lat' || override.channel === 'lon') value *= SEMICIRCLES_TO_DEG;
    sample[override.channel] = value;
    overridden.add(override.channel);
  }
}

/** The file's totals without the zeros a device wrote for channels that only its developer fields carry. */
function withoutPlaceholderZeros(totals: Partial<Totals>, overridden: ReadonlySet<Channel>): Partial<Totals> {
  const kept = { ...totals };
  for (const channel of overridden) for (const key of TOTALS_OF_CHANNEL[channel] ?? []) if (kept[key] === 0) delete kept[key];
  return kept;
}

function sampleOf(record: FitMesg, timeMs: number): Sample {
  const latSemicircles = num(record, 'positionLat');
  const lonSemicircles = num(record, 'positionLong');
  const cadence = num(record, 'cadence');
  return {
    timeMs,
    lat: latSemicircles === undefined ? undefined : latSemicircles * SEMICIRCLES_TO_DEG,
    lon: lonSemicircles === undefined ? undefined : lonSemicircles * SEMICIRCLES_TO_DEG,
    altitudeM: num(record, 'enhancedAltitude', 'altitude'),
    heartRateBpm: num(record, 'heartRate'),
    cadenceRpm: cadence === undefined ? undefined : cadence + (num(record, 'fractionalCadence') ?? 0),
    powerW: num(record, 'power'),
    speedMps: num(record, 'enhancedSpeed', 'speed'),
    distanceM: num(record, 'distance'),
    temperatureC: num(record, 'temperature'),
  };
}

/**
 * Moves every system time (relative to power-up, see `SYSTEM_TIME_LIMIT_MS`) to UTC with the file's
 * `timestamp_correlation` message (UTC `timestamp` against `system_timestamp`). Throws `INVALID_INPUT` when
 * records, laps, sessions or events have system times and there is no correlation: never a 1989 date.
 */
function placeSystemTimes(m: Record<string, FitMesg[] | undefined>): void {
  const isSystemTime = (value: unknown): value is Date => value instanceof Date && value.getTime() < SYSTEM_TIME_LIMIT_MS;
  const listsWithSystemTimes = Object.keys(m).filter((key) => (m[key] ?? []).some((mesg) => Object.values(mesg).some(isSystemTime)));
  if (!listsWithSystemTimes.length) return;
  const correlation = (m.timestampCorrelationMesgs ?? []).find((c) => (timeMsOf(c.timestamp) ?? 0) >= SYSTEM_TIME_LIMIT_MS && timeMsOf(c.systemTimestamp) !== undefined);
  if (!correlation) {
    if (!listsWithSystemTimes.some((key) => TIMED_MESSAGES.includes(key))) return;
    throw new ExportError('INVALID_INPUT', 'FIT times are relative to the device\'s power-up (below 0x10000000 s, which reads as 1989–1998) and the file has no timestamp_correlation message to place them in real time; not imported rather than dated 1989');
  }
  const offsetMs = timeMsOf(correlation.timestamp)! - timeMsOf(correlation.systemTimestamp)!;
  for (const key of listsWithSystemTimes) {
    for (const mesg of m[key]!) {
      for (const [field, value] of Object.entries(mesg)) if (isSystemTime(value)) mesg[field] = new Date(value.getTime() + offsetMs);
    }
  }
}

/**
 * The words for a pool swim's `length` messages, which the model has no place for (its laps keep their distance,
 * time and strokes' totals): how many, the session's pool length and the strokes swum.
 */
function poolLengthsWarning(lengths: readonly FitMesg[], session: FitMesg): string {
  const poolLengthM = num(session, 'poolLength');
  const strokes = [...new Set(lengths.map((l) => l.swimStroke).filter((s) => s !== undefined && s !== null).map(String))];
  const details = [
    poolLengthM === undefined ? undefined : `pool length ${Math.round(poolLengthM * 100) / 100} m`,
    strokes.length ? `strokes ${strokes.join(', ')}` : undefined,
  ].filter(Boolean).join('; ');
  return `${lengths.length} pool swim lengths${details ? ` (${details})` : ''} left out: the model keeps laps and totals, not single lengths`;
}

/** Timer stop → start pairs from `event` messages (event `timer`). */
function pausesOf(events: readonly FitMesg[]): Pause[] {
  const pauses: Pause[] = [];
  let stoppedAtMs: number | undefined;
  for (const event of events) {
    if (event.event !== 'timer') continue;
    const timeMs = timeMsOf(event.timestamp);
    if (timeMs === undefined) continue;
    const type = String(event.eventType);
    if (type.startsWith('stop')) stoppedAtMs ??= timeMs;
    else if (type === 'start' && stoppedAtMs !== undefined) {
      if (timeMs > stoppedAtMs) pauses.push({ startMs: stoppedAtMs, endMs: timeMs });
      stoppedAtMs = undefined;
    }
  }
  return pauses;
}

function deviceOf(deviceInfos: readonly FitMesg[], fileId: FitMesg | undefined): DeviceInfo {
  const creator = deviceInfos.find((d) => d.deviceIndex === 'creator' || d.deviceIndex === 0) ?? deviceInfos[0];
  const pick = (key: string) => creator?.[key] ?? fileId?.[key];
  const text = (value: unknown) => (value === undefined || value === null || value === '' ? undefined : String(value));
  const device: DeviceInfo = {
    manufacturer: text(pick('manufacturer')),
    product: text(pick('garminProduct') ?? pick('productName') ?? pick('product')),
    serialNumber: text(pick('serialNumber')),
    softwareVersion: text(creator?.softwareVersion),
  };
  for (const key of Object.keys(device) as (keyof DeviceInfo)[]) if (device[key] === undefined) delete device[key];
  return device;
}

/** Local time offset from `activity.localTimestamp − timestamp`, rounded to 15 minutes; 0 when absent or absurd. */
function utcOffsetMinOf(activity: FitMesg | undefined): number {
  const localS = num(activity, 'localTimestamp');
  const utcMs = timeMsOf(activity?.timestamp);
  if (localS === undefined || utcMs === undefined) return 0;
  const offsetMin = Math.round(((localS + FIT_EPOCH_UNIX_S) * 1000 - utcMs) / 60_000 / 15) * 15;
  return Math.abs(offsetMin) <= MAX_UTC_OFFSET_MIN ? offsetMin : 0;
}

/** Index of the last start at or before `timeMs` (0 when before all); `starts` ascending. */
function spanIndex(starts: readonly number[], timeMs: number): number {
  let index = 0;
  for (let i = 1; i < starts.length; i++) if (starts[i] <= timeMs) index = i;
  return index;
}

/**
 * Checks and decodes a FIT file into the SDK's messages by list (`recordMesgs`…), compressed-timestamp headers
 * expanded and power-up times placed. Throws `INVALID_INPUT` for a truncated, corrupt or undecodable file.
 */
function decodeFit(bytes: Uint8Array): Record<string, FitMesg[] | undefined> {
  checkFitIntegrity(bytes);
  const decodable = expandCompressedTimestamps(bytes);
  const { messages, errors } = new Decoder(Stream.fromByteArray(decodable)).read({ includeUnknownData: false });
  if (errors.length) throw new ExportError('INVALID_INPUT', `FIT decode failed: ${errors[0].message}`, { cause: errors[0] });
  const m = messages as unknown as Record<string, FitMesg[] | undefined>;
  placeSystemTimes(m);
  return m;
}

/** What a FIT file holds in our model: activities, and weight or daily steps from wellness files. */
export interface FitImport {
  activities: ImportedActivity[];
  records: FitWellnessRecord[];
}

/**
 * Imports any FIT file: an activity file as `importFit` does, a weight-scale file into Weight records and a
 * monitoring file into DailySteps. Throws `INVALID_INPUT` for a corrupt file or one holding none of these.
 */
export function importFitFile(bytes: Uint8Array, options: FitImportOptions): FitImport {
  const m = decodeFit(bytes);
  const records = wellnessRecordsOf(m, options.nowMs);
  const hasActivityData = (m.recordMesgs?.length ?? 0) > 0 || (m.sessionMesgs?.length ?? 0) > 0;
  return { activities: hasActivityData || !records.length ? activitiesOf(m, bytes, options) : [], records };
}

/**
 * Decodes a FIT activity file into one ImportedActivity per session (multisport files give one per leg,
 * transitions included). Records lacking a timestamp are skipped. Throws `INVALID_INPUT` for a truncated or
 * corrupt file (checked up front, CRC included) or one without activity data.
 */
export function importFit(bytes: Uint8Array, options: FitImportOptions): ImportedActivity[] {
  return activitiesOf(decodeFit(bytes), bytes, options);
}

function activitiesOf(m: Record<string, FitMesg[] | undefined>, bytes: Uint8Array, options: FitImportOptions): ImportedActivity[] {
  const records = m.recordMesgs ?? [];
  const sessions = [...(m.sessionMesgs ?? [])].filter((s) => timeMsOf(s.startTime) !== undefined)
    .sort((a, b) => timeMsOf(a.startTime)! - timeMsOf(b.startTime)!);
  if (!records.length && !sessions.length) {
    const fileType = m.fileIdMesgs?.[0]?.type;
    throw new ExportError('INVALID_INPUT', `FIT file has no activity data (no records or sessions) and no weight or step data; file type ${String(fileType ?? 'unknown')}`);
  }
  // A file without sessions still holds a track; treat it as one session over everything.
  const spans: FitMesg[] = sessions.length ? sessions : [{ sport: m.sportMesgs?.[0]?.sport ?? 'generic', subSport: m.sportMesgs?.[0]?.subSport }];
  const starts = sessions.map((s) => timeMsOf(s.startTime)!);
  const builders = spans.map(() => new TrackBuilder());
  const overrides = nativeOverridesOf(m.fieldDescriptionMesgs ?? []);
  const overridden = new Set<Channel>();
  for (const record of records) {
    const timeMs = timeMsOf(record.timestamp);
    if (timeMs === undefined) continue;
    const sample = sampleOf(record, timeMs);
    if (overrides.size) applyNativeOverrides(sample, record, overrides, overridden);
    builders[spanIndex(starts, timeMs)].push(sample);
  }
  const laps: LapInput[][] = spans.map(() => []);
  for (const lap of m.lapMesgs ?? []) {
    const startTimeMs = timeMsOf(lap.startTime);
    if (startTimeMs === undefined) continue;
    laps[spanIndex(starts, startTimeMs)].push({ startTimeMs, totals: withoutPlaceholderZeros(totalsOf(lap), overridden) });
  }
  const pauses: Pause[][] = spans.map(() => []);
  for (const pause of pausesOf(m.eventMesgs ?? [])) pauses[spanIndex(starts, pause.startMs)].push(pause);
  const lengths: FitMesg[][] = spans.map(() => []);
  for (const length of m.lengthMesgs ?? []) {
    const timeMs = timeMsOf(length.startTime) ?? timeMsOf(length.timestamp);
    if (timeMs !== undefined) lengths[spanIndex(starts, timeMs)].push(length);
  }

  const device = deviceOf(m.deviceInfoMesgs ?? [], m.fileIdMesgs?.[0]);
  const utcOffsetMin = utcOffsetMinOf(m.activityMesgs?.[0]);
  const original = { name: options.fileName, bytes };
  const results: ImportedActivity[] = [];
  spans.forEach((span, i) => {
    const builder = builders[i];
    const startTimeMs = starts[i] ?? (builder.count ? builder.timeAt(0) : undefined);
    if (startTimeMs === undefined) return;
    const { sport, subSport } = sportOfFit(span.sport, span.subSport);
    const imported = assembleActivity({
      format: 'fit',
      builder,
      from: 0,
      to: builder.count,
      sport,
      subSport,
      startTimeMs,
      utcOffsetMin,
      fileTotals: sessions.length ? withoutPlaceholderZeros(totalsOf(span), overridden) : {},
      laps: laps[i],
      pauses: pauses[i],
      device,
      source: 'import:fit',
      nowMs: options.nowMs,
    });
    const warnings = lengths[i].length ? [poolLengthsWarning(lengths[i], span)] : undefined;
    results.push({ ...imported, original, ...(warnings ? { warnings } : {}) });
  });
  if (!results.length) throw new ExportError('INVALID_INPUT', 'FIT file has no timestamped records or sessions');
  return results;
}
