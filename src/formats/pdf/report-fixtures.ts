// Deterministic sample data for the report formats' tests and benchmark: a year of activities with names in
// several scripts, daily steps, weigh-ins, nights of sleep and generic records, plus tracks made on demand.

import type { Activity, DailySteps, GenericRecord, Sleep, Sport, TakeawayRecord, TrackChunk, Weight } from '../../model/records.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportOptions, type RecordFilter } from '../../model/request.ts';
import type { RecordSource } from '../../model/source.ts';
import type { FormatEncoder, LeftOutRecord, SkippedRecord } from '../types.ts';
import { SeededRandom } from '../../demo/random.ts';
import { concatBytes } from '../../model/streams.ts';

const DAY_MS = 86_400_000;
/** 2025-01-01T00:00:00Z. */
export const FIXTURE_YEAR_START_MS = Date.UTC(2025, 0, 1);
export const FIXTURE_YEAR_END_MS = Date.UTC(2026, 0, 1);

/** Names that must survive into the report text: Cyrillic, Greek, accented Latin, CJK. */
export const UNICODE_NAMES = ['Утренний бег', 'Πρωινό τρέξιμο', 'Café-Runde in Zürich', '朝のランニング', '晨跑 한강'];

/** Uniform numbers in [0, 1) from `seed`: the demo's mulberry32, so fixtures are the same on every run. */
function seededRandom(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}

const SPORT_CYCLE: Sport[] = ['running', 'cycling', 'running', 'walking', 'hiking', 'running', 'cycling'];
const SPEED_MPS: Partial<Record<Sport, number>> = { running: 3.0, cycling: 7.5, walking: 1.4, hiking: 1.2 };

/** One activity; `index` picks sport, name and figures. Sample every `sampleEveryS` seconds. */
export function fixtureActivity(index: number, startTimeMs: number, sampleEveryS = 5): Activity {
  const random = seededRandom(index + 1);
  const sport = SPORT_CYCLE[index % SPORT_CYCLE.length]!;
  const timerS = Math.round(1800 + random() * 3600);
  const distanceM = Math.round(timerS * (SPEED_MPS[sport] ?? 2) * (0.9 + random() * 0.2));
  const avgHr = Math.round(125 + random() * 35);
  return {
    kind: 'activity',
    id: `act-${String(index).padStart(5, '0')}`,
    updatedAtMs: startTimeMs,
    sport,
    subSport: 'generic',
    name: index < UNICODE_NAMES.length ? UNICODE_NAMES[index]! : `${sport[0]!.toUpperCase()}${sport.slice(1)} #${index}`,
    startTimeMs,
    utcOffsetMin: 60,
    totals: {
      elapsedS: timerS + 120,
      timerS,
      distanceM,
      ascentM: Math.round(random() * 400),
      avgHeartRateBpm: avgHr,
      maxHeartRateBpm: avgHr + 25,
      avgSpeedMps: distanceM / timerS,
      calories: Math.round(timerS / 6),
    },
    tags: index % 4 === 0 ? ['race'] : [],
    laps: [
      { startTimeMs, startIndex: 0, endIndex: Math.floor(timerS / sampleEveryS / 2), elapsedS: timerS / 2, timerS: timerS / 2, distanceM: distanceM / 2, avgHeartRateBpm: avgHr - 3 },
      { startTimeMs: startTimeMs + (timerS / 2) * 1000, startIndex: Math.floor(timerS / sampleEveryS / 2), endIndex: Math.floor(timerS / sampleEveryS), elapsedS: timerS / 2, timerS: timerS / 2, distanceM: distanceM / 2, avgHeartRateBpm: avgHr + 3 },
    ],
    pauses: [],
    sampleCount: Math.floor(timerS / sampleEveryS),
    channels: ['lat', 'lon', 'altitudeM', 'heartRateBpm', 'distanceM'],
  };
}

/** The activity's track, made on demand in chunks of 2048: a loop around Zürich, HR and altitude waves. */
export async function* fixtureTrack(activity: Activity): AsyncGenerator<TrackChunk> {
  const n = activity.sampleCount;
  const stepMs = (activity.totals.timerS * 1000) / Math.max(1, n);
  const avgHr = activity.totals.avgHeartRateBpm ?? 140;
  for (let start = 0, seq = 0; start < n; start += 2048, seq += 1) {
    const count = Math.min(2048, n - start);
    const chunk: TrackChunk = {
      activityId: activity.id, seq, startIndex: start, count,
      timeMs: new Float64Array(count), lat: new Float64Array(count), lon: new Float64Array(count),
      altitudeM: new Float32Array(count), heartRateBpm: new Float32Array(count), distanceM: new Float64Array(count),
    };
    for (let i = 0; i < count; i += 1) {
      const k = start + i;
      const angle = (2 * Math.PI * k) / n;
      chunk.timeMs[i] = activity.startTimeMs + k * stepMs;
      chunk.lat![i] = 47.37 + 0.02 * Math.sin(angle) + 0.005 * Math.sin(5 * angle);
      chunk.lon![i] = 8.54 + 0.03 * Math.cos(angle);
      chunk.altitudeM![i] = 410 + 60 * Math.sin(3 * angle);
      chunk.heartRateBpm![i] = avgHr + 25 * Math.sin(angle * 2) + (k < 60 ? -40 : 0);
      chunk.distanceM![i] = ((activity.totals.distanceM ?? 0) * k) / n;
    }
    yield chunk;
  }
}

/** A year of data: an activity most days, steps every day, weight every third day, sleep every night, time entries. */
export function fixtureYear(): TakeawayRecord[] {
  const random = seededRandom(42);
  const records: TakeawayRecord[] = [];
  let activityIndex = 0;
  for (let dayMs = FIXTURE_YEAR_START_MS, day = 0; dayMs < FIXTURE_YEAR_END_MS; dayMs += DAY_MS, day += 1) {
    const date = new Date(dayMs).toISOString().slice(0, 10);
    if (day % 7 !== 3) records.push(fixtureActivity(activityIndex++, dayMs + 6 * 3_600_000 + (day % 5) * 600_000));
    records.push({ kind: 'steps', id: `steps-${date}`, updatedAtMs: dayMs, date, stepCount: Math.round(6000 + random() * 8000) } satisfies DailySteps);
    if (day % 3 === 0) {
      records.push({
        kind: 'weight', id: `weight-${date}`, updatedAtMs: dayMs, timestampMs: dayMs + 7 * 3_600_000, utcOffsetMin: 60,
        weightKg: Math.round((78 - day * 0.01 + random()) * 10) / 10, bodyFatPct: Math.round((20 - day * 0.005 + random()) * 10) / 10,
      } satisfies Weight);
    }
    const sleepStart = dayMs - 2 * 3_600_000;
    const asleepS = Math.round(6 * 3600 + random() * 7200);
    records.push({
      kind: 'sleep', id: `sleep-${date}`, updatedAtMs: dayMs, startTimeMs: sleepStart, endTimeMs: sleepStart + asleepS * 1000 + 1_800_000,
      utcOffsetMin: 60, durationAsleepS: asleepS, deepS: Math.round(asleepS * 0.2), lightS: Math.round(asleepS * 0.55),
      remS: Math.round(asleepS * 0.25), awakeS: 1800, score: Math.round(60 + random() * 35),
    } satisfies Sleep);
    if (day % 10 === 0) {
      records.push({
        kind: 'record', id: `time-${date}`, updatedAtMs: dayMs, recordType: 'time_entry', timestampMs: dayMs + 9 * 3_600_000, utcOffsetMin: 60,
        title: `Projekt Ärger ${day}`, tags: [], fields: { hours: Math.round(random() * 80) / 10, billable: day % 20 === 0, client: 'ACME', due: { date: `${date}T17:00:00+01:00` } },
      } satisfies GenericRecord);
    }
  }
  return records;
}

/** One encoded entry, read to its end. */
export interface EncodedFile {
  path: string;
  bytes: Uint8Array;
  recordCounts: Partial<Record<string, number>>;
}

/** Runs a format over a source and reads every entry it yields, as the engine would (one entry at a time). */
export async function encodeAll(
  format: FormatEncoder,
  source: RecordSource,
  filter: RecordFilter,
  options: ExportOptions = DEFAULT_EXPORT_OPTIONS,
  createdAtMs = FIXTURE_YEAR_END_MS,
): Promise<{ files: EncodedFile[]; skipped: SkippedRecord[]; leftOut: LeftOutRecord[] }> {
  const skipped: SkippedRecord[] = [];
  const leftOut: LeftOutRecord[] = [];
  const files: EncodedFile[] = [];
  for await (const entry of format.entries({ source, filter, options, createdAtMs, skip: (r) => skipped.push(r), leaveOut: (r) => leftOut.push(r) })) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of entry.content) chunks.push(chunk);
    const bytes = concatBytes(chunks);
    files.push({ path: entry.path, bytes, recordCounts: entry.recordCounts });
  }
  return { files, skipped, leftOut };
}
