// A RecordSource over records and track chunks held in memory: for tests, the CLI and the demo data.

import { matchesFilter, recordTimeMs } from './filter.ts';
import type { Activity, RecordKind, RecordOfKind, TakeawayRecord, TrackChunk } from './records.ts';
import type { RecordFilter } from './request.ts';
import type { RecordSource } from './source.ts';

/** Batch size when the caller gives none. */
export const DEFAULT_BATCH_SIZE = 500;

/** Where a memory source gets an activity's track: stored chunks, or a function that makes them on demand. */
export type TrackProvider = ReadonlyMap<string, readonly TrackChunk[]> | ((activity: Activity) => AsyncIterable<TrackChunk>);

/** Orders records by time (see `recordTimeMs`), then by id in code-unit order, like every RecordSource. */
export function compareRecords(a: TakeawayRecord, b: TakeawayRecord): number {
  const byTime = recordTimeMs(a) - recordTimeMs(b);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Serves records from arrays. The records are sorted once, per kind, when the source is built; filtering
 * happens on every call with `matchesFilter`, so results agree with every other source.
 */
export class MemoryRecordSource implements RecordSource {
  private readonly byKind = new Map<RecordKind, TakeawayRecord[]>();
  private readonly tracks: TrackProvider;

  /**
   * @param records any mix of kinds, in any order (not copied deeply: don't change them afterwards)
   * @param tracks track chunks by activity id, in `seq` order, or a function yielding an activity's chunks
   */
  constructor(
    records: Iterable<TakeawayRecord>,
    tracks: TrackProvider = new Map(),
    private readonly originals: ReadonlyMap<string, { name: string; bytes: Uint8Array }> = new Map(),
  ) {
    for (const record of records) {
      let list = this.byKind.get(record.kind);
      if (!list) this.byKind.set(record.kind, (list = []));
      list.push(record);
    }
    for (const list of this.byKind.values()) list.sort(compareRecords);
    this.tracks = tracks;
  }

  /** Matching records of `kind` in batches of at most `batchSize` (default 500); no empty batches. */
  async *records<K extends RecordKind>(kind: K, filter: RecordFilter, batchSize = DEFAULT_BATCH_SIZE): AsyncIterable<RecordOfKind<K>[]> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    let batch: RecordOfKind<K>[] = [];
    for (const record of this.byKind.get(kind) ?? []) {
      if (!matchesFilter(record, filter)) continue;
      batch.push(record as RecordOfKind<K>);
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  /** The activity's chunks in order; an activity without a stored track yields nothing. */
  async *track(activity: Activity): AsyncIterable<TrackChunk> {
    if (typeof this.tracks === 'function') {
      yield* this.tracks(activity);
      return;
    }
    yield* this.tracks.get(activity.id) ?? [];
  }

  /** The imported device file of an activity, when one was kept. */
  async original(activity: Activity): Promise<{ name: string; bytes: Uint8Array } | undefined> {
    return this.originals.get(activity.id);
  }

  /** Counts records of `kind` matching the whole filter, as the store does. */
  async count(kind: RecordKind, filter: RecordFilter): Promise<number> {
    let count = 0;
    for (const record of this.byKind.get(kind) ?? []) if (matchesFilter(record, filter)) count++;
    return count;
  }
}
