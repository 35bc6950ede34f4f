// The PDF report format: aggregates the records, lays the report out with jsPDF and yields it as one entry,
// `reports/takeaway-report.pdf`. The font comes from an injected loader, so the encoder does no I/O of its own.

import type { EncodeContext, EncodedEntry, FormatEncoder } from '../types.ts';
import { timeStyleOf, unitSystemOf } from '../units.ts';
import { aggregateReport } from './aggregate.ts';
import { defaultFontLoader, type FontLoader } from './font.ts';
import { buildReport } from './report.ts';
import { DEFAULT_PDF_OPTIONS, REPORT_TEMPLATES, templateUsesActivities } from './templates.ts';

/** Path of the report inside the export. */
export const PDF_ENTRY_PATH = 'reports/takeaway-report.pdf';
const OUTPUT_CHUNK_BYTES = 64 * 1024;

export interface PdfFormatDeps {
  /** Loads the Unicode TrueType font. Default: `defaultFontLoader` (fetch in a worker, file read in Node). */
  loadFont?: FontLoader;
}

async function* reportBytes(context: EncodeContext, loadFont: FontLoader, counts: EncodedEntry['recordCounts']): AsyncGenerator<Uint8Array> {
  const options = { ...DEFAULT_PDF_OPTIONS, ...context.options.pdf };
  const template = REPORT_TEMPLATES[options.template] ?? REPORT_TEMPLATES['year-in-review'];
  const wantsActivities = templateUsesActivities(template);
  const [fontBytes, data] = await Promise.all([
    loadFont(),
    aggregateReport(context.source, context.filter, {
      wantsActivities,
      wantsZones: template.charts.includes('heartRateZones'),
      wantsHealth: template.cover.health || template.charts.some((c) => c === 'dailySteps' || c === 'weight' || c === 'sleep'),
      maxHeartRateBpm: options.maxHeartRateBpm,
      signal: context.signal,
    }),
  ]);
  if (data.activities.length) counts.activity = data.activities.length;
  if (data.steps.length) counts.steps = data.steps.length;
  if (data.weight.length) counts.weight = data.weight.length;
  if (data.sleep.length) counts.sleep = data.sleep.length;
  const bytes = await buildReport({
    data, template, activityPages: options.activityPages, fontBytes, createdAtMs: context.createdAtMs,
    source: context.source, filter: context.filter, signal: context.signal,
    units: unitSystemOf(context.options), timeStyle: timeStyleOf(context.options),
  });
  for (let offset = 0; offset < bytes.length; offset += OUTPUT_CHUNK_BYTES) yield bytes.subarray(offset, offset + OUTPUT_CHUNK_BYTES);
}

/** A PDF report format with its own font loader (Node callers pass one that reads the file; tests too). */
export function createPdfFormat(deps: PdfFormatDeps = {}): FormatEncoder {
  const loadFont = deps.loadFont ?? defaultFontLoader;
  return {
    id: 'pdf',
    kinds: ['activity', 'steps', 'weight', 'sleep'],
    // PDF streams are already deflated.
    isCompressible: false,
    size: { bytesPerSample: 0, bytesPerRecord: 120, bytesPerFile: 400_000 },
    lostChannels: () => ['lat', 'lon', 'altitudeM', 'heartRateBpm', 'cadenceRpm', 'powerW', 'speedMps', 'distanceM', 'temperatureC'],
    lostFeatures: ['track samples (only charts)', 'laps', 'generic records'],
    async *entries(context: EncodeContext): AsyncGenerator<EncodedEntry> {
      const recordCounts: EncodedEntry['recordCounts'] = {};
      yield { path: PDF_ENTRY_PATH, modifiedMs: context.createdAtMs, recordCounts, content: reportBytes(context, loadFont, recordCounts) };
    },
  };
}

/** The PDF report format with the default font loader. `recordCounts` of its entry fills in while its content is read. */
export const pdfFormat: FormatEncoder = createPdfFormat();
