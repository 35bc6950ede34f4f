// Quarantined records as files a person can keep or send: JSON lines (one row per line, raw record parsed
// back when it is JSON) and CSV (RFC 4180 quoting, cells starting with = + - @ defused for spreadsheets).

import type { QuarantineRow } from '../store/rows.ts';

const CSV_COLUMNS = ['seq', 'atIso', 'kind', 'source', 'recordId', 'field', 'reason', 'rawJson'] as const;

/** One JSON object per line: `{ seq, atIso, kind, source, recordId, field, reason, raw }`. */
export function quarantineToJsonl(rows: readonly QuarantineRow[]): string {
  return rows.map((row) => JSON.stringify({
    seq: row.seq, atIso: new Date(row.atMs).toISOString(), kind: row.kind, source: row.source,
    recordId: row.recordId ?? null, field: row.field, reason: row.reason, raw: parseOrText(row.rawJson),
  })).map((line) => `${line}\n`).join('');
}

/** A CSV with a header row and one row per quarantined record. */
export function quarantineToCsv(rows: readonly QuarantineRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of rows) {
    const cells: Record<(typeof CSV_COLUMNS)[number], string> = {
      seq: String(row.seq), atIso: new Date(row.atMs).toISOString(), kind: row.kind, source: row.source,
      recordId: row.recordId ?? '', field: row.field, reason: row.reason, rawJson: row.rawJson,
    };
    lines.push(CSV_COLUMNS.map((c) => csvCell(cells[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function parseOrText(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}
