// The columns of each workbook sheet: title, width, cell type and how to read the value from a record.
// Values come out already in spreadsheet units (date serials, durations as fractions of a day).

import type { Activity, DailySteps, FieldValue, GenericRecord, Lap, Sleep, Weight } from '../../model/records.ts';
import { calendarDateSerial, dateSerial, DAY_S, type CellType } from './parts.ts';

/** A cell value before writing: numbers (serials included), text, booleans; `undefined` leaves the cell empty. */
export type CellValue = number | string | boolean | undefined;

export interface Column<R> {
  title: string;
  widthChars: number;
  type: CellType;
  value(row: R): CellValue;
}

function km(distanceM: number | undefined): number | undefined {
  return distanceM === undefined ? undefined : distanceM / 1000;
}

function days(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds / DAY_S;
}

function kmh(speedMps: number | undefined): number | undefined {
  return speedMps === undefined ? undefined : speedMps * 3.6;
}

/** Activities sheet. Summary formulas refer to these letters: A start, B sport, E moving time, F distance, H ascent, J avg HR. */
export const ACTIVITY_COLUMNS: readonly Column<Activity>[] = [
  { title: 'Start', widthChars: 17, type: 'datetime', value: (a) => dateSerial(a.startTimeMs, a.utcOffsetMin) },
  { title: 'Sport', widthChars: 10, type: 'text', value: (a) => a.sport },
  { title: 'Sub-sport', widthChars: 12, type: 'text', value: (a) => a.subSport },
  { title: 'Name', widthChars: 32, type: 'text', value: (a) => a.name },
  { title: 'Moving time', widthChars: 11, type: 'duration', value: (a) => days(a.totals.timerS) },
  { title: 'Distance (km)', widthChars: 13, type: 'decimal2', value: (a) => km(a.totals.distanceM) },
  { title: 'Elapsed time', widthChars: 12, type: 'duration', value: (a) => days(a.totals.elapsedS) },
  { title: 'Ascent (m)', widthChars: 10, type: 'integer', value: (a) => a.totals.ascentM },
  { title: 'Descent (m)', widthChars: 11, type: 'integer', value: (a) => a.totals.descentM },
  { title: 'Avg HR (bpm)', widthChars: 12, type: 'integer', value: (a) => a.totals.avgHeartRateBpm },
  { title: 'Max HR (bpm)', widthChars: 12, type: 'integer', value: (a) => a.totals.maxHeartRateBpm },
  { title: 'Avg speed (km/h)', widthChars: 15, type: 'decimal1', value: (a) => kmh(a.totals.avgSpeedMps) },
  { title: 'Avg cadence (rpm)', widthChars: 16, type: 'integer', value: (a) => a.totals.avgCadenceRpm },
  { title: 'Avg power (W)', widthChars: 13, type: 'integer', value: (a) => a.totals.avgPowerW },
  { title: 'Calories (kcal)', widthChars: 14, type: 'integer', value: (a) => a.totals.calories },
  { title: 'Category', widthChars: 12, type: 'text', value: (a) => a.category },
  { title: 'Tags', widthChars: 16, type: 'text', value: (a) => a.tags.join(', ') },
  { title: 'Device', widthChars: 18, type: 'text', value: (a) => [a.device?.manufacturer, a.device?.product].filter(Boolean).join(' ') },
  { title: 'Notes', widthChars: 30, type: 'text', value: (a) => a.notes },
  { title: 'ID', widthChars: 24, type: 'text', value: (a) => a.id },
];

/** A lap with the activity it belongs to. */
export interface LapRow {
  activity: Activity;
  lap: Lap;
  lapNumber: number;
}

export const LAP_COLUMNS: readonly Column<LapRow>[] = [
  { title: 'Activity start', widthChars: 17, type: 'datetime', value: (r) => dateSerial(r.activity.startTimeMs, r.activity.utcOffsetMin) },
  { title: 'Activity', widthChars: 28, type: 'text', value: (r) => r.activity.name },
  { title: 'Lap', widthChars: 6, type: 'integer', value: (r) => r.lapNumber },
  { title: 'Lap start', widthChars: 17, type: 'datetime', value: (r) => dateSerial(r.lap.startTimeMs, r.activity.utcOffsetMin) },
  { title: 'Moving time', widthChars: 11, type: 'duration', value: (r) => days(r.lap.timerS) },
  { title: 'Distance (km)', widthChars: 13, type: 'decimal2', value: (r) => km(r.lap.distanceM) },
  { title: 'Avg HR (bpm)', widthChars: 12, type: 'integer', value: (r) => r.lap.avgHeartRateBpm },
  { title: 'Max HR (bpm)', widthChars: 12, type: 'integer', value: (r) => r.lap.maxHeartRateBpm },
  { title: 'Ascent (m)', widthChars: 10, type: 'integer', value: (r) => r.lap.ascentM },
  { title: 'Activity ID', widthChars: 24, type: 'text', value: (r) => r.activity.id },
];

export const STEPS_COLUMNS: readonly Column<DailySteps>[] = [
  { title: 'Date', widthChars: 11, type: 'date', value: (s) => calendarDateSerial(s.date) },
  { title: 'Steps', widthChars: 10, type: 'integer', value: (s) => s.stepCount },
];

export const WEIGHT_COLUMNS: readonly Column<Weight>[] = [
  { title: 'Time', widthChars: 17, type: 'datetime', value: (w) => dateSerial(w.timestampMs, w.utcOffsetMin) },
  { title: 'Weight (kg)', widthChars: 11, type: 'decimal2', value: (w) => w.weightKg },
  { title: 'Body fat (%)', widthChars: 12, type: 'decimal1', value: (w) => w.bodyFatPct },
];

export const SLEEP_COLUMNS: readonly Column<Sleep>[] = [
  { title: 'Start', widthChars: 17, type: 'datetime', value: (s) => dateSerial(s.startTimeMs, s.utcOffsetMin) },
  { title: 'End', widthChars: 17, type: 'datetime', value: (s) => dateSerial(s.endTimeMs, s.utcOffsetMin) },
  { title: 'Asleep', widthChars: 10, type: 'duration', value: (s) => days(s.durationAsleepS) },
  { title: 'Deep', widthChars: 9, type: 'duration', value: (s) => days(s.deepS) },
  { title: 'Light', widthChars: 9, type: 'duration', value: (s) => days(s.lightS) },
  { title: 'REM', widthChars: 9, type: 'duration', value: (s) => days(s.remS) },
  { title: 'Awake', widthChars: 9, type: 'duration', value: (s) => days(s.awakeS) },
  { title: 'Score', widthChars: 7, type: 'integer', value: (s) => s.score },
];

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
  if (type === 'datetime' && typeof value === 'object') {
    const timeMs = Date.parse(value.date);
    // A date that does not parse, or a value of another type than the column's, stays readable as text.
    return Number.isNaN(timeMs) ? value.date : dateSerial(timeMs, isoOffsetMin(value.date));
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
export function genericColumns(fields: FieldTypes): Column<GenericRecord>[] {
  const columns: Column<GenericRecord>[] = [
    { title: 'Time', widthChars: 17, type: 'datetime', value: (r) => dateSerial(r.timestampMs, r.utcOffsetMin) },
    { title: 'Title', widthChars: 28, type: 'text', value: (r) => r.title },
    { title: 'Category', widthChars: 12, type: 'text', value: (r) => r.category },
    { title: 'Tags', widthChars: 16, type: 'text', value: (r) => r.tags.join(', ') },
  ];
  for (const [name, type] of [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    columns.push({ title: name, widthChars: Math.min(30, Math.max(10, name.length + 2)), type, value: (r) => fieldCell(r.fields[name], type) });
  }
  return columns;
}
