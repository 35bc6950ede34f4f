// Split archives: repack a finished export into parts of at most a chosen size. Entries are copied as they are
// (compressed bytes, no re-encoding) and never cut across parts; each part carries its own manifest and the last
// one the manifest of the whole export.

import { ZipReader, ZipWriter, type Entry, type FileEntry } from '@zip.js/zip.js';
import { ExportError } from '../model/errors.ts';
import { readableFromIterable } from '../model/streams.ts';
import { buildManifest, CHECKSUMS_PATH, formatChecksums, MANIFEST_PATH, recordCountsOf, type Manifest, type ManifestFile } from './manifest.ts';
import { sha256Hex } from './sha256.ts';
import { readAll, type ZipSource } from './verify.ts';

const GB = 1_000_000_000;
/** Part size presets offered to people, bytes (decimal GB, as drives are sold). */
export const PART_SIZE_PRESETS_BYTES: readonly number[] = [1 * GB, 2 * GB, 4 * GB, 10 * GB, 50 * GB];
/** Default part size: 2 GB, safe on FAT32 and for most upload forms. */
export const DEFAULT_PART_SIZE_BYTES = 2 * GB;
/** Largest file FAT32 can hold: 4 GiB − 1 byte. */
export const FAT32_MAX_FILE_BYTES = 2 ** 32 - 1;
/** In the last part: the manifest of the whole export, byte for byte the unsplit archive's manifest.json. */
export const EXPORT_MANIFEST_PATH = 'export-manifest.json';
/** Smallest part size accepted: below it the manifests alone would not fit. */
export const MIN_PART_SIZE_BYTES = 64 * 1024;

// Bytes a zip spends on an entry besides its data: local header (30) + central header (46) + zip64 data
// descriptor (24) + the name twice + extra fields (zip.js writes timestamps, zip64 when large); 128 is ample.
const ENTRY_OVERHEAD_BYTES = 30 + 46 + 24 + 128;
const END_RECORDS_BYTES = 22 + 56 + 20;

/** Opens the destination of part `partNumber` (1-based) named `fileName`. */
export type PartSinkFactory = (partNumber: number, fileName: string) => Promise<WritableStream<Uint8Array>>;

/** A part's manifest: the usual manifest of its own files, plus where it sits in the set. */
export interface PartManifest extends Manifest {
  part: {
    /** 1-based. */
    number: number;
    count: number;
    fileName: string;
    /** All part file names, in order. */
    fileNames: string[];
    /** Files bigger than the part size, alone in this part (empty normally). */
    oversizeFiles: string[];
    /** Present in the last part: the path of the whole export's manifest. */
    exportManifest?: string;
  };
}

export interface PlannedPart {
  /** Paths of the export files in this part, in archive order. */
  paths: string[];
  /** Upper bound of the part's size in bytes. */
  estimatedBytes: number;
  /** Paths of files that alone exceed the part size. */
  oversizeFiles: string[];
}

export interface SplitResult {
  parts: { fileName: string; paths: string[]; bytesWritten: number; oversizeFiles: string[] }[];
  /** The manifest of the whole export (as in the unsplit archive). */
  manifest: Manifest;
}

/** Parses `2GB`, `5MB`, `1.5 GiB`, `500000` (bytes). Decimal units are powers of 1000, `KiB`/`MiB`/`GiB`/`TiB` of 1024. */
export function parsePartSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?\s*$/i.exec(text);
  if (!match) throw new ExportError('INVALID_REQUEST', `part size "${text}" is not a size like 2GB, 500MB or 5MiB`);
  const unit = (match[2] ?? 'b').toLowerCase();
  const power = 'bkmgt'.indexOf(unit[0]);
  const base = unit.includes('i') ? 1024 : 1000;
  const bytes = Math.floor(Number(match[1]) * base ** power);
  if (bytes < MIN_PART_SIZE_BYTES) throw new ExportError('INVALID_REQUEST', `part size ${bytes} bytes is below the minimum of ${MIN_PART_SIZE_BYTES} (64 KiB)`);
  return bytes;
}

/** True when every part of this size fits on a FAT32 volume (under 4 GiB). */
export function isFat32Safe(partSizeBytes: number): boolean {
  return partSizeBytes <= FAT32_MAX_FILE_BYTES;
}

/** `takeaway-2026-11-24-001.zip`: `stem` defaults to `takeaway-` and the UTC date of `createdAtMs`. */
export function partFileName(createdAtMs: number, partNumber: number, stem = `takeaway-${new Date(createdAtMs).toISOString().slice(0, 10)}`): string {
  return `${stem}-${String(partNumber).padStart(3, '0')}.zip`;
}

/**
 * Packs files into parts greedily in archive order: a new part starts before a file that would push the current
 * one past `partSizeBytes` (counting zip overhead and the part's own manifest). A file larger than a part goes
 * alone. The whole-export manifest goes into the last part, or into a part of its own when it does not fit.
 */
export function planParts(files: readonly { path: string; compressedBytes: number }[], manifest: Manifest, manifestBytes: number, partSizeBytes: number): PlannedPart[] {
  const baseReserve = manifestReserveBytes(manifest) + END_RECORDS_BYTES;
  const parts: PlannedPart[] = [];
  let current: PlannedPart = { paths: [], estimatedBytes: baseReserve, oversizeFiles: [] };
  for (const file of files) {
    const listed = manifest.files.find((f) => f.path === file.path);
    const cost = file.compressedBytes + entryOverhead(file.path) + (listed ? fileReserveBytes(listed) : 0);
    if (current.paths.length > 0 && current.estimatedBytes + cost > partSizeBytes) {
      parts.push(current);
      current = { paths: [], estimatedBytes: baseReserve, oversizeFiles: [] };
    }
    current.paths.push(file.path);
    current.estimatedBytes += cost;
    if (baseReserve + cost > partSizeBytes) current.oversizeFiles.push(file.path);
  }
  const topCost = manifestBytes + entryOverhead(EXPORT_MANIFEST_PATH) + 200;
  if (current.paths.length > 0 && current.estimatedBytes + topCost > partSizeBytes) {
    parts.push(current);
    current = { paths: [], estimatedBytes: baseReserve, oversizeFiles: [] };
  }
  current.estimatedBytes += topCost;
  parts.push(current);
  return parts;
}

/**
 * Repacks the finished export `whole` into parts of at most `partSizeBytes`, each written to a sink from
 * `newPartSink`. Costs one read and one write of the archive (no recompression); the caller deletes `whole`.
 */
export async function splitExport(whole: ZipSource, partSizeBytes: number, newPartSink: PartSinkFactory, options: {
  /** Part names are `<stem>-001.zip`…; default `takeaway-<date of the export>`. */
  stem?: string;
  signal?: AbortSignal;
} = {}): Promise<SplitResult> {
  const reader = new ZipReader(whole, { signal: options.signal });
  try {
    const entries = (await reader.getEntries()).filter((e): e is FileEntry => !e.directory);
    const manifestEntry = entries.find((e) => e.filename === MANIFEST_PATH);
    if (!manifestEntry) throw new ExportError('INVALID_INPUT', 'the archive to split has no manifest.json');
    const manifestBytes = await readAll(manifestEntry as FileEntry);
    const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as Manifest;
    const fileEntries = entries.filter((e) => e.filename !== MANIFEST_PATH && e.filename !== CHECKSUMS_PATH);
    const planned = planParts(fileEntries.map((e) => ({ path: e.filename, compressedBytes: e.compressedSize })), manifest, manifestBytes.byteLength, partSizeBytes);
    const fileNames = planned.map((_, i) => partFileName(manifest.request.createdAtMs, i + 1, options.stem));
    const byPath = new Map(entries.map((e) => [e.filename, e]));
    const parts: SplitResult['parts'] = [];
    for (const [index, part] of planned.entries()) {
      options.signal?.throwIfAborted();
      const isLast = index === planned.length - 1;
      const partManifest = buildPartManifest(manifest, part, index, fileNames);
      const extras: { path: string; bytes: Uint8Array }[] = [];
      if (isLast) {
        partManifest.files.push({ path: EXPORT_MANIFEST_PATH, format: 'readme', size: manifestBytes.byteLength, sha256: await sha256Hex(manifestBytes), records: {} });
        extras.push({ path: EXPORT_MANIFEST_PATH, bytes: manifestBytes });
      }
      const encoder = new TextEncoder();
      extras.push({ path: MANIFEST_PATH, bytes: encoder.encode(`${JSON.stringify(partManifest, null, 2)}\n`) });
      extras.push({ path: CHECKSUMS_PATH, bytes: encoder.encode(formatChecksums(partManifest.files)) });
      const bytesWritten = await writePart(await newPartSink(index + 1, fileNames[index]), part.paths.map((p) => byPath.get(p)!), extras, manifest, options.signal);
      parts.push({ fileName: fileNames[index], paths: part.paths, bytesWritten, oversizeFiles: part.oversizeFiles });
    }
    return { parts, manifest };
  } finally {
    await reader.close();
  }
}

function buildPartManifest(manifest: Manifest, part: PlannedPart, index: number, fileNames: string[]): PartManifest {
  const inPart = new Set(part.paths);
  const files = manifest.files.filter((f) => inPart.has(f.path));
  const base = buildManifest({
    appVersion: manifest.app.version,
    request: manifest.request,
    recordCounts: recordCountsOf(files, manifest.request.filter.kinds),
    files,
    skipped: manifest.skipped,
    leftOut: manifest.leftOut,
    transformations: manifest.transformations,
  });
  return {
    ...base,
    part: {
      number: index + 1,
      count: fileNames.length,
      fileName: fileNames[index],
      fileNames,
      oversizeFiles: part.oversizeFiles,
      ...(index === fileNames.length - 1 ? { exportManifest: EXPORT_MANIFEST_PATH } : {}),
    },
  };
}

/** Copies entries verbatim (compressed data, CRC and dates as they are) and adds the part's own files. */
async function writePart(sink: WritableStream<Uint8Array>, entries: FileEntry[], extras: { path: string; bytes: Uint8Array }[], manifest: Manifest, signal?: AbortSignal): Promise<number> {
  let bytesWritten = 0;
  const writer = sink.getWriter();
  const counted = new WritableStream<Uint8Array>({
    async write(chunk) {
      await writer.write(chunk);
      bytesWritten += chunk.byteLength;
    },
    close: () => writer.close(),
    abort: (reason) => writer.abort(reason),
  });
  const zip = new ZipWriter(counted, { level: manifest.request.options.compressionLevel, signal });
  try {
    for (const entry of entries) {
      const raw = new TransformStream<Uint8Array, Uint8Array>();
      const copied = entry.getData(raw.writable, { passThrough: true, signal });
      await Promise.all([copied, zip.add(entry.filename, raw.readable, {
        passThrough: true,
        uncompressedSize: entry.uncompressedSize,
        signature: entry.signature,
        compressionMethod: entry.compressionMethod,
        lastModDate: entry.lastModDate,
      } as Parameters<ZipWriter<unknown>['add']>[2])]);
    }
    for (const extra of extras) {
      await zip.add(extra.path, readableFromIterable([extra.bytes]), { lastModDate: new Date(manifest.request.createdAtMs) });
    }
    await zip.close();
    return bytesWritten;
  } catch (error) {
    await writer.abort(error).catch(() => undefined);
    throw error;
  }
}

function manifestReserveBytes(manifest: Manifest): number {
  const { files: _files, ...rest } = manifest;
  return 2 * JSON.stringify(rest, null, 2).length + 1024 + 2 * entryOverhead(MANIFEST_PATH);
}

/** What a file adds to its part's manifest.json and SHA256SUMS (stored uncompressed at worst). */
function fileReserveBytes(file: ManifestFile): number {
  return JSON.stringify(file, null, 4).length + 16 + 64 + 3 + file.path.length * 3;
}

function entryOverhead(path: string): number {
  return ENTRY_OVERHEAD_BYTES + 2 * new TextEncoder().encode(path).byteLength;
}

