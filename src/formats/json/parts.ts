// Pure builders of the JSON export: the file's opening, one record line, and a track chunk's columns.

import { CHANNELS } from '../../model/records.ts';
import type { Activity, Channel, RecordKind, TrackChunk } from '../../model/records.ts';
import { float32Text, float64Text } from '../../model/number-text.ts';

/** Value of the `format` key, so an importer can tell a Takeaway export from other JSON. */
export const JSON_FORMAT_NAME = 'takeaway';
/** Version of the shape documented in README.md; bumped on any incompatible change. */
export const JSON_FORMAT_VERSION = 1;
/** Samples per track chunk in the output, whatever chunk size the store used (so bytes do not depend on it). */
export const JSON_TRACK_CHUNK_SIZE = 2048;

/** `{"format":"takeaway","version":1,"kind":"steps","records":[` and a newline. */
export function fileOpening(kind: RecordKind): string {
  return `{"format":"${JSON_FORMAT_NAME}","version":${JSON_FORMAT_VERSION},"kind":"${kind}","records":[\n`;
}

/** Closes the records array and the file object. */
export const FILE_CLOSING = '\n]}\n';

/** One record as the model object itself: a record has no typed arrays, so `JSON.stringify` is exact. */
export function recordText(record: object): string {
  return JSON.stringify(record);
}

/** The channels an activity's track is written with, in model order. */
export function trackChannels(activity: Activity): Channel[] {
  return CHANNELS.filter((channel) => activity.channels.includes(channel));
}

/** The activity object without its closing brace, then the opening of its track, up to the first chunk. */
export function activityOpening(activity: Activity, channels: readonly Channel[]): string {
  const text = JSON.stringify(activity);
  return `${text.slice(0, -1)},"track":{"channels":${JSON.stringify(channels)},"chunks":[`;
}

export const ACTIVITY_CLOSING = ']}}';

/** A part of a source chunk: samples `[from, to)`. */
export interface ChunkSlice {
  chunk: TrackChunk;
  from: number;
  to: number;
}

/**
 * One output chunk: `{"count":N,"timeMs":[…],"lat":[…],…}` built from consecutive source slices.
 * NaN (a missing sample) and a channel absent from a source chunk are written as `null`.
 */
export function trackChunkText(slices: readonly ChunkSlice[], channels: readonly Channel[]): string {
  let count = 0;
  for (const slice of slices) count += slice.to - slice.from;
  let out = `{"count":${count},"timeMs":[${columnText(slices, (chunk) => chunk.timeMs)}]`;
  for (const channel of channels) out += `,"${channel}":[${columnText(slices, (chunk) => chunk[channel])}]`;
  return `${out}}`;
}

function columnText(slices: readonly ChunkSlice[], pick: (chunk: TrackChunk) => Float32Array | Float64Array | undefined): string {
  let out = '';
  let isFirst = true;
  for (const { chunk, from, to } of slices) {
    const values = pick(chunk);
    const format = values instanceof Float32Array ? float32Text : float64Text;
    for (let i = from; i < to; i++) {
      const text = values === undefined ? 'null' : format(values[i]);
      out += isFirst ? text : `,${text}`;
      isFirst = false;
    }
  }
  return out;
}
