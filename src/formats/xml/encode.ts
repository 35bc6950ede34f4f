// The XML format: one well-formed file per record kind in a small documented vocabulary, streamed.

import type { Activity, RecordKind, TakeawayRecord } from '../../model/records.ts';
import { Utf8PieceWriter } from '../text-writer.ts';
import type { EncodeContext, EncodedEntry, FormatEncoder } from '../types.ts';
import {
  ACTIVITY_CLOSING, ROOT_CLOSING, TrackPointWriter, activityOpening, recordElement, rootOpening, sleepElement,
  stepsElement, weightElement,
} from './parts.ts';

/** Track points formatted per string before it goes to the piece writer. */
const POINTS_PER_SLICE = 128;

/** File name of each kind inside `xml/`. */
export const XML_FILE_NAMES: Record<RecordKind, string> = {
  activity: 'activities.xml',
  steps: 'steps.xml',
  weight: 'weight.xml',
  sleep: 'sleep.xml',
  record: 'records.xml',
};

export const xmlFormat: FormatEncoder = {
  id: 'xml',
  kinds: ['activity', 'steps', 'weight', 'sleep', 'record'],
  isCompressible: true,
  // A <pt> with 9 channels ≈ 170 bytes; a summary element ≈ 700 bytes.
  size: { bytesPerSample: 170, bytesPerRecord: 700, bytesPerFile: 100 },
  lostChannels: () => [],
  lostFeatures: [],
  entries: xmlEntries,
};

/** One `xml/<kind>.xml` entry per selected kind, written even when the kind has no records. */
export async function* xmlEntries(context: EncodeContext): AsyncGenerator<EncodedEntry> {
  for (const kind of xmlFormat.kinds) {
    if (!context.filter.kinds.includes(kind)) continue;
    const recordCounts: Partial<Record<RecordKind, number>> = { [kind]: 0 };
    yield {
      path: `xml/${XML_FILE_NAMES[kind]}`,
      modifiedMs: context.createdAtMs,
      recordCounts,
      content: kindContent(context, kind, recordCounts),
    };
  }
}

async function* kindContent(
  context: EncodeContext,
  kind: RecordKind,
  recordCounts: Partial<Record<RecordKind, number>>,
): AsyncGenerator<Uint8Array> {
  const writer = new Utf8PieceWriter();
  const opening = writer.write(rootOpening(kind));
  if (opening) yield opening;
  let count = 0;
  for await (const batch of context.source.records(kind, context.filter)) {
    for (const record of batch) {
      context.signal?.throwIfAborted();
      if (record.kind === 'activity') {
        yield* activityPieces(context, record, writer);
      } else {
        const bytes = writer.write(recordText(record));
        if (bytes) yield bytes;
      }
      recordCounts[kind] = ++count;
    }
  }
  // A full piece returned by write() must be yielded, or it is lost.
  const closing = writer.write(ROOT_CLOSING);
  if (closing) yield closing;
  const rest = writer.take();
  if (rest) yield rest;
}

function recordText(record: Exclude<TakeawayRecord, Activity>): string {
  switch (record.kind) {
    case 'steps': return stepsElement(record);
    case 'weight': return weightElement(record);
    case 'sleep': return sleepElement(record);
    case 'record': return recordElement(record);
  }
}

async function* activityPieces(context: EncodeContext, activity: Activity, writer: Utf8PieceWriter): AsyncGenerator<Uint8Array> {
  let bytes = writer.write(activityOpening(activity));
  if (bytes) yield bytes;
  const points = new TrackPointWriter();
  for await (const chunk of context.source.track(activity)) {
    context.signal?.throwIfAborted();
    for (let from = 0; from < chunk.count; from += POINTS_PER_SLICE) {
      bytes = writer.write(points.points(chunk, from, Math.min(chunk.count, from + POINTS_PER_SLICE)));
      if (bytes) yield bytes;
    }
  }
  bytes = writer.write(ACTIVITY_CLOSING);
  if (bytes) yield bytes;
}
