import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { QuarantineRow } from '../store/rows.ts';
import { quarantineToCsv, quarantineToJsonl } from './quarantine-export.ts';

const ROWS: QuarantineRow[] = [
  { seq: 1, kind: 'weight', source: 'api', recordId: 'bad-weight-text', field: 'weightKg', reason: 'weightKg: expected a number, got "heavy"', rawJson: '{"id":"bad-weight-text","weightKg":"heavy"}', atMs: Date.UTC(2026, 0, 2, 3, 4, 5) },
  { seq: 2, kind: 'unknown', source: 'import:x.csv', field: '', reason: '=HYPERLINK("x"), and "quotes"\nnew line', rawJson: 'not json', atMs: 0 },
];

describe('quarantine export', () => {
  it('writes one JSON object per line with the raw record parsed back', () => {
    const lines = quarantineToJsonl(ROWS).trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ seq: 1, atIso: '2026-01-02T03:04:05.000Z', recordId: 'bad-weight-text', raw: { weightKg: 'heavy' } });
    expect(lines[1]).toMatchObject({ recordId: null, raw: 'not json' });
  });

  it('writes a CSV that papaparse reads back cell for cell, with formulas defused', () => {
    const parsed = Papa.parse<string[]>(quarantineToCsv(ROWS), { skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data[0]).toEqual(['seq', 'atIso', 'kind', 'source', 'recordId', 'field', 'reason', 'rawJson']);
    expect(parsed.data[1][6]).toBe('weightKg: expected a number, got "heavy"');
    expect(parsed.data[1][7]).toBe('{"id":"bad-weight-text","weightKg":"heavy"}');
    expect(parsed.data[2][6]).toBe('\'=HYPERLINK("x"), and "quotes"\nnew line');
  });
});
