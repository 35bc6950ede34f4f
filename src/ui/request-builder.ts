// Turns the wizard's choices into an ExportRequest. Pure, so the presets and filters are easy to check.

import type { RecordKind } from '../model/records.ts';
import {
  DEFAULT_EXPORT_OPTIONS, type ExportOptions, type ExportRequest, type FieldCondition, type FormatId, type TimeRange, type TimeStyle,
  type UnitSystem,
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
    },
    formats,
    // Written out even at their defaults, so a template saved from the wizard says which times and units it makes.
    options: { ...choices.options, timeStyle: choices.timeStyle, units: choices.units },
  };
}
