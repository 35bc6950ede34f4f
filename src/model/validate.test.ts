import { describe, expect, it } from 'vitest';
import type { Activity, TrackChunk } from './records.ts';
import { validateRecord, validateTrackChunk, type RecordIssue } from './validate.ts';

const T0 = Date.UTC(2024, 4, 1, 6, 30);

function activity(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'activity', id: 'a-1', updatedAtMs: T0, sport: 'running', subSport: 'road', name: 'Morning run',
    startTimeMs: T0, utcOffsetMin: 120, timeZone: 'Europe/Berlin',
    totals: { elapsedS: 1800, timerS: 1750, distanceM: 5000, avgHeartRateBpm: 150 },
    tags: ['easy'], category: 'training', laps: [{ startTimeMs: T0, startIndex: 0, endIndex: 4, elapsedS: 1800, timerS: 1750 }],
    pauses: [{ startMs: T0 + 60_000, endMs: T0 + 110_000 }], sampleCount: 4, channels: ['lat', 'lon', 'heartRateBpm'],
    ...overrides,
  };
}
const steps = (o: Record<string, unknown> = {}) => ({ kind: 'steps', id: 'st-1', updatedAtMs: T0, date: '2024-05-01', stepCount: 8123, ...o });
const weight = (o: Record<string, unknown> = {}) => ({ kind: 'weight', id: 'w-1', updatedAtMs: T0, timestampMs: T0, utcOffsetMin: 0, weightKg: 72.4, bodyFatPct: 18, ...o });
const sleep = (o: Record<string, unknown> = {}) => ({
  kind: 'sleep', id: 's-3', updatedAtMs: T0, startTimeMs: T0, endTimeMs: T0 + 8 * 3600_000, utcOffsetMin: 60,
  durationAsleepS: 7 * 3600, deepS: 3600, score: 81, ...o,
});
const generic = (o: Record<string, unknown> = {}) => ({
  kind: 'record', id: 'r-1', updatedAtMs: T0, recordType: 'transaction', timestampMs: T0, utcOffsetMin: -300, title: 'Coffee',
  category: 'food', tags: ['cafe'], fields: { amount: 3.5, paid: true, note: null, on: { date: '2024-05-01T08:00:00Z' } }, ...o,
});

function chunk(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    activityId: 'a-1', seq: 0, startIndex: 0, count: 4,
    timeMs: Float64Array.from([T0, T0 + 1000, T0 + 1000, T0 + 3000]),
    lat: Float64Array.from([52.5, 52.5001, 52.5002, 52.5003]),
    lon: Float64Array.from([13.4, 13.4001, 13.4002, 13.4003]),
    heartRateBpm: Float32Array.from([120, Number.NaN, 125, 130]),
    ...overrides,
  };
}

function issueOf(result: ReturnType<typeof validateRecord> | ReturnType<typeof validateTrackChunk>): RecordIssue {
  if (result.ok) throw new Error('expected the input to be rejected');
  return result.error;
}

describe('validateRecord accepts good records', () => {
  it('accepts one record of every kind and returns it', () => {
    for (const input of [activity(), steps(), weight(), sleep(), generic()]) {
      const result = validateRecord(input);
      expect(result.ok, JSON.stringify(result)).toBe(true);
      if (result.ok) expect(result.value).toEqual(input);
    }
  });

  it('fills missing optional fields with defaults', () => {
    const { tags: _t, laps: _l, pauses: _p, channels: _c, sampleCount: _s, updatedAtMs: _u, subSport: _ss, ...bare } = activity();
    const result = validateRecord(bare);
    expect(result.ok).toBe(true);
    if (!result.ok || result.value.kind !== 'activity') return;
    expect(result.value).toMatchObject({ tags: [], laps: [], pauses: [], channels: [], sampleCount: 0, updatedAtMs: 0, subSport: 'generic' });
  });

  it('removes optional fields given as null, as JSON writes NaN', () => {
    const result = validateRecord(weight({ bodyFatPct: null }));
    expect(result.ok && 'bodyFatPct' in result.value).toBe(false);
  });

  it('keeps unknown extra fields', () => {
    const result = validateRecord(steps({ extra: 'kept' }));
    expect(result.ok && (result.value as unknown as { extra: string }).extra).toBe('kept');
  });
});

describe('validateRecord rejects one broken rule at a time, naming the record and the field', () => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['an empty id', steps({ id: '' }), 'id', /^steps: id is empty$/],
    ['a numeric id', weight({ id: 7 }), 'id', /^weight: id = 7 is not a string$/],
    ['an unknown sport', activity({ sport: 'curling' }), 'sport', /^activity a-1: sport = "curling" is not one of/],
    ['an unknown sub-sport', activity({ subSport: 'moon' }), 'subSport', /^activity a-1: subSport = "moon"/],
    ['a NaN start time', activity({ startTimeMs: Number.NaN }), 'startTimeMs', /^activity a-1: startTimeMs is NaN$/],
    ['an infinite timestamp', weight({ timestampMs: Infinity }), 'timestampMs', /^weight w-1: timestampMs = Infinity is not finite$/],
    ['a UTC offset past +14:00', activity({ utcOffsetMin: 900 }), 'utcOffsetMin', /^activity a-1: utcOffsetMin = 900 is out of range -720\.\.840$/],
    ['a UTC offset below -12:00', sleep({ utcOffsetMin: -800 }), 'utcOffsetMin', /^sleep s-3: utcOffsetMin = -800/],
    ['a fractional UTC offset', weight({ utcOffsetMin: 60.5 }), 'utcOffsetMin', /not a whole number of minutes/],
    ['an unknown time zone', activity({ timeZone: 'Mars/Olympus' }), 'timeZone', /^activity a-1: timeZone = "Mars\/Olympus" is not an IANA time zone$/],
    ['an offset instead of a time zone', activity({ timeZone: '+01:00' }), 'timeZone', /^activity a-1: timeZone = "\+01:00" is not an IANA time zone$/],
    ['a NaN average heart rate', activity({ totals: { elapsedS: 1, timerS: 1, avgHeartRateBpm: Number.NaN } }), 'totals.avgHeartRateBpm', /^activity a-1: totals\.avgHeartRateBpm is NaN$/],
    ['a negative distance total', activity({ totals: { elapsedS: 1, timerS: 1, distanceM: -5 } }), 'totals.distanceM', /^activity a-1: totals\.distanceM = -5 is below 0$/],
    ['missing totals', activity({ totals: undefined }), 'totals', /^activity a-1: totals is missing$/],
    ['a lap ending past the samples', activity({ laps: [{ startTimeMs: T0, startIndex: 0, endIndex: 9, elapsedS: 1, timerS: 1 }] }), 'laps[0].endIndex', /^activity a-1: laps\[0\]\.endIndex = 9 is past sampleCount 4$/],
    ['a lap starting after it ends', activity({ laps: [{ startTimeMs: T0, startIndex: 3, endIndex: 2, elapsedS: 1, timerS: 1 }] }), 'laps[0].startIndex', /laps\[0\]\.startIndex = 3 is after endIndex 2/],
    ['a lap with a NaN total', activity({ laps: [{ startTimeMs: T0, startIndex: 0, endIndex: 1, elapsedS: 1, timerS: Number.NaN }] }), 'laps[0].timerS', /^activity a-1: laps\[0\]\.timerS is NaN$/],
    ['a lap timer of 1e308 s, finite but past what any sum or format can hold', activity({ laps: [{ startTimeMs: T0, startIndex: 0, endIndex: 1, elapsedS: 1, timerS: 1e308 }] }), 'laps[0].timerS', /^activity a-1: laps\[0\]\.timerS = 1e\+308 is above 1000000000000, more than any activity reaches$/],
    ['a total distance of 1e308 m', activity({ totals: { elapsedS: 1, timerS: 1, distanceM: 1e308 } }), 'totals.distanceM', /^activity a-1: totals\.distanceM = 1e\+308 is above 1000000000000/],
    ['1e308 steps', steps({ stepCount: 1e308 }), 'stepCount', /^steps st-1: stepCount = 1e\+308 is above 10000000, more than anyone walks in a day$/],
    ['a pause ending before it starts', activity({ pauses: [{ startMs: 5, endMs: 4 }] }), 'pauses[0].endMs', /^activity a-1: pauses\[0\]\.endMs = 4 is before startMs 5$/],
    ['an unknown channel', activity({ channels: ['lat', 'smell'] }), 'channels[1]', /^activity a-1: channels\[1\] = "smell" is not one of/],
    ['a fractional sample count', activity({ sampleCount: 2.5, laps: [] }), 'sampleCount', /sampleCount = 2\.5 is not an integer/],
    ['a tag that is not a string', activity({ tags: ['ok', 3] }), 'tags[1]', /^activity a-1: tags\[1\] = 3 is not a string$/],
    ['tags that are not an array', generic({ tags: 'cafe' }), 'tags', /^record r-1: tags = "cafe" is not an array$/],
    ['an impossible calendar date', steps({ date: '2023-02-30' }), 'date', /^steps st-1: date = "2023-02-30" is not a calendar date YYYY-MM-DD$/],
    ['a date in another format', steps({ date: '01/05/2024' }), 'date', /^steps st-1: date = "01\/05\/2024"/],
    ['a fractional step count', steps({ stepCount: 10.5 }), 'stepCount', /^steps st-1: stepCount = 10\.5 is not an integer$/],
    ['a negative step count', steps({ stepCount: -1 }), 'stepCount', /^steps st-1: stepCount = -1 is below 0$/],
    ['a zero weight', weight({ weightKg: 0 }), 'weightKg', /^weight w-1: weightKg = 0 is out of range/],
    ['a weight of 700 kg', weight({ weightKg: 700 }), 'weightKg', /^weight w-1: weightKg = 700 is out of range/],
    ['body fat over 100 %', weight({ bodyFatPct: 101 }), 'bodyFatPct', /^weight w-1: bodyFatPct = 101 is out of range 0\.\.100$/],
    ['a sleep ending before it starts', sleep({ endTimeMs: T0 - 1 }), 'endTimeMs', /^sleep s-3: endTimeMs = \d+ is before startTimeMs \d+$/],
    ['a sleep of no length', sleep({ endTimeMs: T0, durationAsleepS: 0 }), 'endTimeMs', /^sleep s-3: endTimeMs = \d+ equals startTimeMs/],
    ['more sleep than time in bed', sleep({ durationAsleepS: 9 * 3600 }), 'durationAsleepS', /^sleep s-3: durationAsleepS = 32400 is longer than the 28800 s/],
    ['a negative sleep stage', sleep({ remS: -60 }), 'remS', /^sleep s-3: remS = -60 is below 0$/],
    ['a sleep score over 100', sleep({ score: 120 }), 'score', /^sleep s-3: score = 120 is out of range 0\.\.100$/],
    ['an empty record type', generic({ recordType: '' }), 'recordType', /^record r-1: recordType is empty$/],
    ['a field holding an array', generic({ fields: { list: [1, 2] } }), 'fields.list', /^record r-1: fields\.list = an array of 2 is not a string, number, boolean, null/],
    ['a field holding a nested object', generic({ fields: { nested: { a: 1 } } }), 'fields.nested', /^record r-1: fields\.nested = an object/],
    ['a field date that does not parse', generic({ fields: { on: { date: 'yesterday' } } }), 'fields.on.date', /^record r-1: fields\.on\.date = "yesterday" is not an ISO 8601 date$/],
    ['a field number that is NaN', generic({ fields: { amount: Number.NaN } }), 'fields.amount', /^record r-1: fields\.amount is NaN$/],
    ['a missing title', generic({ title: undefined }), 'title', /^record r-1: title is missing$/],
    ['an unknown kind', { kind: 'mood', id: 'm-1' }, 'kind', /^item m-1: kind = "mood" is not one of activity, steps, weight, sleep, record$/],
  ];

  for (const [what, input, field, message] of cases) {
    it(`rejects ${what}`, () => {
      const issue = issueOf(validateRecord(input));
      expect(issue.field).toBe(field);
      expect(issue.message).toMatch(message);
      const id = (input as { id?: unknown }).id;
      if (typeof id === 'string' && id !== '') {
        expect(issue.id).toBe(id);
        expect(issue.message).toContain(id);
      }
    });
  }

  it('names a record without an id by its position', () => {
    const issue = issueOf(validateRecord(steps({ id: undefined }), 17));
    expect(issue).toMatchObject({ kind: 'steps', field: 'id' });
    expect(issue.message).toBe('steps at position 17: id is missing');
  });
});

describe('validateRecord never throws on garbage', () => {
  const throwingGetter = Object.defineProperty({ kind: 'weight' }, 'id', { get() { throw new Error('boom'); }, enumerable: true });
  const hostileProxy = new Proxy({}, { get() { throw new Error('trap'); }, ownKeys() { throw new Error('trap'); } });
  const garbage: unknown[] = [
    null, undefined, 0, Number.NaN, 'activity', '', true, [], [activity()], Symbol('x'), () => 1, new Float64Array(3),
    { kind: 'activity' }, { kind: 'record', id: 'r', fields: 'nope' }, { kind: 'activity', id: 'a', totals: [1] },
    JSON.parse('{"kind":"record","id":"r","recordType":"t","timestampMs":1,"utcOffsetMin":0,"title":"x","fields":{"a":{"b":{"c":[[[]]]}}}}'),
    throwingGetter, hostileProxy,
  ];

  it('returns an error for every input', () => {
    garbage.forEach((input, position) => {
      let result: ReturnType<typeof validateRecord> | undefined;
      expect(() => { result = validateRecord(input, position); }).not.toThrow();
      expect(result?.ok, `input #${position}`).toBe(false);
      if (result && !result.ok) expect(result.error.message.length).toBeGreaterThan(5);
    });
  });

  it('explains a non-object input', () => {
    expect(issueOf(validateRecord('hello', 4)).message).toBe('item at position 4: record = "hello" is not an object');
  });

  it('reports a throwing getter as an unreadable record', () => {
    expect(issueOf(validateRecord(throwingGetter, 2)).message).toBe('weight at position 2: could not be read (boom)');
  });
});

describe('validateTrackChunk', () => {
  it('accepts a good chunk and keeps its typed arrays', () => {
    const input = chunk();
    const result = validateTrackChunk(input, validateRecord(activity()).ok ? (activity() as unknown as Activity) : undefined);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.value.timeMs).toBe(input.timeMs);
      expect(result.value.heartRateBpm).toBeInstanceOf(Float32Array);
    }
  });

  it('converts plain JSON arrays to the declared typed arrays, null becoming NaN', () => {
    const result = validateTrackChunk({
      activityId: 'a-1', seq: 0, startIndex: 0, count: 3,
      timeMs: [T0, T0 + 1000, T0 + 2000], lat: [1.5, null, 1.25], heartRateBpm: [100, 101, null], distanceM: [0, 2.5, 5],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const value: TrackChunk = result.value;
    expect(value.timeMs).toBeInstanceOf(Float64Array);
    expect(value.lat).toBeInstanceOf(Float64Array);
    expect(value.heartRateBpm).toBeInstanceOf(Float32Array);
    expect(value.distanceM).toBeInstanceOf(Float64Array);
    expect(Array.from(value.lat!)).toEqual([1.5, Number.NaN, 1.25]);
    expect(Number.isNaN(value.heartRateBpm![2])).toBe(true);
  });

  it('converts a typed array of another type', () => {
    const result = validateTrackChunk(chunk({ heartRateBpm: Uint8Array.from([1, 2, 3, 4]) }));
    expect(result.ok && result.value.heartRateBpm).toEqual(Float32Array.from([1, 2, 3, 4]));
  });

  const at = (values: number[]) => Float64Array.from(values);
  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['a latitude out of range', { startIndex: 10, lat: at([52, 52, 123.4, 52]) }, 'lat[12]', 'activity a-1: track lat[12] = 123.4 is out of range -90..90'],
    ['a longitude out of range', { lon: at([13, -180.5, 13, 13]) }, 'lon[1]', 'activity a-1: track lon[1] = -180.5 is out of range -180..180'],
    ['an infinite heart rate', { heartRateBpm: Float32Array.from([1, 2, Infinity, 4]) }, 'heartRateBpm[2]', 'activity a-1: track heartRateBpm[2] = Infinity is not finite'],
    ['a heart rate over 255', { heartRateBpm: Float32Array.from([1, 256, 3, 4]) }, 'heartRateBpm[1]', 'activity a-1: track heartRateBpm[1] = 256 is out of range 0..255'],
    ['a negative cadence', { cadenceRpm: Float32Array.from([1, 2, 3, -1]) }, 'cadenceRpm[3]', 'activity a-1: track cadenceRpm[3] = -1 is out of range 0..255'],
    ['power over 65535', { powerW: Float32Array.from([70000, 2, 3, 4]) }, 'powerW[0]', 'activity a-1: track powerW[0] = 70000 is out of range 0..65535'],
    ['a negative speed', { speedMps: Float32Array.from([1, -2, 3, 4]) }, 'speedMps[1]', 'activity a-1: track speedMps[1] = -2 is out of range >= 0'],
    ['an infinite speed', { speedMps: Float32Array.from([1, Infinity, 3, 4]) }, 'speedMps[1]', 'activity a-1: track speedMps[1] = Infinity is not finite'],
    ['a distance going backwards', { distanceM: at([0, 10, Number.NaN, 9]) }, 'distanceM[3]', 'activity a-1: track distanceM[3] = 9 is below distanceM[1] = 10; it must not decrease'],
    ['a negative distance', { distanceM: at([-1, 10, 11, 12]) }, 'distanceM[0]', 'activity a-1: track distanceM[0] = -1 is out of range >= 0'],
    ['a temperature of 150 °C', { temperatureC: Float32Array.from([20, 150, 20, 20]) }, 'temperatureC[1]', 'activity a-1: track temperatureC[1] = 150 is out of range -100..100'],
    ['an infinite altitude', { altitudeM: Float32Array.from([20, -Infinity, 20, 20]) }, 'altitudeM[1]', 'activity a-1: track altitudeM[1] = -Infinity is not finite'],
    ['time going backwards', { timeMs: at([5, 6, 4, 7]) }, 'timeMs[2]', 'activity a-1: track timeMs[2] = 4 is before timeMs[1] = 6'],
    ['a NaN time', { timeMs: at([5, Number.NaN, 6, 7]) }, 'timeMs[1]', 'activity a-1: track timeMs[1] = NaN is not a finite time'],
    ['a channel shorter than count', { lat: at([1, 2, 3]) }, 'lat', 'activity a-1: track lat has 3 samples but count is 4'],
    ['missing times', { timeMs: undefined }, 'timeMs', 'activity a-1: track timeMs is missing'],
    ['a string in a JSON array', { lon: [1, 2, 'x', 4] }, 'lon[2]', 'activity a-1: track lon[2] = "x" is not a number'],
    ['a channel that is not an array', { lat: 'north' }, 'lat', 'activity a-1: track lat = "north" is not an array of numbers'],
    ['a negative seq', { seq: -1 }, 'seq', 'activity a-1: track seq = -1 is below 0'],
    ['a fractional count', { count: 3.5 }, 'count', 'activity a-1: track count = 3.5 is not an integer'],
  ];
  for (const [what, overrides, field, message] of cases) {
    it(`rejects ${what}`, () => {
      const issue = issueOf(validateTrackChunk(chunk(overrides)));
      expect(issue).toEqual({ kind: 'activity', id: 'a-1', field, message });
    });
  }

  it('rejects a chunk of another activity', () => {
    const owner = { ...(activity() as unknown as Activity), id: 'a-9' };
    expect(issueOf(validateTrackChunk(chunk(), owner)).message).toBe('activity a-1: track activityId = "a-1" does not match activity a-9');
  });

  it('rejects a chunk running past the activity sample count', () => {
    const owner = { ...(activity() as unknown as Activity), sampleCount: 3 };
    expect(issueOf(validateTrackChunk(chunk(), owner)).field).toBe('count');
  });

  it('rejects a channel the activity does not declare', () => {
    const owner = { ...(activity() as unknown as Activity), channels: ['lat', 'lon'] } as Activity;
    expect(issueOf(validateTrackChunk(chunk(), owner)).message).toBe("activity a-1: track heartRateBpm is present but the activity's channels (lat, lon) do not list it");
  });

  it('never throws on garbage', () => {
    for (const input of [null, 'x', [], 42, { activityId: 'a' }, { activityId: 'a', seq: 0, startIndex: 0, count: 1, timeMs: new BigInt64Array(1) }, new Proxy({}, { get() { throw new Error('trap'); } })]) {
      let result: ReturnType<typeof validateTrackChunk> | undefined;
      expect(() => { result = validateTrackChunk(input); }).not.toThrow();
      expect(result?.ok).toBe(false);
    }
  });
});
