// The FIT encoder: one activity file per activity, streamed in ~64 KB chunks. The data size in the header is
// computed up front from the fixed message layouts, so nothing is buffered beyond the current chunk.

import { ExportError } from '../../model/errors.ts';
import type { Activity, TrackChunk } from '../../model/records.ts';
import { activityBaseName } from '../paths.ts';
import { activityFileSizeBytes } from '../entry-size.ts';
import type { EncodeContext, EncodedEntry, FormatEncoder } from '../types.ts';
import {
  activityEndMs, activityMessages, deviceInfoMessages, encodeTimerEvent, eventDefinition, fileIdMessages,
  lapMessages, LOCAL_RECORD, sessionMessages, timerEvents,
} from './messages.ts';
import { FIT_CRC_SIZE, FIT_EARLIEST_MS, FIT_MAX_DATA_SIZE, FIT_HEADER_SIZE, FIT_LATEST_MS, encodeFileHeader, isFitDateTime, updateFitCrc } from './parts.ts';
import { FitRecordWriter } from './record-writer.ts';

/** Bytes gathered before a chunk is handed out. */
export const FIT_CHUNK_BYTES = 64 * 1024;

/**
 * Why an activity cannot be written as FIT, or `undefined` when it can. FIT stores times as uint32 seconds since
 * 1989-12-31, and values below 0x10000000 mean "seconds since power-up", so only 1998-07-03T21:24:16Z to
 * 2126-02-06 are absolute dates.
 */
export function fitUnsupportedReason(activity: Activity): string | undefined {
  if (!Number.isFinite(activity.startTimeMs)) return `start time ${activity.startTimeMs} is not a valid instant`;
  if (!isFitDateTime(activity.startTimeMs)) {
    return `starts at ${new Date(activity.startTimeMs).toISOString()}, before ${new Date(FIT_EARLIEST_MS).toISOString()}, the earliest time a FIT date_time can hold (uint32 seconds since 1989-12-31; values below 0x10000000 mean time since device power-up)`;
  }
  if (!isFitDateTime(activityEndMs(activity))) {
    return `ends after ${new Date(FIT_LATEST_MS).toISOString()}, the latest time a FIT date_time can hold`;
  }
  return undefined;
}

/** Chunk buffers are carved from slabs of up to this many chunks: one allocation instead of sixteen. */
const CHUNKS_PER_SLAB = 16;

/** Collects output into fixed-size chunks, keeping the running CRC and byte count. */
class ChunkedOutput {
  crc = 0;
  /** Bytes handed out so far. */
  written = 0;
  private bytes!: Uint8Array;
  view!: DataView;
  pos = 0;
  private slab = new ArrayBuffer(0);
  private slabOffset = 0;
  private allocated = 0;

  /** @param expectedBytes the file size, so a small file gets one right-sized slab. */
  constructor(private readonly chunkBytes: number, private readonly expectedBytes: number) {
    this.nextBuffer();
  }

  private nextBuffer(): void {
    if (this.slabOffset + this.chunkBytes > this.slab.byteLength) {
      const remainingChunks = Math.ceil(Math.max(0, this.expectedBytes - this.allocated) / this.chunkBytes);
      this.slab = new ArrayBuffer(Math.max(1, Math.min(CHUNKS_PER_SLAB, remainingChunks)) * this.chunkBytes);
      this.slabOffset = 0;
    }
    this.bytes = new Uint8Array(this.slab, this.slabOffset, this.chunkBytes);
    this.view = new DataView(this.slab, this.slabOffset, this.chunkBytes);
    this.slabOffset += this.chunkBytes;
    this.allocated += this.chunkBytes;
    this.pos = 0;
  }

  hasRoom(size: number): boolean {
    return this.pos + size <= this.bytes.length;
  }

  /** How many items of `size` bytes still fit the current chunk. */
  roomFor(size: number): number {
    return Math.floor((this.bytes.length - this.pos) / size);
  }

  put(bytes: Uint8Array): void {
    this.bytes.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Hands out the gathered bytes and starts a fresh buffer (the consumer may keep the old one). */
  take(): Uint8Array {
    const chunk = this.bytes.subarray(0, this.pos);
    this.crc = updateFitCrc(this.crc, chunk);
    this.written += chunk.length;
    this.nextBuffer();
    return chunk;
  }

  /** Hands out the rest followed by the file CRC over everything before it. */
  finish(): Uint8Array {
    const body = this.bytes.subarray(0, this.pos);
    const crc = updateFitCrc(this.crc, body);
    const chunk = new Uint8Array(body.length + FIT_CRC_SIZE);
    chunk.set(body);
    chunk[body.length] = crc & 0xff;
    chunk[body.length + 1] = crc >>> 8;
    this.written += chunk.length;
    this.pos = 0;
    return chunk;
  }
}

function sumLengths(parts: readonly Uint8Array[]): number {
  let total = 0;
  for (const part of parts) total += part.length;
  return total;
}

/**
 * Encodes one activity as a FIT activity file: file_id, device_info, timer events (start, stop_all/start around
 * every pause, stop_all), one record per sample, laps, session and activity. Yields chunks of about 64 KB; the
 * bytes do not depend on how the track is chunked.
 * @throws ExportError `INVALID_RECORD` when the activity's times do not fit FIT or its track does not hold
 *   `sampleCount` samples; `INTERNAL` when the output size differs from the size announced in the header.
 */
export async function* encodeFitActivity(
  activity: Activity,
  track: AsyncIterable<TrackChunk>,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const reason = fitUnsupportedReason(activity);
  if (reason) throw new ExportError('INVALID_RECORD', `Activity ${activity.id} cannot be written as FIT: ${reason}`);

  const records = new FitRecordWriter(activity.channels, LOCAL_RECORD);
  const events = timerEvents(activity);
  const eventMessages = events.map(encodeTimerEvent);
  const head = [...fileIdMessages(activity), ...deviceInfoMessages(activity), eventDefinition(), eventMessages[0], records.definition];
  const tail = [...lapMessages(activity), ...sessionMessages(activity), ...activityMessages(activity)];
  const dataSize = sumLengths(head) + sumLengths(eventMessages.slice(1)) + activity.sampleCount * records.size + sumLengths(tail);

  if (dataSize > FIT_MAX_DATA_SIZE) {
    throw new ExportError('INVALID_RECORD', `Activity ${activity.id} needs ${dataSize} bytes of FIT data, more than the header's uint32 size field allows`);
  }

  const out = new ChunkedOutput(FIT_CHUNK_BYTES, FIT_HEADER_SIZE + dataSize + FIT_CRC_SIZE);
  out.put(encodeFileHeader(dataSize));
  for (const part of head) out.put(part);

  // The first event (timer start) is already in `head`; the last (stop_all at the end) follows the records.
  let nextEvent = 1;
  const lastEvent = events.length - 1;
  let nextEventMs = nextEvent < lastEvent ? events[nextEvent].writeBeforeMs : Number.POSITIVE_INFINITY;
  let sampleCount = 0;
  const recordSize = records.size;

  for await (const chunk of track) {
    signal?.throwIfAborted();
    if (sampleCount + chunk.count > activity.sampleCount) {
      throw new ExportError('INVALID_RECORD', `Activity ${activity.id} has more samples than its sampleCount ${activity.sampleCount}`);
    }
    records.bind(chunk);
    const timeMs = chunk.timeMs;
    const count = chunk.count;
    let i = 0;
    while (i < count) {
      if (timeMs[i] >= nextEventMs) {
        if (!out.hasRoom(eventMessages[nextEvent].length)) yield out.take();
        out.put(eventMessages[nextEvent]);
        nextEvent++;
        nextEventMs = nextEvent < lastEvent ? events[nextEvent].writeBeforeMs : Number.POSITIVE_INFINITY;
        continue;
      }
      const fitting = out.roomFor(recordSize);
      if (fitting === 0) {
        yield out.take();
        continue;
      }
      // The run of samples that fits the buffer and comes before the next timer event.
      let end = Math.min(count, i + fitting);
      if (nextEventMs !== Number.POSITIVE_INFINITY) {
        for (let j = i + 1; j < end; j++) {
          if (timeMs[j] >= nextEventMs) {
            end = j;
            break;
          }
        }
      }
      records.writeRange(out.view, out.pos, i, end);
      out.pos += (end - i) * recordSize;
      i = end;
    }
    sampleCount += chunk.count;
  }
  signal?.throwIfAborted();
  if (sampleCount !== activity.sampleCount) {
    throw new ExportError('INVALID_RECORD', `Activity ${activity.id} has ${sampleCount} samples but sampleCount ${activity.sampleCount}`);
  }

  for (const part of [...eventMessages.slice(nextEvent), ...tail]) {
    if (!out.hasRoom(part.length)) yield out.take();
    out.put(part);
  }
  const expected = FIT_HEADER_SIZE + dataSize;
  if (out.written + out.pos !== expected) {
    throw new ExportError('INTERNAL', `FIT writer produced ${out.written + out.pos} bytes for activity ${activity.id}, but its header announces ${expected}`);
  }
  yield out.finish();
}

/** One record message of a GPS activity with altitude, speed, distance, HR and cadence (34 with power too). */
const TYPICAL_BYTES_PER_SAMPLE = 32;
/** Header, file_id, device_info, timer events, 2–3 laps, session, activity, CRC: 600–640 bytes on demo activities. */
const TYPICAL_BYTES_PER_FILE = 620;

/** The FIT format: one `.fit` activity file per activity. */
export const fitFormat: FormatEncoder = {
  id: 'fit',
  kinds: ['activity'],
  isCompressible: false,
  size: { bytesPerSample: TYPICAL_BYTES_PER_SAMPLE, bytesPerRecord: 0, bytesPerFile: TYPICAL_BYTES_PER_FILE },
  lostChannels: () => [],
  lostFeatures: ['activity name, notes, tags and category (FIT has no fields for them)', 'times below one second'],
  entries: fitEntries,
};

async function* fitEntries(context: EncodeContext): AsyncGenerator<EncodedEntry> {
  for await (const batch of context.source.records('activity', context.filter)) {
    for (const activity of batch) {
      context.signal?.throwIfAborted();
      const reason = fitUnsupportedReason(activity);
      if (reason) {
        // A start time that is no instant at all is bad data; one outside FIT's date range is FIT's limit.
        const note = { kind: 'activity' as const, id: activity.id, reason: `FIT: ${reason}` };
        if (Number.isFinite(activity.startTimeMs)) context.leaveOut(note);
        else context.skip(note);
        continue;
      }
      yield {
        path: `activities/fit/${activityBaseName(activity)}.fit`,
        modifiedMs: activity.startTimeMs,
        recordCounts: { activity: 1 },
        content: encodeFitActivity(activity, context.source.track(activity), context.signal),
        standaloneSizeBytes: activityFileSizeBytes(fitFormat.size, activity),
      };
    }
  }
}
