// Where each record kind lives: its table, its time index, and how a time range becomes index bounds.

import type { Table } from 'dexie';
import type { RecordKind, RecordOfKind } from '../model/records.ts';
import type { TimeRange } from '../model/request.ts';
import type { TakeawayDb } from './db.ts';

/** A value of a time index: epoch ms for most kinds, `YYYY-MM-DD` for steps. */
export type TimeIndexValue = number | string;

interface KindTable {
  tableName: 'activities' | 'steps' | 'weights' | 'sleeps' | 'records';
  /** The index records are ordered and range-filtered by. */
  timeIndex: 'startTimeMs' | 'date' | 'timestampMs';
  hasTags: boolean;
  hasCategory: boolean;
}

const KIND_TABLES: Record<RecordKind, KindTable> = {
  activity: { tableName: 'activities', timeIndex: 'startTimeMs', hasTags: true, hasCategory: true },
  steps: { tableName: 'steps', timeIndex: 'date', hasTags: false, hasCategory: false },
  weight: { tableName: 'weights', timeIndex: 'timestampMs', hasTags: false, hasCategory: false },
  sleep: { tableName: 'sleeps', timeIndex: 'startTimeMs', hasTags: false, hasCategory: false },
  record: { tableName: 'records', timeIndex: 'timestampMs', hasTags: true, hasCategory: true },
};

/** Table layout of one kind. */
export function kindTable(kind: RecordKind): KindTable {
  return KIND_TABLES[kind];
}

/** The Dexie table holding records of `kind`. */
export function tableOf<K extends RecordKind>(db: TakeawayDb, kind: K): Table<RecordOfKind<K>, string> {
  return db.table(KIND_TABLES[kind].tableName);
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` (UTC) of the first UTC midnight at or after `timeMs`. */
function ceilUtcDate(timeMs: number): string {
  return new Date(Math.ceil(timeMs / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/** Epoch ms of a time index value (steps: the date's UTC midnight, as `recordTimeMs` does). */
export function timeIndexToMs(kind: RecordKind, value: TimeIndexValue): number {
  return kind === 'steps' ? Date.parse(`${String(value)}T00:00:00Z`) : Number(value);
}

/** The time index value of an epoch ms (steps: the UTC date at or after it). */
export function msToTimeIndex(kind: RecordKind, timeMs: number): TimeIndexValue {
  return kind === 'steps' ? ceilUtcDate(timeMs) : timeMs;
}

/**
 * Index bounds `[lower, upper)` for a range: inclusive from, exclusive to. For steps, a day matches when its UTC
 * midnight is in the range, so both ends round up to the next UTC midnight and compare as `YYYY-MM-DD` strings.
 */
export function rangeBounds(kind: RecordKind, range: TimeRange | undefined): [TimeIndexValue, TimeIndexValue] {
  const isSteps = kind === 'steps';
  // IndexedDB orders every number before every string, so these bracket each type's whole domain.
  const lowest: TimeIndexValue = isSteps ? '' : -Infinity;
  const highest: TimeIndexValue = isSteps ? '\uffff' : Infinity;
  const lower = range?.fromMs === undefined ? lowest : msToTimeIndex(kind, range.fromMs);
  const upper = range?.toMs === undefined ? highest : msToTimeIndex(kind, range.toMs);
  return [lower, upper];
}
