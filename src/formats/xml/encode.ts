// The XML format: one well-formed file per record kind in a small documented vocabulary, streamed.

import type { Activity, RecordKind, TakeawayRecord } from '../../model/records.ts';
import { kindDocumentEntries } from '../kind-documents.ts';
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
  size: { bytesPerSample: 170, bytesPerRecord: 700, bytesPerFile: 100, deflateRatio: 0.16 },
  lostChannels: () => [],
  lostFeatures: [],
  entries: xmlEntries,
};

/** One `xml/<kind>.xml` entry per selected kind, written even when the kind has no records. */
export function xmlEntries(context: EncodeContext): AsyncGenerator<EncodedEntry> {
  return kindDocumentEntries(context, xmlFormat.kinds, {
    path: (kind) => `xml/${XML_FILE_NAMES[kind]}`,
    opening: rootOpening,
    closing: ROOT_CLOSING,
    separator: '',
    recordText: (ctx, record) => (record.kind === 'activity' ? activityText(ctx, record) : [recordText(record)]),
  });
}

function recordText(record: Exclude<TakeawayRecord, Activity>): string {
  switch (record.kind) {
    case 'steps': return stepsElement(record);
    case 'weight': return weightElement(record);
    case 'sleep': return sleepElement(record);
    case 'record': return recordElement(record);
  }
}

async function* activityText(context: EncodeContext, activity: Activity): AsyncGenerator<string> {
  yield activityOpening(activity);
  const points = new TrackPointWriter();
  for await (const chunk of context.source.track(activity)) {
    context.signal?.throwIfAborted();
    for (let from = 0; from < chunk.count; from += POINTS_PER_SLICE) {
      yield points.points(chunk, from, Math.min(chunk.count, from + POINTS_PER_SLICE));
    }
  }
  yield ACTIVITY_CLOSING;
}
