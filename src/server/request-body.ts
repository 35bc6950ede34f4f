// Validates the body of `POST /api/exports`: an ExportRequest whose `createdAtMs` and `options` may be left
// out. Unknown fields are refused (which records API to read is server configuration, not client input).

import * as v from 'valibot';
import { formatJobs } from '../engine/format-order.ts';
import { FORMAT_REGISTRY } from '../formats/registry.ts';
import { ExportError } from '../model/errors.ts';
import { RECORD_KINDS } from '../model/records.ts';
import { DEFAULT_EXPORT_OPTIONS, TIME_STYLES, UNIT_SYSTEMS, type ExportRequest, type FormatId } from '../model/request.ts';

const FORMAT_IDS: FormatId[] = ['fit', 'tcx', 'gpx', 'csv', 'json', 'xml', 'pdf', 'xlsx', 'original'];
const LIST_MAX = 100;
const TEXT_MAX = 500;

const epochMs = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(8.64e15));
const shortText = v.pipe(v.string(), v.maxLength(TEXT_MAX));
const textList = v.pipe(v.array(shortText), v.maxLength(LIST_MAX));
const formatList = v.pipe(v.array(v.picklist(FORMAT_IDS)), v.maxLength(FORMAT_IDS.length));

const filterSchema = v.strictObject({
  kinds: v.pipe(v.array(v.picklist(RECORD_KINDS)), v.minLength(1), v.maxLength(RECORD_KINDS.length)),
  range: v.optional(v.strictObject({ fromMs: v.optional(epochMs), toMs: v.optional(epochMs) })),
  tags: v.optional(textList),
  categories: v.optional(textList),
  recordTypes: v.optional(textList),
  conditions: v.optional(v.pipe(v.array(v.strictObject({
    field: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
    op: v.picklist(['eq', 'contains', 'gt', 'lt']),
    value: v.union([shortText, v.pipe(v.number(), v.finite()), v.boolean()]),
  })), v.maxLength(LIST_MAX))),
  text: v.optional(shortText),
});

const optionsSchema = v.strictObject({
  compressionLevel: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(9)),
  csv: v.strictObject({
    bom: v.boolean(),
    formulaSafe: v.boolean(),
    samples: v.boolean(),
    maxRowsPerFile: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_048_575)),
  }),
  gpx: v.strictObject({ dialect: v.picklist(['garmin-tpx-v1', 'garmin-tpx-v2', 'plain']) }),
  pdf: v.optional(v.strictObject({
    template: v.picklist(['year-in-review', 'monthly', 'health']),
    activityPages: v.boolean(),
    maxHeartRateBpm: v.optional(v.pipe(v.number(), v.integer(), v.minValue(60), v.maxValue(250))),
  })),
  timeStyle: v.optional(v.picklist(TIME_STYLES, `must be ${TIME_STYLES.map((t) => `"${t}"`).join(' or ')}`)),
  units: v.optional(v.picklist(UNIT_SYSTEMS, `must be ${UNIT_SYSTEMS.map((u) => `"${u}"`).join(' or ')}`)),
});

const bodySchema = v.strictObject({
  createdAtMs: v.optional(epochMs),
  filter: filterSchema,
  formats: v.strictObject({
    activity: v.optional(formatList),
    steps: v.optional(formatList),
    weight: v.optional(formatList),
    sleep: v.optional(formatList),
    record: v.optional(formatList),
  }),
  options: v.optional(optionsSchema),
});

/** A refused body: the field path (`filter.kinds[0]`, `` for the body itself) and what is wrong with it. */
export class BodyError extends Error {
  constructor(readonly field: string, message: string) {
    super(field ? `${field}: ${message}` : message);
  }
}

/**
 * The ExportRequest of a parsed JSON body, with `createdAtMs` defaulting to `nowMs` and `options` to
 * DEFAULT_EXPORT_OPTIONS. Throws BodyError naming the first offending field.
 */
export function parseExportRequestBody(body: unknown, nowMs: number): ExportRequest {
  const result = v.safeParse(bodySchema, body);
  if (!result.success) {
    const issue = result.issues[0];
    const message = issue.expected === 'never' ? 'unknown field' : issue.received === 'undefined' ? 'required field is missing' : issue.message;
    throw new BodyError(fieldPath(issue.path), message);
  }
  const input = result.output;
  const range = input.filter.range;
  if (range?.fromMs !== undefined && range.toMs !== undefined && range.fromMs >= range.toMs) {
    throw new BodyError('filter.range', `fromMs ${range.fromMs} is not before toMs ${range.toMs}`);
  }
  const request: ExportRequest = {
    createdAtMs: input.createdAtMs ?? nowMs,
    filter: input.filter,
    formats: input.formats,
    options: input.options ?? structuredClone(DEFAULT_EXPORT_OPTIONS),
  };
  try {
    formatJobs(request, FORMAT_REGISTRY);
  } catch (error) {
    if (error instanceof ExportError) throw new BodyError('formats', error.message);
    throw error;
  }
  return request;
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
