// plan(): what an export will hold and cost, before reading a single sample — counts, sizes, time, and
// which channels each chosen format would lose (so the wizard can warn before data is lost).

import { CHANNELS, RECORD_KINDS, type Channel, type RecordKind } from '../model/records.ts';
import type { ExportRequest, FormatId } from '../model/request.ts';
import type { RecordSource } from '../model/source.ts';
import { formatJobs, type FormatRegistry } from './format-order.ts';

/** Deflated size / content size for a compressible format that does not say (formats measure their own). */
const DEFAULT_DEFLATE_RATIO = 0.2;
/** Uncompressed bytes the engine writes per second on a phone-class core, for the time estimate (see BENCHMARKS.md). */
const ESTIMATED_BYTES_PER_SECOND = 25_000_000;

export interface PlannedFormat {
  format: FormatId;
  kinds: RecordKind[];
  files: number;
  /** Estimated bytes of the files themselves, and of them inside the zip. */
  estimatedContentBytes: number;
  estimatedBytes: number;
  /** Channels present in the selected activities that this format cannot carry. */
  lostChannels: Channel[];
  lostFeatures: string[];
}

export interface ExportPlan {
  counts: Partial<Record<RecordKind, number>>;
  samples: number;
  channels: Channel[];
  formats: PlannedFormat[];
  /** Estimated size of the zip (compressed) and of its content (uncompressed), bytes. */
  estimatedBytes: number;
  estimatedUncompressedBytes: number;
  estimatedSeconds: number;
}

export async function planExport(request: ExportRequest, source: RecordSource, registry: FormatRegistry): Promise<ExportPlan> {
  const jobs = formatJobs(request, registry);
  const counts: ExportPlan['counts'] = {};
  for (const kind of RECORD_KINDS) {
    if (request.filter.kinds.includes(kind)) counts[kind] = await source.count(kind, request.filter);
  }
  let samples = 0;
  let hasLaps = false;
  const channels = new Set<Channel>();
  /** Samples per set of channels (e.g. 'lat,lon,heartRateBpm'), so a format needing positions counts only tracks that have them. */
  const samplesByChannels = new Map<string, number>();
  if (request.filter.kinds.includes('activity')) {
    for await (const batch of source.records('activity', request.filter)) {
      for (const activity of batch) {
        samples += activity.sampleCount;
        if (activity.laps.length > 0) hasLaps = true;
        for (const channel of activity.channels) channels.add(channel);
        const key = activity.channels.join(',');
        samplesByChannels.set(key, (samplesByChannels.get(key) ?? 0) + activity.sampleCount);
      }
    }
  }
  const samplesWith = (required: readonly Channel[] = []) => [...samplesByChannels]
    .filter(([key]) => required.every((c) => key.split(',').includes(c)))
    .reduce((sum, [, n]) => sum + n, 0);
  const formats = jobs.map(({ format, kinds }): PlannedFormat => {
    const lost = format.lostChannels(request.options);
    const carriesSamples = kinds.includes('activity') && CHANNELS.some((c) => !lost.includes(c));
    const records = kinds.reduce((sum, kind) => sum + (counts[kind] ?? 0), 0);
    const files = format.kinds.length === 1 ? (counts.activity ?? 0) : kinds.length;
    const raw = files * format.size.bytesPerFile + records * format.size.bytesPerRecord
      + (carriesSamples ? samplesWith(format.size.requiresChannels) * format.size.bytesPerSample : 0);
    const isDeflated = format.isCompressible && request.options.compressionLevel > 0;
    return {
      format: format.id,
      kinds,
      files,
      estimatedContentBytes: Math.round(raw),
      estimatedBytes: Math.round(isDeflated ? raw * (format.size.deflateRatio ?? DEFAULT_DEFLATE_RATIO) : raw),
      lostChannels: kinds.includes('activity') ? lost.filter((c) => channels.has(c)) : [],
      lostFeatures: kinds.includes('activity') ? format.lostFeatures.filter((f) => f !== 'laps' || hasLaps) : [],
    };
  });
  const estimatedBytes = formats.reduce((sum, f) => sum + f.estimatedBytes, 0);
  const estimatedUncompressedBytes = formats.reduce((sum, f) => sum + f.estimatedContentBytes, 0);
  return {
    counts,
    samples,
    channels: CHANNELS.filter((c) => channels.has(c)),
    formats,
    estimatedBytes,
    estimatedUncompressedBytes: Math.round(estimatedUncompressedBytes),
    estimatedSeconds: Math.max(1, Math.round(estimatedUncompressedBytes / ESTIMATED_BYTES_PER_SECOND)),
  };
}
