// The person's records, pulled from the records API (docs/api.md) into a RecordSource the engine reads.
// Records (small) are held in memory; tracks (large) are fetched on first use and spooled to disk, so every
// format reads them again from the spool rather than from the API.

import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { ExportError } from '../model/errors.ts';
import { serializeTrackLine, splitLines } from '../model/jsonl.ts';
import { MemoryRecordSource } from '../model/memory-source.ts';
import { RECORD_KINDS, type Activity, type RecordKind, type TakeawayRecord, type TrackChunk } from '../model/records.ts';
import type { RecordSource } from '../model/source.ts';
import { validateRecord, validateTrackChunk } from '../model/validate.ts';
import type { SkippedRecord } from '../formats/types.ts';

/**
 * What the server needs of a records API client: the two paged calls of docs/api.md. `createRecordsClient`
 * of src/sync implements it; the server wraps each call in the sync's retry policy.
 */
export interface RecordFetcher {
  listRecords(kind: RecordKind, options?: { cursor?: string; signal?: AbortSignal }): Promise<{
    items: unknown[];
    tombstones: { id: string; deletedAtMs: number }[];
    nextCursor: string | null;
  }>;
  listSamples(activityId: string, options?: { cursor?: string; signal?: AbortSignal }): Promise<{ chunks: unknown[]; nextCursor: string | null }>;
}

/** A pulled snapshot: the source the engine reads, the records rejected by validation, and a cleanup. */
export interface PulledRecords {
  source: RecordSource;
  /** Items that failed `validateRecord`, with the reason (they go into the manifest's `skipped`). */
  skipped: SkippedRecord[];
  /** Deletes the track spool. */
  dispose(): Promise<void>;
}

/**
 * Lists every record of `kinds` (all pages, no `updated_since`: a full snapshot), applying tombstones, and
 * returns a source whose tracks come from the API on first read and from `spoolDir` after that.
 * `onSpoolWrite` is told the bytes of every spool line before it is written; it may throw to stop the export.
 */
export async function pullRecords(
  fetcher: RecordFetcher, kinds: readonly RecordKind[], spoolDir: string, signal?: AbortSignal, onSpoolWrite?: (bytes: number) => void,
): Promise<PulledRecords> {
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
  await mkdir(spoolDir, { recursive: true, mode: 0o700 });
  const spooled = new Map<string, string>();
  let spoolCount = 0;
  async function* track(activity: Activity): AsyncIterable<TrackChunk> {
    const file = spooled.get(activity.id);
    if (file) {
      yield* readSpool(file, activity);
      return;
    }
    const target = path.join(spoolDir, `${spoolCount++}.jsonl`);
    const out = createWriteStream(`${target}.partial`);
    // A write error (a full disk) arrives as an event; kept here, it fails the export instead of the thread.
    let writeError: Error | undefined;
    out.on('error', (error) => { writeError ??= error; });
    let cursor: string | undefined;
    let complete = false;
    try {
      do {
        signal?.throwIfAborted();
        const page = await fetcher.listSamples(activity.id, { cursor, signal });
        for (const raw of page.chunks) {
          const chunk = toTrackChunk(raw, activity);
          const line = `${serializeTrackLine(chunk)}\n`;
          onSpoolWrite?.(Buffer.byteLength(line));
          if (writeError) throw writeError;
          if (!out.write(line)) await once(out, 'drain');
          yield chunk;
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      complete = true;
    } finally {
      out.end();
      await finished(out).catch(() => undefined);
      if (writeError) complete = false;
      // Only a track read to its end is reused; a reader that stopped early leaves nothing behind.
      if (complete) {
        await rename(`${target}.partial`, target);
        spooled.set(activity.id, target);
      } else {
        await rm(`${target}.partial`, { force: true });
      }
    }
    if (writeError) throw writeError;
  }
  return {
    source: new MemoryRecordSource(records.values(), track),
    skipped: [...rejected.values()],
    dispose: () => rm(spoolDir, { recursive: true, force: true }),
  };
}

async function* readSpool(file: string, activity: Activity): AsyncIterable<TrackChunk> {
  for await (const line of splitLines(createReadStream(file) as AsyncIterable<Uint8Array>)) {
    if (line !== '') yield toTrackChunk(JSON.parse(line), activity);
  }
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
