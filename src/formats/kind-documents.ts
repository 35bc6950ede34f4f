// One text document per record kind (json/activities.json, xml/steps.xml…): the shape JSON and XML share.
// Formats supply the strings; this turns them into ~16 KB UTF-8 pieces, so no piece can be dropped.

import type { RecordKind, TakeawayRecord } from '../model/records.ts';
import { encodeTextPieces } from './text-writer.ts';
import type { EncodeContext, EncodedEntry } from './types.ts';

export interface KindDocument {
  /** Zip path of a kind's file, e.g. `json/activities.json`. */
  path(kind: RecordKind): string;
  opening(kind: RecordKind): string;
  closing: string;
  /** Text between two records ('' for none). */
  separator: string;
  /** The text of one record, in as many strings as suits the format (an activity streams its track). */
  recordText(context: EncodeContext, record: TakeawayRecord): AsyncIterable<string> | Iterable<string>;
}

/** One entry per selected kind, written even when the kind has no records; its record count fills in as it streams. */
export async function* kindDocumentEntries(context: EncodeContext, kinds: readonly RecordKind[], document: KindDocument): AsyncGenerator<EncodedEntry> {
  for (const kind of kinds) {
    if (!context.filter.kinds.includes(kind)) continue;
    const recordCounts: Partial<Record<RecordKind, number>> = { [kind]: 0 };
    yield {
      path: document.path(kind),
      modifiedMs: context.createdAtMs,
      recordCounts,
      content: encodeTextPieces(documentText(context, kind, document, recordCounts)),
    };
  }
}

async function* documentText(
  context: EncodeContext,
  kind: RecordKind,
  document: KindDocument,
  recordCounts: Partial<Record<RecordKind, number>>,
): AsyncGenerator<string> {
  yield document.opening(kind);
  let count = 0;
  for await (const batch of context.source.records(kind, context.filter)) {
    for (const record of batch) {
      context.signal?.throwIfAborted();
      if (count > 0 && document.separator) yield document.separator;
      yield* document.recordText(context, record);
      recordCounts[kind] = ++count;
    }
  }
  yield document.closing;
}
