// Turns the wizard's choices into an ExportRequest. Pure, so the presets and filters are easy to check.

import type { RecordKind } from '../model/records.ts';
import {
  DEFAULT_EXPORT_OPTIONS, type ExportOptions, type ExportRequest, type FieldCondition, type FormatId, type TimeRange, type TimeStyle,
  type PrivacyOptions, type RecordFilter, type UnitSystem,
} from '../model/request.ts';

export type RangePreset = 'week' | 'month' | 'quarter' | 'year' | 'all' | 'custom';

export const RANGE_PRESETS: { id: RangePreset; label: string; days?: number }[] = [
  { id: 'week', label: 'Last 7 days', days: 7 },
  { id: 'month', label: 'Last month (30 days)', days: 30 },
  { id: 'quarter', label: 'Last quarter (91 days)', days: 91 },
  { id: 'year', label: 'Last year (365 days)', days: 365 },
  { id: 'all', label: 'All time' },
  { id: 'custom', label: 'Custom range' },
];

const DAY_MS = 86_400_000;

export interface WizardChoices {
  kinds: RecordKind[];
  preset: RangePreset;
  /** Custom range, `YYYY-MM-DD` (UTC days), the end day included. */
  customFrom: string;
  customTo: string;
  tags: string[];
  categories: string[];
  conditions: FieldCondition[];
  text: string;
  formats: Partial<Record<RecordKind, FormatId[]>>;
  options: ExportOptions;
  /** Times in CSV, XLSX and PDF: `local` (with a UTC column beside them) or `utc` (ending in `Z`). Default `local`. Overrides `options.timeStyle`. */
  timeStyle: TimeStyle;
  /** Units of CSV, XLSX and PDF tables: `metric` or `imperial`. Default `metric`. Overrides `options.units`. */
  units: UnitSystem;
  /** Generic record types a template or an earlier request limited the export to; the wizard has no control for them and passes them on. */
  recordTypes?: string[];
}

export const DEFAULT_CHOICES: WizardChoices = {
  kinds: ['activity', 'steps', 'weight', 'sleep', 'record'],
  preset: 'year',
  customFrom: '',
  customTo: '',
  tags: [],
  categories: [],
  conditions: [],
  text: '',
  formats: { activity: ['fit', 'gpx', 'csv'], steps: ['csv'], weight: ['csv'], sleep: ['csv'], record: ['csv'] },
  options: DEFAULT_EXPORT_OPTIONS,
  timeStyle: 'local',
  units: 'metric',
};

/** The time range of a preset at `nowMs` (end exclusive). */
export function presetRange(choices: Pick<WizardChoices, 'preset' | 'customFrom' | 'customTo'>, nowMs: number): TimeRange | undefined {
  if (choices.preset === 'all') return undefined;
  if (choices.preset === 'custom') {
    const fromMs = choices.customFrom ? Date.parse(`${choices.customFrom}T00:00:00Z`) : undefined;
    const toMs = choices.customTo ? Date.parse(`${choices.customTo}T00:00:00Z`) + DAY_MS : undefined;
    return { fromMs: Number.isNaN(fromMs) ? undefined : fromMs, toMs: Number.isNaN(toMs) ? undefined : toMs };
  }
  const days = RANGE_PRESETS.find((p) => p.id === choices.preset)?.days ?? 365;
  return { fromMs: nowMs - days * DAY_MS, toMs: nowMs };
}

/** The request for the choices; kinds without a format are left out. */
export function buildRequest(choices: WizardChoices, nowMs: number): ExportRequest {
  const kinds = choices.kinds.filter((kind) => (choices.formats[kind]?.length ?? 0) > 0);
  const formats: ExportRequest['formats'] = {};
  for (const kind of kinds) formats[kind] = choices.formats[kind];
  return {
    createdAtMs: nowMs,
    filter: {
      kinds,
      range: presetRange(choices, nowMs),
      tags: choices.tags.length ? choices.tags : undefined,
      categories: choices.categories.length ? choices.categories : undefined,
      conditions: choices.conditions.length ? choices.conditions.filter((c) => c.field && String(c.value) !== '') : undefined,
      text: choices.text.trim() || undefined,
      ...(choices.recordTypes?.length ? { recordTypes: choices.recordTypes } : {}),
    },
    formats,
    // Written out even at their defaults, so a template saved from the wizard says which times and units it makes.
    options: { ...choices.options, timeStyle: choices.timeStyle, units: choices.units },
  };
}

/** The privacy choices without fields that change nothing, so a request without privacy choices has no `privacy` at all. */
export function tidyPrivacy(privacy: PrivacyOptions): PrivacyOptions | undefined {
  const tidy: PrivacyOptions = {};
  if (privacy.zones?.length) {
    tidy.zones = privacy.zones;
    tidy.zoneMode = privacy.zoneMode ?? 'gps';
  }
  if (privacy.dropGps) tidy.dropGps = true;
  if (privacy.dropSerials) tidy.dropSerials = true;
  if (privacy.pseudonymise) tidy.pseudonymise = true;
  if (privacy.timeShiftDays) tidy.timeShiftDays = privacy.timeShiftDays;
  return Object.keys(tidy).length ? tidy : undefined;
}

/** `YYYY-MM-DD` of the UTC day holding `timeMs`. */
function utcDay(timeMs: number): string {
  return new Date(timeMs).toISOString().slice(0, 10);
}

/**
 * The wizard's range choice for a request's range. A span of exactly a preset's days becomes that rolling preset
 * (that is how the wizard writes it, and what a saved "Last year" template means), unless the request knows when it
 * was made and the range does not end then. Anything else is a custom range of UTC days, widened to whole days
 * when its ends are not at UTC midnight.
 */
function rangeChoices(range: RecordFilter['range'], createdAtMs: number | undefined): Pick<WizardChoices, 'preset' | 'customFrom' | 'customTo'> {
  if (!range) return { preset: 'all', customFrom: '', customTo: '' };
  const { fromMs, toMs } = range;
  if (fromMs !== undefined && toMs !== undefined && (createdAtMs === undefined || toMs === createdAtMs)) {
    const preset = RANGE_PRESETS.find((p) => p.days !== undefined && toMs - fromMs === p.days * DAY_MS);
    if (preset) return { preset: preset.id, customFrom: '', customTo: '' };
  }
  return {
    preset: 'custom',
    customFrom: fromMs === undefined ? '' : utcDay(fromMs),
    // The custom range's end day is included, the request's end is exclusive.
    customTo: toMs === undefined ? '' : utcDay(Math.ceil(toMs / DAY_MS) * DAY_MS - DAY_MS),
  };
}

/**
 * The wizard's choices for a request or a template's request: the inverse of `buildRequest`, so
 * `buildRequest(choicesFromRequest(r), r.createdAtMs)` gives back r's filter, formats and options (`timeStyle` and
 * `units` written out, `local` and `metric` when r has none). Kinds the request leaves out keep the wizard's default
 * formats, so ticking one again offers a sensible choice. `updatedSinceMs` is a run's business and is not kept.
 */
export function choicesFromRequest(request: Pick<ExportRequest, 'filter' | 'formats' | 'options'> & { createdAtMs?: number }): WizardChoices {
  const { filter, formats, options } = request;
  const { timeStyle, units, ...rest } = options;
  const kinds = [...new Set(filter.kinds)];
  const chosenFormats: WizardChoices['formats'] = { ...DEFAULT_CHOICES.formats };
  for (const kind of kinds) chosenFormats[kind] = [...(formats[kind] ?? [])];
  return {
    kinds,
    ...rangeChoices(filter.range, request.createdAtMs),
    tags: [...(filter.tags ?? [])],
    categories: [...(filter.categories ?? [])],
    conditions: (filter.conditions ?? []).map((c) => ({ ...c })),
    text: filter.text ?? '',
    formats: chosenFormats,
    options: { ...DEFAULT_EXPORT_OPTIONS, ...structuredClone(rest), csv: { ...DEFAULT_EXPORT_OPTIONS.csv, ...rest.csv }, gpx: { ...DEFAULT_EXPORT_OPTIONS.gpx, ...rest.gpx } },
    timeStyle: timeStyle ?? 'local',
    units: units ?? 'metric',
    ...(filter.recordTypes?.length ? { recordTypes: [...filter.recordTypes] } : {}),
  };
}

/** One option of a tags or categories multi-select; `inData` is false for a chosen value no record has now. */
export interface FilterOption {
  value: string;
  inData: boolean;
}

/**
 * The options of a tags or categories multi-select: the values in the data plus any chosen one the data lacks (a
 * template's tag whose records were deleted), so every active filter stays visible and can be unselected.
 */
export function filterOptions(inData: readonly string[], chosen: readonly string[]): FilterOption[] {
  const known = new Set(inData);
  const values = [...new Set([...inData, ...chosen])].sort();
  return values.map((value) => ({ value, inData: known.has(value) }));
}
