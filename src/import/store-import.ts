// Imported items into the store: activities with their tracks and original files, duplicates skipped (the same
// workout from any format), and one value per day for steps and weight chosen by source priority (never a sum).

import { isAbortError } from '../model/errors.ts';
import type { DailySteps, TakeawayRecord, Weight } from '../model/records.ts';
import type { TakeawayDb } from '../store/db.ts';
import { putActivity, putRecords } from '../store/queries.ts';
import { DuplicateIndex } from './dedupe.ts';
import type { ImportItem } from './types.ts';

/** Classes of record source, for priorities: device files, the records API, CSV tables, anything else. */
export type SourceClass = 'device' | 'api' | 'csv' | 'other';

/** Default priority, highest first: a device file beats the API, which beats a CSV table. */
export const DEFAULT_SOURCE_PRIORITY: readonly string[] = ['device', 'api', 'csv', 'other'];

/** The class of a record's `source` (`import:garmin.fit` → device, `api` → api, `import:csv` → csv). */
export function sourceClassOf(source: string | undefined): SourceClass {
  if (source === undefined) return 'other';
  if (source === 'api') return 'api';
  if (/csv$/i.test(source)) return 'csv';
  if (/^import:(fit|gpx|tcx|strava)$/i.test(source) || /\.(fit|gpx|tcx)(\.gz)?$/i.test(source)) return 'device';
  return 'other';
}

/**
 * Rank of a source under `priority` (0 is best): the first entry equal to the source itself or to its class.
 * Sources matching no entry rank after all of them.
 */
export function sourceRank(source: string | undefined, priority: readonly string[]): number {
  const sourceClass = sourceClassOf(source);
  const index = priority.findIndex((entry) => entry === source || entry === sourceClass);
  return index === -1 ? priority.length : index;
}

export interface StoreImportOptions {
  /** Source priority, highest first: sources (`import:fit`) or classes (`device`). Default `DEFAULT_SOURCE_PRIORITY`. */
  priority?: readonly string[];
  signal?: AbortSignal;
}

export interface StoreImportResult {
  /** Activities written (with their tracks). */
  activities: number;
  /** Table records written (steps, weight, sleep, generic), counting one later replaced by a better source. */
  records: number;
  /** Activities skipped because the same workout (`isSameWorkout`) is already stored or came earlier. */
  skippedDuplicates: number;
  /** Steps or weight values left out or replaced because a higher-priority source has that day. */
  supersededRecords: number;
  /** Per-file problems: the importer's error items and write failures. */
  errors: { file: string; message: string }[];
  /** What imported files held but the import left out (a bad point dropped…), per file, of the activities written. */
  warnings: { file: string; message: string }[];
}

/** Table records written per transaction. */
const RECORD_BATCH = 500;

/**
 * Writes imported items into the store. Activities go through `putActivity`, their original file into
 * `originals`; an activity that is the same workout as a stored or earlier one (`isSameWorkout`: sport, start within
 * seconds, overlapping time, whichever format each came from) is skipped
 * and counted. Steps (per `date`) and weight (per local day) from a different source than what the store has for
 * that day are decided by `priority`: the better source's value stays, the other is left out (or replaced),
 * never added up. Items of the same source replace by id. Error items are collected, and writing goes on.
 */
export async function importIntoStore(
  db: TakeawayDb, items: AsyncIterable<ImportItem> | Iterable<ImportItem>, options: StoreImportOptions = {},
): Promise<StoreImportResult> {
  const priority = options.priority ?? DEFAULT_SOURCE_PRIORITY;
  const result: StoreImportResult = { activities: 0, records: 0, skippedDuplicates: 0, supersededRecords: 0, errors: [], warnings: [] };
  const seen = new DuplicateIndex();
  await db.activities.each((activity) => { seen.add(activity); });
  let pending: { file: string; record: TakeawayRecord }[] = [];

  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    try {
      await putRecords(db, batch.map((p) => p.record));
      result.records += batch.length;
    } catch (error) {
      for (const file of new Set(batch.map((p) => p.file))) result.errors.push({ file, message: `${file}: writing records failed: ${messageOf(error)}` });
    }
  };

  for await (const item of items) {
    options.signal?.throwIfAborted();
    try {
      if (item.type === 'error') {
        result.errors.push({ file: item.file, message: item.message });
      } else if (item.type === 'activity') {
        if (seen.has(item.activity)) {
          result.skippedDuplicates += 1;
          continue;
        }
        seen.add(item.activity);
        await putActivity(db, item.activity, item.chunks);
        if (item.original) await db.originals.put({ activityId: item.activity.id, name: item.original.name, bytes: item.original.bytes });
        result.activities += 1;
        for (const message of item.warnings ?? []) result.warnings.push({ file: item.file, message });
      } else if (item.record.kind === 'steps' || item.record.kind === 'weight') {
        // Day conflicts are decided against the store, so what is pending must be there first.
        await flush();
        const decision = item.record.kind === 'steps' ? await resolveSteps(db, item.record, priority) : await resolveWeight(db, item.record, priority);
        result.supersededRecords += decision.superseded;
        if (decision.isKept) pending.push({ file: item.file, record: item.record });
      } else {
        pending.push({ file: item.file, record: item.record });
        if (pending.length >= RECORD_BATCH) await flush();
      }
    } catch (error) {
      if (isAbortError(error)) throw error;
      result.errors.push({ file: item.file, message: `${item.file}: ${messageOf(error)}` });
    }
  }
  await flush();
  return result;
}

interface Decision {
  isKept: boolean;
  /** Records left out or removed by this decision. */
  superseded: number;
}

/**
 * One step count per day: a same-day count from another source stays when it ranks better or equal (incoming is
 * left out), and is removed when the incoming one ranks better. A same-source count of that day is replaced.
 */
async function resolveSteps(db: TakeawayDb, incoming: DailySteps, priority: readonly string[]): Promise<Decision> {
  const sameDay = (await db.steps.where('date').equals(incoming.date).toArray()).filter((s) => s.id !== incoming.id);
  return decide(sameDay, incoming, priority, (ids) => db.steps.bulkDelete(ids), true);
}

/** Weight: several weigh-ins a day from one source are kept; across sources the better-ranked source has the day. */
async function resolveWeight(db: TakeawayDb, incoming: Weight, priority: readonly string[]): Promise<Decision> {
  const day = localDay(incoming);
  // A local day lies within 14 h either side of the UTC day, whatever the offset.
  const around = await db.weights.where('timestampMs').between(incoming.timestampMs - 2 * DAY_MS, incoming.timestampMs + 2 * DAY_MS, true, true).toArray();
  const sameDay = around.filter((w) => w.id !== incoming.id && localDay(w) === day);
  return decide(sameDay, incoming, priority, (ids) => db.weights.bulkDelete(ids), false);
}

async function decide<T extends TakeawayRecord>(
  sameDay: T[], incoming: T, priority: readonly string[], remove: (ids: string[]) => Promise<void>, isOnePerSource: boolean,
): Promise<Decision> {
  const incomingRank = sourceRank(incoming.source, priority);
  const others = sameDay.filter((r) => r.source !== incoming.source);
  const bestOtherRank = Math.min(...others.map((r) => sourceRank(r.source, priority)));
  if (others.length > 0 && bestOtherRank <= incomingRank) return { isKept: false, superseded: 1 };
  const replaced = isOnePerSource ? sameDay : others;
  if (replaced.length > 0) await remove(replaced.map((r) => r.id));
  return { isKept: true, superseded: others.length };
}

const DAY_MS = 86_400_000;

function localDay(weight: Weight): string {
  return new Date(weight.timestampMs + weight.utcOffsetMin * 60_000).toISOString().slice(0, 10);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
