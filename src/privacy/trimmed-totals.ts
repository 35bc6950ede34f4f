// An activity's totals, laps and pauses recomputed from the samples a privacy zone left, the way the big
// training platforms do it: what was hidden is not counted.

import type { Activity, Lap, Pause, Totals, TrackChunk } from '../model/records.ts';

/** Running figures over a span of kept samples (the whole activity or a lap). */
class Span {
  count = 0;
  firstTimeMs = NaN;
  lastTimeMs = NaN;
  firstDistanceM = NaN;
  lastDistanceM = NaN;
  ascentM = 0;
  descentM = 0;
  hasAltitude = false;
  readonly heartRate = new Stat();
  readonly cadence = new Stat();
  readonly power = new Stat();
  readonly speed = new Stat();

  constructor(readonly startIndex: number, readonly endIndex: number, readonly original: Totals) {}
}

class Stat {
  sum = 0;
  count = 0;
  max = -Infinity;
  add(value: number): void {
    if (!Number.isFinite(value)) return;
    this.sum += value;
    this.count++;
    if (value > this.max) this.max = value;
  }
}

/**
 * The activity as it is after dropping the samples `mask` marks: start, sample count, laps (indices mapped,
 * empty laps dropped), pauses (each removed stretch between kept samples becomes one, so timer time leaves it
 * out) and totals. Only the totals fields the original had are kept; calories scale with the timer time.
 * @param trimmed the kept samples, as `keepUnmasked` yields them for the same mask
 */
export async function summariseTrimmed(original: Activity, mask: Uint8Array, trimmed: AsyncIterable<TrackChunk>): Promise<Activity> {
  const keptBefore = new Uint32Array(mask.length + 1);
  const gapBefore = new Set<number>();
  for (let i = 0, kept = 0, removedSinceKept = false; i < mask.length; i++) {
    keptBefore[i] = kept;
    if (mask[i] === 1) {
      removedSinceKept = kept > 0;
      continue;
    }
    if (removedSinceKept) gapBefore.add(kept);
    removedSinceKept = false;
    kept++;
  }
  const keptCount = mask.length === 0 ? 0 : keptBefore[mask.length - 1] + (mask[mask.length - 1] === 1 ? 0 : 1);
  keptBefore[mask.length] = keptCount;
  if (keptCount === 0) {
    return { ...original, sampleCount: 0, channels: [], laps: [], pauses: [], totals: { elapsedS: 0, timerS: 0 } };
  }

  const whole = new Span(0, keptCount, original.totals);
  const laps = original.laps
    .map((lap) => new Span(keptBefore[Math.min(lap.startIndex, mask.length)], keptBefore[Math.min(lap.endIndex, mask.length)], lap))
    .filter((span) => span.endIndex > span.startIndex);
  const gaps: Pause[] = [];
  let lapIndex = 0;
  let index = 0;
  let previousAltitudeM = NaN;
  let previousTimeMs = NaN;
  for await (const chunk of trimmed) {
    for (let k = 0; k < chunk.count; k++, index++) {
      const timeMs = chunk.timeMs[k];
      if (gapBefore.has(index)) {
        gaps.push({ startMs: previousTimeMs, endMs: timeMs });
        previousAltitudeM = NaN;
      }
      while (lapIndex < laps.length && index >= laps[lapIndex].endIndex) lapIndex++;
      const lap = laps[lapIndex] !== undefined && index >= laps[lapIndex].startIndex ? laps[lapIndex] : undefined;
      const altitudeM = chunk.altitudeM ? chunk.altitudeM[k] : NaN;
      const climbM = altitudeM - previousAltitudeM;
      for (const span of lap ? [whole, lap] : [whole]) addSample(span, chunk, k, timeMs, climbM);
      if (Number.isFinite(altitudeM)) previousAltitudeM = altitudeM;
      previousTimeMs = timeMs;
    }
  }

  const pauses = mergePauses([
    ...original.pauses
      .map((p) => ({ startMs: Math.max(p.startMs, whole.firstTimeMs), endMs: Math.min(p.endMs, whole.lastTimeMs) }))
      .filter((p) => p.endMs > p.startMs),
    ...gaps,
  ]);
  const newLaps: Lap[] = laps.map((span, i) => {
    const next = laps[i + 1];
    const adjoins = next !== undefined && next.startIndex === span.endIndex;
    const endTimeMs = adjoins ? next.firstTimeMs : span.lastTimeMs;
    const endDistanceM = adjoins && Number.isFinite(next.firstDistanceM) ? next.firstDistanceM : span.lastDistanceM;
    return {
      startTimeMs: span.firstTimeMs,
      startIndex: span.startIndex,
      endIndex: span.endIndex,
      ...totalsOf(span, endTimeMs, endDistanceM, pauses),
    };
  });
  return {
    ...original,
    startTimeMs: whole.firstTimeMs,
    sampleCount: keptCount,
    laps: newLaps,
    pauses,
    totals: totalsOf(whole, whole.lastTimeMs, whole.lastDistanceM, pauses),
  };
}

function addSample(span: Span, chunk: TrackChunk, k: number, timeMs: number, climbM: number): void {
  if (span.count === 0) span.firstTimeMs = timeMs;
  span.lastTimeMs = timeMs;
  span.count++;
  const distanceM = chunk.distanceM ? chunk.distanceM[k] : NaN;
  if (Number.isFinite(distanceM)) {
    if (Number.isNaN(span.firstDistanceM)) span.firstDistanceM = distanceM;
    span.lastDistanceM = distanceM;
  }
  if (Number.isFinite(climbM)) {
    span.hasAltitude = true;
    if (climbM > 0) span.ascentM += climbM;
    else span.descentM -= climbM;
  }
  if (chunk.heartRateBpm) span.heartRate.add(chunk.heartRateBpm[k]);
  if (chunk.cadenceRpm) span.cadence.add(chunk.cadenceRpm[k]);
  if (chunk.powerW) span.power.add(chunk.powerW[k]);
  if (chunk.speedMps) span.speed.add(chunk.speedMps[k]);
}

/** The span's totals: the fields the original had, recomputed; a field with no data left is dropped. */
function totalsOf(span: Span, endTimeMs: number, endDistanceM: number, pauses: readonly Pause[]): Totals {
  const elapsedS = (endTimeMs - span.firstTimeMs) / 1000;
  let pausedS = 0;
  for (const pause of pauses) {
    const overlapMs = Math.min(endTimeMs, pause.endMs) - Math.max(span.firstTimeMs, pause.startMs);
    if (overlapMs > 0) pausedS += overlapMs / 1000;
  }
  const timerS = Math.max(0, elapsedS - pausedS);
  const distanceM = Number.isFinite(endDistanceM) && Number.isFinite(span.firstDistanceM) ? endDistanceM - span.firstDistanceM : undefined;
  const original = span.original;
  const recomputed: Totals = {
    elapsedS,
    timerS,
    distanceM,
    calories: original.calories !== undefined && original.timerS > 0
      ? Math.round(original.calories * Math.min(1, timerS / original.timerS)) : undefined,
    ascentM: span.hasAltitude ? Math.round(span.ascentM * 10) / 10 : undefined,
    descentM: span.hasAltitude ? Math.round(span.descentM * 10) / 10 : undefined,
    avgHeartRateBpm: average(span.heartRate),
    maxHeartRateBpm: maximum(span.heartRate),
    avgCadenceRpm: average(span.cadence),
    maxCadenceRpm: maximum(span.cadence),
    avgPowerW: average(span.power),
    maxPowerW: maximum(span.power),
    avgSpeedMps: distanceM !== undefined ? (timerS > 0 ? Math.round((distanceM / timerS) * 1000) / 1000 : 0) : undefined,
    maxSpeedMps: span.speed.count > 0 ? Math.round(span.speed.max * 1000) / 1000 : undefined,
  };
  const totals: Totals = { elapsedS, timerS };
  for (const key of Object.keys(original) as (keyof Totals)[]) {
    if (key === 'elapsedS' || key === 'timerS' || !(key in recomputed)) continue;
    const value = recomputed[key];
    if (value !== undefined) totals[key] = value;
  }
  return totals;
}

function average(stat: Stat): number | undefined {
  return stat.count === 0 ? undefined : Math.round(stat.sum / stat.count);
}

function maximum(stat: Stat): number | undefined {
  return stat.count === 0 ? undefined : stat.max;
}

/** Sorted, overlapping or touching pauses joined. */
function mergePauses(pauses: Pause[]): Pause[] {
  const sorted = [...pauses].sort((a, b) => a.startMs - b.startMs);
  const merged: Pause[] = [];
  for (const pause of sorted) {
    const last = merged[merged.length - 1];
    if (last && pause.startMs <= last.endMs) last.endMs = Math.max(last.endMs, pause.endMs);
    else merged.push({ ...pause });
  }
  return merged;
}
