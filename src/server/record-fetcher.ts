// The person's records, pulled from the records API (docs/api.md) into a snapshot on disk at the job's start,
// then read from there as the RecordSource the engine reads: the export needs the caller's token only until the
// snapshot is complete, and a retry or a restart reuses it (docs/server.md "The job's credential").

import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, rm, stat } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import path from 'node:path';
import { ExportError } from '../model/errors.ts';
import { serializeRecordLine, serializeTrackLine, splitLines } from '../model/jsonl.ts';
import { MemoryRecordSource } from '../model/memory-source.ts';
import { RECORD_KINDS, type Activity, type RecordKind, type TakeawayRecord, type TrackChunk } from '../model/records.ts';
import type { RecordFilter } from '../model/request.ts';
import type { RecordSource } from '../model/source.ts';
import { validateRecord, validateTrackChunk } from '../model/validate.ts';
import type { SkippedRecord } from '../formats/types.ts';
import { readJsonIfExists, writeJsonAtomic } from './atomic-file.ts';

/**
 * What the server needs of a records API client: the two paged calls of docs/api.md. `createRecordsClient`
 * of src/sync implements it; the server wraps each call in `outageTolerantFetcher`.
 */
export interface RecordFetcher {
  listRecords(kind: RecordKind, options?: { cursor?: string; signal?: AbortSignal }): Promise<{
    items: unknown[];
    tombstones: { id: string; deletedAtMs: number }[];
    nextCursor: string | null;
  }>;
  listSamples(activityId: string, options?: { cursor?: string; signal?: AbortSignal }): Promise<{ chunks: unknown[]; nextCursor: string | null }>;
}

/** A taken snapshot, opened: the source the engine reads and the records rejected by validation. */
export interface RecordsSnapshot {
  source: RecordSource;
  /** Items that failed `validateRecord`, with the reason (they go into the manifest's `skipped`). */
  skipped: SkippedRecord[];
  /** Bytes of the snapshot's tracks on disk (they count against the export size limit with the archive). */
  trackBytes: number;
}

/** `index.json` of a snapshot directory, written last: its presence means the snapshot is complete. */
interface SnapshotIndex {
  /** Track file (under `tracks/`) of each activity the request selects. */
  tracks: Record<string, string>;
  skipped: SkippedRecord[];
}

/** Written last into a snapshot directory: its presence means the snapshot is complete. */
export const SNAPSHOT_INDEX_FILE = 'index.json';
const RECORDS_FILE = 'records.jsonl';
/** Activity tracks fetched at once while taking a snapshot. */
const TRACK_FETCHES_AT_ONCE = 4;

/**
 * Takes the job's snapshot into `dir` (replacing any unfinished one): every record of `filter.kinds` (all pages,
 * no `updated_since`, tombstones applied) and the track of every activity `filter` selects, validated. It is the
 * only part of a job that needs the caller's token; `openSnapshot` reads it without the API.
 * `onTrackWrite` is told the bytes of every track line before it is written; it may throw to stop the snapshot.
 * `beforeTracks` gets the records (without tracks) once they are listed, before any track is fetched: the plan
 * and its size checks need no samples, so an export that cannot be written stops before the bulk of the work.
 */
export async function takeSnapshot(fetcher: RecordFetcher, filter: RecordFilter, dir: string, options: {
  signal?: AbortSignal;
  onTrackWrite?: (bytes: number) => void;
  beforeTracks?: (records: RecordSource) => Promise<void>;
} = {}): Promise<void> {
  const { signal } = options;
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, 'tracks'), { recursive: true, mode: 0o700 });
  const { records, skipped } = await listEveryRecord(fetcher, filter.kinds, signal);
  await writeLines(path.join(dir, RECORDS_FILE), (function* () {
    for (const record of records) yield serializeRecordLine(record);
  })());
  const recordsOnly = new MemoryRecordSource(records);
  await options.beforeTracks?.(recordsOnly);
  const activities: Activity[] = [];
  for await (const batch of recordsOnly.records('activity', filter)) activities.push(...batch);
  const tracks: Record<string, string> = {};
  let next = 0;
  const fetchTracks = async (): Promise<void> => {
    while (next < activities.length) {
      const index = next++;
      const activity = activities[index];
      const file = `${index}.jsonl`;
      await writeLines(path.join(dir, 'tracks', file), fetchTrackLines(fetcher, activity, signal), options.onTrackWrite);
      tracks[activity.id] = file;
    }
  };
  await Promise.all(Array.from({ length: TRACK_FETCHES_AT_ONCE }, fetchTracks));
  await writeJsonAtomic(path.join(dir, SNAPSHOT_INDEX_FILE), { tracks, skipped } satisfies SnapshotIndex);
}

/** The complete snapshot in `dir`, or undefined when there is none (never taken, or cut off before its index). */
/** Whether `dir` holds a complete snapshot (its index is written last), without reading it. */
export async function hasCompleteSnapshot(dir: string): Promise<boolean> {
  return (await readJsonIfExists<SnapshotIndex>(path.join(dir, SNAPSHOT_INDEX_FILE))) !== undefined;
}

export async function openSnapshot(dir: string): Promise<RecordsSnapshot | undefined> {
  const index = await readJsonIfExists<SnapshotIndex>(path.join(dir, SNAPSHOT_INDEX_FILE));
  if (!index) return undefined;
  let trackBytes = 0;
  for (const file of Object.values(index.tracks)) trackBytes += (await stat(path.join(dir, 'tracks', file))).size;
  const records: TakeawayRecord[] = [];
  let position = 0;
  for await (const line of splitLines(createReadStream(path.join(dir, RECORDS_FILE)) as AsyncIterable<Uint8Array>)) {
    if (line === '') continue;
    const result = validateRecord(JSON.parse(line), position++);
    if (!result.ok) throw new ExportError('INTERNAL', `the records snapshot is damaged: ${result.error.message}`);
    records.push(result.value);
  }
  async function* track(activity: Activity): AsyncIterable<TrackChunk> {
    const file = index!.tracks[activity.id];
    if (file === undefined) throw new ExportError('INTERNAL', `activity ${activity.id}: its track is not in the records snapshot`);
    for await (const line of splitLines(createReadStream(path.join(dir, 'tracks', file)) as AsyncIterable<Uint8Array>)) {
      if (line !== '') yield toTrackChunk(JSON.parse(line), activity);
    }
  }
  return { source: new MemoryRecordSource(records, track), skipped: index.skipped, trackBytes };
}

/** Every record of `kinds` from the API, tombstones applied, and the items that failed validation. */
async function listEveryRecord(fetcher: RecordFetcher, kinds: readonly RecordKind[], signal?: AbortSignal): Promise<{ records: TakeawayRecord[]; skipped: SkippedRecord[] }> {
  const records = new Map<string, TakeawayRecord>();
  const rejected = new Map<string, SkippedRecord>();
  let position = 0;
  for (const kind of RECORD_KINDS) {
    if (!kinds.includes(kind)) continue;
    let cursor: string | undefined;
    do {
      signal?.throwIfAborted();
      const page = await fetcher.listRecords(kind, { cursor, signal });
      for (const item of page.items) {
        const result = validateRecord(item, position++);
        // Keys include the kind: ids are unique per kind, not across kinds.
        const key = `${kind}\u0000${idOf(item) ?? `#${position}`}`;
        if (result.ok && result.value.kind === kind) {
          records.set(key, result.value);
          rejected.delete(key);
        } else {
          records.delete(key);
          const reason = result.ok ? `listed under ${kind} but has kind ${result.value.kind}` : result.error.message;
          rejected.set(key, { kind, id: idOf(item) ?? `page item ${position}`, reason: `records API: ${reason}` });
        }
      }
      for (const tombstone of page.tombstones) {
        records.delete(`${kind}\u0000${tombstone.id}`);
        rejected.delete(`${kind}\u0000${tombstone.id}`);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }
  return { records: [...records.values()], skipped: [...rejected.values()] };
}

/** An activity's track from the API as track lines, each chunk validated first. */
async function* fetchTrackLines(fetcher: RecordFetcher, activity: Activity, signal?: AbortSignal): AsyncIterable<string> {
  let cursor: string | undefined;
  do {
    signal?.throwIfAborted();
    const page = await fetcher.listSamples(activity.id, { cursor, signal });
    for (const raw of page.chunks) yield serializeTrackLine(toTrackChunk(raw, activity));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/** Writes `lines` to `file`, one per line, minding backpressure; a write error (a full disk) is thrown, not lost. */
async function writeLines(file: string, lines: Iterable<string> | AsyncIterable<string>, onWrite?: (bytes: number) => void): Promise<void> {
  const out = createWriteStream(file, { mode: 0o600 });
  // A write error arrives as an event; kept here, it fails the job instead of the thread.
  let writeError: Error | undefined;
  out.on('error', (error) => { writeError ??= error; });
  try {
    for await (const text of lines) {
      const line = `${text}\n`;
      onWrite?.(Buffer.byteLength(line));
      if (writeError) throw writeError;
      if (!out.write(line)) await Promise.race([once(out, 'drain'), finished(out)]);
    }
  } finally {
    out.end();
    await finished(out).catch(() => undefined);
  }
  if (writeError) throw writeError;
}

/** A chunk in the track-line shape (docs/interchange.md) as a TrackChunk; a bad chunk fails the export. */
function toTrackChunk(raw: unknown, activity: Activity): TrackChunk {
  if (typeof raw !== 'object' || raw === null) throw new ExportError('INVALID_INPUT', `activity ${activity.id}: a samples chunk is not an object`);
  const { kind: _kind, ...fields } = raw as Record<string, unknown>;
  const result = validateTrackChunk(fields, activity);
  if (!result.ok) throw new ExportError('INVALID_INPUT', `activity ${activity.id}: records API sent a bad samples chunk: ${result.error.message}`);
  return result.value;
}

function idOf(item: unknown): string | undefined {
  const id = (item as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}
