// The days of the demo period: their dates, weekday and which home base the person is at (stays last weeks).

import { HOME_BASES, type HomeBase } from './places.ts';
import { deriveSeed, SeededRandom } from './random.ts';
import type { ResolvedDemoOptions } from './options.ts';

const DAY_MS = 86_400_000;

export interface DemoDay {
  index: number;
  /** Calendar date `YYYY-MM-DD` (the same wall date at every base). */
  date: string;
  year: number;
  month: number;
  day: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** 0 = 1 January. */
  dayOfYear: number;
  base: HomeBase;
}

/** Builds the period's days, oldest first; the last one is the UTC day before `endMs`'s day. */
export function buildCalendar(options: ResolvedDemoOptions): DemoDay[] {
  const random = new SeededRandom(deriveSeed(options.seed, 0xca1));
  const endDayMs = Math.floor(options.endMs / DAY_MS) * DAY_MS;
  const days: DemoDay[] = [];
  let base = HOME_BASES[0];
  for (let index = 0; index < options.days; index++) {
    const dayMs = endDayMs - (options.days - index) * DAY_MS;
    const date = new Date(dayMs);
    // Trips start on Saturdays and last whole weeks: mostly at home in Berlin, sometimes Zürich, rarely Kyoto.
    if (date.getUTCDay() === 6 || index === 0) {
      base = base.id === 'berlin'
        ? random.weighted([[HOME_BASES[0], 8], [HOME_BASES[1], 1.6], [HOME_BASES[2], 0.8]])
        : random.chance(0.55) ? HOME_BASES[0] : base;
    }
    const year = date.getUTCFullYear();
    days.push({
      index,
      date: date.toISOString().slice(0, 10),
      year,
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      weekday: date.getUTCDay(),
      dayOfYear: Math.floor((dayMs - Date.UTC(year, 0, 1)) / DAY_MS),
      base,
    });
  }
  return days;
}
