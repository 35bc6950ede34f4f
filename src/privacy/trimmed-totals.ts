// An activity's totals, laps and pauses recomputed from the samples a privacy zone left, the way the big
// training platforms do it: what was hidden is not counted.

import type { Activity, Lap, Pause, Totals, TrackChunk } from '../model/records.ts';
import { SpanTotals, type SpanEnd } from '../model/totals.ts';

/** A span of kept samples (the whole activity or a lap) with the totals the original had for it. */
interface KeptSpan {
  readonly startIndex: number;
  readonly endIndex: number;
  readonly original: Totals;
  readonly totals: SpanTotals;
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

  const span = (startIndex: number, endIndex: number, totals: Totals): KeptSpan => ({ startIndex, endIndex, original: totals, totals: new SpanTotals() });
  const whole = span(0, keptCount, original.totals);
  const laps = original.laps
    .map((lap) => span(keptBefore[Math.min(lap.startIndex, mask.length)], keptBefore[Math.min(lap.endIndex, mask.length)], lap))
    .filter((lap) => lap.endIndex > lap.startIndex);
  const gaps: Pause[] = [];
  let chunkStart = 0;
  let previousTimeMs = NaN;
  for await (const chunk of trimmed) {
    for (let k = 0; k < chunk.count; k++) {
      if (gapBefore.has(chunkStart + k)) gaps.push({ startMs: previousTimeMs, endMs: chunk.timeMs[k] });
      previousTimeMs = chunk.timeMs[k];
    }
    // Altitude runs on across a removed stretch: the climb rule then never counts more than the untrimmed track had.
    whole.totals.add(chunk, 0, chunk.count);
    for (const lap of laps) {
      lap.totals.add(chunk, Math.max(lap.startIndex - chunkStart, 0), Math.min(lap.endIndex - chunkStart, chunk.count));
    }
    chunkStart += chunk.count;
  }
  const kept = whole.totals;

  const pauses = mergePauses([
    ...original.pauses
      .map((p) => ({ startMs: Math.max(p.startMs, kept.firstTimeMs), endMs: Math.min(p.endMs, kept.lastTimeMs) }))
      .filter((p) => p.endMs > p.startMs),
    ...gaps,
  ]);
  const newLaps: Lap[] = laps.map((lap, i) => {
    const next = laps[i + 1];
    const end = next !== undefined && next.startIndex === lap.endIndex
      ? { timeMs: next.totals.firstTimeMs, distanceM: next.totals.firstDistanceM } : undefined;
    return { startTimeMs: lap.totals.firstTimeMs, startIndex: lap.startIndex, endIndex: lap.endIndex, ...totalsOf(lap, pauses, end) };
  });
  return {
    ...original,
    startTimeMs: kept.firstTimeMs,
    sampleCount: keptCount,
    laps: newLaps,
    pauses,
    totals: totalsOf(whole, pauses),
  };
}

/**
 * The span's totals: the fields the original had, recomputed by the shared rules; a field with no data left is
 * dropped. Calories scale with the timer time; ascent and descent never exceed the original's (a device's own
 * figure may follow another rule than ours, and hiding samples must not add climbing).
 */
function totalsOf(span: KeptSpan, pauses: readonly Pause[], end?: SpanEnd): Totals {
  const recomputed = span.totals.totals(pauses, end);
  const { original } = span;
  if (original.calories !== undefined && original.timerS > 0) {
    recomputed.calories = Math.round(original.calories * Math.min(1, recomputed.timerS / original.timerS));
  }
  if (recomputed.ascentM !== undefined && original.ascentM !== undefined) recomputed.ascentM = Math.min(recomputed.ascentM, original.ascentM);
  if (recomputed.descentM !== undefined && original.descentM !== undefined) recomputed.descentM = Math.min(recomputed.descentM, original.descentM);
  const totals: Totals = { elapsedS: recomputed.elapsedS, timerS: recomputed.timerS };
  for (const key of Object.keys(original) as (keyof Totals)[]) {
    if (key === 'elapsedS' || key === 'timerS') continue;
    const value = recomputed[key];
    if (value !== undefined) totals[key] = value;
  }
  return totals;
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
