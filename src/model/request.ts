// What a person asks to export: kinds, time range, filters, formats per kind and options.

import type { RecordKind } from './records.ts';

// The id lists below are the one home of each set of ids: the types derive from them, and the request schema
// (request-schema.ts), the format metadata and registry, the CLI and the server all read them from here.

/** Output formats. `original` passes imported device files through unchanged. */
export const FORMAT_IDS = ['fit', 'tcx', 'gpx', 'csv', 'json', 'xml', 'pdf', 'xlsx', 'original'] as const;
export type FormatId = (typeof FORMAT_IDS)[number];

export interface TimeRange {
  /** Inclusive start, epoch ms UTC. */
  fromMs?: number;
  /** Exclusive end, epoch ms UTC. */
  toMs?: number;
}

/** A condition on a record field (top-level field like `name`, a totals field like `totals.distanceM`, or a custom field `fields.amount`). */
export const CONDITION_OPS = ['eq', 'contains', 'gt', 'lt'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export interface FieldCondition {
  field: string;
  op: ConditionOp;
  value: string | number | boolean;
}

/** Which records an export (or a query) covers. */
export interface RecordFilter {
  kinds: RecordKind[];
  range?: TimeRange;
  /** Records carrying any of these tags (activities and generic records). */
  tags?: string[];
  /** Records in any of these categories. */
  categories?: string[];
  /** Generic record types to include (`time_entry`…); all when absent. */
  recordTypes?: string[];
  conditions?: FieldCondition[];
  /** Case-insensitive text search over names, titles, notes, tags and text fields. */
  text?: string;
  /** Only records whose `updatedAtMs` is at or after this, epoch ms UTC ("since the last export"); all when absent. */
  updatedSinceMs?: number;
}

/** How GPX carries heart rate, cadence, temperature and power (see src/formats/gpx/README.md). */
export const GPX_DIALECTS = ['garmin-tpx-v1', 'garmin-tpx-v2', 'plain'] as const;
export type GpxDialect = (typeof GPX_DIALECTS)[number];

/** PDF report templates: which sections a report has (see src/formats/pdf/templates.ts). */
export const PDF_TEMPLATES = ['year-in-review', 'monthly', 'health'] as const;
export type PdfTemplate = (typeof PDF_TEMPLATES)[number];

export interface PdfOptions {
  /** Default `year-in-review`. */
  template: PdfTemplate;
  /** Add a page per activity with its route outline and heart-rate/altitude profile. Default false. */
  activityPages: boolean;
  /** Maximum heart rate for the zones; default: the highest activity maximum in the period. */
  maxHeartRateBpm?: number;
}

/** A circle around a place (home, work) whose samples an anonymised export leaves out. */
export interface PrivacyZone {
  /** Centre, degrees WGS84. */
  latDeg: number;
  lonDeg: number;
  /** Radius, metres (> 0). */
  radiusM: number;
}

/** What a privacy zone hides (see `PrivacyOptions.zoneMode`). */
export const PRIVACY_ZONE_MODES = ['gps', 'sample'] as const;
export type PrivacyZoneMode = (typeof PRIVACY_ZONE_MODES)[number];

/**
 * Anonymisation applied before any format sees the records (see src/privacy and docs/privacy.md).
 * Every field is optional; an empty object changes nothing.
 */
export interface PrivacyOptions {
  /** Privacy zones; samples inside any of them are hidden from every track. */
  zones?: PrivacyZone[];
  /** `gps` (default) drops only the position of samples inside a zone; `sample` drops those samples and recomputes totals. */
  zoneMode?: PrivacyZoneMode;
  /** Remove every GPS position from every track. Default false. */
  dropGps?: boolean;
  /** Remove device serial numbers. Default false. */
  dropSerials?: boolean;
  /** Replace ids, names, titles, notes, tags, categories and text fields with stable pseudonyms (keyed per export). Default false. */
  pseudonymise?: boolean;
  /** Shift every time by this many whole days (negative: earlier); durations are kept. Default 0. */
  timeShiftDays?: number;
}

/** The ways human-readable times can be written (see `ExportOptions.timeStyle`). */
export const TIME_STYLES = ['local', 'utc'] as const;
export type TimeStyle = (typeof TIME_STYLES)[number];

/** The unit systems of human-readable tables (see `ExportOptions.units`). */
export const UNIT_SYSTEMS = ['metric', 'imperial'] as const;
export type UnitSystem = (typeof UNIT_SYSTEMS)[number];

export interface ExportOptions {
  /** Deflate level for compressible entries, 0–9 (default 6, the level zip.js deflates natively). */
  compressionLevel: number;
  csv: {
    /** Prefix a UTF-8 byte order mark (Excel on Windows needs it for non-ASCII). Default false. */
    bom: boolean;
    /** Neutralise cells starting with = + - @ against spreadsheet formula injection. Default true. */
    formulaSafe: boolean;
    /** Also write one samples CSV per activity. Default false. */
    samples: boolean;
    /** Split a table into one file per year above this many rows. Default 100_000. */
    maxRowsPerFile: number;
  };
  gpx: { dialect: GpxDialect };
  /** PDF report options; absent means the defaults of `PdfOptions`. */
  pdf?: PdfOptions;
  /** Anonymisation before encoding; absent means none. */
  privacy?: PrivacyOptions;
  /**
   * How the human-readable formats (CSV, XLSX, PDF) write times. `local` (default when absent): ISO 8601 in the
   * record's own UTC offset, with a UTC column beside each local time in CSV. `utc`: every time in UTC ending in
   * `Z`, one column per time, as databases and mapping tools want. FIT, TCX, GPX, JSON and XML keep the times
   * their specifications define, whatever this says.
   */
  timeStyle?: TimeStyle;
  /**
   * Units of the human-readable tables (CSV, XLSX, PDF). `metric` (default when absent): metres, km, kg, °C,
   * m/s or km/h, with today's column names. `imperial`: miles, feet, mph, pace per mile, pounds and °F, and
   * column names that say so (`distance_mi`, `weight_lb`). FIT, TCX, GPX, JSON and XML always keep their
   * specifications' units and lossless values.
   */
  units?: UnitSystem;
}

export const DEFAULT_EXPORT_OPTIONS: ExportOptions = {
  compressionLevel: 6,
  csv: { bom: false, formulaSafe: true, samples: false, maxRowsPerFile: 100_000 },
  gpx: { dialect: 'garmin-tpx-v1' },
};

export interface ExportRequest {
  /** Creation time of the export, epoch ms UTC. Part of the request so the same request gives the same bytes. */
  createdAtMs: number;
  filter: RecordFilter;
  /** Formats to write for each selected kind. */
  formats: Partial<Record<RecordKind, FormatId[]>>;
  options: ExportOptions;
}
