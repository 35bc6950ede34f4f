// Text for the figures the report prints: durations, distances, pace or speed, counts, dates. One place, one style.

import type { Sport } from '../../model/records.ts';
import type { UnitSystem } from '../../model/request.ts';
import { feetFromM, milesFromM, poundsFromKg } from '../units.ts';

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

/** Labels and conversions of the unit system a report is printed in. */
export interface ReportUnits {
  /** `km` or `mi`. */
  distance: string;
  /** `m` or `ft`. */
  elevation: string;
  /** `kg` or `lb`. */
  weight: string;
  /** `km/h` or `mph`. */
  speed: string;
  distanceFromM(distanceM: number): number;
  elevationFromM(elevationM: number): number;
  weightFromKg(weightKg: number): number;
}

const METRIC_REPORT_UNITS: ReportUnits = {
  distance: 'km', elevation: 'm', weight: 'kg', speed: 'km/h',
  distanceFromM: (m) => m / 1000, elevationFromM: (m) => m, weightFromKg: (kg) => kg,
};

const IMPERIAL_REPORT_UNITS: ReportUnits = {
  distance: 'mi', elevation: 'ft', weight: 'lb', speed: 'mph',
  distanceFromM: milesFromM, elevationFromM: feetFromM, weightFromKg: poundsFromKg,
};

/** The report units of a unit system (metric when absent). */
export function reportUnits(system: UnitSystem = 'metric'): ReportUnits {
  return system === 'imperial' ? IMPERIAL_REPORT_UNITS : METRIC_REPORT_UNITS;
}

/** A distance as a number in the report's unit (km or mi), without the unit; `–` when unknown. */
export function formatDistance(distanceM: number | undefined, units: ReportUnits, decimals = 2): string {
  return distanceM === undefined ? MISSING : formatDecimal(units.distanceFromM(distanceM), decimals);
}

/** Pace per km or mile for runs, walks and hikes; speed in km/h or mph for everything else. */
export function formatPaceOrSpeed(sport: Sport, timerS: number, distanceM: number | undefined, units: ReportUnits = METRIC_REPORT_UNITS): string {
  if (!distanceM || !(timerS > 0)) return MISSING;
  const distance = units.distanceFromM(distanceM);
  if (PACE_SPORTS.has(sport)) return `${formatDuration(timerS / distance)} /${units.distance}`;
  return `${(distance / (timerS / 3600)).toFixed(1)} ${units.speed}`;
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
