// The read side every encoder and the engine consume: records in batches, tracks in chunks.
// Implemented over Dexie (store), over memory (tests, CLI) and over the lazy demo generator.

import type { Activity, RecordKind, RecordOfKind, TableKind, TrackChunk } from './records.ts';
import type { RecordFilter } from './request.ts';

export interface RecordSource {
  /** Records of one kind matching the filter, ordered by time then id, in batches of at most `batchSize`. */
  records<K extends RecordKind>(kind: K, filter: RecordFilter, batchSize?: number): AsyncIterable<RecordOfKind<K>[]>;
  /** The track of one activity, chunk by chunk in order. */
  track(activity: Activity): AsyncIterable<TrackChunk>;
  /** How many records of a kind match the filter; stores answer from their indexes where the filter allows. */
  count(kind: RecordKind, filter: RecordFilter): Promise<number>;
  /** Original bytes of an imported device file, when the store kept them. */
  original?(activity: Activity): Promise<{ name: string; bytes: Uint8Array } | undefined>;
}

export type { TableKind };
