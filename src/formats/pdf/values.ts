// Text for the figures the report prints: durations, distances, pace or speed, counts, dates. One place, one style.

import type { Sport } from '../../model/records.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const PACE_SPORTS: ReadonlySet<Sport> = new Set(['running', 'walking', 'hiking']);
/** Shown for a value that is unknown. */
export const MISSING = '–';

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `1:02:03` or `45:07` from seconds. */
export function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor(total / 60) % 60;
  const s = total % 60;
  return h > 0 ? `${h}:${pad2(m)}:${pad2(s)}` : `${m}:${pad2(s)}`;
}

/** Whole numbers with comma thousands separators: 3634266 → `3,634,266`. */
export function formatInteger(value: number): string {
  return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A number with a fixed count of decimals and thousands separators: `4,211.3`. */
export function formatDecimal(value: number, decimals: number): string {
  const [whole, fraction] = value.toFixed(decimals).split('.');
  return fraction === undefined ? formatInteger(Number(whole)) : `${formatInteger(Number(whole))}.${fraction}`;
}

export function formatKm(distanceM: number | undefined, decimals = 2): string {
  return distanceM === undefined ? MISSING : formatDecimal(distanceM / 1000, decimals);
}

/** Pace in min/km for runs, walks and hikes; speed in km/h for everything else. */
export function formatPaceOrSpeed(sport: Sport, timerS: number, distanceM: number | undefined): string {
  if (!distanceM || !(timerS > 0)) return MISSING;
  if (PACE_SPORTS.has(sport)) return `${formatDuration(timerS / (distanceM / 1000))} /km`;
  return `${(distanceM / 1000 / (timerS / 3600)).toFixed(1)} km/h`;
}

/** `1 March 2025` from `2025-03-01`. */
export function formatLongDate(date: string): string {
  return `${Number(date.slice(8, 10))} ${MONTHS[Number(date.slice(5, 7)) - 1]} ${date.slice(0, 4)}`;
}

/** `March 2025` from `2025-03` or a longer date. */
export function formatMonth(date: string): string {
  return `${MONTHS[Number(date.slice(5, 7)) - 1]} ${date.slice(0, 4)}`;
}

/** `3 Mar` from `2025-03-03`, for axis labels. */
export function formatShortDate(date: string): string {
  return `${Number(date.slice(8, 10))} ${MONTHS[Number(date.slice(5, 7)) - 1]!.slice(0, 3)}`;
}

/** `Running` from `running`. */
export function sportLabel(sport: Sport): string {
  return sport.charAt(0).toUpperCase() + sport.slice(1);
}
