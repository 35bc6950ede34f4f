// Activity and lap totals computed from the generated samples themselves, so they always agree with the track.

import type { Lap, Sport, Totals, TrackChunk } from '../model/records.ts';
import type { ActivityPlan } from './plan.ts';

/** What an activity record needs from its track. */
export interface TrackSummary {
  sampleCount: number;
  totals: Totals;
  laps: Lap[];
}

const BODY_MASS_KG = 72;

/** Running sums over a span of samples (a lap or the whole activity). */
class Span {
  startIndex: number;
  startTimeMs: number;
  startDistanceM: number;
  sampleCount = 0;
  ascentM = 0;
  descentM = 0;
  heartRate = new Stat();
  cadence = new Stat();
  power = new Stat();
  maxSpeedMps = -Infinity;
  workJ = 0;

  constructor(startIndex: number, startTimeMs: number, startDistanceM: number) {
    this.startIndex = startIndex;
    this.startTimeMs = startTimeMs;
    this.startDistanceM = startDistanceM;
  }
}

class Stat {
  sum = 0;
  count = 0;
  max = -Infinity;
  add(value: number): void {
    if (Number.isNaN(value)) return;
    this.sum += value;
    this.count++;
    if (value > this.max) this.max = value;
  }
  get average(): number | undefined {
    return this.count === 0 ? undefined : Math.round(this.sum / this.count);
  }
  get maximum(): number | undefined {
    return this.count === 0 ? undefined : this.max;
  }
}

/** Reads the activity's chunks once and returns its totals and laps (a lap per `lapDistanceM`, the last one shorter). */
export function summarizeTrack(plan: ActivityPlan, chunks: Iterable<TrackChunk>): TrackSummary {
  const lapDistanceM = plan.profile.lapDistanceM;
  const laps: Lap[] = [];
  let whole: Span | undefined;
  let lap: Span | undefined;
  let index = 0;
  let previousAltitudeM = NaN;
  let lastTimeMs = NaN;
  let lastDistanceM = 0;

  for (const chunk of chunks) {
    for (let k = 0; k < chunk.count; k++, index++) {
      const timeMs = chunk.timeMs[k];
      const distanceM = chunk.distanceM ? chunk.distanceM[k] : 0;
      if (!whole || !lap) {
        whole = new Span(index, timeMs, distanceM);
        lap = new Span(index, timeMs, distanceM);
      } else if (distanceM >= (laps.length + 1) * lapDistanceM) {
        laps.push(closeSpan(plan, lap, timeMs, distanceM));
        lap = new Span(index, timeMs, distanceM);
      }
      const altitudeM = chunk.altitudeM ? chunk.altitudeM[k] : NaN;
      const climbM = altitudeM - previousAltitudeM;
      const heartRateBpm = chunk.heartRateBpm ? chunk.heartRateBpm[k] : NaN;
      const cadenceRpm = chunk.cadenceRpm ? chunk.cadenceRpm[k] : NaN;
      const powerW = chunk.powerW ? chunk.powerW[k] : NaN;
      const speedMps = chunk.speedMps ? chunk.speedMps[k] : NaN;
      addSample(whole, climbM, heartRateBpm, cadenceRpm, powerW, speedMps);
      addSample(lap, climbM, heartRateBpm, cadenceRpm, powerW, speedMps);
      previousAltitudeM = altitudeM;
      lastTimeMs = timeMs;
      lastDistanceM = distanceM;
    }
  }
  if (!whole || !lap) throw new RangeError(`activity ${plan.id} has no samples`);
  laps.push(closeSpan(plan, lap, lastTimeMs, lastDistanceM));
  const { startIndex: _startIndex, startTimeMs: _startTimeMs, endIndex: _endIndex, ...totals } = closeSpan(plan, whole, lastTimeMs, lastDistanceM);
  return { sampleCount: index, totals, laps };
}

function addSample(span: Span, climbM: number, heartRateBpm: number, cadenceRpm: number, powerW: number, speedMps: number): void {
  span.sampleCount++;
  if (climbM > 0) span.ascentM += climbM;
  else if (climbM < 0) span.descentM -= climbM;
  span.heartRate.add(heartRateBpm);
  span.cadence.add(cadenceRpm);
  span.power.add(powerW);
  if (powerW > 0) span.workJ += powerW;
  if (speedMps > span.maxSpeedMps) span.maxSpeedMps = speedMps;
}

/** Ends a span where the next one starts (or at the last sample): elapsed covers the pauses, timer does not. */
function closeSpan(plan: ActivityPlan, span: Span, endTimeMs: number, endDistanceM: number): Lap {
  const elapsedS = (endTimeMs - span.startTimeMs) / 1000;
  let pausedS = 0;
  for (const pause of plan.pauses) {
    // A pause starts at the time of the sample it follows and lasts durationMs (see track.ts).
    const pauseStartMs = plan.startTimeMs + pauseStartOffsetMs(plan, pause.afterIndex);
    const overlapMs = Math.min(endTimeMs, pauseStartMs + pause.durationMs) - Math.max(span.startTimeMs, pauseStartMs);
    if (overlapMs > 0) pausedS += overlapMs / 1000;
  }
  const timerS = elapsedS - pausedS;
  const distanceM = endDistanceM - span.startDistanceM;
  const lap: Lap = {
    startTimeMs: span.startTimeMs,
    startIndex: span.startIndex,
    endIndex: span.startIndex + span.sampleCount,
    elapsedS,
    timerS,
    distanceM,
    calories: estimateCalories(plan.profile.sport, distanceM, timerS, span.ascentM, span.workJ),
    avgSpeedMps: timerS > 0 ? Math.round((distanceM / timerS) * 1000) / 1000 : 0,
    maxSpeedMps: span.maxSpeedMps === -Infinity ? undefined : Math.round(span.maxSpeedMps * 1000) / 1000,
    avgHeartRateBpm: span.heartRate.average,
    maxHeartRateBpm: span.heartRate.maximum,
    avgCadenceRpm: span.cadence.average,
    maxCadenceRpm: span.cadence.maximum,
    avgPowerW: span.power.average,
    maxPowerW: span.power.maximum,
  };
  if (plan.profile.hasGps) {
    lap.ascentM = Math.round(span.ascentM * 10) / 10;
    lap.descentM = Math.round(span.descentM * 10) / 10;
  }
  for (const key of Object.keys(lap) as (keyof Lap)[]) if (lap[key] === undefined) delete lap[key];
  return lap;
}

/** Offset of the pause after sample `afterIndex` from the activity start, ms (earlier pauses included). */
export function pauseStartOffsetMs(plan: ActivityPlan, afterIndex: number): number {
  let offsetMs = afterIndex * 1000;
  for (const pause of plan.pauses) if (pause.afterIndex < afterIndex) offsetMs += pause.durationMs;
  return offsetMs;
}

/** Rough energy estimate, kcal: mechanical work on a bike (kJ ≈ kcal at ~24 % efficiency), else per km and per metre climbed. */
function estimateCalories(sport: Sport, distanceM: number, timerS: number, ascentM: number, workJ: number): number {
  const climbKcal = (BODY_MASS_KG * 9.81 * ascentM) / 4184 / 0.25;
  switch (sport) {
    case 'cycling': return Math.round(workJ / 1000);
    case 'running': return Math.round(1.0 * BODY_MASS_KG * (distanceM / 1000) + climbKcal);
    case 'walking':
    case 'hiking': return Math.round(0.55 * BODY_MASS_KG * (distanceM / 1000) + climbKcal);
    case 'swimming': return Math.round(0.15 * timerS);
    default: return Math.round(0.1 * timerS);
  }
}
