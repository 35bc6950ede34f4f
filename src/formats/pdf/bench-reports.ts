// Measures the report formats: the PDF of a year of data (size, time) and the XLSX workbook of 100 000
// activity rows (time, peak RSS above the baseline, size). Run: npx tsx -e "import('./src/formats/pdf/bench-reports.ts').then(m => m.benchReports()).then(r => console.log(r))"

import { MemoryRecordSource } from '../../model/memory-source.ts';
import type { Activity, RecordKind, RecordOfKind } from '../../model/records.ts';
import { DEFAULT_EXPORT_OPTIONS, type RecordFilter } from '../../model/request.ts';
import type { RecordSource } from '../../model/source.ts';
import type { FormatEncoder } from '../types.ts';
import { ACTIVITY_COLUMNS, LAP_COLUMNS } from '../xlsx/sheets.ts';
import { xlsxFormat } from '../xlsx/encode.ts';
import { emptyStats, sheetXml } from '../xlsx/workbook.ts';
import { createPdfFormat } from './encode.ts';
import type { FontLoader } from './font.ts';
import { fixtureActivity, fixtureTrack, fixtureYear, FIXTURE_YEAR_END_MS, FIXTURE_YEAR_START_MS } from './report-fixtures.ts';

export interface ReportBench {
  pdfYear: { bytes: number; ms: number; pages: 'no activity pages' };
  pdfYearWithActivityPages: { bytes: number; ms: number };
  xlsx: { rows: number; lapRows: number; ms: number; bytes: number; peakRssDeltaMb: number; peakHeapUsedMb: number; sheetXmlMb: number };
}

/** RSS and used heap in bytes where the runtime tells them (Node); 0 elsewhere, so the bench still runs in a worker. */
function memory(): { rss: number; heapUsed: number } {
  const runtime = (globalThis as { process?: { memoryUsage(): { rss: number; heapUsed: number } } }).process;
  return runtime ? runtime.memoryUsage() : { rss: 0, heapUsed: 0 };
}

/** Generates `count` activities on demand, so the source itself holds none of them. */
function lazyActivities(count: number): RecordSource {
  return {
    async *records<K extends RecordKind>(kind: K, _filter: RecordFilter, batchSize = 500): AsyncIterable<RecordOfKind<K>[]> {
      if (kind !== 'activity') return;
      for (let start = 0; start < count; start += batchSize) {
        const batch: Activity[] = [];
        for (let i = start; i < Math.min(count, start + batchSize); i += 1) batch.push(fixtureActivity(i, FIXTURE_YEAR_START_MS + i * 300_000));
        yield batch as RecordOfKind<K>[];
      }
    },
    track: fixtureTrack,
    count: async (kind) => (kind === 'activity' ? count : 0),
  };
}

async function drain(format: FormatEncoder, source: RecordSource, filter: RecordFilter, options = DEFAULT_EXPORT_OPTIONS): Promise<number> {
  let bytes = 0;
  for await (const entry of format.entries({ source, filter, options, createdAtMs: FIXTURE_YEAR_END_MS, skip: () => undefined, leaveOut: () => undefined })) {
    for await (const chunk of entry.content) bytes += chunk.byteLength;
  }
  return bytes;
}

/**
 * Runs the measurements. `loadFont` defaults to the format's default loader (file read in Node).
 * Numbers only; nothing is asserted.
 */
export async function benchReports(options: { xlsxRows?: number; loadFont?: FontLoader } = {}): Promise<ReportBench> {
  const rows = options.xlsxRows ?? 100_000;
  const pdf = createPdfFormat({ loadFont: options.loadFont });
  const year = new MemoryRecordSource(fixtureYear(), fixtureTrack);
  const yearFilter: RecordFilter = { kinds: ['activity', 'steps', 'weight', 'sleep'], range: { fromMs: FIXTURE_YEAR_START_MS, toMs: FIXTURE_YEAR_END_MS } };

  // The XLSX runs first, so the PDF runs' garbage does not count against it.
  const baseline = memory().rss;
  let peak = baseline;
  let peakHeap = 0;
  const sample = () => {
    const now = memory();
    peak = Math.max(peak, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  };
  const timer = setInterval(sample, 20);
  let t0 = performance.now();
  const xlsxBytes = await drain(xlsxFormat, lazyActivities(rows), { kinds: ['activity'] });
  const xlsxMs = performance.now() - t0;
  clearInterval(timer);
  sample();

  // The uncompressed XML of the two sheets: what building each sheet as one string would hold at once.
  let sheetChars = 0;
  const source = lazyActivities(rows);
  const activityRows = (async function* () { for await (const b of source.records('activity', { kinds: ['activity'] })) yield* b; })();
  for await (const piece of sheetXml(ACTIVITY_COLUMNS, activityRows, emptyStats('Activities', ACTIVITY_COLUMNS.length))) sheetChars += piece.length;
  const lapRows = (async function* () {
    for await (const b of source.records('activity', { kinds: ['activity'] })) for (const a of b) yield* a.laps.map((lap, i) => ({ activity: a, lap, lapNumber: i + 1 }));
  })();
  for await (const piece of sheetXml(LAP_COLUMNS, lapRows, emptyStats('Laps', LAP_COLUMNS.length))) sheetChars += piece.length;

  t0 = performance.now();
  const pdfBytes = await drain(pdf, year, yearFilter);
  const pdfMs = performance.now() - t0;
  t0 = performance.now();
  const pagesBytes = await drain(pdf, year, yearFilter, { ...DEFAULT_EXPORT_OPTIONS, pdf: { template: 'year-in-review', activityPages: true } });
  const pagesMs = performance.now() - t0;


  return {
    pdfYear: { bytes: pdfBytes, ms: Math.round(pdfMs), pages: 'no activity pages' },
    pdfYearWithActivityPages: { bytes: pagesBytes, ms: Math.round(pagesMs) },
    xlsx: {
      rows, lapRows: rows * 2, ms: Math.round(xlsxMs), bytes: xlsxBytes,
      peakRssDeltaMb: Math.round((peak - baseline) / 1e5) / 10, peakHeapUsedMb: Math.round(peakHeap / 1e5) / 10, sheetXmlMb: Math.round(sheetChars / 1e5) / 10,
    },
  };
}
