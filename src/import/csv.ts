// CSV import of health tables (steps, weight, sleep) with papaparse: our own export is recognised by its
// headers, anything else goes through a column mapping that `suggestMapping` can pre-fill for the UI.

import Papa from 'papaparse';
import type { DailySteps, Sleep, Weight } from '../model/records.ts';
import { isCalendarDate } from '../model/validate.ts';
import { parseDecimal } from './values.ts';

/** Record kinds a CSV table can hold. */
export type CsvKind = 'steps' | 'weight' | 'sleep';

/** Record fields a column can map to (units in the names, as in the model). */
export type CsvField =
  | 'date' | 'stepCount'
  | 'timestamp' | 'weightKg' | 'bodyFatPct'
  | 'startTime' | 'endTime' | 'durationAsleepS' | 'deepS' | 'lightS' | 'remS' | 'awakeS' | 'score';

/** Which kind the table holds and which column fills which field; unmapped columns are ignored. */
export interface CsvMapping {
  kind: CsvKind;
  columns: Record<string, CsvField>;
}

export type CsvRecord = DailySteps | Weight | Sleep;

/** Records read, and one message per rejected row (`line N: …`). */
export interface CsvImportResult {
  records: CsvRecord[];
  rowErrors: string[];
}

const REQUIRED: Record<CsvKind, CsvField[]> = {
  steps: ['date', 'stepCount'],
  weight: ['timestamp', 'weightKg'],
  sleep: ['startTime', 'endTime'],
};

/** Our export's columns (src/formats/csv/parts.ts); the `*_utc` copies are redundant with the local times. */
const OWN_EXPORTS: CsvMapping[] = [
  { kind: 'steps', columns: { date: 'date', step_count: 'stepCount' } },
  { kind: 'weight', columns: { timestamp: 'timestamp', weight_kg: 'weightKg', body_fat_percentage: 'bodyFatPct' } },
  {
    kind: 'sleep',
    columns: {
      start_time: 'startTime', end_time: 'endTime', duration_asleep_seconds: 'durationAsleepS', deep_seconds: 'deepS',
      light_seconds: 'lightS', rem_seconds: 'remS', awake_seconds: 'awakeS', score: 'score',
    },
  },
];

/** Normalised header spellings (lowercase letters and digits only) that suggest a field. */
const SYNONYMS: Record<CsvField, string[]> = {
  date: ['date', 'day', 'calendardate'],
  stepCount: ['steps', 'stepcount', 'totalsteps', 'step'],
  timestamp: ['timestamp', 'datetime', 'time', 'date', 'measuredat', 'measurementtime'],
  weightKg: ['weightkg', 'weight', 'bodyweight', 'bodyweightkg', 'masskg'],
  bodyFatPct: ['bodyfatpercentage', 'bodyfat', 'bodyfatpct', 'fat', 'fatpercent', 'fatpct'],
  startTime: ['starttime', 'start', 'sleepstart', 'bedtime', 'from'],
  endTime: ['endtime', 'end', 'sleepend', 'wakeuptime', 'waketime', 'to'],
  durationAsleepS: ['durationasleepseconds', 'asleepseconds', 'durationasleeps'],
  deepS: ['deepseconds', 'deepsleepseconds', 'deeps'],
  lightS: ['lightseconds', 'lightsleepseconds', 'lights'],
  remS: ['remseconds', 'remsleepseconds', 'rems'],
  awakeS: ['awakeseconds', 'awakes'],
  score: ['score', 'sleepscore'],
};

const FIELDS_OF: Record<CsvKind, CsvField[]> = {
  steps: ['date', 'stepCount'],
  weight: ['timestamp', 'weightKg', 'bodyFatPct'],
  sleep: ['startTime', 'endTime', 'durationAsleepS', 'deepS', 'lightS', 'remS', 'awakeS', 'score'],
};

function normalize(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The mapping of our own export when `headers` are exactly one of its tables (`*_utc` columns allowed), else undefined. */
export function detectOwnExport(headers: readonly string[]): CsvMapping | undefined {
  const meaningful = headers.filter((h) => !h.endsWith('_utc'));
  return OWN_EXPORTS.find((m) => {
    const own = Object.keys(m.columns);
    return meaningful.length === own.length && own.every((column) => meaningful.includes(column));
  });
}

/**
 * A best guess at the mapping for foreign headers (`Date`, `Weight (kg)`, `Body Fat %`…) for the UI to
 * show and let the person correct; undefined when no kind has its required columns.
 */
export function suggestMapping(headers: readonly string[]): CsvMapping | undefined {
  const own = detectOwnExport(headers);
  if (own) return own;
  for (const kind of ['sleep', 'weight', 'steps'] as const) {
    const columns: Record<string, CsvField> = {};
    const used = new Set<string>();
    for (const field of FIELDS_OF[kind]) {
      const header = headers.find((h) => !used.has(h) && SYNONYMS[field].includes(normalize(h)));
      if (header === undefined) continue;
      columns[header] = field;
      used.add(header);
    }
    if (REQUIRED[kind].every((field) => Object.values(columns).includes(field))) return { kind, columns };
  }
  return undefined;
}

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/;

/** Parses `2025-03-01T07:12:00+01:00` (or a space, no seconds, `Z`, no zone = UTC, or a bare date) into UTC ms and offset. */
function parseTimestamp(value: string): { timeMs: number; utcOffsetMin: number } {
  const trimmed = value.trim();
  if (LOCAL_DATE.test(trimmed)) {
    if (!isCalendarDate(trimmed)) throw new Error(`"${trimmed}" is not a real date`);
    return { timeMs: Date.parse(`${trimmed}T00:00:00Z`), utcOffsetMin: 0 };
  }
  const match = DATE_TIME.exec(trimmed);
  if (!match) throw new Error(`"${trimmed.slice(0, 40)}" is not a date-time`);
  if (!isCalendarDate(match[1])) throw new Error(`"${trimmed.slice(0, 40)}" is not a real date`);
  const zone = match[5] ?? 'Z';
  const utcOffsetMin = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  const timeMs = Date.parse(`${match[1]}T${match[2]}Z`) - utcOffsetMin * 60_000;
  if (!Number.isFinite(timeMs)) throw new Error(`"${trimmed}" is not a valid date-time`);
  return { timeMs, utcOffsetMin };
}

function parseNumberCell(value: string, column: string): number {
  const parsed = parseDecimal(value);
  if (Number.isNaN(parsed)) throw new Error(`${column} "${value.slice(0, 40)}" is not a number`);
  return parsed;
}

function buildRecord(row: Record<string, string>, mapping: CsvMapping, nowMs: number): CsvRecord {
  const cell: Partial<Record<CsvField, { column: string; value: string }>> = {};
  for (const [column, field] of Object.entries(mapping.columns)) {
    const value = row[column];
    if (value !== undefined && value.trim() !== '') cell[field] = { column, value };
  }
  for (const field of REQUIRED[mapping.kind]) if (!cell[field]) throw new Error(`required ${field} is empty`);
  const number = (field: CsvField) => (cell[field] ? parseNumberCell(cell[field].value, cell[field].column) : undefined);
  const base = { updatedAtMs: nowMs, source: 'import:csv' };
  if (mapping.kind === 'steps') {
    const date = cell.date!.value.trim();
    if (!isCalendarDate(date)) throw new Error(`${cell.date!.column} "${date.slice(0, 40)}" is not a real YYYY-MM-DD date`);
    return { ...base, kind: 'steps', id: `steps-${date}`, date, stepCount: number('stepCount')! };
  }
  if (mapping.kind === 'weight') {
    const { timeMs, utcOffsetMin } = parseTimestamp(cell.timestamp!.value);
    const weight: Weight = { ...base, kind: 'weight', id: `weight-${timeMs}`, timestampMs: timeMs, utcOffsetMin, weightKg: number('weightKg')! };
    const bodyFatPct = number('bodyFatPct');
    if (bodyFatPct !== undefined) weight.bodyFatPct = bodyFatPct;
    return weight;
  }
  const start = parseTimestamp(cell.startTime!.value);
  const end = parseTimestamp(cell.endTime!.value);
  if (end.timeMs < start.timeMs) throw new Error('end_time is before start_time');
  const awakeS = number('awakeS');
  const sleep: Sleep = {
    ...base,
    kind: 'sleep',
    id: `sleep-${start.timeMs}`,
    startTimeMs: start.timeMs,
    endTimeMs: end.timeMs,
    utcOffsetMin: start.utcOffsetMin,
    durationAsleepS: number('durationAsleepS') ?? (end.timeMs - start.timeMs) / 1000 - (awakeS ?? 0),
  };
  for (const field of ['deepS', 'lightS', 'remS', 'awakeS', 'score'] as const) {
    const value = number(field);
    if (value !== undefined) sleep[field] = value;
  }
  return sleep;
}

/** Header row of a CSV text (after a BOM), for the mapping UI. */
export function readCsvHeaders(text: string): string[] {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { preview: 1, skipEmptyLines: true });
  return parsed.data[0] ?? [];
}

/**
 * Parses a health CSV into records. Without `mapping`, the table must be one of our own export's
 * (else this throws, naming the headers). A bad row is reported in `rowErrors` and the other rows still import.
 */
export function importCsv(text: string, options: { nowMs: number; mapping?: CsvMapping }): CsvImportResult {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: 'greedy' });
  const headers = parsed.meta.fields ?? [];
  const mapping = options.mapping ?? detectOwnExport(headers);
  if (!mapping) {
    throw new Error(`unrecognised CSV columns (${headers.slice(0, 8).join(', ') || 'none'}); choose a column mapping`);
  }
  const missing = Object.keys(mapping.columns).filter((column) => !headers.includes(column));
  if (missing.length) throw new Error(`mapped column(s) ${missing.join(', ')} not in the header row`);
  const records: CsvRecord[] = [];
  const rowErrors: string[] = [];
  for (const error of parsed.errors) {
    if (error.type !== 'FieldMismatch') rowErrors.push(`line ${(error.row ?? 0) + 2}: ${error.message}`);
  }
  // Ids come from the day or the time, so two rows of one day would be two records with one id.
  const lineOfId = new Map<string, number>();
  parsed.data.forEach((row, i) => {
    const line = i + 2;
    try {
      const record = buildRecord(row, mapping, options.nowMs);
      const first = lineOfId.get(record.id);
      if (first !== undefined) throw new Error(`same ${record.kind === 'steps' ? 'day' : 'time'} as line ${first} (${record.id}); the first row is kept`);
      lineOfId.set(record.id, line);
      records.push(record);
    } catch (error) {
      rowErrors.push(`line ${line}: ${(error as Error).message}`);
    }
  });
  return { records, rowErrors };
}
