// The one check of an ExportRequest from outside (a server body, a template file, CLI flags, the engine's input):
// a valibot schema over the id lists of request.ts, then the rules a schema cannot say (range order, which
// format writes which kind). Unknown fields are refused, so a typo is never silently ignored.

import * as v from 'valibot';
import { ExportError } from './errors.ts';
import { RECORD_KINDS, type RecordKind } from './records.ts';
import {
  CONDITION_OPS, FORMAT_IDS, GPX_DIALECTS, PDF_TEMPLATES, PRIVACY_ZONE_MODES, TIME_STYLES, UNIT_SYSTEMS,
  type ExportRequest, type FormatId,
} from './request.ts';

const LIST_MAX = 100;
const TEXT_MAX = 500;
/** The largest time `Date` can hold, ms (ECMA-262 §21.4.1.1). */
const MAX_TIME_MS = 8.64e15;
/** A time shift of at most about 270 years each way keeps every shifted time inside `Date`'s range. */
const MAX_SHIFT_DAYS = 100_000;

/** `must be "a" or "b"` / `must be one of "a", "b", "c"`. */
function oneOfMessage(values: readonly string[]): string {
  const quoted = values.map((value) => `"${value}"`);
  return quoted.length === 2 ? `must be ${quoted.join(' or ')}` : `must be one of ${quoted.join(', ')}`;
}

function oneOf<const T extends readonly string[]>(values: T) {
  return v.picklist(values, saying(oneOfMessage(values)));
}

/** `expected`, followed by the value received, so a refusal quotes what it refused. */
function saying(expected: string) {
  return (issue: v.BaseIssue<unknown>) => `${expected}, got ${issue.received}`;
}

function wholeNumber(min: number, max: number) {
  const message = saying(`must be a whole number from ${min} to ${max}`);
  return v.pipe(v.number(message), v.integer(message), v.minValue(min, message), v.maxValue(max, message));
}

function numberBetween(min: number, max: number) {
  const message = saying(`must be a number from ${min} to ${max}`);
  return v.pipe(v.number(message), v.finite(message), v.minValue(min, message), v.maxValue(max, message));
}

const boolean = v.boolean('must be true or false');
const epochMs = v.pipe(v.number('must be a time in ms since 1970'), v.integer('must be a whole number of ms'), v.minValue(0, 'must not be before 1970'), v.maxValue(MAX_TIME_MS, 'is beyond the last time a date can hold'));
const shortText = v.pipe(v.string('must be text'), v.maxLength(TEXT_MAX, `must be at most ${TEXT_MAX} characters`));
const textList = v.pipe(v.array(shortText, 'must be a list of texts'), v.maxLength(LIST_MAX, `must have at most ${LIST_MAX} entries`));
const formatList = v.pipe(v.array(oneOf(FORMAT_IDS), 'must be a list of format ids'), v.maxLength(FORMAT_IDS.length, `must have at most ${FORMAT_IDS.length} formats`));

export const recordFilterSchema = v.strictObject({
  kinds: v.pipe(v.array(oneOf(RECORD_KINDS), 'must be a list of record kinds'), v.minLength(1, 'must name at least one record kind'), v.maxLength(RECORD_KINDS.length, `must have at most ${RECORD_KINDS.length} kinds`)),
  range: v.optional(v.strictObject({ fromMs: v.optional(epochMs), toMs: v.optional(epochMs) })),
  tags: v.optional(textList),
  categories: v.optional(textList),
  recordTypes: v.optional(textList),
  conditions: v.optional(v.pipe(v.array(v.strictObject({
    field: v.pipe(v.string('must be text'), v.minLength(1, 'must name a field'), v.maxLength(200, 'must be at most 200 characters')),
    op: oneOf(CONDITION_OPS),
    value: v.union([shortText, v.pipe(v.number(), v.finite()), v.boolean()], 'must be text, a finite number or true/false'),
  })), v.maxLength(LIST_MAX, `must have at most ${LIST_MAX} conditions`))),
  text: v.optional(shortText),
  updatedSinceMs: v.optional(epochMs),
});

export const privacyOptionsSchema = v.strictObject({
  zones: v.optional(v.pipe(v.array(v.strictObject({
    latDeg: numberBetween(-90, 90),
    lonDeg: numberBetween(-180, 180),
    radiusM: v.pipe(v.number('must be a radius in metres'), v.finite('must be a radius in metres'), v.gtValue(0, 'must be more than 0 m')),
  })), v.maxLength(LIST_MAX, `must have at most ${LIST_MAX} zones`))),
  zoneMode: v.optional(oneOf(PRIVACY_ZONE_MODES)),
  dropGps: v.optional(boolean),
  dropSerials: v.optional(boolean),
  pseudonymise: v.optional(boolean),
  timeShiftDays: v.optional(wholeNumber(-MAX_SHIFT_DAYS, MAX_SHIFT_DAYS)),
});

export const exportOptionsSchema = v.strictObject({
  compressionLevel: wholeNumber(0, 9),
  csv: v.strictObject({
    bom: boolean,
    formulaSafe: boolean,
    samples: boolean,
    // One less than Excel's 1,048,576 rows, for the header.
    maxRowsPerFile: wholeNumber(1, 1_048_575),
  }),
  gpx: v.strictObject({ dialect: oneOf(GPX_DIALECTS) }),
  pdf: v.optional(v.strictObject({
    template: oneOf(PDF_TEMPLATES),
    activityPages: boolean,
    maxHeartRateBpm: v.optional(wholeNumber(60, 250)),
  })),
  privacy: v.optional(privacyOptionsSchema),
  timeStyle: v.optional(oneOf(TIME_STYLES)),
  units: v.optional(oneOf(UNIT_SYSTEMS)),
});

/** The formats of each kind; a kind may be left out. */
export const kindFormatsSchema = v.strictObject(
  Object.fromEntries(RECORD_KINDS.map((kind) => [kind, v.optional(formatList)])) as Record<RecordKind, v.OptionalSchema<typeof formatList, undefined>>,
);

/** What every request-like value has: filter, formats and options (a template adds no creation time). */
export const REQUEST_ENTRIES = { filter: recordFilterSchema, formats: kindFormatsSchema, options: exportOptionsSchema };

export const exportRequestSchema = v.strictObject({ createdAtMs: epochMs, ...REQUEST_ENTRIES });

/** A request refused by the schema: the field path (`options.privacy.zones[0].radiusM`, `` for the whole) and what is wrong. */
export class RequestError extends ExportError {
  constructor(readonly field: string, readonly problem: string) {
    super('INVALID_REQUEST', field ? `${field}: ${problem}` : problem);
  }
}

/** The kinds each format can write: `FORMAT_META` (UI-safe) or the engine's registry, which both carry them. */
export type FormatKinds = Partial<Record<FormatId, { readonly kinds: readonly RecordKind[] }>>;

type RequestCore = Pick<ExportRequest, 'filter' | 'formats' | 'options'>;

/**
 * `value` checked against `schema` (`exportRequestSchema`, or another built from `REQUEST_ENTRIES`), then: the
 * range starts before it ends, every chosen format can write its kind (by `formats`), and some kind has a format.
 * Throws RequestError naming the first offending field.
 */
export function parseRequestWith<T extends RequestCore>(schema: v.GenericSchema<unknown, T>, value: unknown, formats: FormatKinds): T {
  const result = v.safeParse(schema, value);
  if (!result.success) {
    const issue = result.issues[0];
    const problem = issue.expected === 'never' ? 'unknown field' : issue.received === 'undefined' ? 'required field is missing' : issue.message;
    throw new RequestError(fieldPath(issue.path), problem);
  }
  const request = result.output;
  const range = request.filter.range;
  if (range?.fromMs !== undefined && range.toMs !== undefined && range.fromMs >= range.toMs) {
    const iso = (ms: number) => new Date(ms).toISOString();
    throw new RequestError('filter.range', `fromMs ${range.fromMs} (${iso(range.fromMs)}) is not before toMs ${range.toMs} (${iso(range.toMs)})`);
  }
  checkFormatKinds(request, formats);
  return request;
}

/** An ExportRequest from outside; see `parseRequestWith`. */
export function parseExportRequest(value: unknown, formats: FormatKinds): ExportRequest {
  return parseRequestWith(exportRequestSchema, value, formats);
}

/** Throws RequestError when a selected kind's format is unknown to `formats` or cannot write it, or no selected kind has a format. */
export function checkFormatKinds(request: Pick<ExportRequest, 'filter' | 'formats'>, formats: FormatKinds): void {
  let chosen = 0;
  for (const kind of request.filter.kinds) {
    (request.formats[kind] ?? []).forEach((id, i) => {
      const format = formats[id];
      if (!format) throw new RequestError(`formats.${kind}[${i}]`, `format "${id}" is not available`);
      if (!format.kinds.includes(kind)) throw new RequestError(`formats.${kind}[${i}]`, `format "${id}" cannot write ${kind} records`);
      chosen += 1;
    });
  }
  if (chosen === 0) throw new RequestError('formats', 'the request selects no format for any of its kinds');
}

function fieldPath(path: v.BaseIssue<unknown>['path']): string {
  let text = '';
  for (const item of path ?? []) {
    const key = item.key;
    if (typeof key === 'number') text += `[${key}]`;
    else text += text ? `.${String(key)}` : String(key);
  }
  return text;
}
