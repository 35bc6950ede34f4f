// FIT wellness files into table records: weight-scale files (weight_scale messages) into Weight, monitoring files
// (monitoring messages, the daily step counters of watches and trackers) into one DailySteps per local day.

import type { DailySteps, Weight } from '../model/records.ts';

type FitMesg = Record<string, unknown>;

/** Unix seconds at the FIT epoch 1989-12-31T00:00:00Z. */
const FIT_EPOCH_UNIX_S = 631_065_600;
const MAX_UTC_OFFSET_MIN = 14 * 60;

/** A wellness record read from a FIT file. */
export type FitWellnessRecord = DailySteps | Weight;

function num(mesg: FitMesg | undefined, key: string): number | undefined {
  const value = mesg?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function timeMsOf(value: unknown): number | undefined {
  return value instanceof Date && Number.isFinite(value.getTime()) ? value.getTime() : undefined;
}

/** `weight_scale` messages (FIT Profile: weight kg, percent_fat %) as Weight records; a message without a weight is skipped. */
function weightsOf(m: Record<string, FitMesg[] | undefined>, nowMs: number): Weight[] {
  const weights: Weight[] = [];
  for (const mesg of m.weightScaleMesgs ?? []) {
    const timestampMs = timeMsOf(mesg.timestamp);
    const weightKg = num(mesg, 'weight');
    if (timestampMs === undefined || weightKg === undefined || weightKg <= 0) continue;
    const weight: Weight = { kind: 'weight', id: `fit-weight-${Math.floor(timestampMs / 1000)}`, updatedAtMs: nowMs, source: 'import:fit', timestampMs, utcOffsetMin: 0, weightKg };
    const bodyFatPct = num(mesg, 'percentFat');
    if (bodyFatPct !== undefined && bodyFatPct >= 0 && bodyFatPct <= 100) weight.bodyFatPct = bodyFatPct;
    weights.push(weight);
  }
  return weights;
}

/** Offset of local time from `monitoring_info` (local_timestamp − timestamp), to 15 minutes; 0 when absent or absurd. */
function monitoringOffsetMin(m: Record<string, FitMesg[] | undefined>): number {
  const info = m.monitoringInfoMesgs?.[0];
  const localS = num(info, 'localTimestamp');
  const utcMs = timeMsOf(info?.timestamp);
  if (localS === undefined || utcMs === undefined) return 0;
  const offsetMin = Math.round(((localS + FIT_EPOCH_UNIX_S) * 1000 - utcMs) / 60_000 / 15) * 15;
  return Math.abs(offsetMin) <= MAX_UTC_OFFSET_MIN ? offsetMin : 0;
}

/**
 * `monitoring` messages as one DailySteps per local day. Their `cycles` (`steps` for walking and running) count
 * up from local midnight per activity type, so a day's steps are the sum over activity types of the largest count
 * seen that day. A message with only `timestamp_16` (the low 16 bits) takes its time from the last full timestamp.
 */
function dailyStepsOf(m: Record<string, FitMesg[] | undefined>, nowMs: number): DailySteps[] {
  const offsetMin = monitoringOffsetMin(m);
  /** date → activity type → largest cumulative step count. */
  const byDay = new Map<string, Map<string, number>>();
  let lastS: number | undefined;
  for (const mesg of m.monitoringMesgs ?? []) {
    const fullMs = timeMsOf(mesg.timestamp);
    const low16 = num(mesg, 'timestamp16');
    if (fullMs !== undefined) lastS = Math.floor(fullMs / 1000);
    else if (low16 !== undefined && lastS !== undefined) lastS += (low16 - (lastS & 0xffff)) & 0xffff;
    else continue;
    const steps = num(mesg, 'steps');
    if (steps === undefined) continue;
    const date = new Date(lastS * 1000 + offsetMin * 60_000).toISOString().slice(0, 10);
    const types = byDay.get(date) ?? new Map<string, number>();
    const type = String(mesg.activityType ?? 'generic');
    types.set(type, Math.max(types.get(type) ?? 0, steps));
    byDay.set(date, types);
  }
  return [...byDay].map(([date, types]) => ({
    kind: 'steps', id: `fit-steps-${date}`, updatedAtMs: nowMs, source: 'import:fit', date,
    stepCount: [...types.values()].reduce((sum, steps) => sum + steps, 0),
  }));
}

/** Weight and daily steps from a decoded FIT file's wellness messages (none for an activity file). */
export function wellnessRecordsOf(m: Record<string, FitMesg[] | undefined>, nowMs: number): FitWellnessRecord[] {
  return [...weightsOf(m, nowMs), ...dailyStepsOf(m, nowMs)];
}
