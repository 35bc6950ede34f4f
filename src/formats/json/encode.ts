// The JSON format: one lossless file per record kind, streamed record by record and track chunk by chunk.

import type { Activity, RecordKind, TrackChunk } from '../../model/records.ts';
import { kindDocumentEntries } from '../kind-documents.ts';
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
  size: { bytesPerSample: 75, bytesPerRecord: 600, bytesPerFile: 80, deflateRatio: 0.31 },
  lostChannels: () => [],
  lostFeatures: [],
  entries: jsonEntries,
};

/** One `json/<kind>.json` entry per selected kind, written even when the kind has no records. */
export function jsonEntries(context: EncodeContext): AsyncGenerator<EncodedEntry> {
  return kindDocumentEntries(context, jsonFormat.kinds, {
    path: (kind) => `json/${JSON_FILE_NAMES[kind]}`,
    opening: fileOpening,
    closing: FILE_CLOSING,
    separator: ',\n',
    recordText: (ctx, record) => (record.kind === 'activity' ? activityText(ctx, record) : [recordText(record)]),
  });
}

/** An activity with its track, re-cut into chunks of `JSON_TRACK_CHUNK_SIZE` samples. */
async function* activityText(context: EncodeContext, activity: Activity): AsyncGenerator<string> {
  const channels = trackChannels(activity);
  yield activityOpening(activity, channels);
  let isFirstChunk = true;
  for await (const slices of rechunk(context.source.track(activity), JSON_TRACK_CHUNK_SIZE)) {
    context.signal?.throwIfAborted();
    yield (isFirstChunk ? '' : ',') + trackChunkText(slices, channels);
    isFirstChunk = false;
  }
  yield ACTIVITY_CLOSING;
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
