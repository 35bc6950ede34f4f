// Typed reads and writes over TakeawayDb: small functions, one transaction each, no UI state.

import { cmp } from 'dexie';
import { ExportError } from '../model/errors.ts';
import { matchesFilter, recordTimeMs } from '../model/filter.ts';
import {
  RECORD_KINDS, type Activity, type RecordKind, type RecordOfKind, type TakeawayRecord, type TrackChunk,
} from '../model/records.ts';
import type { RecordFilter } from '../model/request.ts';
import type { TakeawayDb } from './db.ts';
import { kindTable, msToTimeIndex, rangeBounds, tableOf, timeIndexToMs, type TimeIndexValue } from './record-tables.ts';

/** Position in a kind's time order: `[timeMs, id]` of the last record of a page (steps: the date's UTC midnight). */
export type PageKey = [timeMs: number, id: string];

export interface PageOptions {
  /** Start after this record; omit for the first page. */
  afterKey?: PageKey;
  /** Records per page, at least 1. */
  limit: number;
}

export interface RecordPage<K extends RecordKind> {
  /** Matching records ordered by time, then id. */
  records: RecordOfKind<K>[];
  /** Pass as `afterKey` for the next page; absent on the last page. */
  nextKey?: PageKey;
}

/** Record count and time span of one kind, for the Data screen. Times are absent when the kind is empty. */
export interface KindCount {
  count: number;
  firstTimeMs?: number;
  lastTimeMs?: number;
}

/** Track chunks fetched per read in `readTrack` (8 × 2048 samples). */
const TRACK_READ_BATCH = 8;

/**
 * Stores an activity and its whole track in one transaction, replacing any chunks it had before.
 * Throws `ExportError('INVALID_RECORD')` when a chunk belongs to another activity.
 */
export async function putActivity(db: TakeawayDb, activity: Activity, chunks: readonly TrackChunk[]): Promise<void> {
  const stray = chunks.find((chunk) => chunk.activityId !== activity.id);
  if (stray) {
    throw new ExportError('INVALID_RECORD', `track chunk ${stray.seq} of activity ${stray.activityId} given with activity ${activity.id}`);
  }
  await db.transaction('rw', db.activities, db.trackChunks, async () => {
    await db.trackChunks.where('activityId').equals(activity.id).delete();
    await db.activities.put(activity);
    await db.trackChunks.bulkPut(chunks as TrackChunk[]);
  });
}

/**
 * Stores records of any kinds in one transaction, each in its kind's table (insert or replace by id).
 * Activities stored this way keep whatever track chunks they already have; use `putActivity` to write a track.
 */
export async function putRecords(db: TakeawayDb, records: readonly TakeawayRecord[]): Promise<void> {
  const byKind = new Map<RecordKind, TakeawayRecord[]>();
  for (const record of records) {
    const group = byKind.get(record.kind);
    if (group) group.push(record);
    else byKind.set(record.kind, [record]);
  }
  if (byKind.size === 0) return;
  const tables = [...byKind.keys()].map((kind) => tableOf(db, kind));
  await db.transaction('rw', tables, async () => {
    for (const [kind, group] of byKind) await tableOf(db, kind).bulkPut(group as RecordOfKind<typeof kind>[]);
  });
}

/** Deletes one record; an activity takes its track chunks and original file with it. Missing ids are no-ops. */
export async function deleteRecord(db: TakeawayDb, kind: RecordKind, id: string): Promise<void> {
  if (kind !== 'activity') {
    await tableOf(db, kind).delete(id);
    return;
  }
  await db.transaction('rw', db.activities, db.trackChunks, db.originals, async () => {
    await db.trackChunks.where('activityId').equals(id).delete();
    await db.originals.delete(id);
    await db.activities.delete(id);
  });
}

/**
 * One page of records of `kind` matching `filter`, in time order with ties broken by id, so paging with
 * `nextKey` visits every record exactly once. The time index narrows the range (from inclusive, to exclusive);
 * `matchesFilter` decides the rest (tags, categories, record types, conditions, text).
 * A kind not listed in `filter.kinds` yields nothing, as in `matchesFilter`.
 */
export async function queryRecords<K extends RecordKind>(
  db: TakeawayDb, kind: K, filter: RecordFilter, { afterKey, limit }: PageOptions,
): Promise<RecordPage<K>> {
  if (!filter.kinds.includes(kind)) return { records: [] };
  if (!(limit >= 1)) throw new ExportError('INVALID_REQUEST', `page limit ${limit} is below 1`);
  const { timeIndex } = kindTable(kind);
  let [lower, upper] = rangeBounds(kind, filter.range);
  let afterValue: TimeIndexValue | undefined;
  if (afterKey) {
    afterValue = msToTimeIndex(kind, afterKey[0]);
    if (cmp(afterValue, lower) > 0) lower = afterValue;
  }
  const afterId = afterKey?.[1] ?? '';
  const rows = await tableOf(db, kind)
    .where(timeIndex).between(lower, upper, true, false)
    .filter((record) => {
      // IndexedDB orders equal index values by primary key, the same code-unit order as `<=` on strings.
      if (afterValue !== undefined && (record as unknown as Record<string, unknown>)[timeIndex] === afterValue && record.id <= afterId) return false;
      return matchesFilter(record, filter);
    })
    .limit(limit + 1)
    .toArray();
  if (rows.length <= limit) return { records: rows };
  rows.length = limit;
  const last = rows[limit - 1];
  return { records: rows, nextKey: [recordTimeMs(last), last.id] };
}

/**
 * How many records of `kind` match `filter`. Without conditions or text it reads index keys only: a plain
 * index count for a range alone, else the intersection of primary keys from the time, tag, category and
 * record-type indexes. With conditions, text or `updatedSinceMs` it iterates the range and applies `matchesFilter`.
 */
export async function countRecords(db: TakeawayDb, kind: RecordKind, filter: RecordFilter): Promise<number> {
  if (!filter.kinds.includes(kind)) return 0;
  const layout = kindTable(kind);
  const table = tableOf(db, kind);
  const [lower, upper] = rangeBounds(kind, filter.range);
  const inRange = () => table.where(layout.timeIndex).between(lower, upper, true, false);
  if (filter.conditions?.length || filter.text || filter.updatedSinceMs !== undefined) {
    return inRange().filter((record) => matchesFilter(record, filter)).count();
  }
  const tags = filter.tags?.length ? filter.tags : undefined;
  const categories = filter.categories?.length ? filter.categories : undefined;
  const recordTypes = kind === 'record' && filter.recordTypes?.length ? filter.recordTypes : undefined;
  if ((tags && !layout.hasTags) || (categories && !layout.hasCategory)) return 0;
  const hasRange = filter.range?.fromMs !== undefined || filter.range?.toMs !== undefined;
  if (!tags && !categories && !recordTypes) return hasRange ? inRange().count() : table.count();
  return db.transaction('r', table, async () => {
    const keySets: string[][] = [];
    // A record with two matching tags appears twice in the multi-entry index; the Set below folds that.
    if (tags) keySets.push(await table.where('tags').anyOf(tags).primaryKeys());
    if (categories) keySets.push(await table.where('category').anyOf(categories).primaryKeys());
    if (recordTypes) keySets.push(await table.where('recordType').anyOf(recordTypes).primaryKeys());
    if (hasRange) keySets.push(await inRange().primaryKeys());
    keySets.sort((a, b) => a.length - b.length);
    let matched = new Set(keySets[0]);
    for (const keys of keySets.slice(1)) {
      const next = new Set(keys);
      matched = new Set([...matched].filter((key) => next.has(key)));
    }
    return matched.size;
  });
}

/**
 * The track of one activity, chunk by chunk in `seq` order. Reads a few chunks per short transaction, so
 * a consumer may take its time between chunks. Yields nothing for an activity without a track.
 */
export async function* readTrack(db: TakeawayDb, activityId: string): AsyncGenerator<TrackChunk> {
  const keys = await db.trackChunks
    .where('[activityId+seq]').between([activityId, -Infinity], [activityId, Infinity])
    .primaryKeys();
  for (let i = 0; i < keys.length; i += TRACK_READ_BATCH) {
    const chunks = await db.trackChunks.bulkGet(keys.slice(i, i + TRACK_READ_BATCH));
    for (const chunk of chunks) if (chunk) yield chunk;
  }
}

/** Count and first/last record time of every kind, from index keys only. */
export async function storeCounts(db: TakeawayDb): Promise<Record<RecordKind, KindCount>> {
  const tables = RECORD_KINDS.map((kind) => tableOf(db, kind));
  return db.transaction('r', tables, async () => {
    const entries = await Promise.all(RECORD_KINDS.map(async (kind): Promise<[RecordKind, KindCount]> => {
      const table = tableOf(db, kind);
      const { timeIndex } = kindTable(kind);
      const [count, first, last] = await Promise.all([
        table.count(),
        table.orderBy(timeIndex).limit(1).keys(),
        table.orderBy(timeIndex).reverse().limit(1).keys(),
      ]);
      if (count === 0 || first.length === 0 || last.length === 0) return [kind, { count }];
      return [kind, {
        count,
        firstTimeMs: timeIndexToMs(kind, first[0] as TimeIndexValue),
        lastTimeMs: timeIndexToMs(kind, last[0] as TimeIndexValue),
      }];
    }));
    return Object.fromEntries(entries) as Record<RecordKind, KindCount>;
  });
}

/** Distinct tags in use by a kind (activities and generic records), sorted, from the multi-entry index. */
export async function listTags(db: TakeawayDb, kind: 'activity' | 'record'): Promise<string[]> {
  return (await tableOf(db, kind).orderBy('tags').uniqueKeys()) as string[];
}

/** Distinct categories in use by a kind (activities and generic records), sorted. */
export async function listCategories(db: TakeawayDb, kind: 'activity' | 'record'): Promise<string[]> {
  return (await tableOf(db, kind).orderBy('category').uniqueKeys()) as string[];
}

/** Empties every table (records, tracks, originals, quarantine, sync state, jobs, schedules, templates, audit log). */
export async function clearAll(db: TakeawayDb): Promise<void> {
  await db.transaction('rw', db.tables, async () => {
    await Promise.all(db.tables.map((table) => table.clear()));
  });
}
