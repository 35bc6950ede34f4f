// Daily health records: steps every day, weight with body fat on most mornings, and each night's sleep.

import type { DailySteps, Sleep, Weight } from '../model/records.ts';
import type { DemoDay } from './calendar.ts';
import type { ActivityPlan } from './plan.ts';
import { deriveSeed, SeededRandom } from './random.ts';
import { localDateOf, localToUtcMs, utcOffsetMinAt } from './time-zones.ts';

const STEPS_PER_METRE_ON_FOOT = 1.35;

/** One steps record per day: a base of everyday walking plus the runs, walks and hikes of that day. */
export function generateSteps(seed: number, calendar: readonly DemoDay[], plans: readonly ActivityPlan[], distanceById: ReadonlyMap<string, number>): DailySteps[] {
  const random = new SeededRandom(deriveSeed(seed, 0x57e));
  const onFootByDate = new Map<string, number>();
  for (const plan of plans) {
    const sport = plan.profile.sport;
    if (sport !== 'running' && sport !== 'walking' && sport !== 'hiking') continue;
    const date = localDateOf(plan.base.timeZone, plan.startTimeMs);
    onFootByDate.set(date, (onFootByDate.get(date) ?? 0) + (distanceById.get(plan.id) ?? 0));
  }
  return calendar.map((day) => {
    const isWeekend = day.weekday === 0 || day.weekday === 6;
    const everyday = Math.max(800, (isWeekend ? 6_500 : 8_200) + 2_200 * random.normal());
    const stepCount = Math.round(everyday + (onFootByDate.get(day.date) ?? 0) * STEPS_PER_METRE_ON_FOOT);
    return {
      kind: 'steps', id: `demo-steps-${day.date}`, source: 'demo',
      updatedAtMs: localToUtcMs(day.base.timeZone, day.year, day.month, day.day, 23 * 60 + 59),
      date: day.date, stepCount,
    };
  });
}

/** Weight on about 80 % of mornings: drifting from ~78.5 kg down by ~2.5 kg over a year, body fat with it. */
export function generateWeights(seed: number, calendar: readonly DemoDay[]): Weight[] {
  const random = new SeededRandom(deriveSeed(seed, 0x3e1));
  const weights: Weight[] = [];
  let waterKg = 0;
  for (const day of calendar) {
    waterKg = 0.6 * waterKg + 0.25 * random.normal();
    if (!random.chance(0.8)) continue;
    const trend = day.index / Math.max(1, calendar.length - 1);
    const weightKg = 78.5 - 2.5 * trend + 0.4 * Math.sin(day.index / 9) + waterKg;
    const bodyFatPct = 19.2 - 1.6 * trend + 0.3 * random.normal();
    const timestampMs = localToUtcMs(day.base.timeZone, day.year, day.month, day.day, random.int(6 * 60 + 30, 7 * 60 + 45)) + random.int(0, 59) * 1000;
    weights.push({
      kind: 'weight', id: `demo-weight-${day.date}`, source: 'demo', updatedAtMs: timestampMs + 60_000,
      timestampMs, utcOffsetMin: utcOffsetMinAt(day.base.timeZone, timestampMs),
      weightKg: Math.round(weightKg * 10) / 10,
      bodyFatPct: Math.round(bodyFatPct * 10) / 10,
    });
  }
  return weights;
}

/** A night's sleep starting each evening but the last (it would end after the period): stages and a 0–100 score. */
export function generateSleeps(seed: number, calendar: readonly DemoDay[]): Sleep[] {
  const random = new SeededRandom(deriveSeed(seed, 0x51e));
  const sleeps: Sleep[] = [];
  for (const day of calendar.slice(0, -1)) {
    const isFridayOrSaturday = day.weekday === 5 || day.weekday === 6;
    const bedMinute = random.int(22 * 60 + 15, 24 * 60 + 30) + (isFridayOrSaturday ? 45 : 0);
    const startTimeMs = localToUtcMs(day.base.timeZone, day.year, day.month, day.day, bedMinute);
    const inBedS = Math.round(Math.min(10, Math.max(4.5, 7.6 + 0.7 * random.normal())) * 3600 / 60) * 60;
    const awakeS = Math.round(inBedS * random.range(0.03, 0.09) / 60) * 60;
    const asleepS = inBedS - awakeS;
    const deepS = Math.round(asleepS * random.range(0.13, 0.22) / 60) * 60;
    const remS = Math.round(asleepS * random.range(0.18, 0.26) / 60) * 60;
    const lightS = asleepS - deepS - remS;
    const score = Math.round(Math.min(98, Math.max(35, 40 + 7 * (asleepS / 3600) + 60 * (deepS / asleepS) - 150 * (awakeS / inBedS) + 3 * random.normal())));
    const endTimeMs = startTimeMs + inBedS * 1000;
    sleeps.push({
      kind: 'sleep', id: `demo-sleep-${day.date}`, source: 'demo', updatedAtMs: endTimeMs + 600_000,
      startTimeMs, endTimeMs, utcOffsetMin: utcOffsetMinAt(day.base.timeZone, startTimeMs),
      durationAsleepS: asleepS, deepS, lightS, remS, awakeS, score,
    });
  }
  return sleeps;
}
