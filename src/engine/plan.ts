// plan(): what an export will hold and cost, from the same pipeline as the run — the filter, the anonymisation,
// then each encoder's own entries — without reading a sample. Counts and the file list (paths, records per file)
// are the manifest's by construction; sizes are estimates where a file holds samples.

import { CHANNELS, type Activity, type Channel, type RecordKind, type TrackChunk } from '../model/records.ts';
import type { ExportRequest, FormatId } from '../model/request.ts';
import type { RecordSource } from '../model/source.ts';
import type { EncodedEntry, FormatEncoder, LeftOutRecord, SkippedRecord } from '../formats/types.ts';
import { anonymiseSource, type AnonymisedSource } from '../privacy/anonymise-source.ts';
import { redactRequest } from '../privacy/redact-request.ts';
import { formatJobs, type FormatRegistry } from './format-order.ts';
import { dedupeNotes, formatCountsOf, recordCountsOf, type Manifest, type ManifestFile } from './manifest.ts';
import { README_PATH, readmeText } from './readme-text.ts';
import { UniquePaths } from './unique-paths.ts';

/** Deflated size / content size for a compressible format that does not say (formats measure their own). */
const DEFAULT_DEFLATE_RATIO = 0.2;
/** Uncompressed bytes the engine writes per second on a phone-class core, for the time estimate (see BENCHMARKS.md). */
const ESTIMATED_BYTES_PER_SECOND = 25_000_000;

/** One file the export will write, in the order the zip will hold it. */
export interface PlannedFile {
  path: string;
  format: ManifestFile['format'];
  /** Records of each kind in the file: the manifest's `records` of that file. */
  records: ManifestFile['records'];
  /** Estimated bytes of the file, and of it inside the zip. */
  estimatedContentBytes: number;
  estimatedBytes: number;
  /** The first lines of a CSV table (header first), when `PlanOptions.previewRows` asks for them. */
  firstLines?: string[];
}

export interface PlannedFormat {
  format: FormatId;
  kinds: RecordKind[];
  files: number;
  records: number;
  /** Estimated bytes of the files themselves, and of them inside the zip. */
  estimatedContentBytes: number;
  estimatedBytes: number;
  /** Channels present in the selected activities that this format cannot carry. */
  lostChannels: Channel[];
  lostFeatures: string[];
}

export interface ExportPlan {
  /** Records of each selected kind the export will hold: the manifest's `counts.records`. */
  counts: Partial<Record<RecordKind, number>>;
  samples: number;
  channels: Channel[];
  formats: PlannedFormat[];
  /** Every file of the zip but manifest.json and SHA256SUMS, README.txt first: the manifest's `files`. */
  files: PlannedFile[];
  /** Records a format could not encode (invalid data…): the manifest's `skipped`, which makes an export partial. */
  skipped: SkippedRecord[];
  /** Records a format cannot carry by design (no GPS: no GPX file…), per format: the manifest's `leftOut`. */
  leftOut: Manifest['leftOut'];
  /** What the anonymisation does, in the manifest's words. */
  transformations: string[];
  /** Estimated size of the zip (compressed) and of its content (uncompressed), bytes. */
  estimatedBytes: number;
  estimatedUncompressedBytes: number;
  estimatedSeconds: number;
}

export interface PlanOptions {
  signal?: AbortSignal;
  /** Keep the header and this many rows of every CSV table (the preview's sample rows). Default 0. */
  previewRows?: number;
}

/** The records an export reads: the source anonymised as the request asks (one wrapper per export, so every format agrees). */
export function exportSource(request: ExportRequest, source: RecordSource): AnonymisedSource {
  return request.options.privacy ? anonymiseSource(source, request.options.privacy) : { source, transformations: [] };
}

export async function planExport(request: ExportRequest, source: RecordSource, registry: FormatRegistry, options: PlanOptions = {}): Promise<ExportPlan> {
  formatJobs(request, registry); // a bad request fails before any record is read
  return planExportSource(request, exportSource(request, source), registry, options);
}

/** The plan over a source already anonymised by `exportSource` (the run's, so both read the same records). */
export async function planExportSource(
  request: ExportRequest,
  { source, transformations }: AnonymisedSource,
  registry: FormatRegistry,
  options: PlanOptions = {},
): Promise<ExportPlan> {
  const { signal } = options;
  const jobs = formatJobs(request, registry);
  const activities = await activitySummary(request, source, signal);
  const paths = new UniquePaths();
  const readme = new TextEncoder().encode(readmeText(redactRequest(request))).byteLength;
  const files: PlannedFile[] = [{
    path: paths.claim(README_PATH), format: 'readme', records: {}, estimatedContentBytes: readme,
    estimatedBytes: Math.round(request.options.compressionLevel > 0 ? readme * DEFAULT_DEFLATE_RATIO : readme),
  }];
  const skipped: SkippedRecord[] = [];
  const leftOut: Manifest['leftOut'] = {};
  const tracksAsked = { samples: 0 };
  const formats: PlannedFormat[] = [];
  for (const { format, kinds } of jobs) {
    const context = {
      source: withoutSamples(source, tracksAsked, format),
      filter: { ...request.filter, kinds },
      options: request.options,
      createdAtMs: request.createdAtMs,
      signal,
      skip: (record: SkippedRecord) => { skipped.push(record); },
      leaveOut: (record: LeftOutRecord) => { (leftOut[format.id] ??= []).push(record); },
    };
    const ratio = format.isCompressible && request.options.compressionLevel > 0 ? format.size.deflateRatio ?? DEFAULT_DEFLATE_RATIO : 1;
    const first = files.length;
    for await (const entry of format.entries(context)) {
      const path = paths.claim(entry.path);
      const measured = await measure(entry, tracksAsked, format, format.id === 'csv' ? options.previewRows ?? 0 : 0);
      files.push({
        path, format: format.id, records: { ...entry.recordCounts }, estimatedContentBytes: measured.bytes,
        estimatedBytes: Math.round(measured.bytes * ratio), ...(measured.lines ? { firstLines: measured.lines } : {}),
      });
    }
    const own = files.slice(first);
    const lost = format.lostChannels(request.options);
    formats.push({
      format: format.id,
      kinds,
      files: own.length,
      records: formatCountsOf(own)[format.id]?.records ?? 0,
      estimatedContentBytes: own.reduce((sum, f) => sum + f.estimatedContentBytes, 0),
      estimatedBytes: own.reduce((sum, f) => sum + f.estimatedBytes, 0),
      lostChannels: kinds.includes('activity') ? lost.filter((c) => activities.channels.has(c)) : [],
      lostFeatures: kinds.includes('activity') ? format.lostFeatures.filter((f) => f !== 'laps' || activities.hasLaps) : [],
    });
  }
  const estimatedUncompressedBytes = files.reduce((sum, f) => sum + f.estimatedContentBytes, 0);
  return {
    counts: recordCountsOf(files, request.filter.kinds),
    samples: activities.samples,
    channels: CHANNELS.filter((c) => activities.channels.has(c)),
    formats,
    files,
    skipped: dedupeNotes(skipped),
    leftOut: Object.fromEntries(Object.entries(leftOut).map(([format, records]) => [format, dedupeNotes(records)])),
    transformations,
    estimatedBytes: files.reduce((sum, f) => sum + f.estimatedBytes, 0),
    estimatedUncompressedBytes,
    estimatedSeconds: Math.max(1, Math.round(estimatedUncompressedBytes / ESTIMATED_BYTES_PER_SECOND)),
  };
}

/** Samples, channels and laps of the selected activities, from their summaries alone. */
async function activitySummary(request: ExportRequest, source: RecordSource, signal?: AbortSignal) {
  const summary = { samples: 0, hasLaps: false, channels: new Set<Channel>() };
  if (!request.filter.kinds.includes('activity')) return summary;
  for await (const batch of source.records('activity', request.filter)) {
    signal?.throwIfAborted();
    for (const activity of batch) {
      summary.samples += activity.sampleCount;
      if (activity.laps.length > 0) summary.hasLaps = true;
      for (const channel of activity.channels) summary.channels.add(channel);
    }
  }
  return summary;
}

/**
 * The source as the encoders read it in a plan: the same records, tracks that yield nothing. Each track asked for
 * adds the activity's samples the format would write to `asked`, for the size estimate.
 */
function withoutSamples(source: RecordSource, asked: { samples: number }, format: FormatEncoder): RecordSource {
  const required = format.size.requiresChannels ?? [];
  return {
    records: (kind, filter, batchSize) => source.records(kind, filter, batchSize),
    async *track(activity: Activity): AsyncIterable<TrackChunk> {
      if (required.every((c) => activity.channels.includes(c))) asked.samples += activity.sampleCount;
    },
    count: (kind, filter) => source.count(kind, filter),
    ...(source.original ? { original: source.original.bind(source) } : {}),
  };
}

/**
 * The bytes of one planned entry. An entry of one activity's file is not read: its size hint says it. Any other
 * entry (tables, documents, reports) is read through, without samples, so its record counts fill in as in the run.
 */
async function measure(entry: EncodedEntry, asked: { samples: number }, format: FormatEncoder, previewRows: number): Promise<{ bytes: number; lines?: string[] }> {
  if (entry.standaloneSizeBytes !== undefined) return { bytes: entry.standaloneSizeBytes };
  asked.samples = 0;
  let bytes = 0;
  const decoder = previewRows > 0 ? new TextDecoder() : undefined;
  let text = '';
  for await (const chunk of entry.content) {
    bytes += chunk.byteLength;
    if (decoder && text.split('\n').length <= previewRows + 1) text += decoder.decode(chunk, { stream: true });
  }
  const lines = decoder ? text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l !== '').slice(0, previewRows + 1) : undefined;
  return { bytes: Math.round(bytes + asked.samples * format.size.bytesPerSample), lines };
}
