// Turns `takeaway export` options into an ExportRequest.

import { RECORD_KINDS, type RecordKind } from '../model/records.ts';
import {
  DEFAULT_EXPORT_OPTIONS, TIME_STYLES, UNIT_SYSTEMS, type ExportOptions, type ExportRequest, type FormatId, type GpxDialect, type PdfOptions,
  type PdfTemplate, type PrivacyOptions, type PrivacyZone, type TimeStyle, type UnitSystem,
} from '../model/request.ts';
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
      ...pdfOf(args),
      ...privacyOf(args),
      ...timeUnitsOf(args),
    },
  };
}

/** `{ timeStyle, units }` for the flags given; nothing for absent flags (the request stays as before they existed). */
function timeUnitsOf(args: ExportArgs): Pick<ExportOptions, 'timeStyle' | 'units'> {
  const out: Pick<ExportOptions, 'timeStyle' | 'units'> = {};
  if (args.timeStyle !== undefined) {
    if (!(TIME_STYLES as readonly string[]).includes(args.timeStyle)) throw new UsageError(`--time-style must be ${TIME_STYLES.join(' or ')}, got "${args.timeStyle}"`);
    out.timeStyle = args.timeStyle as TimeStyle;
  }
  if (args.units !== undefined) {
    if (!(UNIT_SYSTEMS as readonly string[]).includes(args.units)) throw new UsageError(`--units must be ${UNIT_SYSTEMS.join(' or ')}, got "${args.units}"`);
    out.units = args.units as UnitSystem;
  }
  return out;
}

const PDF_TEMPLATES: readonly PdfTemplate[] = ['year-in-review', 'monthly', 'health'];

/** `{ pdf }` when --report or --activity-pages is given, else nothing (the PDF format's defaults apply). */
function pdfOf(args: ExportArgs): { pdf?: PdfOptions } {
  if (args.report === undefined && !args.activityPages) return {};
  const template = (args.report ?? 'year-in-review') as PdfTemplate;
  if (!PDF_TEMPLATES.includes(template)) throw new UsageError(`--report must be one of ${PDF_TEMPLATES.join(', ')}, got "${args.report}"`);
  return { pdf: { template, activityPages: args.activityPages ?? false } };
}

/** `{ privacy }` when any privacy flag is given, else nothing (the request stays as it was before privacy existed). */
function privacyOf(args: ExportArgs): { privacy?: PrivacyOptions } {
  const privacy: PrivacyOptions = {};
  if (args.privacyZones?.length) privacy.zones = args.privacyZones.map(parseZone);
  if (args.privacyMode !== undefined) {
    if (args.privacyMode !== 'gps' && args.privacyMode !== 'sample') throw new UsageError(`--privacy-mode must be gps or sample, got "${args.privacyMode}"`);
    if (!privacy.zones) throw new UsageError('--privacy-mode needs at least one --privacy-zone');
    privacy.zoneMode = args.privacyMode;
  }
  if (args.dropGps) privacy.dropGps = true;
  if (args.dropSerials) privacy.dropSerials = true;
  if (args.pseudonymise) privacy.pseudonymise = true;
  if (args.timeShiftDays !== undefined) {
    const days = Number(args.timeShiftDays);
    if (!Number.isInteger(days) || args.timeShiftDays.trim() === '') throw new UsageError(`--time-shift-days must be a whole number, got "${args.timeShiftDays}"`);
    if (days !== 0) privacy.timeShiftDays = days;
  }
  return Object.keys(privacy).length > 0 ? { privacy } : {};
}

/** `52.52,13.40,300` → a zone of 300 m around 52.52° N 13.40° E. */
export function parseZone(text: string): PrivacyZone {
  const parts = text.split(',').map((s) => Number(s.trim()));
  const [latDeg, lonDeg, radiusM] = parts;
  if (parts.length !== 3 || !parts.every(Number.isFinite) || Math.abs(latDeg) > 90 || Math.abs(lonDeg) > 180 || radiusM <= 0) {
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
