// The XLSX format: one workbook `reports/takeaway.xlsx` with a sheet per record kind (and per generic record
// type) plus a Summary sheet of live formulas. The workbook is itself a zip, streamed through zip.js.
//
// Why stream through zip.js rather than build each sheet as a string: measured with benchReports()
// (src/formats/pdf/bench-reports.ts, Node 20, 2 shared cores): 100 000 activities, i.e. 100 000 Activities rows and
// 200 000 Laps rows, are 141 MB of sheet XML and an 18 MB workbook. Streamed, they take about 11 s with a peak
// used heap of 30–60 MB and a peak RSS 55–90 MB above the baseline (depending on when V8 collects), and the run
// also finishes with --max-old-space-size=96. A string per sheet would hold the 141 MB of XML (plus its UTF-8 copy)
// at once, and that grows with the row count, while the streamed peak does not.

import { ZipWriter } from '@zip.js/zip.js';
import type { GenericRecord, RecordKind, RecordOfKind } from '../../model/records.ts';
import type { RecordFilter } from '../../model/request.ts';
import { readableFromIterable } from '../../model/streams.ts';
import { encodeTextPieces } from '../text-writer.ts';
import type { EncodeContext, EncodedEntry, FormatEncoder } from '../types.ts';
import {
  appPropsXml, contentTypesXml, corePropsXml, MAX_DATA_ROWS, rootRelsXml, safeSheetName, STYLE, stylesXml,
  workbookRelsXml, workbookXml,
} from './parts.ts';
import { timeStyleOf, unitSystemOf } from '../units.ts';
import {
  activityColumns, fieldCellType, genericColumns, lapColumns, sheetUnits, sleepColumns, STEPS_COLUMNS, weightColumns,
  type Column, type FieldTypes, type LapRow, type SheetStyle,
} from './sheets.ts';
import {
  averageLine, countLine, emptyStats, extremeLine, groupCountLine, groupSumLine, sheetXml, summarySheetXml, sumLine,
  type SheetStats, type SummaryLine,
} from './workbook.ts';

/** Path of the workbook inside the export. */
export const XLSX_ENTRY_PATH = 'reports/takeaway.xlsx';
const BATCH_SIZE = 500;
const SUMMARY_SHEET = 'Summary';

// Column indexes the Summary refers to (see ACTIVITY_COLUMNS and the other column lists).
const ACT = { start: 0, sport: 1, movingTime: 4, distance: 5, ascent: 7, avgHr: 9 } as const;

interface DataSheet {
  stats: SheetStats;
  xml: () => AsyncIterable<string>;
  summary: (stats: SheetStats) => (SummaryLine | undefined)[];
}

/** Records of one kind, one at a time, with Excel's row limit enforced (the rest are reported as left out). */
async function* recordsOf<K extends RecordKind>(context: EncodeContext, kind: K, filter: RecordFilter = context.filter): AsyncGenerator<RecordOfKind<K>> {
  let rows = 0;
  for await (const batch of context.source.records(kind, filter, BATCH_SIZE)) {
    context.signal?.throwIfAborted();
    for (const record of batch) {
      if (rows >= MAX_DATA_ROWS) {
        context.leaveOut({ kind, id: record.id, reason: `more than ${MAX_DATA_ROWS} rows: a spreadsheet sheet holds no more` });
        continue;
      }
      rows += 1;
      yield record;
    }
  }
}

async function* lapRows(context: EncodeContext): AsyncGenerator<LapRow> {
  let rows = 0;
  for await (const activity of recordsOf(context, 'activity')) {
    for (let i = 0; i < activity.laps.length && rows < MAX_DATA_ROWS; i += 1, rows += 1) {
      yield { activity, lap: activity.laps[i]!, lapNumber: i + 1 };
    }
  }
}

function counted<R>(rows: AsyncIterable<R>, onRow: () => void): AsyncIterable<R> {
  return (async function* () {
    for await (const row of rows) {
      onRow();
      yield row;
    }
  })();
}

/** First pass over generic records: their types and, per type, the custom fields and their cell types. */
async function genericTypes(context: EncodeContext): Promise<Map<string, FieldTypes>> {
  const types = new Map<string, FieldTypes>();
  for await (const batch of context.source.records('record', context.filter, BATCH_SIZE)) {
    context.signal?.throwIfAborted();
    for (const record of batch) {
      let fields = types.get(record.recordType);
      if (!fields) types.set(record.recordType, (fields = new Map()));
      for (const [name, value] of Object.entries(record.fields)) {
        const type = fieldCellType(value);
        const known = fields.get(name);
        // Mixed types in one field fall back to text, which holds any value.
        if (known === undefined) fields.set(name, type ?? 'text');
        else if (type !== undefined && type !== known) fields.set(name, 'text');
      }
    }
  }
  return types;
}

function planSheets(context: EncodeContext, counts: EncodedEntry['recordCounts'], generic: Map<string, FieldTypes>): DataSheet[] {
  const kinds = context.filter.kinds;
  const style: SheetStyle = { timeStyle: timeStyleOf(context.options), units: unitSystemOf(context.options) };
  const u = sheetUnits(style.units);
  const taken = new Set<string>([SUMMARY_SHEET.toLowerCase()]);
  const sheets: DataSheet[] = [];
  const add = <R>(name: string, columns: readonly Column<R>[], rows: () => AsyncIterable<R>, summary: DataSheet['summary'], groupByColumn?: number): void => {
    const stats = emptyStats(safeSheetName(name, taken), columns.length);
    sheets.push({ stats, summary, xml: () => sheetXml(columns, rows(), stats, { groupByColumn }) });
  };
  const bump = (kind: RecordKind) => () => { counts[kind] = (counts[kind] ?? 0) + 1; };

  if (kinds.includes('activity')) {
    add('Activities', activityColumns(style), () => counted(recordsOf(context, 'activity'), bump('activity')), (s) => [
      countLine('Activities', s, ACT.start),
      sumLine(`Total distance (${u.distance})`, s, ACT.distance, STYLE.decimal2),
      sumLine('Total moving time (h)', s, ACT.movingTime, STYLE.decimal2, 24),
      sumLine(`Total ascent (${u.elevation})`, s, ACT.ascent, STYLE.integer),
      averageLine('Average heart rate (bpm)', s, ACT.avgHr, STYLE.decimal1),
      ...[...s.groups.keys()].sort().flatMap((sport) => [
        groupCountLine(`Activities: ${sport}`, s, ACT.sport, sport),
        groupSumLine(`Distance: ${sport} (${u.distance})`, s, ACT.sport, sport, ACT.distance, STYLE.decimal2),
      ]),
    ], ACT.sport);
    add('Laps', lapColumns(style), () => lapRows(context), (s) => [countLine('Laps', s, 3)]);
  }
  if (kinds.includes('steps')) {
    add('Steps', STEPS_COLUMNS, () => counted(recordsOf(context, 'steps'), bump('steps')), (s) => [
      countLine('Days with steps', s, 1),
      sumLine('Total steps', s, 1, STYLE.integer),
      averageLine('Average steps per day', s, 1, STYLE.integer),
    ]);
  }
  if (kinds.includes('weight')) {
    add('Weight', weightColumns(style), () => counted(recordsOf(context, 'weight'), bump('weight')), (s) => [
      countLine('Weigh-ins', s, 1),
      averageLine(`Average weight (${u.weight})`, s, 1, STYLE.decimal2),
      extremeLine(`Lowest weight (${u.weight})`, s, 1, STYLE.decimal2, 'MIN'),
      extremeLine(`Highest weight (${u.weight})`, s, 1, STYLE.decimal2, 'MAX'),
      averageLine('Average body fat (%)', s, 2, STYLE.decimal1),
    ]);
  }
  if (kinds.includes('sleep')) {
    add('Sleep', sleepColumns(style), () => counted(recordsOf(context, 'sleep'), bump('sleep')), (s) => [
      countLine('Nights', s, 0),
      sumLine('Total asleep (h)', s, 2, STYLE.decimal2, 24),
      averageLine('Average asleep per night (h)', s, 2, STYLE.decimal2, 24),
    ]);
  }
  if (kinds.includes('record')) {
    for (const [recordType, fields] of [...generic].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const columns = genericColumns(fields, style);
      const filter: RecordFilter = { ...context.filter, recordTypes: [recordType] };
      add(recordType, columns, () => counted(recordsOf(context, 'record', filter) as AsyncIterable<GenericRecord>, bump('record')), (s) => [
        countLine(`${recordType}: records`, s, 0),
        ...columns.flatMap((c, i) => (c.type === 'decimal2' && i >= 4 ? [sumLine(`${recordType}: total ${c.title}`, s, i, STYLE.decimal2)] : [])),
      ]);
    }
  }
  return sheets;
}

function textStream(parts: AsyncIterable<string> | Iterable<string>): ReadableStream<Uint8Array> {
  return readableFromIterable(encodeTextPieces(parts));
}

/** Writes every part of the workbook into `zip`: data sheets first (their statistics feed the Summary), then the rest. */
async function writeWorkbook(zip: ZipWriter<unknown>, context: EncodeContext, counts: EncodedEntry['recordCounts']): Promise<void> {
  const lastModDate = new Date(context.createdAtMs);
  const generic = context.filter.kinds.includes('record') ? await genericTypes(context) : new Map<string, FieldTypes>();
  const sheets = planSheets(context, counts, generic);
  for (const [i, sheet] of sheets.entries()) {
    await zip.add(`xl/worksheets/sheet${i + 2}.xml`, textStream(sheet.xml()), { lastModDate });
  }
  const lines = sheets.flatMap((s) => s.summary(s.stats)).filter((l): l is SummaryLine => l !== undefined);
  await zip.add('xl/worksheets/sheet1.xml', textStream(summarySheetXml(lines)), { lastModDate });
  const names = [SUMMARY_SHEET, ...sheets.map((s) => s.stats.name)];
  const small: [string, string][] = [
    ['[Content_Types].xml', contentTypesXml(names.length)],
    ['_rels/.rels', rootRelsXml()],
    ['xl/workbook.xml', workbookXml(names)],
    ['xl/_rels/workbook.xml.rels', workbookRelsXml(names.length)],
    ['xl/styles.xml', stylesXml()],
    ['docProps/core.xml', corePropsXml('Takeaway export', context.createdAtMs)],
    ['docProps/app.xml', appPropsXml()],
  ];
  for (const [path, xml] of small) await zip.add(path, textStream([xml]), { lastModDate });
}

/**
 * The workbook's bytes as they leave zip.js. zip.js writes into a TransformStream whose readable we drain here,
 * so the zip advances only as fast as the engine pulls (backpressure) and memory stays bounded.
 */
async function* workbookBytes(context: EncodeContext, counts: EncodedEntry['recordCounts']): AsyncGenerator<Uint8Array> {
  const channel = new TransformStream<Uint8Array, Uint8Array>();
  const channelWriter = channel.writable.getWriter();
  // zip.js locks the writable it gets; this thin sink leaves us the channel's writer, so a failure can abort it.
  const sink = new WritableStream<Uint8Array>({
    write: (chunk) => channelWriter.write(chunk),
    close: () => channelWriter.close(),
    abort: (reason) => channelWriter.abort(reason),
  });
  const zip = new ZipWriter(sink, { level: context.options.compressionLevel, useWebWorkers: false, signal: context.signal });
  const producing = (async () => {
    try {
      await writeWorkbook(zip, context, counts);
      await zip.close();
    } catch (error) {
      await channelWriter.abort(error).catch(() => undefined); // the reader below rethrows `error`
      throw error;
    }
  })();
  producing.catch(() => undefined); // surfaced through the reader or awaited below
  const reader = channel.readable.getReader();
  let isDone = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield value;
    }
    await producing;
    isDone = true;
  } finally {
    if (!isDone) await reader.cancel().catch(() => undefined); // the consumer stopped early; let the producer fail quietly
    reader.releaseLock();
  }
}

/** The XLSX workbook format. `recordCounts` of its entry fills in while its content is read. */
export const xlsxFormat: FormatEncoder = {
  id: 'xlsx',
  kinds: ['activity', 'steps', 'weight', 'sleep', 'record'],
  // The workbook is already deflated inside.
  isCompressible: false,
  size: { bytesPerSample: 0, bytesPerRecord: 60, bytesPerFile: 4_000 },
  lostChannels: () => ['lat', 'lon', 'altitudeM', 'heartRateBpm', 'cadenceRpm', 'powerW', 'speedMps', 'distanceM', 'temperatureC'],
  lostFeatures: ['track samples', 'pauses'],
  async *entries(context: EncodeContext): AsyncGenerator<EncodedEntry> {
    const recordCounts: EncodedEntry['recordCounts'] = {};
    yield { path: XLSX_ENTRY_PATH, modifiedMs: context.createdAtMs, recordCounts, content: workbookBytes(context, recordCounts) };
  },
};

