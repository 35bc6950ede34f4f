// Apple Health's export.zip: `apple_health_export/export.xml` (every sample as a <Record>, every workout as a <Workout>)
// and `workout-routes/*.gpx`. export.xml (200 MB–4 GB) is parsed as it inflates and never held; what is kept is one
// running value per day and source, the sleep stages, the weigh-ins, and the workouts with their heart rate.

import type { DailySteps, GenericRecord, Sleep, Sport, Totals, Weight } from '../../model/records.ts';
import { assembleActivity } from '../assemble.ts';
import { sportFromText, subSportFromText } from '../sports.ts';
import { TrackBuilder, type Sample } from '../track-builder.ts';
import type { ImportedActivity, ImportItem } from '../types.ts';
import { parseDecimal } from '../values.ts';
import { scanFlatXml, scanTagsContaining } from './flat-xml-scanner.ts';
import { ExportError, isAbortError } from '../../model/errors.ts';
import { dayStartMs, parseAppleTime } from './account-dates.ts';
import type { AccountArchive } from './account-archive.ts';
import { chooseSource, deviceRank } from './source-priority.ts';

const SOURCE = 'import:apple-health';
/** What the second pass searches for: only heart-rate readings are read again. */
const HEART_RATE_MARKER = '"HKQuantityTypeIdentifierHeartRate"';
/** A heart-rate reading is put on the nearest route point within this many ms, else left off the track. */
const HEART_RATE_MATCH_MS = 15_000;
/** Sleep stages of one source less than this far apart belong to one night. */
const SLEEP_GAP_MS = 2 * 3600_000;
/** A body-fat reading is put on the weigh-in of the same source (or any) within this many ms. */
const BODY_FAT_MATCH_MS = 3600_000;
/** Heart-rate readings the first pass keeps (32 MB), enough for an export.xml of about 600 MB. */
const KEPT_READINGS = 2_000_000;

/** The path of export.xml when `paths` is an Apple Health export, else undefined. */
export function appleHealthExportXml(paths: readonly string[]): string | undefined {
  return paths.find((p) => /^(?:[^/]+\/)?apple_health_export\/export\.xml$/.test(p))
    ?? (paths.includes('export.xml') && paths.some((p) => p.startsWith('workout-routes/') || p === 'export_cda.xml') ? 'export.xml' : undefined);
}

interface Workout {
  type: string;
  startMs: number;
  endMs: number;
  offsetMin: number;
  source: string;
  totals: Partial<Totals>;
  routePath?: string;
  heartRate: { timeMs: number[]; bpm: number[] };
}

interface SleepStage {
  startMs: number;
  endMs: number;
  offsetMin: number;
  stage: string;
}

/**
 * Heart-rate readings kept by the first pass, packed (16 bytes each), up to `KEPT_READINGS`: workouts come after
 * the readings in export.xml, so without them a second pass reads the readings again. Past the cap they are let go
 * and the second pass runs, so memory stays bounded whatever the file's size.
 */
class ReadingBuffer {
  private values: Float64Array | undefined = new Float64Array(1 << 16);
  private length = 0;

  constructor(private readonly capacity: number) {}

  push(timeMs: number, bpm: number): void {
    if (!this.values) return;
    if (this.length + 2 > this.capacity * 2) {
      this.values = undefined;
      return;
    }
    if (this.length + 2 > this.values.length) {
      const grown = new Float64Array(Math.min(this.values.length * 2, this.capacity * 2));
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = timeMs;
    this.values[this.length++] = bpm;
  }

  /** Every reading kept, or false when there were too many to keep. */
  forEach(use: (timeMs: number, bpm: number) => void): boolean {
    if (!this.values) return false;
    for (let i = 0; i < this.length; i += 2) use(this.values[i], this.values[i + 1]);
    return true;
  }
}

/** What the first pass over export.xml keeps: small, per day or per event, never per sample. */
class HealthTotals {
  readonly steps = new Map<string, Map<string, number>>();
  readonly heartRate = new Map<string, { offsetMin: number; min: number; max: number; sum: number; count: number }>();
  readonly weights: { ms: number; offsetMin: number; kg: number; source: string }[] = [];
  readonly bodyFat: { ms: number; pct: number; source: string }[] = [];
  readonly sleep = new Map<string, SleepStage[]>();
  readonly workouts: Workout[] = [];
  /** The heart-rate readings, while they fit (see `ReadingBuffer`). */
  readonly readings: ReadingBuffer;

  constructor(keptReadings: number) {
    this.readings = new ReadingBuffer(keptReadings);
  }
  /** Why export.xml stopped being read before its end (malformed or cut short), if it did: what came before is kept. */
  failure?: string;
}

/** Runs one pass; a malformed or truncated export.xml keeps what was read before the fault and says where it was. */
async function readPass(totals: HealthTotals, pass: () => Promise<void>): Promise<void> {
  try {
    await pass();
  } catch (error) {
    if (isAbortError(error) || !(error instanceof ExportError)) throw error;
    totals.failure ??= error.message;
  }
}

const MASS_KG: Record<string, number> = { kg: 1, lb: 0.45359237, g: 0.001, st: 6.35029318 };
const DISTANCE_M: Record<string, number> = { m: 1, km: 1000, mi: 1609.344, yd: 0.9144, ft: 0.3048 };
const ENERGY_KCAL: Record<string, number> = { kcal: 1, Cal: 1, kJ: 1 / 4.184, cal: 0.001 };
const DURATION_S: Record<string, number> = { s: 1, min: 60, hr: 3600, h: 3600 };

function scaled(value: string | undefined, unit: string | undefined, table: Record<string, number>): number | undefined {
  const factor = table[unit ?? ''];
  const number = parseDecimal(value ?? '');
  return factor === undefined || Number.isNaN(number) ? undefined : number * factor;
}

function readRecord(totals: HealthTotals, attr: (name: string) => string | undefined): void {
  const type = attr('type');
  const start = parseAppleTime(attr('startDate'));
  if (!type || !start) return;
  const source = attr('sourceName') ?? '';
  const value = attr('value');
  switch (type) {
    case 'HKQuantityTypeIdentifierStepCount': {
      const count = parseDecimal(value ?? '');
      if (Number.isNaN(count) || count < 0) return;
      const day = totals.steps.get(start.day) ?? new Map<string, number>();
      day.set(source, (day.get(source) ?? 0) + count);
      totals.steps.set(start.day, day);
      return;
    }
    case 'HKQuantityTypeIdentifierHeartRate': {
      const bpm = parseDecimal(value ?? '');
      if (!(bpm > 0)) return;
      const day = totals.heartRate.get(start.day) ?? { offsetMin: start.offsetMin, min: bpm, max: bpm, sum: 0, count: 0 };
      day.min = Math.min(day.min, bpm);
      day.max = Math.max(day.max, bpm);
      day.sum += bpm;
      day.count += 1;
      totals.heartRate.set(start.day, day);
      totals.readings.push(start.ms, bpm);
      return;
    }
    case 'HKQuantityTypeIdentifierBodyMass': {
      const kg = scaled(value, attr('unit'), MASS_KG);
      if (kg !== undefined && kg > 0) totals.weights.push({ ms: start.ms, offsetMin: start.offsetMin, kg, source });
      return;
    }
    case 'HKQuantityTypeIdentifierBodyFatPercentage': {
      // Written as a fraction with unit "%" (0.215 is 21.5 %).
      const fraction = parseDecimal(value ?? '');
      if (fraction >= 0 && fraction <= 1) totals.bodyFat.push({ ms: start.ms, pct: Math.round(fraction * 10000) / 100, source });
      return;
    }
    case 'HKCategoryTypeIdentifierSleepAnalysis': {
      const end = parseAppleTime(attr('endDate'));
      if (!end || end.ms <= start.ms || !value) return;
      const stages = totals.sleep.get(source) ?? [];
      stages.push({ startMs: start.ms, endMs: end.ms, offsetMin: start.offsetMin, stage: value.replace('HKCategoryValueSleepAnalysis', '') });
      totals.sleep.set(source, stages);
      return;
    }
  }
}

/** Pass 1: every record and workout of export.xml into `HealthTotals`. */
async function readExport(account: AccountArchive, xmlPath: string, keptReadings: number): Promise<HealthTotals> {
  const totals = new HealthTotals(keptReadings);
  const folder = xmlPath.slice(0, xmlPath.lastIndexOf('/') + 1);
  let workout: Workout | undefined;
  let isInRoute = false;
  await readPass(totals, () => scanFlatXml(account.archive.stream(xmlPath, { signal: account.signal, isStreamed: true }), {
    open(tag, depth) {
      const attr = (name: string) => tag.attr(name);
      if (depth === 1 && tag.name === 'Record') readRecord(totals, attr);
      else if (depth === 1 && tag.name === 'Workout') {
        const start = parseAppleTime(attr('startDate'));
        const end = parseAppleTime(attr('endDate'));
        if (!start || !end || end.ms < start.ms) return;
        const workoutTotals: Partial<Totals> = { elapsedS: (end.ms - start.ms) / 1000 };
        const duration = scaled(attr('duration'), attr('durationUnit'), DURATION_S);
        if (duration !== undefined) workoutTotals.timerS = duration;
        // Before iOS 16 the totals are attributes; later they are <WorkoutStatistics> children (read on open below).
        const distance = scaled(attr('totalDistance'), attr('totalDistanceUnit'), DISTANCE_M);
        if (distance !== undefined) workoutTotals.distanceM = distance;
        const energy = scaled(attr('totalEnergyBurned'), attr('totalEnergyBurnedUnit'), ENERGY_KCAL);
        if (energy !== undefined) workoutTotals.calories = energy;
        workout = { type: attr('workoutActivityType') ?? '', startMs: start.ms, endMs: end.ms, offsetMin: start.offsetMin, source: attr('sourceName') ?? '', totals: workoutTotals, heartRate: { timeMs: [], bpm: [] } };
      } else if (workout && depth === 2 && tag.name === 'WorkoutStatistics') {
        const type = attr('type') ?? '';
        if (/Distance/.test(type)) {
          const distance = scaled(attr('sum'), attr('unit'), DISTANCE_M);
          if (distance !== undefined) workout.totals.distanceM = distance;
        } else if (type === 'HKQuantityTypeIdentifierActiveEnergyBurned') {
          const energy = scaled(attr('sum'), attr('unit'), ENERGY_KCAL);
          if (energy !== undefined) workout.totals.calories = energy;
        } else if (type === 'HKQuantityTypeIdentifierHeartRate') {
          const average = parseDecimal(attr('average') ?? '');
          const maximum = parseDecimal(attr('maximum') ?? '');
          if (average > 0) workout.totals.avgHeartRateBpm = average;
          if (maximum > 0) workout.totals.maxHeartRateBpm = maximum;
        }
      } else if (workout && depth === 2 && tag.name === 'WorkoutRoute') isInRoute = true;
      else if (workout && isInRoute && tag.name === 'FileReference') {
        const path = attr('path');
        if (path) workout.routePath = folder + path.replace(/^\//, '');
      }
    },
    close(name, depth) {
      if (depth === 2 && name === 'WorkoutRoute') isInRoute = false;
      if (depth === 1 && name === 'Workout' && workout) {
        totals.workouts.push(workout);
        workout = undefined;
      }
    },
  }, account.signal));
  totals.workouts.sort((a, b) => a.startMs - b.startMs);
  return totals;
}

/** Puts each heart-rate reading that falls inside a workout on that workout. */
function workoutReadings(workouts: readonly Workout[]): (timeMs: number, bpm: number) => void {
  const starts = workouts.map((w) => w.startMs);
  return (timeMs, bpm) => {
    // The last workout starting at or before the reading, if it has not ended by then.
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (starts[mid] <= timeMs) low = mid + 1;
      else high = mid;
    }
    const workout = workouts[low - 1];
    if (workout && timeMs <= workout.endMs) {
      workout.heartRate.timeMs.push(timeMs);
      workout.heartRate.bpm.push(bpm);
    }
  };
}

/** The readings inside workouts: from the first pass's buffer, or (when it overflowed) a second pass over the file. */
async function readWorkoutHeartRate(account: AccountArchive, xmlPath: string, totals: HealthTotals): Promise<void> {
  const assign = workoutReadings(totals.workouts);
  if (totals.readings.forEach(assign)) return;
  await readPass(totals, () => scanTagsContaining(account.archive.stream(xmlPath, { signal: account.signal, isStreamed: true }), HEART_RATE_MARKER, (tag) => {
    if (tag.name !== 'Record' || tag.attr('type') !== 'HKQuantityTypeIdentifierHeartRate') return;
    const start = parseAppleTime(tag.attr('startDate'));
    const bpm = parseDecimal(tag.attr('value') ?? '');
    if (start && bpm > 0) assign(start.ms, bpm);
  }, account.signal));
}

function routeSamples(route: ImportedActivity): Sample[] {
  const samples: Sample[] = [];
  for (const chunk of route.chunks) {
    for (let i = 0; i < chunk.count; i++) {
      const sample: Sample = { timeMs: chunk.timeMs[i] };
      for (const channel of route.activity.channels) {
        const values = chunk[channel];
        if (values) sample[channel] = values[i];
      }
      samples.push(sample);
    }
  }
  return samples;
}

/** The workout's samples: its route's points each with the nearest heart-rate reading, or the readings alone. */
function workoutSamples(workout: Workout, route: ImportedActivity | undefined): Sample[] {
  const hr = workout.heartRate;
  const order = hr.timeMs.map((_, i) => i).sort((a, b) => hr.timeMs[a] - hr.timeMs[b]);
  const times = order.map((i) => hr.timeMs[i]);
  const bpm = order.map((i) => hr.bpm[i]);
  if (!route) return times.map((timeMs, i) => ({ timeMs, heartRateBpm: bpm[i] }));
  const samples = routeSamples(route).sort((a, b) => a.timeMs - b.timeMs);
  let j = 0;
  for (const sample of samples) {
    while (j + 1 < times.length && Math.abs(times[j + 1] - sample.timeMs) <= Math.abs(times[j] - sample.timeMs)) j++;
    if (times.length && Math.abs(times[j] - sample.timeMs) <= HEART_RATE_MATCH_MS) sample.heartRateBpm = bpm[j];
  }
  return samples;
}

function workoutActivity(workout: Workout, route: ImportedActivity | undefined, nowMs: number): ImportedActivity {
  const text = workout.type.replace(/^HKWorkoutActivityType/, '');
  const sport: Sport = sportFromText(text);
  const builder = new TrackBuilder();
  for (const sample of workoutSamples(workout, route)) builder.push(sample);
  const imported = assembleActivity({
    format: 'apple-health', builder, from: 0, to: builder.count, sport, subSport: subSportFromText(text), startTimeMs: workout.startMs,
    utcOffsetMin: workout.offsetMin, fileTotals: workout.totals, laps: [], pauses: [], source: SOURCE, nowMs,
  });
  if (workout.source) imported.activity.device = { product: workout.source };
  if (route?.warnings?.length) imported.warnings = route.warnings;
  return imported;
}

function stepRecords(totals: HealthTotals, nowMs: number): DailySteps[] {
  const out: DailySteps[] = [];
  for (const [day, bySource] of [...totals.steps].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const chosen = chooseSource(bySource, (count) => count);
    if (chosen) out.push({ kind: 'steps', id: `apple-health-steps-${day}`, updatedAtMs: nowMs, source: SOURCE, date: day, stepCount: Math.round(chosen.value) });
  }
  return out;
}

function weightRecords(totals: HealthTotals, nowMs: number): { weights: Weight[]; unmatchedBodyFat: number } {
  const weights: Weight[] = totals.weights.sort((a, b) => a.ms - b.ms)
    .map((w) => ({ kind: 'weight', id: `apple-health-weight-${w.ms}`, updatedAtMs: nowMs, source: SOURCE, timestampMs: w.ms, utcOffsetMin: w.offsetMin, weightKg: Math.round(w.kg * 1000) / 1000 }));
  let unmatchedBodyFat = 0;
  for (const fat of totals.bodyFat) {
    let best: { weight: Weight; score: number } | undefined;
    for (let i = 0; i < weights.length; i++) {
      const gap = Math.abs(weights[i].timestampMs - fat.ms);
      if (gap > BODY_FAT_MATCH_MS) continue;
      const score = gap + (totals.weights[i].source === fat.source ? 0 : BODY_FAT_MATCH_MS);
      if (!best || score < best.score) best = { weight: weights[i], score };
    }
    if (best) best.weight.bodyFatPct = fat.pct;
    else unmatchedBodyFat += 1;
  }
  return { weights, unmatchedBodyFat };
}

const ASLEEP = new Set(['Asleep', 'AsleepUnspecified', 'AsleepCore', 'AsleepDeep', 'AsleepREM']);

/** Nights from the sleep stages: per source, stages less than `SLEEP_GAP_MS` apart joined; per night, the best source. */
function sleepRecords(totals: HealthTotals, nowMs: number): Sleep[] {
  const nights: { source: string; sleep: Sleep }[] = [];
  for (const [source, stages] of totals.sleep) {
    stages.sort((a, b) => a.startMs - b.startMs);
    let night: Sleep | undefined;
    const finish = () => {
      if (night && night.durationAsleepS > 0) nights.push({ source, sleep: night });
      night = undefined;
    };
    for (const stage of stages) {
      if (night && stage.startMs - night.endTimeMs > SLEEP_GAP_MS) finish();
      night ??= { kind: 'sleep', id: '', updatedAtMs: nowMs, source: SOURCE, startTimeMs: stage.startMs, endTimeMs: stage.endMs, utcOffsetMin: stage.offsetMin, durationAsleepS: 0 };
      night.endTimeMs = Math.max(night.endTimeMs, stage.endMs);
      const seconds = (stage.endMs - stage.startMs) / 1000;
      if (ASLEEP.has(stage.stage)) night.durationAsleepS += seconds;
      if (stage.stage === 'AsleepDeep') night.deepS = (night.deepS ?? 0) + seconds;
      if (stage.stage === 'AsleepCore') night.lightS = (night.lightS ?? 0) + seconds;
      if (stage.stage === 'AsleepREM') night.remS = (night.remS ?? 0) + seconds;
      if (stage.stage === 'Awake') night.awakeS = (night.awakeS ?? 0) + seconds;
    }
    finish();
  }
  // Several sources of one night (a watch and a sleep app): the best-ranked source's night, never both.
  nights.sort((a, b) => a.sleep.startTimeMs - b.sleep.startTimeMs);
  const kept: { source: string; sleep: Sleep }[] = [];
  for (const night of nights) {
    const overlapping = kept.findIndex((k) => k.sleep.startTimeMs < night.sleep.endTimeMs && night.sleep.startTimeMs < k.sleep.endTimeMs);
    if (overlapping === -1) kept.push(night);
    else if (deviceRank(night.source) < deviceRank(kept[overlapping].source)) kept[overlapping] = night;
  }
  return kept.map(({ sleep }) => ({ ...sleep, id: `apple-health-sleep-${sleep.startTimeMs}` }));
}

function heartRateRecords(totals: HealthTotals, nowMs: number): GenericRecord[] {
  return [...totals.heartRate].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, hr]) => ({
    kind: 'record', id: `apple-health-heart-rate-${day}`, updatedAtMs: nowMs, source: SOURCE, recordType: 'heart_rate_daily',
    timestampMs: dayStartMs(day, hr.offsetMin), utcOffsetMin: hr.offsetMin, title: `Heart rate ${day}`, tags: [],
    fields: { min_bpm: hr.min, avg_bpm: Math.round((hr.sum / hr.count) * 10) / 10, max_bpm: hr.max, readings: hr.count },
  }));
}

/**
 * Imports an Apple Health export: daily steps (one source per day, see `chooseSource`), weigh-ins with the body fat
 * measured with them, nights from the sleep stages, a daily heart-rate summary, and one activity per workout whose
 * track is its route GPX with the heart-rate readings taken during it (or those readings alone without a route).
 * Route files no workout names are imported as GPX activities of their own; other members (clinical records,
 * electrocardiograms, `export_cda.xml`) are not read.
 */
export async function* importAppleHealth(account: AccountArchive, xmlPath: string, options: { keptReadings?: number } = {}): AsyncIterable<ImportItem> {
  const file = `${account.name}/${xmlPath}`;
  const totals = await readExport(account, xmlPath, options.keptReadings ?? KEPT_READINGS);
  if (totals.workouts.length) await readWorkoutHeartRate(account, xmlPath, totals);
  if (totals.failure) yield { type: 'error', file, message: `${file}: read only up to a fault, what came before it is imported: ${totals.failure}` };
  const routes = new Set(account.archive.paths.filter((p) => /(^|\/)workout-routes\/[^/]+\.gpx$/i.test(p)));
  for (const workout of totals.workouts) {
    account.signal?.throwIfAborted();
    let route: ImportedActivity | undefined;
    const routeFile = workout.routePath && routes.has(workout.routePath) ? workout.routePath : undefined;
    if (routeFile) {
      routes.delete(routeFile);
      for await (const item of account.importMember(routeFile)) {
        if (item.type === 'activity') route ??= item;
        else yield item;
      }
    }
    const activity = workoutActivity(workout, route, account.nowMs);
    yield { type: 'activity', file: routeFile ? `${account.name}/${routeFile}` : file, ...activity };
  }
  for (const path of routes) yield* account.importMember(path);
  for (const record of stepRecords(totals, account.nowMs)) yield { type: 'record', file, record };
  const { weights, unmatchedBodyFat } = weightRecords(totals, account.nowMs);
  for (const record of weights) yield { type: 'record', file, record };
  for (const record of sleepRecords(totals, account.nowMs)) yield { type: 'record', file, record };
  for (const record of heartRateRecords(totals, account.nowMs)) yield { type: 'record', file, record };
  if (unmatchedBodyFat) {
    yield { type: 'error', file, message: `${file}: ${unmatchedBodyFat} body-fat readings have no weigh-in within an hour and are not imported (body fat is kept beside a weight)` };
  }
}
