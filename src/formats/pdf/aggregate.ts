// Reads the records once and keeps only what the report draws: one small row per activity, sums per week
// (or month) and sport, per-day health values, and heart-rate zone seconds accumulated while tracks stream by.

import type { Activity, Sport, TrackChunk } from '../../model/records.ts';
import type { RecordSource } from '../../model/source.ts';
import type { RecordFilter } from '../../model/request.ts';

const DAY_MS = 86_400_000;
const BATCH_SIZE = 500;
/** Above this many weeks the time charts group by month, so bars stay readable. */
export const MAX_WEEKLY_BUCKETS = 60;
/** A gap between samples longer than this is a pause, not time spent in a zone. */
export const MAX_SAMPLE_GAP_MS = 30_000;
/** Lower bounds of zones 2–5 as fractions of maximum heart rate; zone 1 is everything below 60 %. */
export const ZONE_LOWER_FRACTIONS = [0.6, 0.7, 0.8, 0.9] as const;

/** One table row per activity: the fields the report shows, nothing else. */
export interface ActivityRow {
  id: string;
  /** Start, epoch ms UTC (for reports printed in UTC). */
  startTimeMs: number;
  /** Local calendar date `YYYY-MM-DD` and time `HH:MM` at the start. */
  localDate: string;
  localTime: string;
  sport: Sport;
  name: string;
  timerS: number;
  distanceM?: number;
  avgHeartRateBpm?: number;
  ascentM?: number;
}

export interface SportTotals {
  count: number;
  distanceM: number;
  timerS: number;
  ascentM: number;
}

/** Distance and time per sport in one week (Monday start) or month. */
export interface TimeBucket {
  /** Local date the bucket starts, `YYYY-MM-DD`. */
  startDate: string;
  bySport: Map<Sport, { distanceM: number; timerS: number }>;
}

export interface DayValue<T> {
  date: string;
  value: T;
}

export interface SleepNight {
  asleepS: number;
  deepS?: number;
  lightS?: number;
  remS?: number;
  awakeS?: number;
}

export interface HeartRateZones {
  maxHeartRateBpm: number;
  /** Seconds in zones 1–5. */
  secondsPerZone: number[];
}

/** Everything a report draws, aggregated. */
export interface ReportData {
  /** The period covered, epoch ms UTC; `undefined` when there is no range and no data. */
  period?: { fromMs: number; toMs: number };
  activities: ActivityRow[];
  totals: SportTotals;
  bySport: Map<Sport, SportTotals>;
  bucketUnit: 'week' | 'month';
  buckets: TimeBucket[];
  heartRateZones?: HeartRateZones;
  steps: DayValue<number>[];
  weight: DayValue<{ weightKg: number; bodyFatPct?: number }>[];
  sleep: DayValue<SleepNight>[];
}

function localIso(timeMs: number, utcOffsetMin: number): string {
  return new Date(timeMs + utcOffsetMin * 60_000).toISOString();
}

/** `YYYY-MM-DD` of the Monday on or before a date. */
export function weekStart(date: string): string {
  const dayMs = Date.parse(`${date}T00:00:00Z`);
  const weekday = (new Date(dayMs).getUTCDay() + 6) % 7;
  return new Date(dayMs - weekday * DAY_MS).toISOString().slice(0, 10);
}

function addTotals(target: SportTotals, row: ActivityRow): void {
  target.count += 1;
  target.distanceM += row.distanceM ?? 0;
  target.timerS += row.timerS;
  target.ascentM += row.ascentM ?? 0;
}

function emptyTotals(): SportTotals {
  return { count: 0, distanceM: 0, timerS: 0, ascentM: 0 };
}

function activityRow(activity: Activity): ActivityRow {
  const iso = localIso(activity.startTimeMs, activity.utcOffsetMin);
  return {
    id: activity.id,
    startTimeMs: activity.startTimeMs,
    localDate: iso.slice(0, 10),
    localTime: iso.slice(11, 16),
    sport: activity.sport,
    name: activity.name,
    timerS: activity.totals.timerS,
    distanceM: activity.totals.distanceM,
    avgHeartRateBpm: activity.totals.avgHeartRateBpm,
    ascentM: activity.totals.ascentM,
  };
}

/** Every bucket start from the first to the last date, so empty weeks show as gaps, not as missing bars. */
function bucketStarts(fromDate: string, toDate: string, unit: 'week' | 'month'): string[] {
  const starts: string[] = [];
  if (unit === 'week') {
    for (let ms = Date.parse(`${weekStart(fromDate)}T00:00:00Z`); ms <= Date.parse(`${toDate}T00:00:00Z`); ms += 7 * DAY_MS) {
      starts.push(new Date(ms).toISOString().slice(0, 10));
    }
  } else {
    const to = toDate.slice(0, 7);
    for (let y = Number(fromDate.slice(0, 4)), m = Number(fromDate.slice(5, 7)); `${y}-${String(m).padStart(2, '0')}` <= to; m === 12 ? (y += 1, m = 1) : (m += 1)) {
      starts.push(`${y}-${String(m).padStart(2, '0')}-01`);
    }
  }
  return starts;
}

function buildBuckets(rows: readonly ActivityRow[], period: ReportData['period']): { unit: 'week' | 'month'; buckets: TimeBucket[] } {
  if (!period || rows.length === 0) return { unit: 'week', buckets: [] };
  const fromDate = new Date(period.fromMs).toISOString().slice(0, 10);
  const toDate = new Date(period.toMs - 1).toISOString().slice(0, 10);
  const weeks = (Date.parse(`${toDate}T00:00:00Z`) - Date.parse(`${fromDate}T00:00:00Z`)) / (7 * DAY_MS);
  const unit = weeks > MAX_WEEKLY_BUCKETS ? 'month' : 'week';
  const buckets = bucketStarts(fromDate < rows[0]!.localDate ? fromDate : rows[0]!.localDate, toDate > rows.at(-1)!.localDate ? toDate : rows.at(-1)!.localDate, unit)
    .map((startDate) => ({ startDate, bySport: new Map<Sport, { distanceM: number; timerS: number }>() }));
  const index = new Map(buckets.map((b, i) => [b.startDate, i]));
  for (const row of rows) {
    const key = unit === 'week' ? weekStart(row.localDate) : `${row.localDate.slice(0, 7)}-01`;
    const bucket = buckets[index.get(key)!]!;
    const sums = bucket.bySport.get(row.sport) ?? { distanceM: 0, timerS: 0 };
    sums.distanceM += row.distanceM ?? 0;
    sums.timerS += row.timerS;
    bucket.bySport.set(row.sport, sums);
  }
  return { unit, buckets };
}

/** Adds each sample's time to its zone; samples without heart rate or after a pause count nowhere. */
export function accumulateZones(chunk: TrackChunk, zones: HeartRateZones, previousTimeMs: number): number {
  const hr = chunk.heartRateBpm;
  let lastMs = previousTimeMs;
  for (let i = 0; i < chunk.count; i += 1) {
    const timeMs = chunk.timeMs[i]!;
    const gapMs = timeMs - lastMs;
    lastMs = timeMs;
    const bpm = hr ? hr[i]! : Number.NaN;
    if (!(gapMs > 0 && gapMs <= MAX_SAMPLE_GAP_MS) || !(bpm > 0)) continue;
    const fraction = bpm / zones.maxHeartRateBpm;
    let zone = 0;
    while (zone < ZONE_LOWER_FRACTIONS.length && fraction >= ZONE_LOWER_FRACTIONS[zone]!) zone += 1;
    zones.secondsPerZone[zone]! += gapMs / 1000;
  }
  return lastMs;
}

export interface AggregateOptions {
  wantsActivities: boolean;
  wantsZones: boolean;
  wantsHealth: boolean;
  maxHeartRateBpm?: number;
  signal?: AbortSignal;
}

/** Reads records (and, for the zones, tracks) and returns the aggregates; never keeps samples. */
export async function aggregateReport(source: RecordSource, filter: RecordFilter, options: AggregateOptions): Promise<ReportData> {
  const data: ReportData = {
    activities: [], totals: emptyTotals(), bySport: new Map(), bucketUnit: 'week', buckets: [], steps: [], weight: [], sleep: [],
  };
  let minMs = Infinity;
  let maxMs = -Infinity;
  const seen = (timeMs: number) => {
    if (timeMs < minMs) minMs = timeMs;
    if (timeMs > maxMs) maxMs = timeMs;
  };
  const kinds = filter.kinds;
  let highestHr = 0;
  const activityIds: string[] = [];

  if (options.wantsActivities && kinds.includes('activity')) {
    for await (const batch of source.records('activity', filter, BATCH_SIZE)) {
      options.signal?.throwIfAborted();
      for (const activity of batch) {
        const row = activityRow(activity);
        data.activities.push(row);
        activityIds.push(activity.id);
        addTotals(data.totals, row);
        let sport = data.bySport.get(row.sport);
        if (!sport) data.bySport.set(row.sport, (sport = emptyTotals()));
        addTotals(sport, row);
        highestHr = Math.max(highestHr, activity.totals.maxHeartRateBpm ?? 0);
        seen(activity.startTimeMs);
      }
    }
  }
  if (options.wantsHealth) {
    if (kinds.includes('steps')) {
      const byDate = new Map<string, number>();
      for await (const batch of source.records('steps', filter, BATCH_SIZE)) {
        for (const steps of batch) {
          byDate.set(steps.date, (byDate.get(steps.date) ?? 0) + steps.stepCount);
          seen(Date.parse(`${steps.date}T00:00:00Z`));
        }
      }
      data.steps = [...byDate].map(([date, value]) => ({ date, value }));
    }
    if (kinds.includes('weight')) {
      const byDate = new Map<string, { kg: number; n: number; fat: number; nFat: number }>();
      for await (const batch of source.records('weight', filter, BATCH_SIZE)) {
        for (const weight of batch) {
          const date = localIso(weight.timestampMs, weight.utcOffsetMin).slice(0, 10);
          const day = byDate.get(date) ?? { kg: 0, n: 0, fat: 0, nFat: 0 };
          if (Number.isFinite(weight.weightKg)) {
            day.kg += weight.weightKg;
            day.n += 1;
          }
          if (weight.bodyFatPct !== undefined && Number.isFinite(weight.bodyFatPct)) {
            day.fat += weight.bodyFatPct;
            day.nFat += 1;
          }
          byDate.set(date, day);
          seen(weight.timestampMs);
        }
      }
      data.weight = [...byDate].filter(([, d]) => d.n > 0)
        .map(([date, d]) => ({ date, value: { weightKg: d.kg / d.n, bodyFatPct: d.nFat ? d.fat / d.nFat : undefined } }));
    }
    if (kinds.includes('sleep')) {
      for await (const batch of source.records('sleep', filter, BATCH_SIZE)) {
        for (const sleep of batch) {
          // A night belongs to the date it ends on, as sleep trackers show it.
          const date = localIso(sleep.endTimeMs, sleep.utcOffsetMin).slice(0, 10);
          data.sleep.push({ date, value: { asleepS: sleep.durationAsleepS, deepS: sleep.deepS, lightS: sleep.lightS, remS: sleep.remS, awakeS: sleep.awakeS } });
          seen(sleep.startTimeMs);
        }
      }
    }
  }
  if (filter.range?.fromMs !== undefined || filter.range?.toMs !== undefined || minMs <= maxMs) {
    data.period = {
      fromMs: filter.range?.fromMs ?? (minMs <= maxMs ? Math.floor(minMs / DAY_MS) * DAY_MS : filter.range!.toMs! - DAY_MS),
      toMs: filter.range?.toMs ?? (minMs <= maxMs ? Math.floor(maxMs / DAY_MS) * DAY_MS + DAY_MS : filter.range!.fromMs! + DAY_MS),
    };
  }
  const { unit, buckets } = buildBuckets(data.activities, data.period);
  data.bucketUnit = unit;
  data.buckets = buckets;

  const maxHeartRateBpm = options.maxHeartRateBpm ?? highestHr;
  if (options.wantsZones && maxHeartRateBpm > 0 && activityIds.length > 0) {
    const zones: HeartRateZones = { maxHeartRateBpm, secondsPerZone: [0, 0, 0, 0, 0] };
    for await (const batch of source.records('activity', filter, BATCH_SIZE)) {
      for (const activity of batch) {
        if (!activity.channels.includes('heartRateBpm')) continue;
        let lastMs = Number.NaN;
        for await (const chunk of source.track(activity)) {
          options.signal?.throwIfAborted();
          lastMs = accumulateZones(chunk, zones, lastMs);
        }
      }
    }
    if (zones.secondsPerZone.some((s) => s > 0)) data.heartRateZones = zones;
  }
  return data;
}
