// Generic tagged records: time entries and money transactions, with awkward text on purpose
// (formula-like leading characters, quotes, commas, non-Latin scripts) to exercise the writers.

import type { FieldValue, GenericRecord } from '../model/records.ts';
import type { DemoDay } from './calendar.ts';
import { deriveSeed, SeededRandom } from './random.ts';
import { localToUtcMs, utcOffsetMinAt } from './time-zones.ts';

const PROJECTS = ['Takeaway', 'Acme GmbH', 'Bäckerei Müller', '東京ラボ', 'Nordlicht "Relaunch"'];
const TASKS = ['Code review', 'Planning, estimates', 'Support ticket #4711', 'Weekly sync', 'Design <draft>'];
const MERCHANTS = [
  'REWE', 'Migros', 'ローソン', 'Bäckerei "Zum Korn", Berlin', 'Decathlon',
  '=HYPERLINK("https://example.com","refund")', '+Kiosk 24/7', '@home Baumarkt', '-Minus Markt', 'SBB CFF FFS',
];
const SPENDING = ['groceries', 'transport', 'sport', 'eating-out'];

/** `count` records alternating mostly time entries (60 %) and transactions, at working hours across the period. */
export function generateGenericRecords(seed: number, calendar: readonly DemoDay[], count: number): GenericRecord[] {
  const random = new SeededRandom(deriveSeed(seed, 0x6e1));
  const records: GenericRecord[] = [];
  for (let index = 0; index < count; index++) {
    const day = calendar[Math.min(calendar.length - 1, Math.floor(((index + random.next()) * calendar.length) / Math.max(1, count)))];
    const timestampMs = localToUtcMs(day.base.timeZone, day.year, day.month, day.day, random.int(8 * 60, 19 * 60)) + random.int(0, 59) * 1000;
    const common = {
      kind: 'record' as const,
      id: `demo-record-${String(index + 1).padStart(5, '0')}`,
      source: 'demo',
      updatedAtMs: timestampMs + 3_600_000,
      timestampMs,
      utcOffsetMin: utcOffsetMinAt(day.base.timeZone, timestampMs),
    };
    if (random.chance(0.6)) {
      const project = random.pick(PROJECTS);
      const isBillable = project !== 'Takeaway' && random.chance(0.8);
      const invoicedMs = timestampMs + random.int(5, 40) * 86_400_000;
      const fields: Record<string, FieldValue> = {
        project,
        billable: isBillable,
        hours: random.int(1, 32) / 4,
        invoiced: isBillable && random.chance(0.6) ? { date: new Date(invoicedMs).toISOString().slice(0, 10) } : null,
      };
      const tags = [isBillable ? 'client' : 'internal'];
      if (random.chance(0.25)) tags.push('meeting');
      records.push({ ...common, recordType: 'time_entry', title: `${project}: ${random.pick(TASKS)}`, category: isBillable ? 'work' : 'admin', tags, fields });
    } else {
      const merchant = random.pick(MERCHANTS);
      const currency = day.base.currency;
      const isRefund = random.chance(0.08);
      const magnitude = currency === 'JPY' ? random.int(180, 12_000) : Math.round(random.range(1.2, 180) * 100) / 100;
      const tags = [random.chance(0.8) ? 'card' : 'cash'];
      if (day.base.id !== 'berlin') tags.push('travel');
      if (random.chance(0.1)) tags.push('recurring');
      records.push({
        ...common, recordType: 'transaction', title: `${isRefund ? 'Refund from' : 'Payment to'} ${merchant}`,
        category: random.pick(SPENDING), tags,
        fields: { amount: isRefund ? magnitude : -magnitude, currency, merchant },
      });
    }
  }
  return records;
}
