// manifest.json and SHA256SUMS: what an export holds, with a SHA-256 per file computed while streaming.

import type { RecordKind } from '../model/records.ts';
import type { ExportRequest, FormatId } from '../model/request.ts';
import type { SkippedRecord } from '../formats/types.ts';

export const MANIFEST_PATH = 'manifest.json';
export const CHECKSUMS_PATH = 'SHA256SUMS';
export const MANIFEST_SCHEMA_VERSION = 1;

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
  /** Records left out, each with the reason. A non-empty list means a partial export. */
  skipped: SkippedRecord[];
  /** Transformations applied before encoding (anonymisation…); empty when none. */
  transformations: string[];
}

export function buildManifest(input: {
  appVersion: string;
  request: ExportRequest;
  recordCounts: Partial<Record<RecordKind, number>>;
  files: ManifestFile[];
  skipped: SkippedRecord[];
  transformations?: string[];
}): Manifest {
  const formats: Manifest['counts']['formats'] = {};
  for (const file of input.files) {
    if (file.format === 'readme') continue;
    const entry = (formats[file.format] ??= { files: 0, records: 0 });
    entry.files += 1;
    entry.records += Object.values(file.records).reduce((sum, n) => sum + (n ?? 0), 0);
  }
  return {
    schema: 'takeaway-export',
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    app: { name: 'takeaway', version: input.appVersion },
    createdAt: new Date(input.request.createdAtMs).toISOString(),
    request: input.request,
    counts: { records: input.recordCounts, formats },
    files: input.files,
    skipped: input.skipped,
    transformations: input.transformations ?? [],
  };
}

/** `sha256sum -c` format: `<hex>  <path>` per line. */
export function formatChecksums(files: readonly { path: string; sha256: string }[]): string {
  return files.map((f) => `${f.sha256}  ${f.path}\n`).join('');
}
