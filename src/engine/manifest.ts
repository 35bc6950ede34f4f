// manifest.json and SHA256SUMS: what an export holds, with a SHA-256 per file computed while streaming.

import type { RecordKind } from '../model/records.ts';
import type { ExportRequest, FormatId } from '../model/request.ts';
import type { LeftOutRecord, SkippedRecord } from '../formats/types.ts';

export const MANIFEST_PATH = 'manifest.json';
export const CHECKSUMS_PATH = 'SHA256SUMS';
/** 2: records a format cannot carry by design moved from `skipped` to `leftOut`. */
export const MANIFEST_SCHEMA_VERSION = 2;
/** The version written in every manifest and README.txt. */
export const APP_VERSION = '0.1.0';

export interface ManifestFile {
  path: string;
  /** `readme` for README.txt, otherwise the format that wrote the file. */
  format: FormatId | 'readme';
  /** Uncompressed size in bytes. */
  size: number;
  sha256: string;
  records: Partial<Record<RecordKind, number>>;
}

export interface Manifest {
  schema: 'takeaway-export';
  schemaVersion: number;
  app: { name: string; version: string };
  /** ISO 8601 UTC, from the request. */
  createdAt: string;
  request: ExportRequest;
  counts: {
    /** Records of each kind in the export (each record once, whatever the number of formats). */
    records: Partial<Record<RecordKind, number>>;
    /** Files and records written per format. */
    formats: Partial<Record<FormatId, { files: number; records: number }>>;
  };
  files: ManifestFile[];
  /** Records that failed (invalid data), each with the reason. A non-empty list means a partial export. */
  skipped: SkippedRecord[];
  /**
   * Per format, the valid records it cannot carry by design (GPX: no GPS positions), each with the reason. Not a
   * failure: the other chosen formats hold them.
   */
  leftOut: Partial<Record<FormatId, LeftOutRecord[]>>;
  /** Transformations applied before encoding (anonymisation…); empty when none. */
  transformations: string[];
}

export function buildManifest(input: {
  appVersion: string;
  request: ExportRequest;
  recordCounts: Partial<Record<RecordKind, number>>;
  files: ManifestFile[];
  skipped: SkippedRecord[];
  leftOut: Manifest['leftOut'];
  transformations?: string[];
}): Manifest {
  const formats = formatCountsOf(input.files);
  return {
    schema: 'takeaway-export',
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    app: { name: 'takeaway', version: input.appVersion },
    createdAt: new Date(input.request.createdAtMs).toISOString(),
    request: input.request,
    counts: { records: input.recordCounts, formats },
    files: input.files,
    skipped: input.skipped,
    leftOut: input.leftOut,
    transformations: input.transformations ?? [],
  };
}

/** Left-out notes over all formats (a record left out of two formats counts twice: once per format it is missing from). */
export function leftOutCount(leftOut: Manifest['leftOut'] | undefined): number {
  return Object.values(leftOut ?? {}).reduce((sum, records) => sum + (records?.length ?? 0), 0);
}

/** What History and the job rows show of a finished export. `skipped` > 0 makes it partial; `leftOut` does not. */
export interface ManifestSummary {
  /** Files written, README.txt not counted. */
  files: number;
  /** Records in the export, each once. */
  records: number;
  skipped: number;
  leftOut: number;
}

export function summariseManifest(manifest: Pick<Manifest, 'files' | 'counts' | 'skipped' | 'leftOut'>): ManifestSummary {
  return {
    files: manifest.files.filter((f) => f.format !== 'readme').length,
    records: Object.values(manifest.counts.records).reduce<number>((sum, n) => sum + (n ?? 0), 0),
    skipped: manifest.skipped.length,
    leftOut: leftOutCount(manifest.leftOut),
  };
}

/** Files and records written per format (README.txt is no format's). */
export function formatCountsOf(files: readonly Pick<ManifestFile, 'format' | 'records'>[]): Manifest['counts']['formats'] {
  const formats: Manifest['counts']['formats'] = {};
  for (const file of files) {
    if (file.format === 'readme') continue;
    const entry = (formats[file.format] ??= { files: 0, records: 0 });
    entry.files += 1;
    entry.records += Object.values(file.records).reduce((sum, n) => sum + (n ?? 0), 0);
  }
  return formats;
}

/** Records of each kind in the export: the most any one format wrote (formats differ when one cannot carry a record). */
export function recordCountsOf(files: readonly Pick<ManifestFile, 'format' | 'records'>[], kinds: readonly RecordKind[]): Partial<Record<RecordKind, number>> {
  const perFormat = new Map<string, Partial<Record<RecordKind, number>>>();
  for (const file of files) {
    const counts = perFormat.get(file.format) ?? {};
    for (const [kind, n] of Object.entries(file.records) as [RecordKind, number][]) counts[kind] = (counts[kind] ?? 0) + n;
    perFormat.set(file.format, counts);
  }
  const result: Partial<Record<RecordKind, number>> = {};
  for (const kind of kinds) result[kind] = Math.max(0, ...[...perFormat.values()].map((c) => c[kind] ?? 0));
  return result;
}

/** The same record noted several times (by several formats, or passes) for the same reason is listed once. */
export function dedupeNotes<T extends SkippedRecord | LeftOutRecord>(notes: readonly T[]): T[] {
  const seen = new Set<string>();
  return notes.filter((s) => {
    const key = `${s.kind}\u0000${s.id}\u0000${s.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `sha256sum -c` format: `<hex>  <path>` per line. */
export function formatChecksums(files: readonly { path: string; sha256: string }[]): string {
  return files.map((f) => `${f.sha256}  ${f.path}\n`).join('');
}
