// What the importer yields, gathered for assertions: every item in order, and the items sorted by kind.

import type { DailySteps, GenericRecord, Sleep, Weight } from '../../src/model/records.ts';
import type { ImportItem } from '../../src/import/index.ts';

/** Every value of an async iterable, in order (Node 20 has no Array.fromAsync). */
export async function collectItems<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Imported items by kind; `errors` are the messages of the files or members that failed. */
export function splitItems(items: ImportItem[]) {
  const records = items.flatMap((i) => (i.type === 'record' ? [i.record] : []));
  return {
    activities: items.flatMap((i) => (i.type === 'activity' ? [i] : [])),
    steps: records.filter((r): r is DailySteps => r.kind === 'steps'),
    weights: records.filter((r): r is Weight => r.kind === 'weight'),
    sleeps: records.filter((r): r is Sleep => r.kind === 'sleep'),
    heartRate: records.filter((r): r is GenericRecord => r.kind === 'record' && r.recordType === 'heart_rate_daily'),
    errors: items.flatMap((i) => (i.type === 'error' ? [i.message] : [])),
  };
}
