// The CSV format: one table per record kind (and per generic record type), optional samples per activity.
//
// Samples speed (1M rows, every channel, ~108 bytes/row; CPU time on the shared 2-core dev box, track built
// before timing): string rows + TextEncoder ~275–340k rows/s (~35 MB/s); rows written as bytes by
// SampleLineWriter ~1.7–2.0M rows/s (~180–210 MB/s). Summary and health tables are few rows and stay strings.

import { CHANNELS } from '../../model/records.ts';
import type { Activity, GenericRecord, RecordKind, RecordOfKind } from '../../model/records.ts';
import type { ExportOptions, RecordFilter } from '../../model/request.ts';
import { activityFileSizeBytes } from '../entry-size.ts';
import { activityBaseName } from '../paths.ts';
import { BytePieceWriter } from '../text-writer.ts';
import type { EncodeContext, EncodedEntry, FormatEncoder } from '../types.ts';
import { timeStyleOf, unitSystemOf } from '../units.ts';
import {
  type CsvStyle, STEPS_COLUMNS, SampleLineWriter, UTF8_BOM, activityColumns, activityLine, headerLine, recordColumns, recordLine,
  sampleColumns, sleepColumns, sleepLine, stepsLine, weightColumns, weightLine,
} from './parts.ts';
import { type CsvTable, localYear, tableEntries } from './table.ts';

export const csvFormat: FormatEncoder = {
  id: 'csv',
  kinds: ['activity', 'steps', 'weight', 'sleep', 'record'],
  isCompressible: true,
  // Measured on 1M synthetic samples with all channels: ~125 bytes a row; summary rows ~180 bytes.
  size: { bytesPerSample: 125, bytesPerRecord: 150, bytesPerFile: 300, deflateRatio: 0.23 },
  lostChannels: (options: ExportOptions) => (options.csv.samples ? [] : [...CHANNELS]),
  lostFeatures: ['laps', 'pauses', 'device serial number and software version', 'record source and last-change time'],
  entries: csvEntries,
};

/** All CSV entries of an export, kind by kind in the order of `csvFormat.kinds`. */
export async function* csvEntries(context: EncodeContext): AsyncGenerator<EncodedEntry> {
  const kinds = context.filter.kinds;
  const style = csvStyleOf(context.options);
  if (kinds.includes('activity')) {
    yield* kindTable(context, 'activity', 'activities/activities', headerLine(activityColumns(style), context.options.csv.formulaSafe),
      (a) => activityLine(a, context.options.csv.formulaSafe, style), (a) => localYear(a.startTimeMs, a.utcOffsetMin));
    if (context.options.csv.samples) yield* sampleEntries(context);
  }
  if (kinds.includes('steps')) {
    yield* kindTable(context, 'steps', 'health/steps', headerLine(STEPS_COLUMNS, false),
      (s) => stepsLine(s, context.options.csv.formulaSafe), (s) => s.date.slice(0, 4));
  }
  if (kinds.includes('weight')) {
    yield* kindTable(context, 'weight', 'health/weight', headerLine(weightColumns(style), false),
      (w) => weightLine(w, style), (w) => localYear(w.timestampMs, w.utcOffsetMin));
  }
  if (kinds.includes('sleep')) {
    yield* kindTable(context, 'sleep', 'health/sleep', headerLine(sleepColumns(style), false),
      (s) => sleepLine(s, style), (s) => localYear(s.startTimeMs, s.utcOffsetMin));
  }
  if (kinds.includes('record')) yield* recordEntries(context, style);
}

/** The export's time style and units for CSV (absent options: local times and metric, as before they existed). */
export function csvStyleOf(options: ExportOptions): CsvStyle {
  return { timeStyle: timeStyleOf(options), units: unitSystemOf(options) };
}

async function* kindTable<K extends RecordKind>(
  context: EncodeContext,
  kind: K,
  basePath: string,
  header: string,
  line: (record: RecordOfKind<K>) => string,
  yearOf: (record: RecordOfKind<K>) => string,
): AsyncGenerator<EncodedEntry> {
  const { maxRowsPerFile } = context.options.csv;
  // Records stream in time order, so whether to split is decided once, from the count, before the first row.
  const isSplit = (await context.source.count(kind, context.filter)) > maxRowsPerFile;
  yield* tableEntries(baseTable(context, {
    kind, basePath, header, line, yearOf, isSplit, records: context.source.records(kind, context.filter),
  }));
}

function baseTable<R>(
  context: EncodeContext,
  table: Pick<CsvTable<R>, 'kind' | 'basePath' | 'header' | 'line' | 'yearOf' | 'isSplit' | 'records'>,
): CsvTable<R> {
  return {
    ...table,
    maxRowsPerFile: context.options.csv.maxRowsPerFile,
    hasBom: context.options.csv.bom,
    modifiedMs: context.createdAtMs,
    signal: context.signal,
  };
}

/**
 * Generic records: one file per record type, with one column per custom field seen in that type.
 * A first pass over the records collects field names and counts (a few names per type, so memory stays
 * flat whatever the record count); a second pass per type writes the rows. Collecting rows per type
 * instead would hold every record in memory.
 */
async function* recordEntries(context: EncodeContext, style: CsvStyle): AsyncGenerator<EncodedEntry> {
  const types = new Map<string, { fieldNames: Set<string>; count: number }>();
  for await (const batch of context.source.records('record', context.filter)) {
    context.signal?.throwIfAborted();
    for (const record of batch) {
      let type = types.get(record.recordType);
      if (!type) types.set(record.recordType, (type = { fieldNames: new Set(), count: 0 }));
      type.count++;
      for (const name of Object.keys(record.fields)) type.fieldNames.add(name);
    }
  }
  const isFormulaSafe = context.options.csv.formulaSafe;
  for (const recordType of [...types.keys()].sort()) {
    const { fieldNames, count } = types.get(recordType)!;
    const names = [...fieldNames].sort();
    const filter: RecordFilter = { ...context.filter, recordTypes: [recordType] };
    yield* tableEntries(baseTable<GenericRecord>(context, {
      kind: 'record',
      basePath: `records/${recordTypeFileStem(recordType)}`,
      header: headerLine(recordColumns(names, style), isFormulaSafe),
      line: (record) => recordLine(record, names, isFormulaSafe, style),
      yearOf: (record) => localYear(record.timestampMs, record.utcOffsetMin),
      isSplit: count > context.options.csv.maxRowsPerFile,
      records: context.source.records('record', filter),
    }));
  }
}

/** A record type as a file name: ASCII letters, digits, `_` and `-` kept, anything else `-`. */
export function recordTypeFileStem(recordType: string): string {
  const stem = recordType.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return stem || 'untyped';
}

/** One samples file per activity, in a second pass over the activities. */
async function* sampleEntries(context: EncodeContext): AsyncGenerator<EncodedEntry> {
  for await (const batch of context.source.records('activity', context.filter)) {
    for (const activity of batch) {
      context.signal?.throwIfAborted();
      yield {
        path: `activities/samples/${activityBaseName(activity)}.csv`,
        modifiedMs: context.createdAtMs,
        recordCounts: {},
        content: sampleContent(context, activity),
        standaloneSizeBytes: activityFileSizeBytes(csvFormat.size, activity),
      };
    }
  }
}

async function* sampleContent(context: EncodeContext, activity: Activity): AsyncGenerator<Uint8Array> {
  const out = new BytePieceWriter();
  const style = csvStyleOf(context.options);
  const lines = new SampleLineWriter(activity.utcOffsetMin, style);
  out.text((context.options.csv.bom ? UTF8_BOM : '') + headerLine(sampleColumns(style), false));
  for await (const chunk of context.source.track(activity)) {
    context.signal?.throwIfAborted();
    for (let next = 0; next < chunk.count;) {
      next = lines.write(out, chunk, next);
      if (out.isFull) yield out.take()!;
    }
  }
  const rest = out.take();
  if (rest) yield rest;
}
