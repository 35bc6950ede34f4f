// The JSON format: one lossless file per record kind, streamed record by record and track chunk by chunk.

import type { Activity, RecordKind, TrackChunk } from '../../model/records.ts';
import { Utf8PieceWriter } from '../text-writer.ts';
import type { EncodeContext, EncodedEntry, FormatEncoder } from '../types.ts';
import {
  ACTIVITY_CLOSING, type ChunkSlice, FILE_CLOSING, JSON_TRACK_CHUNK_SIZE, activityOpening, fileOpening, recordText,
  trackChannels, trackChunkText,
} from './parts.ts';

/** File name of each kind inside `json/`. */
export const JSON_FILE_NAMES: Record<RecordKind, string> = {
  activity: 'activities.json',
  steps: 'steps.json',
  weight: 'weight.json',
  sleep: 'sleep.json',
  record: 'records.json',
};

export const jsonFormat: FormatEncoder = {
  id: 'json',
  kinds: ['activity', 'steps', 'weight', 'sleep', 'record'],
  isCompressible: true,
  // ~9 channels of shortest-form numbers ≈ 75 bytes a sample; a summary record ≈ 600 bytes.
  size: { bytesPerSample: 75, bytesPerRecord: 600, bytesPerFile: 80 },
  lostChannels: () => [],
  lostFeatures: [],
  entries: jsonEntries,
};

/** One `json/<kind>.json` entry per selected kind, written even when the kind has no records. */
export async function* jsonEntries(context: EncodeContext): AsyncGenerator<EncodedEntry> {
  for (const kind of jsonFormat.kinds) {
    if (!context.filter.kinds.includes(kind)) continue;
    const recordCounts: Partial<Record<RecordKind, number>> = { [kind]: 0 };
    yield {
      path: `json/${JSON_FILE_NAMES[kind]}`,
      modifiedMs: context.createdAtMs,
      recordCounts,
      content: kindContent(context, kind, recordCounts),
    };
  }
}

async function* kindContent(
  context: EncodeContext,
  kind: RecordKind,
  recordCounts: Partial<Record<RecordKind, number>>,
): AsyncGenerator<Uint8Array> {
  const writer = new Utf8PieceWriter();
  const opening = writer.write(fileOpening(kind));
  if (opening) yield opening;
  let count = 0;
  for await (const batch of context.source.records(kind, context.filter)) {
    for (const record of batch) {
      context.signal?.throwIfAborted();
      if (count > 0) {
        const bytes = writer.write(',\n');
        if (bytes) yield bytes;
      }
      if (record.kind === 'activity') {
        yield* activityPieces(context, record, writer);
      } else {
        const bytes = writer.write(recordText(record));
        if (bytes) yield bytes;
      }
      recordCounts[kind] = ++count;
    }
  }
  // A full piece returned by write() must be yielded, or it is lost.
  const closing = writer.write(FILE_CLOSING);
  if (closing) yield closing;
  const rest = writer.take();
  if (rest) yield rest;
}

/** An activity with its track, re-cut into chunks of `JSON_TRACK_CHUNK_SIZE` samples. */
async function* activityPieces(context: EncodeContext, activity: Activity, writer: Utf8PieceWriter): AsyncGenerator<Uint8Array> {
  const channels = trackChannels(activity);
  let bytes = writer.write(activityOpening(activity, channels));
  if (bytes) yield bytes;
  let isFirstChunk = true;
  for await (const slices of rechunk(context.source.track(activity), JSON_TRACK_CHUNK_SIZE)) {
    context.signal?.throwIfAborted();
    bytes = writer.write((isFirstChunk ? '' : ',') + trackChunkText(slices, channels));
    isFirstChunk = false;
    if (bytes) yield bytes;
  }
  bytes = writer.write(ACTIVITY_CLOSING);
  if (bytes) yield bytes;
}

/** Groups source chunks into runs of exactly `size` samples (the last run may be shorter), without copying. */
export async function* rechunk(chunks: AsyncIterable<TrackChunk>, size: number): AsyncGenerator<ChunkSlice[]> {
  let pending: ChunkSlice[] = [];
  let pendingCount = 0;
  for await (const chunk of chunks) {
    for (let from = 0; from < chunk.count;) {
      const to = Math.min(chunk.count, from + size - pendingCount);
      pending.push({ chunk, from, to });
      pendingCount += to - from;
      from = to;
      if (pendingCount === size) {
        yield pending;
        pending = [];
        pendingCount = 0;
      }
    }
  }
  if (pendingCount > 0) yield pending;
}
