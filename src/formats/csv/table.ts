// Streams one table (one record kind or record type) into one CSV file, or into one file per year when
// it is too big for a spreadsheet. Records arrive in time order, so a year's rows are contiguous.

import type { RecordKind } from '../../model/records.ts';
import type { EncodedEntry } from '../types.ts';
import { Utf8PieceWriter } from '../text-writer.ts';
import { UTF8_BOM } from './parts.ts';

/** Walks batches of records one record at a time, with a look-ahead of one. */
export class RecordCursor<R> {
  private readonly iterator: AsyncIterator<R[]>;
  private batch: R[] = [];
  private index = 0;
  private isDone = false;

  constructor(batches: AsyncIterable<R[]>) {
    this.iterator = batches[Symbol.asyncIterator]();
  }

  /** The next record without consuming it; `undefined` at the end. */
  async peek(): Promise<R | undefined> {
    while (this.index >= this.batch.length) {
      if (this.isDone) return undefined;
      const next = await this.iterator.next();
      if (next.done) {
        this.isDone = true;
        return undefined;
      }
      this.batch = next.value;
      this.index = 0;
    }
    return this.batch[this.index];
  }

  /** Consumes the record `peek` returned. */
  advance(): void {
    this.index++;
  }

  /** Stops the underlying source early (a no-op once it ended). */
  async close(): Promise<void> {
    if (!this.isDone) {
      this.isDone = true;
      await this.iterator.return?.();
    }
  }
}

/** What one CSV table needs: where it goes, its header and how to write and date one record. */
export interface CsvTable<R> {
  kind: RecordKind;
  /** Path without `.csv`, e.g. `health/steps`; split files get `-2025` (and `-2025-2`… past the row limit). */
  basePath: string;
  /** The header line with its newline. */
  header: string;
  line(record: R): string;
  /** Local calendar year of a record, `YYYY`. */
  yearOf(record: R): string;
  records: AsyncIterable<R[]>;
  /** Split per year (decided up front from the source's count). */
  isSplit: boolean;
  /** Rows per file at most when split; a year above it continues in `-YYYY-2.csv`. */
  maxRowsPerFile: number;
  hasBom: boolean;
  modifiedMs: number;
  signal?: AbortSignal;
}

/**
 * The entries of one table; no entry at all when it has no rows. Each entry's `recordCounts` is filled
 * in as its content streams and is final once the content is exhausted.
 */
export async function* tableEntries<R>(table: CsvTable<R>): AsyncGenerator<EncodedEntry> {
  const cursor = new RecordCursor(table.records);
  try {
    if (!table.isSplit) {
      if ((await cursor.peek()) === undefined) return;
      yield tableEntry(table, cursor, `${table.basePath}.csv`, () => true, Number.POSITIVE_INFINITY);
      await skipWhile(cursor, () => true);
      return;
    }
    let previousYear = '';
    let part = 1;
    for (let first = await cursor.peek(); first !== undefined; first = await cursor.peek()) {
      const year = table.yearOf(first);
      part = year === previousYear ? part + 1 : 1;
      previousYear = year;
      const path = `${table.basePath}-${year}${part > 1 ? `-${part}` : ''}.csv`;
      const entry = tableEntry(table, cursor, path, (r) => table.yearOf(r) === year, table.maxRowsPerFile);
      yield entry;
      // Normally the engine read the whole entry; if it did not, skip the rest of that file's rows.
      const written = entry.recordCounts[table.kind] ?? 0;
      let left = table.maxRowsPerFile - written;
      await skipWhile(cursor, (r) => table.yearOf(r) === year && left-- > 0);
    }
  } finally {
    await cursor.close();
  }
}

function tableEntry<R>(
  table: CsvTable<R>,
  cursor: RecordCursor<R>,
  path: string,
  belongs: (record: R) => boolean,
  maxRows: number,
): EncodedEntry {
  const recordCounts: Partial<Record<RecordKind, number>> = { [table.kind]: 0 };
  async function* content(): AsyncGenerator<Uint8Array> {
    const writer = new Utf8PieceWriter();
    const opening = writer.write((table.hasBom ? UTF8_BOM : '') + table.header);
    if (opening) yield opening;
    let rows = 0;
    for (let record = await cursor.peek(); record !== undefined && rows < maxRows && belongs(record); record = await cursor.peek()) {
      table.signal?.throwIfAborted();
      cursor.advance();
      rows++;
      recordCounts[table.kind] = rows;
      const bytes = writer.write(table.line(record));
      if (bytes) yield bytes;
    }
    const rest = writer.take();
    if (rest) yield rest;
  }
  return { path, modifiedMs: table.modifiedMs, recordCounts, content: content() };
}

async function skipWhile<R>(cursor: RecordCursor<R>, predicate: (record: R) => boolean): Promise<void> {
  for (let record = await cursor.peek(); record !== undefined && predicate(record); record = await cursor.peek()) cursor.advance();
}

/** Local calendar year of an instant at an offset, `YYYY`. */
export function localYear(timeMs: number, utcOffsetMin: number): string {
  return String(new Date(timeMs + utcOffsetMin * 60_000).getUTCFullYear());
}
