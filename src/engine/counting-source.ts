// Wraps a RecordSource to count the records and samples the encoders read, for progress: each record and each
// activity's samples once per export, however many formats (or passes of one format) read them.

import type { Activity, RecordKind, TrackChunk } from '../model/records.ts';
import type { RecordFilter } from '../model/request.ts';
import type { RecordSource } from '../model/source.ts';
import type { ExportProgress } from './progress.ts';

export function countingSource(source: RecordSource, progress: ExportProgress, signal?: AbortSignal): RecordSource {
  // Ids already counted, per kind; an activity's samples are counted on the first read of its track only.
  const seen = new Map<RecordKind, Set<string>>();
  const tracksCounted = new Set<string>();
  return {
    async *records<K extends RecordKind>(kind: K, filter: RecordFilter, batchSize?: number) {
      let ids = seen.get(kind);
      if (!ids) seen.set(kind, (ids = new Set()));
      for await (const batch of source.records(kind, filter, batchSize)) {
        signal?.throwIfAborted();
        for (const record of batch) {
          if (ids.has(record.id)) continue;
          ids.add(record.id);
          progress.recordsRead += 1;
        }
        yield batch;
      }
    },
    async *track(activity: Activity): AsyncIterable<TrackChunk> {
      const isFirstRead = !tracksCounted.has(activity.id);
      tracksCounted.add(activity.id);
      for await (const chunk of source.track(activity)) {
        signal?.throwIfAborted();
        if (isFirstRead) progress.samplesRead += chunk.count;
        yield chunk;
      }
    },
    count: (kind, filter) => source.count(kind, filter),
    original: source.original?.bind(source),
  };
}
