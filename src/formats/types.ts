// The single contract every format implements: it reads records from a RecordSource and yields zip entries,
// each entry's bytes as an async iterable of chunks. Formats never open stores, files or the zip themselves.

import type { Channel, RecordKind } from '../model/records.ts';
import type { ExportOptions, FormatId, RecordFilter } from '../model/request.ts';
import type { RecordSource } from '../model/source.ts';

export type { FormatId };

/** One file the format wants in the archive. */
export interface EncodedEntry {
  /** Path inside the zip with forward slashes, e.g. `activities/fit/2025-03-01_0712_morning-run.fit`. The engine makes paths unique. */
  path: string;
  /** Modification time written in the zip entry, epoch ms UTC (from the data or the request, never the clock). */
  modifiedMs: number;
  /** Records of each kind this entry carries, for the manifest counts. */
  recordCounts: Partial<Record<RecordKind, number>>;
  /**
   * The bytes, pulled lazily chunk by chunk. The engine finishes one entry before it asks for the next, unless
   * the entry is standalone (below).
   */
  content: AsyncIterable<Uint8Array>;
  /**
   * Set when the content reads only data of its own (one activity and its track) and the format's next entries
   * do not depend on it being read: about how many bytes it will be. The engine may then read it ahead of its
   * turn and compress it alongside others (small entries only), and once the content has ended, move its chunks
   * to another thread: they must belong to this entry alone. Absent: the content is read in its turn.
   */
  standaloneSizeBytes?: number;
}

/**
 * A record that failed: invalid input, or data a format's encoder rejected. The engine lists it in the manifest's
 * `skipped` list and goes on; a non-empty list makes the export partial (History and Retry act on it).
 */
export interface SkippedRecord {
  /** The record's kind, or `unknown` for input too broken to tell. */
  kind: RecordKind | 'unknown';
  /** The record's id, or where it was in the input (`line 12`, `ride.fit`) when it has none. */
  id: string;
  reason: string;
}

/**
 * A valid record this format cannot carry by design (a pool swim has no GPS positions for GPX). Not a failure:
 * the manifest lists it under `leftOut`, per format, and the other formats still write it.
 */
export interface LeftOutRecord {
  kind: RecordKind;
  id: string;
  reason: string;
}

export interface EncodeContext {
  source: RecordSource;
  /** The export's filter, with `kinds` narrowed to the kinds this format was chosen for. */
  filter: RecordFilter;
  options: ExportOptions;
  /** The export's creation time, epoch ms UTC. */
  createdAtMs: number;
  signal?: AbortSignal;
  /** Report a record whose data is invalid for this format; the format then leaves it out and continues. */
  skip(record: SkippedRecord): void;
  /** Report a valid record this format cannot carry by design; the format then leaves it out and continues. */
  leaveOut(record: LeftOutRecord): void;
}

/** How much output a format makes, for `plan`'s size estimate (bytes, rough but honest). */
export interface SizeModel {
  bytesPerSample: number;
  bytesPerRecord: number;
  bytesPerFile: number;
  /** Deflated size / content size at level 6, measured on demo data; default 0.2. Ignored when not compressible. */
  deflateRatio?: number;
  /** Channels a track needs to be written at all (GPX: positions); tracks without them add no sample bytes. */
  requiresChannels?: readonly Channel[];
}

export interface FormatEncoder {
  id: FormatId;
  /** Record kinds this format can write. */
  kinds: readonly RecordKind[];
  /** False for formats that barely compress (FIT, PNG, nested zips): the engine stores them instead of deflating. */
  isCompressible: boolean;
  size: SizeModel;
  /** Track channels this format cannot carry with the given options (for plan's fidelity warnings). */
  lostChannels(options: ExportOptions): Channel[];
  /** Other things this format drops, in words (e.g. "laps" for CSV). */
  lostFeatures: readonly string[];
  entries(context: EncodeContext): AsyncIterable<EncodedEntry>;
}
