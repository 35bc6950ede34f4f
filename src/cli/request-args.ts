// Turns `takeaway export` options into an ExportRequest: the flags' own syntax (lists, dates, zones) is read here;
// what the values may be is the request schema's (src/model/request-schema.ts), its refusals named by flag.

import { FORMAT_META } from '../formats/meta.ts';
import { RECORD_KINDS, type RecordKind } from '../model/records.ts';
import {
  DEFAULT_EXPORT_OPTIONS, FORMAT_IDS, type ExportOptions, type ExportRequest, type FormatId, type PdfOptions, type PrivacyOptions, type PrivacyZone,
} from '../model/request.ts';
import { parseExportRequest, RequestError } from '../model/request-schema.ts';
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
  /** PDF report template, and whether to add a page per activity. */
  report?: string;
  activityPages?: boolean;
  /** `lat,lon,radius_m` per zone (repeatable flag). */
  privacyZones?: string[];
  privacyMode?: string;
  dropGps?: boolean;
  dropSerials?: boolean;
  pseudonymise?: boolean;
  timeShiftDays?: string;
  /** `local` or `utc` (CSV, XLSX and PDF times); absent: the default, local. */
  timeStyle?: string;
  /** `metric` or `imperial` (CSV, XLSX and PDF tables); absent: the default, metric. */
  units?: string;
}

/** The flag that sets each request field the schema may refuse, by field path prefix. */
const FLAG_OF_FIELD: readonly [string, string][] = [
  ['createdAtMs', '--created-at'], ['filter.range', '--from/--to'], ['filter.tags', '--tags'], ['filter.categories', '--categories'],
  ['filter.text', '--text'], ['options.compressionLevel', '--level'], ['options.gpx.dialect', '--gpx-dialect'],
  ['options.pdf.template', '--report'], ['options.privacy.zones', '--privacy-zone'], ['options.privacy.zoneMode', '--privacy-mode'],
  ['options.privacy.timeShiftDays', '--time-shift-days'], ['options.timeStyle', '--time-style'], ['options.units', '--units'],
];

/** Throws UsageError: for `--level 12`, `--level must be a whole number from 0 to 9, got 12`. */
function refuse(error: RequestError): never {
  const match = FLAG_OF_FIELD.find(([field]) => error.field === field || error.field.startsWith(`${field}.`) || error.field.startsWith(`${field}[`));
  if (!match) throw new UsageError(error.message);
  const [field, flag] = match;
  throw new UsageError(`${flag}${error.field === field ? '' : ` (${error.field.slice(field.length).replace(/^\./, '')})`} ${error.problem}`);
}

export function buildRequest(args: ExportArgs, nowMs: number): ExportRequest {
  const formatIds = splitList(args.formats);
  if (formatIds.length === 0) throw new UsageError('--formats needs at least one format, e.g. --formats fit,gpx,csv');
  for (const id of formatIds) {
    if (!(FORMAT_IDS as readonly string[]).includes(id)) throw new UsageError(`unknown format "${id}"; known: ${FORMAT_IDS.join(', ')}`);
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
  const tags = args.tags ? splitList(args.tags) : undefined;
  const categories = args.categories ? splitList(args.categories) : undefined;
  const request = {
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
      compressionLevel: args.level === undefined ? DEFAULT_EXPORT_OPTIONS.compressionLevel : numberOf(args.level),
      csv: { ...DEFAULT_EXPORT_OPTIONS.csv, samples: args.csvSamples ?? false, bom: args.csvBom ?? false, formulaSafe: !args.formulaUnsafe },
      gpx: { dialect: args.gpxDialect ?? DEFAULT_EXPORT_OPTIONS.gpx.dialect },
      ...pdfOf(args),
      ...privacyOf(args),
      ...timeUnitsOf(args),
    },
  };
  try {
    return parseExportRequest(request, FORMAT_META);
  } catch (error) {
    if (error instanceof RequestError) refuse(error);
    throw error;
  }
}

/** `{ timeStyle, units }` for the flags given; nothing for absent flags (the request stays as before they existed). */
function timeUnitsOf(args: ExportArgs): { timeStyle?: string; units?: string } {
  return { ...(args.timeStyle !== undefined ? { timeStyle: args.timeStyle } : {}), ...(args.units !== undefined ? { units: args.units } : {}) };
}

/** `{ pdf }` when --report or --activity-pages is given, else nothing (the PDF format's defaults apply). */
function pdfOf(args: ExportArgs): { pdf?: Omit<PdfOptions, 'template'> & { template: string } } {
  if (args.report === undefined && !args.activityPages) return {};
  return { pdf: { template: args.report ?? 'year-in-review', activityPages: args.activityPages ?? false } };
}

/** `{ privacy }` when any privacy flag is given, else nothing (the request stays as it was before privacy existed). */
function privacyOf(args: ExportArgs): { privacy?: Omit<PrivacyOptions, 'zoneMode'> & { zoneMode?: string } } {
  const privacy: Omit<PrivacyOptions, 'zoneMode'> & { zoneMode?: string } = {};
  if (args.privacyZones?.length) privacy.zones = args.privacyZones.map(parseZone);
  if (args.privacyMode !== undefined) {
    if (!privacy.zones) throw new UsageError('--privacy-mode needs at least one --privacy-zone');
    privacy.zoneMode = args.privacyMode;
  }
  if (args.dropGps) privacy.dropGps = true;
  if (args.dropSerials) privacy.dropSerials = true;
  if (args.pseudonymise) privacy.pseudonymise = true;
  if (args.timeShiftDays !== undefined) {
    const days = numberOf(args.timeShiftDays);
    if (days !== 0) privacy.timeShiftDays = days;
  }
  return Object.keys(privacy).length > 0 ? { privacy } : {};
}

/** The number a flag's text spells; NaN for empty text (which `Number` would read as 0), so the schema refuses it. */
function numberOf(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** `52.52,13.40,300` → a zone of 300 m around 52.52° N 13.40° E. */
export function parseZone(text: string): PrivacyZone {
  const parts = text.split(',').map((s) => numberOf(s));
  const [latDeg, lonDeg, radiusM] = parts;
  if (parts.length !== 3 || !parts.every(Number.isFinite)) {
    throw new UsageError(`--privacy-zone must be lat,lon,radius_m (e.g. 52.52,13.40,300), got "${text}"`);
  }
  return { latDeg, lonDeg, radiusM };
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
