import { describe, expect, it } from 'vitest';
import { SLEEP_COLUMNS, STEPS_COLUMNS, WEIGHT_COLUMNS, sleepLine, stepsLine, weightLine } from '../formats/csv/parts.ts';
import type { Sleep, Weight } from '../model/records.ts';
import { validateRecord } from '../model/validate.ts';
import { detectOwnExport, importCsv, readCsvHeaders, suggestMapping } from './csv.ts';

const NOW_MS = Date.UTC(2026, 0, 1);
const base = { updatedAtMs: NOW_MS, source: 'import:csv' };

function table(columns: readonly string[], lines: string[]): string {
  return [columns.join(','), ...lines].map((line) => line.replace(/\r?\n$/, '')).join('\r\n') + '\r\n';
}

describe('importCsv', () => {
  it('reads back our own weight export, local offset included', () => {
    const weight: Weight = { ...base, kind: 'weight', id: `weight-${Date.UTC(2025, 2, 1, 6, 12)}`, timestampMs: Date.UTC(2025, 2, 1, 6, 12), utcOffsetMin: 60, weightKg: 72.4, bodyFatPct: 18.5 };
    const { records, rowErrors } = importCsv(table(WEIGHT_COLUMNS, [weightLine(weight)]), { nowMs: NOW_MS });
    expect(rowErrors).toEqual([]);
    expect(records).toEqual([weight]);
  });

  it('reads back our own sleep and steps exports', () => {
    const sleep: Sleep = {
      ...base, kind: 'sleep', id: `sleep-${Date.UTC(2025, 2, 1, 22)}`, startTimeMs: Date.UTC(2025, 2, 1, 22), endTimeMs: Date.UTC(2025, 2, 2, 5, 30),
      utcOffsetMin: -300, durationAsleepS: 25_200, deepS: 5400, lightS: 14_400, remS: 5400, awakeS: 1800, score: 81,
    };
    expect(importCsv(table(SLEEP_COLUMNS, [sleepLine(sleep)]), { nowMs: NOW_MS }).records).toEqual([sleep]);
    const steps = { ...base, kind: 'steps' as const, id: 'steps-2025-01-03', date: '2025-01-03', stepCount: 1004 };
    const { records } = importCsv(table(STEPS_COLUMNS, [stepsLine(steps, true)]), { nowMs: NOW_MS });
    expect(records).toEqual([steps]);
    for (const record of records) expect(validateRecord(record).ok).toBe(true);
  });

  it('refuses foreign columns without a mapping, naming them', () => {
    expect(() => importCsv('Day,Walked\n2025-01-01,5\n', { nowMs: NOW_MS })).toThrow('unrecognised CSV columns (Day, Walked)');
  });

  it('imports a foreign table through the suggested mapping', () => {
    const text = '\uFEFFDate,Weight (kg),Body Fat %\n2025-01-01 07:30,80.1,21\n2025-01-02 07:31,,\n';
    const mapping = suggestMapping(readCsvHeaders(text));
    expect(mapping).toEqual({ kind: 'weight', columns: { Date: 'timestamp', 'Weight (kg)': 'weightKg', 'Body Fat %': 'bodyFatPct' } });
    const { records, rowErrors } = importCsv(text, { nowMs: NOW_MS, mapping });
    expect(records).toEqual([{ ...base, kind: 'weight', id: `weight-${Date.UTC(2025, 0, 1, 7, 30)}`, timestampMs: Date.UTC(2025, 0, 1, 7, 30), utcOffsetMin: 0, weightKg: 80.1, bodyFatPct: 21 }]);
    expect(rowErrors).toEqual(['line 3: required weightKg is empty']);
  });

  it('recognises each of our export headers and nothing else', () => {
    expect(detectOwnExport([...STEPS_COLUMNS])?.kind).toBe('steps');
    expect(detectOwnExport([...WEIGHT_COLUMNS])?.kind).toBe('weight');
    expect(detectOwnExport([...SLEEP_COLUMNS])?.kind).toBe('sleep');
    expect(detectOwnExport(['date', 'step_count', 'extra'])).toBeUndefined();
    expect(suggestMapping(['Start', 'End', 'Score'])).toEqual({ kind: 'sleep', columns: { Start: 'startTime', End: 'endTime', Score: 'score' } });
    expect(suggestMapping(['foo', 'bar'])).toBeUndefined();
  });
});
