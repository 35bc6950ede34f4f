// The columns of each workbook sheet: title, width, cell type and how to read the value from a record.
// Values come out already in spreadsheet units (date serials, durations as fractions of a day).

import type { Activity, DailySteps, FieldValue, GenericRecord, Lap, Sleep, Weight } from '../../model/records.ts';
import type { TimeStyle, UnitSystem } from '../../model/request.ts';
import { feetFromM, milesFromM, mphFromMps, poundsFromKg } from '../units.ts';
import { calendarDateSerial, dateSerial, DAY_S, type CellType } from './parts.ts';

/** A cell value before writing: numbers (serials included), text, booleans; `undefined` leaves the cell empty. */
export type CellValue = number | string | boolean | undefined;

export interface Column<R> {
  title: string;
  widthChars: number;
  type: CellType;
  value(row: R): CellValue;
}

function days(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds / DAY_S;
}

/** A conversion that keeps `undefined` (an empty cell). */
type Convert = (value: number | undefined) => number | undefined;

function converter(convert: (value: number) => number): Convert {
  return (value) => (value === undefined ? undefined : convert(value));
}

/** The time style and units of a workbook, fixed for the whole file. */
export interface SheetStyle {
  timeStyle: TimeStyle;
  units: UnitSystem;
}

/** Local times, metric units: the workbook as before the options existed. */
export const DEFAULT_SHEET_STYLE: SheetStyle = { timeStyle: 'local', units: 'metric' };

/** Unit labels and conversions of one unit system, for column titles and Summary lines. */
export interface SheetUnits {
  /** `km` or `mi`. */
  distance: string;
  /** `m` or `ft`. */
  elevation: string;
  /** `km/h` or `mph`. */
  speed: string;
  /** `kg` or `lb`. */
  weight: string;
  distanceFromM: Convert;
  elevationFromM: Convert;
  speedFromMps: Convert;
  weightFromKg: Convert;
}

const METRIC_UNITS: SheetUnits = {
  distance: 'km', elevation: 'm', speed: 'km/h', weight: 'kg',
  distanceFromM: converter((m) => m / 1000), elevationFromM: (m) => m, speedFromMps: converter((mps) => mps * 3.6), weightFromKg: (kg) => kg,
};

const IMPERIAL_UNITS: SheetUnits = {
  distance: 'mi', elevation: 'ft', speed: 'mph', weight: 'lb',
  distanceFromM: converter(milesFromM), elevationFromM: converter(feetFromM), speedFromMps: converter(mphFromMps), weightFromKg: converter(poundsFromKg),
};

/** Labels and conversions for a unit system. */
export function sheetUnits(units: UnitSystem): SheetUnits {
  return units === 'imperial' ? IMPERIAL_UNITS : METRIC_UNITS;
}

/**
 * A date-time column: local wall time (as before) or, in the UTC style, UTC shown with a `Z` and `(UTC)` in its
 * title. `offsetOf` gives the record's UTC offset in minutes.
 */
function timeColumn<R>(title: string, widthChars: number, style: SheetStyle, timeOf: (row: R) => number, offsetOf: (row: R) => number): Column<R> {
  if (style.timeStyle === 'utc') return { title: `${title} (UTC)`, widthChars: widthChars + 1, type: 'datetimeUtc', value: (r) => dateSerial(timeOf(r), 0) };
  return { title, widthChars, type: 'datetime', value: (r) => dateSerial(timeOf(r), offsetOf(r)) };
}

/** Activities sheet. Summary formulas refer to these letters: A start, B sport, E moving time, F distance, H ascent, J avg HR. */
export function activityColumns(style: SheetStyle = DEFAULT_SHEET_STYLE): Column<Activity>[] {
  const u = sheetUnits(style.units);
  return [
    timeColumn('Start', 17, style, (a) => a.startTimeMs, (a) => a.utcOffsetMin),
    { title: 'Sport', widthChars: 10, type: 'text', value: (a) => a.sport },
    { title: 'Sub-sport', widthChars: 12, type: 'text', value: (a) => a.subSport },
    { title: 'Name', widthChars: 32, type: 'text', value: (a) => a.name },
    { title: 'Moving time', widthChars: 11, type: 'duration', value: (a) => days(a.totals.timerS) },
    { title: `Distance (${u.distance})`, widthChars: 13, type: 'decimal2', value: (a) => u.distanceFromM(a.totals.distanceM) },
    { title: 'Elapsed time', widthChars: 12, type: 'duration', value: (a) => days(a.totals.elapsedS) },
    { title: `Ascent (${u.elevation})`, widthChars: 10, type: 'integer', value: (a) => u.elevationFromM(a.totals.ascentM) },
    { title: `Descent (${u.elevation})`, widthChars: 11, type: 'integer', value: (a) => u.elevationFromM(a.totals.descentM) },
    { title: 'Avg HR (bpm)', widthChars: 12, type: 'integer', value: (a) => a.totals.avgHeartRateBpm },
    { title: 'Max HR (bpm)', widthChars: 12, type: 'integer', value: (a) => a.totals.maxHeartRateBpm },
    { title: `Avg speed (${u.speed})`, widthChars: 15, type: 'decimal1', value: (a) => u.speedFromMps(a.totals.avgSpeedMps) },
    { title: 'Avg cadence (rpm)', widthChars: 16, type: 'integer', value: (a) => a.totals.avgCadenceRpm },
    { title: 'Avg power (W)', widthChars: 13, type: 'integer', value: (a) => a.totals.avgPowerW },
    { title: 'Calories (kcal)', widthChars: 14, type: 'integer', value: (a) => a.totals.calories },
    { title: 'Category', widthChars: 12, type: 'text', value: (a) => a.category },
    { title: 'Tags', widthChars: 16, type: 'text', value: (a) => a.tags.join(', ') },
    { title: 'Device', widthChars: 18, type: 'text', value: (a) => [a.device?.manufacturer, a.device?.product].filter(Boolean).join(' ') },
    { title: 'Notes', widthChars: 30, type: 'text', value: (a) => a.notes },
    { title: 'ID', widthChars: 24, type: 'text', value: (a) => a.id },
  ];
}

/** The Activities columns in the default style. */
export const ACTIVITY_COLUMNS: readonly Column<Activity>[] = activityColumns();

/** A lap with the activity it belongs to. */
export interface LapRow {
  activity: Activity;
  lap: Lap;
  lapNumber: number;
}

export function lapColumns(style: SheetStyle = DEFAULT_SHEET_STYLE): Column<LapRow>[] {
  const u = sheetUnits(style.units);
  return [
    timeColumn('Activity start', 17, style, (r: LapRow) => r.activity.startTimeMs, (r) => r.activity.utcOffsetMin),
    { title: 'Activity', widthChars: 28, type: 'text', value: (r) => r.activity.name },
    { title: 'Lap', widthChars: 6, type: 'integer', value: (r) => r.lapNumber },
    timeColumn('Lap start', 17, style, (r: LapRow) => r.lap.startTimeMs, (r) => r.activity.utcOffsetMin),
    { title: 'Moving time', widthChars: 11, type: 'duration', value: (r) => days(r.lap.timerS) },
    { title: `Distance (${u.distance})`, widthChars: 13, type: 'decimal2', value: (r) => u.distanceFromM(r.lap.distanceM) },
    { title: 'Avg HR (bpm)', widthChars: 12, type: 'integer', value: (r) => r.lap.avgHeartRateBpm },
    { title: 'Max HR (bpm)', widthChars: 12, type: 'integer', value: (r) => r.lap.maxHeartRateBpm },
    { title: `Ascent (${u.elevation})`, widthChars: 10, type: 'integer', value: (r) => u.elevationFromM(r.lap.ascentM) },
    { title: 'Activity ID', widthChars: 24, type: 'text', value: (r) => r.activity.id },
  ];
}

/** The Laps columns in the default style. */
export const LAP_COLUMNS: readonly Column<LapRow>[] = lapColumns();

/** Steps are a count per calendar day: neither time style nor units change them. */
export const STEPS_COLUMNS: readonly Column<DailySteps>[] = [
  { title: 'Date', widthChars: 11, type: 'date', value: (s) => calendarDateSerial(s.date) },
  { title: 'Steps', widthChars: 10, type: 'integer', value: (s) => s.stepCount },
];

export function weightColumns(style: SheetStyle = DEFAULT_SHEET_STYLE): Column<Weight>[] {
  const u = sheetUnits(style.units);
  return [
    timeColumn('Time', 17, style, (w: Weight) => w.timestampMs, (w) => w.utcOffsetMin),
    { title: `Weight (${u.weight})`, widthChars: 11, type: 'decimal2', value: (w) => u.weightFromKg(w.weightKg) },
    { title: 'Body fat (%)', widthChars: 12, type: 'decimal1', value: (w) => w.bodyFatPct },
  ];
}

/** The Weight columns in the default style. */
export const WEIGHT_COLUMNS: readonly Column<Weight>[] = weightColumns();

export function sleepColumns(style: SheetStyle = DEFAULT_SHEET_STYLE): Column<Sleep>[] {
  return [
    timeColumn('Start', 17, style, (s: Sleep) => s.startTimeMs, (s) => s.utcOffsetMin),
    timeColumn('End', 17, style, (s: Sleep) => s.endTimeMs, (s) => s.utcOffsetMin),
    { title: 'Asleep', widthChars: 10, type: 'duration', value: (s) => days(s.durationAsleepS) },
    { title: 'Deep', widthChars: 9, type: 'duration', value: (s) => days(s.deepS) },
    { title: 'Light', widthChars: 9, type: 'duration', value: (s) => days(s.lightS) },
    { title: 'REM', widthChars: 9, type: 'duration', value: (s) => days(s.remS) },
    { title: 'Awake', widthChars: 9, type: 'duration', value: (s) => days(s.awakeS) },
    { title: 'Score', widthChars: 7, type: 'integer', value: (s) => s.score },
  ];
}

/** The Sleep columns in the default style. */
export const SLEEP_COLUMNS: readonly Column<Sleep>[] = sleepColumns();

/** The custom fields seen in a generic record type, with the cell type their first non-null value suggests. */
export type FieldTypes = Map<string, CellType>;

/** Cell type for a custom field value; `undefined` for null. */
export function fieldCellType(value: FieldValue): CellType | undefined {
  if (value === null) return undefined;
  if (typeof value === 'number') return 'decimal2';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'object') return 'datetime';
  return 'text';
}

function fieldCell(value: FieldValue | undefined, type: CellType): CellValue {
  if (value === null || value === undefined) return undefined;
  if ((type === 'datetime' || type === 'datetimeUtc') && typeof value === 'object') {
    const timeMs = Date.parse(value.date);
    // A date that does not parse, or a value of another type than the column's, stays readable as text.
    if (Number.isNaN(timeMs)) return value.date;
    return dateSerial(timeMs, type === 'datetimeUtc' ? 0 : isoOffsetMin(value.date));
  }
  if (type === 'decimal2' && typeof value === 'number') return value;
  if (type === 'boolean' && typeof value === 'boolean') return value;
  return typeof value === 'object' ? value.date : String(value);
}

/** The offset written in an ISO 8601 date (`+02:00` → 120), so the cell shows the time as written; 0 for `Z` or none. */
function isoOffsetMin(iso: string): number {
  const match = /([+-])(\d\d):?(\d\d)$/.exec(iso);
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/** Columns of one generic record type: time, title, category, tags, then its custom fields by name. */
export function genericColumns(fields: FieldTypes, style: SheetStyle = DEFAULT_SHEET_STYLE): Column<GenericRecord>[] {
  const columns: Column<GenericRecord>[] = [
    timeColumn('Time', 17, style, (r: GenericRecord) => r.timestampMs, (r) => r.utcOffsetMin),
    { title: 'Title', widthChars: 28, type: 'text', value: (r) => r.title },
    { title: 'Category', widthChars: 12, type: 'text', value: (r) => r.category },
    { title: 'Tags', widthChars: 16, type: 'text', value: (r) => r.tags.join(', ') },
  ];
  for (const [name, fieldType] of [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const type: CellType = fieldType === 'datetime' && style.timeStyle === 'utc' ? 'datetimeUtc' : fieldType;
    columns.push({ title: name, widthChars: Math.min(30, Math.max(10, name.length + 2)), type, value: (r) => fieldCell(r.fields[name], type) });
  }
  return columns;
}
