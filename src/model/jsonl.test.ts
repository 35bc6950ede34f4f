import { describe, expect, it } from 'vitest';
import { JSONL_HEADER_LINE, parseJsonl, serializeRecordLine, serializeTrackLine, splitLines, type JsonlItem } from './jsonl.ts';
import type { Activity, TakeawayRecord, TrackChunk } from './records.ts';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const activity: Activity = {
  kind: 'activity', id: 'a1', updatedAtMs: 1_700_000_100_000, sport: 'running', subSport: 'road', name: 'Café & <Crêpes> "run"\nline two 🏃',
  startTimeMs: 1_700_000_000_000, utcOffsetMin: 60, timeZone: 'Europe/Berlin',
  totals: { elapsedS: 3, timerS: 3, distanceM: 7.5, avgHeartRateBpm: 120 },
  tags: ['race'], category: 'race', laps: [{ startTimeMs: 1_700_000_000_000, startIndex: 0, endIndex: 4, elapsedS: 3, timerS: 3 }],
  pauses: [], sampleCount: 4, channels: ['lat', 'lon', 'heartRateBpm', 'speedMps', 'distanceM'],
};

const chunk: TrackChunk = {
  activityId: 'a1', seq: 0, startIndex: 0, count: 4,
  timeMs: Float64Array.from([1_700_000_000_000, 1_700_000_001_000, 1_700_000_002_000, 1_700_000_003_000]),
  lat: Float64Array.from([52.5145123, 52.5145223, NaN, 52.5145423]),
  lon: Float64Array.from([13.3501, 13.3501001, NaN, 13.3501003]),
  heartRateBpm: Float32Array.from([118, NaN, 121, 122]),
  speedMps: Float32Array.from([2.9, 3.1, 3.14159, 0.1]),
  distanceM: Float64Array.from([0, 2.5, 5.000001, 7.5]),
};

describe('JSON-lines interchange', () => {
  it('writes a track chunk as one line with NaN as null and float32 values in their shortest form', () => {
    const line = serializeTrackLine(chunk);
    expect(line).not.toContain('\n');
    expect(line.startsWith('{"kind":"track","activityId":"a1","seq":0,"startIndex":0,"count":4,"timeMs":[1700000000000,')).toBe(true);
    expect(line).toContain('"heartRateBpm":[118,null,121,122]');
    expect(line).toContain('"speedMps":[2.9,3.1,3.14159,0.1]');
    expect(line).toContain('"lat":[52.5145123,52.5145223,null,52.5145423]');
  });

  it('keeps -0 in float32 and float64 channels, as the JSON and XML formats do', async () => {
    const signed = { ...chunk, count: 2, timeMs: chunk.timeMs.slice(0, 2), lat: undefined, lon: undefined, heartRateBpm: undefined,
      speedMps: Float32Array.from([-0, 0]), distanceM: Float64Array.from([-0, 0]) };
    const line = serializeTrackLine(signed);
    expect(line).toContain('"speedMps":[-0,0]');
    expect(line).toContain('"distanceM":[-0,0]');
    const items = await collect(parseJsonl(splitLines([`${JSONL_HEADER_LINE}\n${serializeRecordLine({ ...activity, sampleCount: 2, laps: [] })}\n${line}\n`])));
    const parsed = items.find((item): item is Extract<JsonlItem, { type: 'track' }> => item.type === 'track');
    expect(Object.is(parsed?.chunk.speedMps?.[0], -0)).toBe(true);
    expect(Object.is(parsed?.chunk.distanceM?.[0], -0)).toBe(true);
  });

  it('round-trips records and chunks, NaN included, through serialize and parse', async () => {
    const lines = [JSONL_HEADER_LINE, serializeRecordLine(activity), serializeTrackLine(chunk)];
    const items = await collect(parseJsonl(lines));
    expect(items.map((i) => i.type)).toEqual(['record', 'track']);
    expect((items[0] as { record: TakeawayRecord }).record).toEqual(activity);
    const parsed = (items[1] as { chunk: TrackChunk }).chunk;
    expect(parsed).toEqual(chunk);
    expect(parsed.lat).toBeInstanceOf(Float64Array);
    expect(parsed.heartRateBpm).toBeInstanceOf(Float32Array);
    expect(Number.isNaN(parsed.heartRateBpm![1])).toBe(true);
    expect(new Uint8Array(parsed.speedMps!.buffer)).toEqual(new Uint8Array(chunk.speedMps!.buffer));
  });

  it('reports bad lines with their line number and goes on', async () => {
    const lines = [
      JSONL_HEADER_LINE,
      '{"kind":"steps","id":"s1","updatedAtMs":0,"date":"2026-01-01","stepCount":10}',
      '{not json',
      '',
      '{"kind":"steps","id":"s2","updatedAtMs":0,"date":"2026-13-01","stepCount":10}',
      '[1,2]',
      '{"kind":"weight","id":"w1","updatedAtMs":0,"timestampMs":1,"utcOffsetMin":0,"weightKg":70}',
    ];
    const items = await collect(parseJsonl(lines));
    expect(items.map((i) => (i.type === 'error' ? `error@${i.line}` : i.type))).toEqual(['record', 'error@3', 'error@5', 'error@6', 'record']);
    expect((items[2] as { message: string }).message).toContain('s2');
  });

  it('rejects a track chunk that does not follow its activity, or comes out of order', async () => {
    const second = { ...chunk, seq: 1, startIndex: 4 };
    const items = await collect(parseJsonl([
      JSONL_HEADER_LINE,
      serializeTrackLine(chunk),
      serializeRecordLine(activity),
      serializeTrackLine(second),
    ]));
    const errors = items.filter((i): i is Extract<JsonlItem, { type: 'error' }> => i.type === 'error');
    expect(errors.map((e) => e.line)).toEqual([2, 4]);
    expect(errors[0].message).toContain('does not follow');
    expect(errors[1].message).toContain('expected track chunk seq 0');
  });

  it('reports a track that stops before the activity\'s sample count', async () => {
    const longer = { ...activity, sampleCount: 10 };
    const items = await collect(parseJsonl([JSONL_HEADER_LINE, serializeRecordLine(longer), serializeTrackLine(chunk)]));
    expect(items.at(-1)).toEqual({ type: 'error', line: 4, message: 'activity a1: track ends after 4 of 10 samples' });
  });

  it('stops at a header of an unknown version and flags a missing header', async () => {
    const future = await collect(parseJsonl(['{"takeaway":"jsonl","version":2}', serializeRecordLine(activity)]));
    expect(future).toEqual([{ type: 'error', line: 1, message: 'header version 2 is not supported (expected 1)' }]);
    const headless = await collect(parseJsonl([serializeRecordLine(activity)]));
    expect(headless.map((i) => i.type)).toEqual(['error', 'record']);
  });
});

describe('splitLines', () => {
  it('splits across chunks, handles CRLF, a BOM, multi-byte characters cut in half and a last line without a break', async () => {
    const bytes = new TextEncoder().encode('\ufeffa,é\r\nzweite Zeile 皇居\n\nlast');
    const pieces = [bytes.subarray(0, 5), bytes.subarray(5, 21), bytes.subarray(21)];
    expect(await collect(splitLines(pieces))).toEqual(['a,é', 'zweite Zeile 皇居', '', 'last']);
  });

  it('accepts strings and yields nothing for empty input', async () => {
    expect(await collect(splitLines(['one\ntw', 'o\n']))).toEqual(['one', 'two']);
    expect(await collect(splitLines([]))).toEqual([]);
  });
});
