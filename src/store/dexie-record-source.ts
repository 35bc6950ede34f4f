// The RecordSource the engine reads when exporting from the local database.

import type { Activity, RecordKind, RecordOfKind, TrackChunk } from '../model/records.ts';
import type { RecordFilter } from '../model/request.ts';
import type { RecordSource } from '../model/source.ts';
import type { TakeawayDb } from './db.ts';
import { countRecords, queryRecords, readTrack, type PageKey } from './queries.ts';

/** Records per batch when the caller gives none. */
export const DEFAULT_BATCH_SIZE = 500;

/**
 * Reads records page by page (one short transaction per batch, so the engine may await between batches) and
 * tracks chunk by chunk. The time index narrows the range; `matchesFilter` applies the rest of the filter.
 */
export class DexieRecordSource implements RecordSource {
  constructor(private readonly db: TakeawayDb) {}

  /** Batches of at most `batchSize` (default 500) records, in time then id order. */
  async *records<K extends RecordKind>(kind: K, filter: RecordFilter, batchSize = DEFAULT_BATCH_SIZE): AsyncIterable<RecordOfKind<K>[]> {
    let afterKey: PageKey | undefined;
    do {
      const page = await queryRecords(this.db, kind, filter, { afterKey, limit: batchSize });
      if (page.records.length > 0) yield page.records;
      afterKey = page.nextKey;
    } while (afterKey);
  }

  track(activity: Activity): AsyncIterable<TrackChunk> {
    return readTrack(this.db, activity.id);
  }

  /** Counts the records `records` would yield: from index keys alone unless conditions or text need the records. */
  count(kind: RecordKind, filter: RecordFilter): Promise<number> {
    return countRecords(this.db, kind, filter);
  }

  async original(activity: Activity): Promise<{ name: string; bytes: Uint8Array } | undefined> {
    const row = await this.db.originals.get(activity.id);
    return row && { name: row.name, bytes: row.bytes };
  }
}
