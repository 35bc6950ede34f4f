// Runtime validation of records arriving from outside (records API, file import, JSONL). A bad record is
// rejected with a sentence naming the record and the field; nothing here throws, and nothing is dropped silently.
//
// Hand-written rather than valibot. Measured with `npx tsx` on Node 20 (shared 2-core box, so +-40 % noise):
//   - track chunks of 2048 samples carrying time + all 9 channels as typed arrays: 20-36 M samples/s
//     (each sample is 10 values); the same chunks as plain JSON arrays, converted to typed arrays: 3.4-5.3 M samples/s.
//   - activities (3 laps, totals, tags, time zone): 0.13-0.31 M/s; weights: 1.9-4.0 M/s.
//   - valibot 1.5 `safeParse` of an equivalent activity schema: 0.22-0.25 M/s, i.e. no faster, and its issue
//     paths would need a second pass to become the one-sentence messages below.
// Records are never the bottleneck (a year of data is a few thousand), so the hand-written version wins on
// messages (kind, id and field path in one sentence), defaults, cross-field rules, and no runtime dependency in `model/`.

import {
  CHANNELS, RECORD_KINDS, SPORTS, SUB_SPORTS,
  type Activity, type Channel, type RecordKind, type TakeawayRecord, type TrackChunk,
} from './records.ts';

/** Why one record was rejected. `message` is the full sentence: kind, id (or position), field and problem. */
export interface RecordIssue {
  /** The record's kind, when it had a valid one. */
  kind?: string;
  /** The record's id, when it had a non-empty string id. */
  id?: string;
  /** Path of the offending field: `totals.avgHeartRateBpm`, `laps[2].endIndex`, `lat[12]`; `` for the record itself. */
  field: string;
  message: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; error: RecordIssue };

/** Thrown inside this module only, to stop at the first problem; never escapes it. */
class Invalid {
  constructor(readonly field: string, readonly problem: string) {}
}

type Json = Record<string, unknown>;

/** Earliest/latest UTC offsets in use (UTC-12:00 .. UTC+14:00), minutes. */
const MIN_UTC_OFFSET_MIN = -720;
const MAX_UTC_OFFSET_MIN = 840;
const MAX_WEIGHT_KG = 700;
/**
 * Largest total or lap figure (seconds, metres, calories, bpm…): a trillion is beyond any activity, and below it
 * sums, averages and the formats' scaled integers (FIT's milliseconds, TCX's decimals) stay finite; 1e308 would not.
 */
const MAX_TOTAL_VALUE = 1e12;
/** More steps than anyone walks in a day (7,000 km); also keeps the figure a plain integer in every format. */
const MAX_STEP_COUNT = 1e7;

/**
 * Validates one record from outside and returns it normalised: optional arrays default to `[]`,
 * `sampleCount` to 0, `updatedAtMs` to 0, `subSport` to `generic`; optional fields given as `null` are removed.
 * Unknown extra fields are kept. `position` (0-based index in its batch or file) names records without an id.
 */
export function validateRecord(input: unknown, position?: number): ValidationResult<TakeawayRecord> {
  let kind: RecordKind | undefined;
  let id: string | undefined;
  try {
    const obj = asObject(input, '');
    if (typeof obj.kind === 'string' && (RECORD_KINDS as readonly string[]).includes(obj.kind)) kind = obj.kind as RecordKind;
    if (typeof obj.id === 'string' && obj.id !== '') id = obj.id;
    if (kind === undefined) throw new Invalid('kind', `= ${describe(obj.kind)} is not one of ${RECORD_KINDS.join(', ')}`);
    const out: Json = { ...obj };
    readBase(obj, out);
    switch (kind) {
      case 'activity': readActivity(obj, out); break;
      case 'steps': readSteps(obj, out); break;
      case 'weight': readWeight(obj, out); break;
      case 'sleep': readSleep(obj, out); break;
      case 'record': readGeneric(obj, out); break;
    }
    return { ok: true, value: out as unknown as TakeawayRecord };
  } catch (error) {
    return { ok: false, error: toIssue(error, kind, id, position, '') };
  }
}

/**
 * Validates one stored track chunk: array lengths equal `count`, `timeMs` finite and non-decreasing,
 * channel ranges (NaN marks a missing sample, ±Infinity never passes), `distanceM` non-decreasing.
 * Plain number arrays (JSON) and other numeric typed arrays are converted to the types of `TrackChunk`,
 * with `null` becoming NaN. With `activity`, also checks the chunk belongs to it, fits in its
 * `sampleCount` and carries only channels it declares. Sample indexes in messages are track-wide.
 */
export function validateTrackChunk(input: unknown, activity?: Activity): ValidationResult<TrackChunk> {
  let id: string | undefined = activity?.id;
  try {
    const obj = asObject(input, '');
    if (typeof obj.activityId === 'string' && obj.activityId !== '') id = obj.activityId;
    const activityId = requireId(obj, 'activityId');
    if (activity && activityId !== activity.id) throw new Invalid('activityId', `= ${describe(activityId)} does not match activity ${activity.id}`);
    const seq = requireCount(obj, 'seq');
    const startIndex = requireCount(obj, 'startIndex');
    const count = requireCount(obj, 'count');
    if (activity && startIndex + count > activity.sampleCount) {
      throw new Invalid('count', `= ${count} from startIndex ${startIndex} runs past the activity's sampleCount ${activity.sampleCount}`);
    }
    const out: Json = { ...obj, activityId, seq, startIndex, count };
    const timeMs = toSamples(obj.timeMs, Float64Array, 'timeMs', count, true);
    checkTimes(timeMs, startIndex);
    out.timeMs = timeMs;
    for (const rule of CHANNEL_RULES) {
      const raw = obj[rule.channel];
      if (raw === undefined || raw === null) { delete out[rule.channel]; continue; }
      if (activity && !activity.channels.includes(rule.channel)) {
        throw new Invalid(rule.channel, `is present but the activity's channels (${activity.channels.join(', ') || 'none'}) do not list it`);
      }
      const values = toSamples(raw, rule.type, rule.channel, count, false);
      checkChannel(values, rule, startIndex);
      out[rule.channel] = values;
    }
    return { ok: true, value: out as unknown as TrackChunk };
  } catch (error) {
    return { ok: false, error: toIssue(error, 'activity', id, undefined, 'track ') };
  }
}

// ---- track samples (the hot path: plain loops over typed arrays) ----

type SampleArrayType = Float64ArrayConstructor | Float32ArrayConstructor;

interface ChannelRule {
  channel: Channel;
  type: SampleArrayType;
  min: number;
  max: number;
  /** Written in messages, e.g. `-90..90` or `>= 0`. */
  rangeText: string;
  isNonDecreasing?: boolean;
}

function rule(channel: Channel, type: SampleArrayType, min: number, max: number, extra: Partial<ChannelRule> = {}): ChannelRule {
  const rangeText = max === Number.MAX_VALUE ? (min === -Number.MAX_VALUE ? 'finite' : `>= ${min}`) : `${min}..${max}`;
  return { channel, type, min, max, rangeText, ...extra };
}

/** One rule per channel, in CHANNELS order; array types as declared in `TrackChunk`. */
const CHANNEL_RULES: readonly ChannelRule[] = [
  rule('lat', Float64Array, -90, 90),
  rule('lon', Float64Array, -180, 180),
  rule('altitudeM', Float32Array, -Number.MAX_VALUE, Number.MAX_VALUE),
  rule('heartRateBpm', Float32Array, 0, 255),
  rule('cadenceRpm', Float32Array, 0, 255),
  rule('powerW', Float32Array, 0, 65535),
  rule('speedMps', Float32Array, 0, Number.MAX_VALUE),
  rule('distanceM', Float64Array, 0, Number.MAX_VALUE, { isNonDecreasing: true }),
  rule('temperatureC', Float32Array, -100, 100),
];
if (CHANNEL_RULES.length !== CHANNELS.length) throw new Error('validate.ts: a channel has no rule');

function checkTimes(timeMs: Float64Array, startIndex: number): void {
  let previous = -Infinity;
  for (let i = 0; i < timeMs.length; i++) {
    const t = timeMs[i];
    if (t >= previous && t - t === 0) { previous = t; continue; }
    if (t - t !== 0) throw new Invalid(`timeMs[${startIndex + i}]`, `= ${t} is not a finite time`);
    throw new Invalid(`timeMs[${startIndex + i}]`, `= ${t} is before timeMs[${startIndex + i - 1}] = ${previous}`);
  }
}

function checkChannel(values: Float64Array | Float32Array, rule: ChannelRule, startIndex: number): void {
  const { min, max } = rule;
  let previous = -Infinity;
  let previousIndex = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v >= min && v <= max) {
      if (rule.isNonDecreasing) {
        if (v < previous) {
          throw new Invalid(`${rule.channel}[${startIndex + i}]`, `= ${v} is below ${rule.channel}[${startIndex + previousIndex}] = ${previous}; it must not decrease`);
        }
        previous = v;
        previousIndex = i;
      }
      continue;
    }
    if (v !== v) continue; // NaN: a missing sample in a present channel
    const problem = v === Infinity || v === -Infinity ? 'is not finite' : `is out of range ${rule.rangeText}`;
    throw new Invalid(`${rule.channel}[${startIndex + i}]`, `= ${v} ${problem}`);
  }
}

function toSamples<T extends SampleArrayType>(raw: unknown, type: T, field: string, count: number, isRequired: boolean): InstanceType<T> {
  if (raw === undefined || raw === null) {
    throw new Invalid(field, isRequired ? 'is missing' : 'is null');
  }
  let values: Float64Array | Float32Array;
  if (raw instanceof type) {
    values = raw;
  } else if (Array.isArray(raw)) {
    values = new type(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const item: unknown = raw[i];
      if (typeof item === 'number') values[i] = item;
      else if (item === null) values[i] = Number.NaN;
      else throw new Invalid(`${field}[${i}]`, `= ${describe(item)} is not a number`);
    }
  } else if (isNumericTypedArray(raw)) {
    values = new type(raw);
  } else {
    throw new Invalid(field, `= ${describe(raw)} is not an array of numbers`);
  }
  if (values.length !== count) throw new Invalid(field, `has ${values.length} samples but count is ${count}`);
  return values as InstanceType<T>;
}

function isNumericTypedArray(value: unknown): value is ArrayLike<number> {
  return ArrayBuffer.isView(value) && !(value instanceof DataView)
    && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array);
}

// ---- records ----

function readBase(obj: Json, out: Json): void {
  out.id = requireId(obj, 'id');
  out.updatedAtMs = obj.updatedAtMs === undefined || obj.updatedAtMs === null ? 0 : requireNumber(obj, 'updatedAtMs', { min: 0 });
  setOptional(out, 'source', optionalString(obj, 'source'));
}

function readActivity(obj: Json, out: Json): void {
  out.sport = requireOneOf(obj, 'sport', SPORTS);
  out.subSport = obj.subSport === undefined || obj.subSport === null ? 'generic' : requireOneOf(obj, 'subSport', SUB_SPORTS);
  out.name = requireString(obj, 'name');
  out.startTimeMs = requireNumber(obj, 'startTimeMs');
  out.utcOffsetMin = requireUtcOffset(obj, 'utcOffsetMin');
  setOptional(out, 'timeZone', optionalTimeZone(obj, 'timeZone'));
  out.totals = readTotals(asObject(obj.totals, 'totals'), 'totals');
  setOptional(out, 'device', optionalDevice(obj.device));
  out.tags = readTags(obj);
  setOptional(out, 'category', optionalString(obj, 'category'));
  setOptional(out, 'notes', optionalString(obj, 'notes'));
  const sampleCount = obj.sampleCount === undefined || obj.sampleCount === null ? 0 : requireCount(obj, 'sampleCount');
  out.sampleCount = sampleCount;
  out.channels = readChannels(obj);
  out.laps = readArray(obj, 'laps', (item, path) => readLap(item, path, sampleCount));
  out.pauses = readArray(obj, 'pauses', readPause);
}

const TOTALS_FIELDS = [
  'distanceM', 'calories', 'ascentM', 'descentM', 'avgHeartRateBpm', 'maxHeartRateBpm', 'avgCadenceRpm',
  'maxCadenceRpm', 'avgPowerW', 'maxPowerW', 'avgSpeedMps', 'maxSpeedMps',
] as const;

function readTotals(obj: Json, path: string): Json {
  const out: Json = { ...obj };
  const total = (key: string, value: number | undefined) => {
    if (value !== undefined && value > MAX_TOTAL_VALUE) throw new Invalid(join(path, key), `= ${value} is above ${MAX_TOTAL_VALUE}, more than any activity reaches`);
    return value;
  };
  out.elapsedS = total('elapsedS', requireNumber(obj, 'elapsedS', { min: 0, path }));
  out.timerS = total('timerS', requireNumber(obj, 'timerS', { min: 0, path }));
  for (const key of TOTALS_FIELDS) setOptional(out, key, total(key, optionalNumber(obj, key, { min: 0, path })));
  return out;
}

function readLap(item: unknown, path: string, sampleCount: number): Json {
  const obj = asObject(item, path);
  const out = readTotals(obj, path);
  out.startTimeMs = requireNumber(obj, 'startTimeMs', { path });
  const startIndex = requireCount(obj, 'startIndex', path);
  const endIndex = requireCount(obj, 'endIndex', path);
  if (startIndex > endIndex) throw new Invalid(join(path, 'startIndex'), `= ${startIndex} is after endIndex ${endIndex}`);
  if (endIndex > sampleCount) throw new Invalid(join(path, 'endIndex'), `= ${endIndex} is past sampleCount ${sampleCount}`);
  out.startIndex = startIndex;
  out.endIndex = endIndex;
  return out;
}

function readPause(item: unknown, path: string): Json {
  const obj = asObject(item, path);
  const startMs = requireNumber(obj, 'startMs', { path });
  const endMs = requireNumber(obj, 'endMs', { path });
  if (endMs < startMs) throw new Invalid(join(path, 'endMs'), `= ${endMs} is before startMs ${startMs}`);
  return { ...obj, startMs, endMs };
}

function readChannels(obj: Json): Channel[] {
  const channels = readArray(obj, 'channels', (item, path) => {
    if (typeof item !== 'string' || !(CHANNELS as readonly string[]).includes(item)) {
      throw new Invalid(path, `= ${describe(item)} is not one of ${CHANNELS.join(', ')}`);
    }
    return item as Channel;
  });
  const duplicate = channels.find((channel, i) => channels.indexOf(channel) !== i);
  if (duplicate !== undefined) throw new Invalid('channels', `lists ${duplicate} twice`);
  return channels;
}

function optionalDevice(value: unknown): Json | undefined {
  if (value === undefined || value === null) return undefined;
  const obj = asObject(value, 'device');
  const out: Json = { ...obj };
  for (const key of ['manufacturer', 'product', 'serialNumber', 'softwareVersion']) {
    setOptional(out, key, optionalString(obj, key, 'device'));
  }
  return out;
}

function readSteps(obj: Json, out: Json): void {
  out.date = requireDate(obj, 'date');
  const stepCount = requireCount(obj, 'stepCount');
  if (stepCount > MAX_STEP_COUNT) throw new Invalid('stepCount', `= ${stepCount} is above ${MAX_STEP_COUNT}, more than anyone walks in a day`);
  out.stepCount = stepCount;
}

function readWeight(obj: Json, out: Json): void {
  out.timestampMs = requireNumber(obj, 'timestampMs');
  out.utcOffsetMin = requireUtcOffset(obj, 'utcOffsetMin');
  const weightKg = requireNumber(obj, 'weightKg');
  if (!(weightKg > 0 && weightKg < MAX_WEIGHT_KG)) {
    throw new Invalid('weightKg', `= ${weightKg} is out of range (0 < weightKg < ${MAX_WEIGHT_KG})`);
  }
  out.weightKg = weightKg;
  setOptional(out, 'bodyFatPct', optionalNumber(obj, 'bodyFatPct', { min: 0, max: 100 }));
}

function readSleep(obj: Json, out: Json): void {
  const startTimeMs = requireNumber(obj, 'startTimeMs');
  const endTimeMs = requireNumber(obj, 'endTimeMs');
  if (endTimeMs < startTimeMs) throw new Invalid('endTimeMs', `= ${endTimeMs} is before startTimeMs ${startTimeMs}`);
  if (endTimeMs === startTimeMs) throw new Invalid('endTimeMs', `= ${endTimeMs} equals startTimeMs; a sleep must end after it starts`);
  out.startTimeMs = startTimeMs;
  out.endTimeMs = endTimeMs;
  out.utcOffsetMin = requireUtcOffset(obj, 'utcOffsetMin');
  const inBedS = (endTimeMs - startTimeMs) / 1000;
  const durationAsleepS = requireNumber(obj, 'durationAsleepS', { min: 0 });
  if (durationAsleepS > inBedS) {
    throw new Invalid('durationAsleepS', `= ${durationAsleepS} is longer than the ${inBedS} s between startTimeMs and endTimeMs`);
  }
  out.durationAsleepS = durationAsleepS;
  for (const key of ['deepS', 'lightS', 'remS', 'awakeS']) setOptional(out, key, optionalNumber(obj, key, { min: 0 }));
  setOptional(out, 'score', optionalNumber(obj, 'score', { min: 0, max: 100 }));
}

function readGeneric(obj: Json, out: Json): void {
  out.recordType = requireId(obj, 'recordType');
  out.timestampMs = requireNumber(obj, 'timestampMs');
  out.utcOffsetMin = requireUtcOffset(obj, 'utcOffsetMin');
  out.title = requireString(obj, 'title');
  setOptional(out, 'category', optionalString(obj, 'category'));
  out.tags = readTags(obj);
  const fields = obj.fields === undefined || obj.fields === null ? {} : asObject(obj.fields, 'fields');
  const outFields: Json = {};
  for (const [key, value] of Object.entries(fields)) outFields[key] = readFieldValue(value, join('fields', key));
  out.fields = outFields;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function readFieldValue(value: unknown, path: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return checkNumber(value, path, {});
  if (typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Json;
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0] === 'date') {
      const date = obj.date;
      if (typeof date !== 'string' || !ISO_DATE_TIME.test(date) || Number.isNaN(Date.parse(date))) {
        throw new Invalid(join(path, 'date'), `= ${describe(date)} is not an ISO 8601 date`);
      }
      return { date };
    }
  }
  throw new Invalid(path, `= ${describe(value)} is not a string, number, boolean, null or { date: ISO 8601 }`);
}

function readTags(obj: Json): string[] {
  return readArray(obj, 'tags', (item, path) => {
    if (typeof item !== 'string') throw new Invalid(path, `= ${describe(item)} is not a string`);
    return item;
  });
}

// ---- field readers: each returns the value or throws Invalid naming the field ----

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function asObject(value: unknown, path: string): Json {
  if (value === undefined) throw new Invalid(path, 'is missing');
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw new Invalid(path, `= ${describe(value)} is not an object`);
  }
  return value as Json;
}

function readArray<T>(obj: Json, key: string, readItem: (item: unknown, path: string) => T): T[] {
  const value = obj[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Invalid(key, `= ${describe(value)} is not an array`);
  return value.map((item, i) => readItem(item, join(key, i)));
}

interface NumberRule { min?: number; max?: number; path?: string }

function checkNumber(value: unknown, field: string, rule: NumberRule): number {
  if (typeof value !== 'number') throw new Invalid(field, value === undefined ? 'is missing' : `= ${describe(value)} is not a number`);
  if (Number.isNaN(value)) throw new Invalid(field, 'is NaN');
  if (!Number.isFinite(value)) throw new Invalid(field, `= ${value} is not finite`);
  if (rule.min !== undefined && rule.max !== undefined && (value < rule.min || value > rule.max)) {
    throw new Invalid(field, `= ${value} is out of range ${rule.min}..${rule.max}`);
  }
  if (rule.min !== undefined && value < rule.min) throw new Invalid(field, `= ${value} is below ${rule.min}`);
  if (rule.max !== undefined && value > rule.max) throw new Invalid(field, `= ${value} is above ${rule.max}`);
  return value;
}

function requireNumber(obj: Json, key: string, rule: NumberRule = {}): number {
  return checkNumber(obj[key], join(rule.path ?? '', key), rule);
}

function optionalNumber(obj: Json, key: string, rule: NumberRule = {}): number | undefined {
  const value = obj[key];
  return value === undefined || value === null ? undefined : checkNumber(value, join(rule.path ?? '', key), rule);
}

/** A non-negative integer (counts, indexes, sequence numbers). */
function requireCount(obj: Json, key: string, path = ''): number {
  const value = checkNumber(obj[key], join(path, key), { min: 0 });
  if (!Number.isInteger(value)) throw new Invalid(join(path, key), `= ${value} is not an integer`);
  return value;
}

function requireString(obj: Json, key: string): string {
  const value = obj[key];
  if (typeof value !== 'string') throw new Invalid(key, value === undefined ? 'is missing' : `= ${describe(value)} is not a string`);
  return value;
}

function requireId(obj: Json, key: string): string {
  const value = requireString(obj, key);
  if (value === '') throw new Invalid(key, 'is empty');
  return value;
}

function optionalString(obj: Json, key: string, path = ''): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Invalid(join(path, key), `= ${describe(value)} is not a string`);
  return value;
}

function requireOneOf<T extends string>(obj: Json, key: string, allowed: readonly T[]): T {
  const value = obj[key];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new Invalid(key, value === undefined ? 'is missing' : `= ${describe(value)} is not one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function requireUtcOffset(obj: Json, key: string): number {
  const value = requireNumber(obj, key, { min: MIN_UTC_OFFSET_MIN, max: MAX_UTC_OFFSET_MIN });
  if (!Number.isInteger(value)) throw new Invalid(key, `= ${value} is not a whole number of minutes`);
  return value;
}

const knownTimeZones = new Map<string, boolean>();

function optionalTimeZone(obj: Json, key: string): string | undefined {
  const value = optionalString(obj, key);
  if (value === undefined) return undefined;
  let isValid = knownTimeZones.get(value);
  if (isValid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      // Newer engines also accept offsets like `+01:00`, which are not IANA zone names.
      isValid = value !== '' && !/^[+-]/.test(value);
    } catch {
      isValid = false; // RangeError is how Intl reports an unknown zone
    }
    knownTimeZones.set(value, isValid);
  }
  if (!isValid) throw new Invalid(key, `= ${describe(value)} is not an IANA time zone`);
  return value;
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when the day exists in the proleptic Gregorian calendar (no 30 February, no month 13); `month` is 1-based. */
export function isRealDay(year: number, month: number, day: number): boolean {
  if (!(month >= 1 && month <= 12 && day >= 1)) return false;
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year); // Date.UTC maps years 0-99 to 1900-1999
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** True for a `YYYY-MM-DD` text naming a real day (Date.parse would roll 2023-02-30 over to 2 March). */
export function isCalendarDate(text: string): boolean {
  const match = CALENDAR_DATE.exec(text);
  return match !== null && isRealDay(Number(match[1]), Number(match[2]), Number(match[3]));
}

function requireDate(obj: Json, key: string): string {
  const value = requireString(obj, key);
  if (!isCalendarDate(value)) throw new Invalid(key, `= ${describe(value)} is not a calendar date YYYY-MM-DD`);
  return value;
}

function setOptional(out: Json, key: string, value: unknown): void {
  // `delete` only when the key is there: deleting turns the object into a slow dictionary.
  if (value !== undefined) out[key] = value;
  else if (key in out) delete out[key];
}

// ---- messages ----

/** A short, safe rendering of any value for a message (never throws, never huge). */
function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return ArrayBuffer.isView(value) ? `a ${value.constructor.name}` : 'an object';
  return `a ${typeof value}`;
}

function toIssue(error: unknown, kind: string | undefined, id: string | undefined, position: number | undefined, fieldPrefix: string): RecordIssue {
  const label = `${kind ?? 'item'}${id !== undefined ? ` ${id}` : position !== undefined ? ` at position ${position}` : ''}`;
  if (error instanceof Invalid) {
    const subject = error.field === '' ? (fieldPrefix === '' ? 'record' : fieldPrefix.trim()) : `${fieldPrefix}${error.field}`;
    return { kind, id, field: error.field, message: `${label}: ${subject} ${error.problem}` };
  }
  // A throwing getter or proxy in the input: still a rejection with a reason, never an exception.
  let reason = 'unreadable value';
  try {
    reason = error instanceof Error ? error.message : String(error);
  } catch {
    // The thrown value cannot even be printed; the generic reason above stands.
  }
  return { kind, id, field: '', message: `${label}: could not be read (${reason})` };
}
