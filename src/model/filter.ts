// Decides whether one record matches a RecordFilter. Every RecordSource applies it, so all sources agree.

import type { TakeawayRecord } from './records.ts';
import type { FieldCondition, RecordFilter } from './request.ts';

/** The time a record is ordered and range-filtered by, epoch ms UTC (steps: the date's UTC midnight). */
export function recordTimeMs(record: TakeawayRecord): number {
  switch (record.kind) {
    case 'activity': return record.startTimeMs;
    case 'sleep': return record.startTimeMs;
    case 'weight': return record.timestampMs;
    case 'record': return record.timestampMs;
    case 'steps': return Date.parse(`${record.date}T00:00:00Z`);
  }
}

export function matchesFilter(record: TakeawayRecord, filter: RecordFilter): boolean {
  if (!filter.kinds.includes(record.kind)) return false;
  const timeMs = recordTimeMs(record);
  if (filter.range?.fromMs !== undefined && timeMs < filter.range.fromMs) return false;
  if (filter.range?.toMs !== undefined && timeMs >= filter.range.toMs) return false;
  if (filter.updatedSinceMs !== undefined && record.updatedAtMs < filter.updatedSinceMs) return false;
  if (record.kind === 'record' && filter.recordTypes?.length && !filter.recordTypes.includes(record.recordType)) return false;
  if (filter.tags?.length) {
    const tags = 'tags' in record ? record.tags : [];
    if (!filter.tags.some((tag) => tags.includes(tag))) return false;
  }
  if (filter.categories?.length) {
    const category = 'category' in record ? record.category : undefined;
    if (category === undefined || !filter.categories.includes(category)) return false;
  }
  if (filter.conditions?.length && !filter.conditions.every((c) => matchesCondition(record, c))) return false;
  if (filter.text && !matchesText(record, filter.text)) return false;
  return true;
}

/** Reads a dotted path (`totals.distanceM`, `fields.amount`) from a record. */
export function readField(record: TakeawayRecord, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  if (value !== null && typeof value === 'object' && 'date' in value) return (value as { date: string }).date;
  return value;
}

function matchesCondition(record: TakeawayRecord, condition: FieldCondition): boolean {
  const actual = readField(record, condition.field);
  if (actual === undefined || actual === null) return false;
  switch (condition.op) {
    case 'eq': return String(actual).toLowerCase() === String(condition.value).toLowerCase();
    case 'contains': return String(actual).toLowerCase().includes(String(condition.value).toLowerCase());
    case 'gt': return compare(actual, condition.value) > 0;
    case 'lt': return compare(actual, condition.value) < 0;
  }
}

function compare(actual: unknown, expected: string | number | boolean): number {
  if (typeof actual === 'number' && typeof expected === 'number') return actual - expected;
  const a = Number(actual);
  const b = Number(expected);
  if (!Number.isNaN(a) && !Number.isNaN(b)) return a - b;
  return String(actual).localeCompare(String(expected));
}

function matchesText(record: TakeawayRecord, text: string): boolean {
  const needle = text.toLowerCase();
  const haystack: string[] = [];
  if (record.kind === 'activity') haystack.push(record.name, record.notes ?? '', record.category ?? '', ...record.tags);
  if (record.kind === 'record') {
    haystack.push(record.title, record.category ?? '', record.recordType, ...record.tags);
    for (const value of Object.values(record.fields)) if (typeof value === 'string') haystack.push(value);
  }
  return haystack.some((s) => s.toLowerCase().includes(needle));
}
