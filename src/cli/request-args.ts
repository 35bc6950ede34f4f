// Turns `takeaway export` options into an ExportRequest.

import { RECORD_KINDS, type RecordKind } from '../model/records.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportRequest, type FormatId, type GpxDialect } from '../model/request.ts';
import { FORMAT_META } from '../formats/meta.ts';
import { UsageError } from './usage-error.ts';

export interface ExportArgs {
  formats: string;
  kinds?: string;
  from?: string;
  to?: string;
  tags?: string;
  categories?: string;
  text?: string;
  createdAt?: string;
  level?: string;
  gpxDialect?: string;
  csvSamples?: boolean;
  csvBom?: boolean;
  formulaUnsafe?: boolean;
}

const GPX_DIALECTS: readonly GpxDialect[] = ['garmin-tpx-v1', 'garmin-tpx-v2', 'plain'];

export function buildRequest(args: ExportArgs, nowMs: number): ExportRequest {
  const formatIds = splitList(args.formats);
  if (formatIds.length === 0) throw new UsageError('--formats needs at least one format, e.g. --formats fit,gpx,csv');
  for (const id of formatIds) {
    if (!(id in FORMAT_META)) throw new UsageError(`unknown format "${id}"; known: ${Object.keys(FORMAT_META).join(', ')}`);
  }
  const kinds = args.kinds ? splitList(args.kinds) : [...RECORD_KINDS];
  for (const kind of kinds) {
    if (!RECORD_KINDS.includes(kind as RecordKind)) throw new UsageError(`unknown kind "${kind}"; known: ${RECORD_KINDS.join(', ')}`);
  }
  const formats: ExportRequest['formats'] = {};
  for (const kind of kinds as RecordKind[]) {
    const forKind = (formatIds as FormatId[]).filter((id) => FORMAT_META[id].kinds.includes(kind));
    if (forKind.length) formats[kind] = forKind;
  }
  const selectedKinds = (kinds as RecordKind[]).filter((k) => formats[k]);
  if (selectedKinds.length === 0) throw new UsageError(`none of the formats ${formatIds.join(', ')} can write the kinds ${kinds.join(', ')}`);
  const level = args.level === undefined ? DEFAULT_EXPORT_OPTIONS.compressionLevel : Number(args.level);
  if (!Number.isInteger(level) || level < 0 || level > 9) throw new UsageError(`--level must be 0–9, got "${args.level}"`);
  const dialect = (args.gpxDialect ?? DEFAULT_EXPORT_OPTIONS.gpx.dialect) as GpxDialect;
  if (!GPX_DIALECTS.includes(dialect)) throw new UsageError(`--gpx-dialect must be one of ${GPX_DIALECTS.join(', ')}`);
  const tags = args.tags ? splitList(args.tags) : undefined;
  const categories = args.categories ? splitList(args.categories) : undefined;
  return {
    createdAtMs: args.createdAt ? parseTime(args.createdAt, '--created-at') : nowMs,
    filter: {
      kinds: selectedKinds,
      range: args.from || args.to ? { fromMs: args.from ? parseTime(args.from, '--from') : undefined, toMs: args.to ? parseTime(args.to, '--to') : undefined } : undefined,
      tags,
      categories,
      text: args.text,
    },
    formats,
    options: {
      ...DEFAULT_EXPORT_OPTIONS,
      compressionLevel: level,
      csv: { ...DEFAULT_EXPORT_OPTIONS.csv, samples: args.csvSamples ?? false, bom: args.csvBom ?? false, formulaSafe: !args.formulaUnsafe },
      gpx: { dialect },
    },
  };
}

/** `2025-03-01` (UTC midnight) or a full ISO 8601 time. */
export function parseTime(text: string, option: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`${option} must be a date (2025-03-01) or an ISO 8601 time, got "${text}"`);
  return ms;
}

function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}
