// Pure builders for CSV: one cell, one row, the header rows and the row of each record kind.
// Quoting follows papaparse's `unparse` (RFC 4180 plus leading/trailing-space quoting) so files match it byte for byte.

import type { Activity, DailySteps, FieldValue, GenericRecord, Sleep, TrackChunk, Weight } from '../../model/records.ts';
import type { TimeStyle, UnitSystem } from '../../model/request.ts';
import type { BytePieceWriter } from '../text-writer.ts';
import { formatDecimal } from '../xml-text.ts';
import { IsoTimeFormatter, formatIsoLocal, formatIsoUtc } from '../time-format.ts';
import { fahrenheitFromC, feetFromM, milesFromM, mphFromMps, poundsFromKg } from '../units.ts';

/** RFC 4180 §2.1: records end with CRLF (also papaparse's default `newline`). */
export const CSV_NEWLINE = '\r\n';
/** UTF-8 byte order mark, written first when `options.csv.bom` (Excel on Windows needs it for non-ASCII). */
export const UTF8_BOM = '\uFEFF';
/** Separator of several tags inside one cell. */
export const TAG_SEPARATOR = ';';
/** Decimals kept for coordinates (1e-7° ≈ 1 cm) and for every other measured value. */
export const COORDINATE_DECIMALS = 7;
export const VALUE_DECIMALS = 3;
/** Custom fields have unknown units; 6 decimals removes binary noise (0.1 + 0.2) but keeps rates like 0.0425. */
export const CUSTOM_FIELD_DECIMALS = 6;
/** Miles keep 6 decimals (≈ 1.6 mm), as fine as `distance_m` at 3. */
export const MILE_DECIMALS = 6;

/**
 * How the human-readable cells of one file are written, chosen once per file (never per row or sample).
 * `local`: local time with its offset plus a `_utc` column; `utc`: one column per time, in UTC with `Z`.
 * `imperial`: miles, feet, mph, pounds, °F, with the unit in each column name.
 */
export interface CsvStyle {
  timeStyle: TimeStyle;
  units: UnitSystem;
}

/** Today's style: local times beside UTC ones, metric units. */
export const DEFAULT_CSV_STYLE: CsvStyle = { timeStyle: 'local', units: 'metric' };

// Papaparse quotes a cell holding CR, LF, a quote, a BOM or the delimiter, or starting/ending with a space.
const NEEDS_QUOTES = /[",\r\n\uFEFF]|^ | $/;
// OWASP "CSV injection": cells a spreadsheet may evaluate. Papaparse's `escapeFormulae` uses the same set
// but misses multi-line cells (its regex has no `s` flag); we neutralise those too.
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell: neutralised against formula injection when asked, then quoted when needed. `undefined`/`null` → empty. */
export function textCell(value: string | undefined | null, isFormulaSafe: boolean): string {
  if (value === undefined || value === null || value === '') return '';
  if (isFormulaSafe && FORMULA_START.test(value)) return `"'${value.replace(/"/g, '""')}"`;
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * A numeric cell: dot decimal, at most `decimals` decimals, no exponent, no float noise, `-0` as `0`.
 * Missing, NaN and ±Infinity give an empty cell. Never quoted and never neutralised (a negative number stays a number).
 */
export function numberCell(value: number | undefined | null, decimals = VALUE_DECIMALS): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '';
  return formatDecimal(value, decimals);
}

/** Joins cells into one CSV line with its CRLF. */
export function csvLine(cells: readonly string[]): string {
  return cells.join(',') + CSV_NEWLINE;
}

/** The header line for column names (names are text cells too, so custom field names get the same quoting). */
export function headerLine(columns: readonly string[], isFormulaSafe: boolean): string {
  return csvLine(columns.map((name) => textCell(name, isFormulaSafe)));
}

/** ISO 8601 local time with its offset (`+00:00`, never `Z`), empty when unknown. */
function localTimeCell(timeMs: number | undefined, utcOffsetMin: number): string {
  return timeMs === undefined || !Number.isFinite(timeMs) ? '' : formatIsoLocal(timeMs, utcOffsetMin);
}

function utcTimeCell(timeMs: number | undefined): string {
  return timeMs === undefined || !Number.isFinite(timeMs) ? '' : formatIsoUtc(timeMs);
}

/** The cells of one time: `[local, utc]` in the local style, `[utc]` in the UTC style. */
function timeCells(timeMs: number | undefined, utcOffsetMin: number, style: CsvStyle): string[] {
  return style.timeStyle === 'utc' ? [utcTimeCell(timeMs)] : [localTimeCell(timeMs, utcOffsetMin), utcTimeCell(timeMs)];
}

/** `name` and its `name_utc` copy in the local style, `name` alone (holding UTC) in the UTC style. */
function timeColumns(name: string, style: CsvStyle): string[] {
  return style.timeStyle === 'utc' ? [name] : [name, `${name}_utc`];
}

/** Converts a metric value to the style's units, or leaves it; `undefined` stays `undefined`. */
function inUnits(value: number | undefined, style: CsvStyle, imperial: (metric: number) => number): number | undefined {
  return value === undefined || style.units === 'metric' ? value : imperial(value);
}

/** Activity summary columns in the default style (local + UTC times, metric). */
export const ACTIVITY_COLUMNS = [
  'id', 'name', 'sport', 'sub_sport', 'start_time', 'start_time_utc', 'time_zone', 'elapsed_s', 'timer_s',
  'distance_m', 'calories', 'ascent_m', 'descent_m', 'avg_heart_rate_bpm', 'max_heart_rate_bpm',
  'avg_cadence_rpm', 'max_cadence_rpm', 'avg_power_w', 'max_power_w', 'avg_speed_mps', 'max_speed_mps',
  'device', 'category', 'tags', 'sample_count', 'notes',
] as const;

/** Activity summary columns in a style: `ACTIVITY_COLUMNS` by default; `distance_mi`, `ascent_ft`… when imperial. */
export function activityColumns(style: CsvStyle = DEFAULT_CSV_STYLE): string[] {
  const imperial = style.units === 'imperial';
  return [
    'id', 'name', 'sport', 'sub_sport', ...timeColumns('start_time', style), 'time_zone', 'elapsed_s', 'timer_s',
    imperial ? 'distance_mi' : 'distance_m', 'calories', imperial ? 'ascent_ft' : 'ascent_m', imperial ? 'descent_ft' : 'descent_m',
    'avg_heart_rate_bpm', 'max_heart_rate_bpm', 'avg_cadence_rpm', 'max_cadence_rpm', 'avg_power_w', 'max_power_w',
    imperial ? 'avg_speed_mph' : 'avg_speed_mps', imperial ? 'max_speed_mph' : 'max_speed_mps',
    'device', 'category', 'tags', 'sample_count', 'notes',
  ];
}

/** One activity summary line, columns as in `activityColumns(style)`. */
export function activityLine(activity: Activity, isFormulaSafe: boolean, style: CsvStyle = DEFAULT_CSV_STYLE): string {
  const t = activity.totals;
  const device = activity.device ? [activity.device.manufacturer, activity.device.product].filter(Boolean).join(' ') : '';
  const distanceDecimals = style.units === 'imperial' ? MILE_DECIMALS : VALUE_DECIMALS;
  return csvLine([
    textCell(activity.id, isFormulaSafe),
    textCell(activity.name, isFormulaSafe),
    textCell(activity.sport, isFormulaSafe),
    textCell(activity.subSport, isFormulaSafe),
    ...timeCells(activity.startTimeMs, activity.utcOffsetMin, style),
    textCell(activity.timeZone, isFormulaSafe),
    numberCell(t.elapsedS),
    numberCell(t.timerS),
    numberCell(inUnits(t.distanceM, style, milesFromM), distanceDecimals),
    numberCell(t.calories),
    numberCell(inUnits(t.ascentM, style, feetFromM)),
    numberCell(inUnits(t.descentM, style, feetFromM)),
    numberCell(t.avgHeartRateBpm),
    numberCell(t.maxHeartRateBpm),
    numberCell(t.avgCadenceRpm),
    numberCell(t.maxCadenceRpm),
    numberCell(t.avgPowerW),
    numberCell(t.maxPowerW),
    numberCell(inUnits(t.avgSpeedMps, style, mphFromMps)),
    numberCell(inUnits(t.maxSpeedMps, style, mphFromMps)),
    textCell(device, isFormulaSafe),
    textCell(activity.category, isFormulaSafe),
    textCell(activity.tags.join(TAG_SEPARATOR), isFormulaSafe),
    numberCell(activity.sampleCount, 0),
    textCell(activity.notes, isFormulaSafe),
  ]);
}

/** Exactly the columns the health spreadsheets expect. */
export const STEPS_COLUMNS = ['date', 'step_count'] as const;

export function stepsLine(steps: DailySteps, isFormulaSafe: boolean): string {
  return csvLine([textCell(steps.date, isFormulaSafe), numberCell(steps.stepCount)]);
}

/** Required columns first; the UTC column of the local timestamp comes after them. */
export const WEIGHT_COLUMNS = ['timestamp', 'weight_kg', 'body_fat_percentage', 'timestamp_utc'] as const;

/** Weight columns in a style: `weight_lb` when imperial; no `timestamp_utc` when `timestamp` is already UTC. */
export function weightColumns(style: CsvStyle = DEFAULT_CSV_STYLE): string[] {
  return ['timestamp', style.units === 'imperial' ? 'weight_lb' : 'weight_kg', 'body_fat_percentage', ...(style.timeStyle === 'utc' ? [] : ['timestamp_utc'])];
}

export function weightLine(weight: Weight, style: CsvStyle = DEFAULT_CSV_STYLE): string {
  const [time, utc] = timeCells(weight.timestampMs, weight.utcOffsetMin, style);
  const cells = [time!, numberCell(inUnits(weight.weightKg, style, poundsFromKg)), numberCell(weight.bodyFatPct)];
  if (utc !== undefined) cells.push(utc);
  return csvLine(cells);
}

export const SLEEP_COLUMNS = [
  'start_time', 'end_time', 'duration_asleep_seconds', 'deep_seconds', 'light_seconds', 'rem_seconds',
  'awake_seconds', 'score', 'start_time_utc', 'end_time_utc',
] as const;

/** Sleep columns in a style: without the `_utc` copies when the times are already UTC (sleep has no units to convert). */
export function sleepColumns(style: CsvStyle = DEFAULT_CSV_STYLE): string[] {
  return style.timeStyle === 'utc' ? SLEEP_COLUMNS.filter((c) => !c.endsWith('_utc')) : [...SLEEP_COLUMNS];
}

export function sleepLine(sleep: Sleep, style: CsvStyle = DEFAULT_CSV_STYLE): string {
  const isUtc = style.timeStyle === 'utc';
  const cells = [
    isUtc ? utcTimeCell(sleep.startTimeMs) : localTimeCell(sleep.startTimeMs, sleep.utcOffsetMin),
    isUtc ? utcTimeCell(sleep.endTimeMs) : localTimeCell(sleep.endTimeMs, sleep.utcOffsetMin),
    numberCell(sleep.durationAsleepS),
    numberCell(sleep.deepS),
    numberCell(sleep.lightS),
    numberCell(sleep.remS),
    numberCell(sleep.awakeS),
    numberCell(sleep.score),
  ];
  if (!isUtc) cells.push(utcTimeCell(sleep.startTimeMs), utcTimeCell(sleep.endTimeMs));
  return csvLine(cells);
}

export const RECORD_BASE_COLUMNS = ['id', 'timestamp', 'timestamp_utc', 'title', 'category', 'tags'] as const;

/**
 * Header names of a generic record table: the base columns (without `timestamp_utc` in the UTC style), then one
 * per custom field (sorted by the caller). Custom fields have no known unit, so `units` leaves them alone.
 */
export function recordColumns(fieldNames: readonly string[], style: CsvStyle = DEFAULT_CSV_STYLE): string[] {
  const base: readonly string[] = style.timeStyle === 'utc' ? RECORD_BASE_COLUMNS.filter((c) => c !== 'timestamp_utc') : RECORD_BASE_COLUMNS;
  // A custom field named like a base column gets a `fields.` prefix so headers stay unique (`timestamp_utc` stays reserved).
  const reserved: readonly string[] = RECORD_BASE_COLUMNS;
  return [...base, ...fieldNames.map((name) => (reserved.includes(name) ? `fields.${name}` : name))];
}

/** One generic record line; `fieldNames` are the table's custom columns in order. */
export function recordLine(record: GenericRecord, fieldNames: readonly string[], isFormulaSafe: boolean, style: CsvStyle = DEFAULT_CSV_STYLE): string {
  const cells = [
    textCell(record.id, isFormulaSafe),
    ...timeCells(record.timestampMs, record.utcOffsetMin, style),
    textCell(record.title, isFormulaSafe),
    textCell(record.category, isFormulaSafe),
    textCell(record.tags.join(TAG_SEPARATOR), isFormulaSafe),
  ];
  for (const name of fieldNames) cells.push(fieldCell(Object.hasOwn(record.fields, name) ? record.fields[name] : null, isFormulaSafe));
  return csvLine(cells);
}

/** A custom field value: numbers as numbers, booleans as `true`/`false`, dates as their ISO 8601 text. */
export function fieldCell(value: FieldValue | undefined, isFormulaSafe: boolean): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return numberCell(value, CUSTOM_FIELD_DECIMALS);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return textCell(value, isFormulaSafe);
  return textCell(value.date, isFormulaSafe);
}

export const SAMPLE_COLUMNS = [
  'time', 'time_utc', 'lat', 'lon', 'altitude_m', 'heart_rate_bpm', 'cadence_rpm', 'power_w', 'speed_mps',
  'distance_m', 'temperature_c',
] as const;

/** Sample columns in a style: `altitude_ft`, `speed_mph`, `distance_mi`, `temperature_f` when imperial; no `time_utc` when `time` is UTC. */
export function sampleColumns(style: CsvStyle = DEFAULT_CSV_STYLE): string[] {
  const imperial = style.units === 'imperial';
  return [
    ...timeColumns('time', style), 'lat', 'lon', imperial ? 'altitude_ft' : 'altitude_m', 'heart_rate_bpm', 'cadence_rpm', 'power_w',
    imperial ? 'speed_mph' : 'speed_mps', imperial ? 'distance_mi' : 'distance_m', imperial ? 'temperature_f' : 'temperature_c',
  ];
}

type ChannelValues = Float32Array | Float64Array | undefined;

/** The channels `units` may convert; the rest are read from the chunk as they are. */
interface SampleChannels {
  altitudeM?: ChannelValues;
  speedMps?: ChannelValues;
  distanceM?: ChannelValues;
  temperatureC?: ChannelValues;
}

/** The four converted channels of a chunk in imperial units (feet, mph, miles, °F), one pass per chunk. */
function imperialChannels(chunk: TrackChunk): SampleChannels {
  const convert = (values: ChannelValues, toImperial: (v: number) => number) => {
    if (values === undefined) return undefined;
    const out = new Float64Array(chunk.count);
    for (let i = 0; i < chunk.count; i++) out[i] = toImperial(values[i]!);
    return out;
  };
  return {
    altitudeM: convert(chunk.altitudeM, feetFromM),
    speedMps: convert(chunk.speedMps, mphFromMps),
    distanceM: convert(chunk.distanceM, milesFromM),
    temperatureC: convert(chunk.temperatureC, fahrenheitFromC),
  };
}

const COMMA = 44;
const CR = 13;
const LF = 10;

/**
 * Writes the sample lines of one track as bytes, chunk by chunk. Keeps the two time formatters so each
 * day's date part is built once.
 */
export class SampleLineWriter {
  /** The local column always shows its offset, so UTC local time is `+00:00`, not `Z`; absent in the UTC style. */
  private readonly local: IsoTimeFormatter | undefined;
  private readonly utc = new IsoTimeFormatter(0);
  private readonly isImperial: boolean;
  private readonly distanceDecimals: number;
  /** Converted channels of the last chunk seen, so a chunk written in several calls is converted once. */
  private convertedFor: TrackChunk | undefined;
  private converted: SampleChannels | undefined;

  /** The style is fixed for the file: its columns must match `sampleColumns(style)`. */
  constructor(utcOffsetMin: number, style: CsvStyle = DEFAULT_CSV_STYLE) {
    this.local = style.timeStyle === 'utc' ? undefined : new IsoTimeFormatter(utcOffsetMin, false);
    this.isImperial = style.units === 'imperial';
    this.distanceDecimals = this.isImperial ? MILE_DECIMALS : VALUE_DECIMALS;
  }

  /** Writes the lines of samples from `from` on until the chunk ends or `out` is full; returns the next sample's index. */
  write(out: BytePieceWriter, chunk: TrackChunk, from = 0): number {
    // Units and time columns are decided per call, never per sample: the loops below carry no style branches.
    let channels: SampleChannels = chunk;
    if (this.isImperial) {
      if (this.convertedFor !== chunk) {
        this.converted = imperialChannels(chunk);
        this.convertedFor = chunk;
      }
      channels = this.converted!;
    }
    const { timeMs } = chunk;
    const local = this.local;
    let i = from;
    if (local) {
      for (; i < chunk.count && !out.isFull; i++) {
        const t = timeMs[i]!;
        local.write(out, t);
        out.byte(COMMA);
        this.utc.write(out, t);
        this.writeRest(out, chunk, channels, i);
      }
    } else {
      for (; i < chunk.count && !out.isFull; i++) {
        this.utc.write(out, timeMs[i]!);
        this.writeRest(out, chunk, channels, i);
      }
    }
    return i;
  }

  /** The cells after the time column(s) of sample `i`, and the line end. */
  private writeRest(out: BytePieceWriter, chunk: TrackChunk, channels: SampleChannels, i: number): void {
    const { lat, lon, heartRateBpm, cadenceRpm, powerW } = chunk;
    const { altitudeM, speedMps, distanceM, temperatureC } = channels;
    out.byte(COMMA);
    writeSample(out, lat, i, COORDINATE_DECIMALS);
    out.byte(COMMA);
    writeSample(out, lon, i, COORDINATE_DECIMALS);
    out.byte(COMMA);
    writeSample(out, altitudeM, i, VALUE_DECIMALS);
    out.byte(COMMA);
    writeSample(out, heartRateBpm, i, VALUE_DECIMALS);
    out.byte(COMMA);
    writeSample(out, cadenceRpm, i, VALUE_DECIMALS);
    out.byte(COMMA);
    writeSample(out, powerW, i, VALUE_DECIMALS);
    out.byte(COMMA);
    writeSample(out, speedMps, i, VALUE_DECIMALS);
    out.byte(COMMA);
    writeSample(out, distanceM, i, this.distanceDecimals);
    out.byte(COMMA);
    writeSample(out, temperatureC, i, VALUE_DECIMALS);
    out.byte(CR);
    out.byte(LF);
  }
}

/** A sample cell as {@link numberCell} writes it: empty for a missing channel, NaN or ±Infinity. */
function writeSample(out: BytePieceWriter, channel: Float32Array | Float64Array | undefined, index: number, decimals: number): void {
  if (channel === undefined) return;
  const value = channel[index]!;
  if (value - value === 0) out.decimal(value, decimals, numberCell);
}
