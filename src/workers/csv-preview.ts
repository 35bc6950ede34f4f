// The preview's first rows of each CSV: the real CSV encoder run over the first few records of each kind.

import { csvFormat } from '../formats/csv/encode.ts';
import type { Activity, RecordKind, RecordOfKind, TrackChunk } from '../model/records.ts';
import type { ExportRequest, RecordFilter } from '../model/request.ts';
import type { RecordSource } from '../model/source.ts';
import type { CsvPreview } from './api.ts';

/** A source that stops after `limit` records of each kind and gives tracks of at most one chunk. */
function limitedSource(source: RecordSource, limit: number): RecordSource {
  return {
    async *records<K extends RecordKind>(kind: K, filter: RecordFilter): AsyncIterable<RecordOfKind<K>[]> {
      let left = limit;
      for await (const batch of source.records(kind, filter, limit)) {
        yield batch.slice(0, left);
        left -= batch.length;
        if (left <= 0) return;
      }
    },
    async *track(activity: Activity): AsyncIterable<TrackChunk> {
      for await (const chunk of source.track(activity)) {
        yield chunk;
        return;
      }
    },
    count: async (kind, filter) => Math.min(limit, await source.count(kind, filter)),
  };
}

/** Header plus up to `rows` lines of every CSV entry the request's CSV choice would write. */
export async function previewCsv(request: ExportRequest, source: RecordSource, rows: number): Promise<CsvPreview[]> {
  const kinds = request.filter.kinds.filter((kind) => request.formats[kind]?.includes('csv'));
  if (kinds.length === 0) return [];
  const decoder = new TextDecoder();
  const previews: CsvPreview[] = [];
  const entries = csvFormat.entries({
    source: limitedSource(source, rows),
    filter: { ...request.filter, kinds },
    options: request.options,
    createdAtMs: request.createdAtMs,
    skip: () => undefined,
    leaveOut: () => undefined,
  });
  for await (const entry of entries) {
    let text = '';
    for await (const chunk of entry.content) {
      text += decoder.decode(chunk, { stream: true });
      if (text.split('\n').length > rows + 2) break;
    }
    previews.push({ path: entry.path, lines: text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l !== '').slice(0, rows + 1) });
  }
  return previews;
}
