// The JSON-lines interchange form of the record model (docs/interchange.md): a header line, then one record
// per line, each activity followed by its track chunks. Streams both ways; nothing holds a whole file.

import { CHANNELS, RECORD_KINDS, type Activity, type Channel, type TakeawayRecord, type TrackChunk } from './records.ts';
import type { RecordFilter } from './request.ts';
import type { RecordSource } from './source.ts';
import { float32Text, float64Text } from './number-text.ts';
import { validateRecord, validateTrackChunk } from './validate.ts';

/** Version written in, and the only one accepted from, the header line. */
export const JSONL_VERSION = 1;

/** The first line of every file: `{"takeaway":"jsonl","version":1}`. */
export const JSONL_HEADER_LINE = `{"takeaway":"jsonl","version":${JSONL_VERSION}}`;

/** MIME type for the form, as registered for JSON Lines in practice (not an IANA registration). */
export const JSONL_MIME_TYPE = 'application/jsonl';

/** One parsed line: a record, a track chunk, or a problem with that line (1-based line number). */
export type JsonlItem =
  | { type: 'record'; record: TakeawayRecord }
  | { type: 'track'; chunk: TrackChunk }
  | { type: 'error'; line: number; message: string; kind?: string; id?: string };

const FLOAT32_CHANNELS: ReadonlySet<Channel> = new Set(['altitudeM', 'heartRateBpm', 'cadenceRpm', 'powerW', 'speedMps', 'temperatureC']);

/** One record as a line of JSON, without the line break. Keys keep the record's order; NaN and ±Infinity become null. */
export function serializeRecordLine(record: TakeawayRecord): string {
  return JSON.stringify(record);
}

/**
 * One track chunk as a line, without the line break: `kind: "track"`, the chunk's position, then `timeMs`
 * and each present channel (in `CHANNELS` order) as number arrays, NaN written as null. Float32 channels
 * are written with the fewest digits that read back as the same float32 (`142.1`, not `142.10000610351562`).
 */
export function serializeTrackLine(chunk: TrackChunk): string {
  let line = `{"kind":"track","activityId":${JSON.stringify(chunk.activityId)},"seq":${chunk.seq},"startIndex":${chunk.startIndex},"count":${chunk.count}`;
  line += `,"timeMs":${numbersText(chunk.timeMs, false)}`;
  for (const channel of CHANNELS) {
    const values = chunk[channel];
    if (values) line += `,"${channel}":${numbersText(values, FLOAT32_CHANNELS.has(channel))}`;
  }
  return `${line}}`;
}

function numbersText(values: ArrayLike<number>, isFloat32: boolean): string {
  const text = isFloat32 ? float32Text : float64Text;
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) parts[i] = text(values[i]);
  return `[${parts.join(',')}]`;
}

/**
 * The whole form for the records a source selects: the header, then each kind of `filter.kinds` in
 * `RECORD_KINDS` order, every activity line followed by its track lines. Each string ends with `\n`.
 */
export async function* writeJsonl(source: RecordSource, filter: RecordFilter, signal?: AbortSignal): AsyncGenerator<string> {
  yield `${JSONL_HEADER_LINE}\n`;
  for (const kind of RECORD_KINDS) {
    if (!filter.kinds.includes(kind)) continue;
    for await (const batch of source.records(kind, filter)) {
      for (const record of batch) {
        signal?.throwIfAborted();
        yield `${serializeRecordLine(record)}\n`;
        if (record.kind !== 'activity') continue;
        for await (const chunk of source.track(record)) {
          signal?.throwIfAborted();
          yield `${serializeTrackLine(chunk)}\n`;
        }
      }
    }
  }
}

/** Where the parser is inside the current activity's track. */
interface TrackCursor {
  activity: Activity;
  nextSeq: number;
  nextIndex: number;
}

/**
 * Reads the form line by line. Records and chunks go through `validateRecord` / `validateTrackChunk`
 * (chunk arrays become the typed arrays of `TrackChunk`, null becomes NaN). A bad line yields an error
 * item and parsing goes on; a header with another version yields one error and stops. Blank lines are skipped.
 * Also reported: a track line that does not follow its activity, chunks out of order, and a track that stops
 * before the activity's `sampleCount` (reported at the line after it, or one past the last line).
 */
export async function* parseJsonl(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<JsonlItem> {
  let lineNumber = 0;
  let hasHeader = false;
  let recordPosition = 0;
  let cursor: TrackCursor | undefined;

  const endTrack = (line: number): JsonlItem | undefined => {
    const open = cursor;
    cursor = undefined;
    if (!open || open.nextSeq === 0 || open.nextIndex === open.activity.sampleCount) return undefined;
    return { type: 'error', line, message: `activity ${open.activity.id}: track ends after ${open.nextIndex} of ${open.activity.sampleCount} samples` };
  };

  for await (const text of lines) {
    lineNumber++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield { type: 'error', line: lineNumber, message: `not JSON (${(error as Error).message})` };
      continue;
    }
    if (!hasHeader) {
      hasHeader = true;
      if (isObject(value) && value.takeaway === 'jsonl') {
        if (value.version !== JSONL_VERSION) {
          yield { type: 'error', line: lineNumber, message: `header version ${JSON.stringify(value.version)} is not supported (expected ${JSONL_VERSION})` };
          return;
        }
        continue;
      }
      yield { type: 'error', line: lineNumber, message: `missing header line ${JSONL_HEADER_LINE}` };
    }
    if (!isObject(value)) {
      yield { type: 'error', line: lineNumber, message: `expected a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}` };
      continue;
    }
    if (value.kind === 'track') {
      const item = parseTrackLine(value, cursor, lineNumber);
      if (item.type === 'track' && cursor) {
        cursor.nextSeq++;
        cursor.nextIndex += item.chunk.count;
      }
      yield item;
      continue;
    }
    const ended = endTrack(lineNumber);
    if (ended) yield ended;
    const result = validateRecord(value, recordPosition++);
    if (!result.ok) {
      yield { type: 'error', line: lineNumber, message: result.error.message, kind: result.error.kind, id: result.error.id };
      continue;
    }
    if (result.value.kind === 'activity') cursor = { activity: result.value, nextSeq: 0, nextIndex: 0 };
    yield { type: 'record', record: result.value };
  }
  const ended = endTrack(lineNumber + 1);
  if (ended) yield ended;
}

function parseTrackLine(value: Record<string, unknown>, cursor: TrackCursor | undefined, line: number): JsonlItem {
  if (!cursor || cursor.activity.id !== value.activityId) {
    return { type: 'error', line, message: `track chunk for activity ${JSON.stringify(value.activityId)} does not follow that activity's line` };
  }
  if (value.seq !== cursor.nextSeq || value.startIndex !== cursor.nextIndex) {
    return {
      type: 'error', line,
      message: `activity ${cursor.activity.id}: expected track chunk seq ${cursor.nextSeq} at sample ${cursor.nextIndex}, got seq ${JSON.stringify(value.seq)} at ${JSON.stringify(value.startIndex)}`,
    };
  }
  const { kind: _kind, ...fields } = value;
  const result = validateTrackChunk(fields, cursor.activity);
  return result.ok ? { type: 'track', chunk: result.value } : { type: 'error', line, message: result.error.message };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Splits a byte or text stream into lines without holding more than the current line: UTF-8 decoded
 * across chunk boundaries, `\n` or `\r\n` endings, a leading byte order mark dropped, and a last line
 * without a line break still yielded.
 */
export async function* splitLines(chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let pending: string[] = [];
  let isFirst = true;
  function* take(text: string): Generator<string> {
    if (isFirst && text !== '') {
      isFirst = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      pending.push(text.slice(start, end));
      const line = pending.length === 1 ? pending[0] : pending.join('');
      pending = [];
      yield line.endsWith('\r') ? line.slice(0, -1) : line;
      start = end + 1;
    }
    if (start < text.length) pending.push(text.slice(start));
  }
  for await (const chunk of chunks) {
    yield* take(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
  }
  yield* take(decoder.decode());
  if (pending.length > 0) {
    const line = pending.join('');
    yield line.endsWith('\r') ? line.slice(0, -1) : line;
  }
}
