// Exact unit conversions for the human-readable formats (CSV, XLSX, PDF) when `options.units` is `imperial`.
// Standard formats (FIT, TCX, GPX, JSON, XML) never use these: they keep their specifications' units.

import type { ExportOptions, TimeStyle, UnitSystem } from '../model/request.ts';

/** International yard and pound agreement (1959): 1 mile = 1609.344 m exactly. */
export const METRES_PER_MILE = 1609.344;
/** 1 international foot = 0.3048 m exactly. */
export const METRES_PER_FOOT = 0.3048;
/** 1 international avoirdupois pound = 0.45359237 kg exactly. */
export const KG_PER_POUND = 0.45359237;
/** Metres per second → miles per hour (3600 s an hour). */
export const MPH_PER_MPS = 3600 / METRES_PER_MILE;

/** Miles from metres. */
export function milesFromM(distanceM: number): number {
  return distanceM / METRES_PER_MILE;
}

/** Feet from metres. */
export function feetFromM(lengthM: number): number {
  return lengthM / METRES_PER_FOOT;
}

/** Pounds from kilograms. */
export function poundsFromKg(weightKg: number): number {
  return weightKg / KG_PER_POUND;
}

/** Miles per hour from metres per second. */
export function mphFromMps(speedMps: number): number {
  return speedMps * MPH_PER_MPS;
}

/** Degrees Fahrenheit from degrees Celsius. */
export function fahrenheitFromC(temperatureC: number): number {
  return (temperatureC * 9) / 5 + 32;
}

/** The unit system of an export; `metric` when the options leave it out. */
export function unitSystemOf(options: Pick<ExportOptions, 'units'>): UnitSystem {
  return options.units ?? 'metric';
}

/** The time style of an export; `local` when the options leave it out. */
export function timeStyleOf(options: Pick<ExportOptions, 'timeStyle'>): TimeStyle {
  return options.timeStyle ?? 'local';
}
