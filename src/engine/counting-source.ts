// Wraps a RecordSource to count the records and samples the encoders read, for progress.

import type { Activity, RecordKind, TrackChunk } from '../model/records.ts';
import type { RecordFilter } from '../model/request.ts';
import type { RecordSource } from '../model/source.ts';
import type { ExportProgress } from './progress.ts';

export function countingSource(source: RecordSource, progress: ExportProgress, signal?: AbortSignal): RecordSource {
  return {
    async *records<K extends RecordKind>(kind: K, filter: RecordFilter, batchSize?: number) {
      for await (const batch of source.records(kind, filter, batchSize)) {
        signal?.throwIfAborted();
        progress.recordsRead += batch.length;
        yield batch;
      }
    },
    async *track(activity: Activity): AsyncIterable<TrackChunk> {
      for await (const chunk of source.track(activity)) {
        signal?.throwIfAborted();
        progress.samplesRead += chunk.count;
        yield chunk;
      }
    },
    count: (kind, filter) => source.count(kind, filter),
    original: source.original?.bind(source),
  };
}
