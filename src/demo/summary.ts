// Activity and lap totals computed from the generated samples themselves, so they always agree with the track.

import type { Lap, Pause, Sport, Totals, TrackChunk } from '../model/records.ts';
import { SpanTotals, type SpanEnd } from '../model/totals.ts';
import type { ActivityPlan } from './plan.ts';

/** What an activity record needs from its track. */
export interface TrackSummary {
  sampleCount: number;
  totals: Totals;
  laps: Lap[];
}

const BODY_MASS_KG = 72;

/** Reads the activity's chunks once and returns its totals and laps (a lap per `lapDistanceM`, the last one shorter). */
export function summarizeTrack(plan: ActivityPlan, chunks: Iterable<TrackChunk>): TrackSummary {
  const lapDistanceM = plan.profile.lapDistanceM;
  const pauses = planPauses(plan);
  const laps: Lap[] = [];
  const whole = new SpanTotals();
  let lap = new SpanTotals();
  let lapStartIndex = 0;
  let index = 0;

  for (const chunk of chunks) {
    let from = 0;
    for (let k = 0; k < chunk.count; k++) {
      const distanceM = chunk.distanceM ? chunk.distanceM[k] : 0;
      if (index + k === 0 || distanceM < (laps.length + 1) * lapDistanceM) continue;
      // Sample k starts the next lap: the current one ends at its time and distance.
      lap.add(chunk, from, k);
      laps.push(lapOf(plan, lap, lapStartIndex, pauses, { timeMs: chunk.timeMs[k], distanceM }));
      lap = new SpanTotals();
      lapStartIndex = index + k;
      from = k;
    }
    lap.add(chunk, from, chunk.count);
    whole.add(chunk, 0, chunk.count);
    index += chunk.count;
  }
  if (index === 0) throw new RangeError(`activity ${plan.id} has no samples`);
  laps.push(lapOf(plan, lap, lapStartIndex, pauses));
  const { startIndex: _startIndex, startTimeMs: _startTimeMs, endIndex: _endIndex, ...totals } = lapOf(plan, whole, 0, pauses);
  return { sampleCount: index, totals, laps };
}

/** The plan's pauses as timer stops: each starts at the time of the sample it follows (see track.ts). */
function planPauses(plan: ActivityPlan): Pause[] {
  return plan.pauses.map((pause) => {
    const startMs = plan.startTimeMs + pauseStartOffsetMs(plan, pause.afterIndex);
    return { startMs, endMs: startMs + pause.durationMs };
  });
}

/** A span as a lap: the shared totals, calories estimated, ascent and descent only for outdoor (GPS) sports. */
function lapOf(plan: ActivityPlan, span: SpanTotals, startIndex: number, pauses: readonly Pause[], end?: SpanEnd): Lap {
  const totals = span.totals(pauses, end);
  if (!plan.profile.hasGps) {
    delete totals.ascentM;
    delete totals.descentM;
  }
  const ascentM = span.climb.hasAltitude ? span.climb.ascentM : 0;
  totals.calories = estimateCalories(plan.profile.sport, totals.distanceM ?? 0, totals.timerS, ascentM, span.power.sum);
  return { startTimeMs: span.firstTimeMs, startIndex, endIndex: startIndex + span.count, ...totals };
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
