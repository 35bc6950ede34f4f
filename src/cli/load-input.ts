// Reads the CLI's --input into an in-memory RecordSource: the JSON-lines interchange form, or device files,
// zips and folders through the importer. Bad records and files are kept aside with their reason.

import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { parseJsonl, splitLines } from '../model/jsonl.ts';
import { MemoryRecordSource } from '../model/memory-source.ts';
import type { TakeawayRecord, TrackChunk } from '../model/records.ts';
import type { SkippedRecord } from '../formats/types.ts';
import { dedupeActivities, importFiles, type ImportFile } from '../import/index.ts';
import { fileRandomAccess } from '../node/file-zip-reader.ts';
import { importProgress } from './progress-bar.ts';
import { UsageError } from './usage-error.ts';
import { say } from './terminal.ts';

export interface LoadedInput {
  source: MemoryRecordSource;
  skipped: SkippedRecord[];
  /** Records read (duplicates included): 0 with something skipped means every input failed. */
  readCount: number;
}

const RECORD_KINDS = new Set(['activity', 'steps', 'weight', 'sleep', 'record']);

export async function loadInput(path: string): Promise<LoadedInput> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new UsageError(`--input ${path} does not exist`);
  if (!info.isDirectory() && /\.(jsonl|ndjson)$/i.test(path)) return loadJsonl(path);
  const { files, links } = info.isDirectory() ? await listFiles(path) : { files: [{ name: basename(path), path }], links: [] };
  const loaded = await loadDeviceFiles(files.map((f): ImportFile => ({ name: f.name, bytes: () => streamFile(f.path), randomAccess: () => fileRandomAccess(f.path) })));
  // Links are not followed (they can lead out of the folder, or round in a loop), but never passed over in silence.
  for (const name of links) loaded.skipped.push({ kind: 'unknown', id: name, reason: `${name}: a symbolic link, not followed; give its target as --input to read it` });
  return loaded;
}

async function loadJsonl(path: string): Promise<LoadedInput> {
  const records: TakeawayRecord[] = [];
  const tracks = new Map<string, TrackChunk[]>();
  const skipped: SkippedRecord[] = [];
  for await (const item of parseJsonl(splitLines(streamFile(path)))) {
    if (item.type === 'record') records.push(item.record);
    else if (item.type === 'track') {
      const chunks = tracks.get(item.chunk.activityId) ?? [];
      chunks.push(item.chunk);
      tracks.set(item.chunk.activityId, chunks);
    } else {
      const kind = item.kind && RECORD_KINDS.has(item.kind) ? item.kind as SkippedRecord['kind'] : 'unknown';
      skipped.push({ kind, id: item.id ?? `line ${item.line}`, reason: `line ${item.line}: ${item.message}` });
    }
  }
  return { source: new MemoryRecordSource(records, tracks), skipped, readCount: records.length };
}

async function loadDeviceFiles(files: ImportFile[]): Promise<LoadedInput> {
  const records: TakeawayRecord[] = [];
  const imported = [];
  const skipped: SkippedRecord[] = [];
  for await (const item of importFiles(files, { onProgress: importProgress() })) {
    if (item.type === 'activity') {
      imported.push(item);
      for (const warning of item.warnings ?? []) say(`${item.file}: ${warning}`);
    }
    else if (item.type === 'record') records.push(item.record);
    else skipped.push({ kind: 'unknown', id: item.file, reason: item.message });
  }
  const readCount = records.length + imported.length;
  const { kept, skippedCount } = dedupeActivities(imported);
  if (skippedCount > 0) say(`${skippedCount} duplicate activities left out`);
  const tracks = new Map<string, TrackChunk[]>();
  const originals = new Map<string, { name: string; bytes: Uint8Array }>();
  for (const item of kept) {
    records.push(item.activity);
    tracks.set(item.activity.id, item.chunks);
    if (item.original) originals.set(item.activity.id, item.original);
  }
  return { source: new MemoryRecordSource(records, tracks, originals), skipped, readCount };
}

async function* streamFile(path: string): AsyncGenerator<Uint8Array> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) yield chunk as Uint8Array;
}

/** The folder's importable files, and the names of its symbolic links, each sorted by name. */
async function listFiles(dir: string): Promise<{ files: { name: string; path: string }[]; links: string[] }> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const nameOf = (e: (typeof entries)[number]) => relative(dir, join(e.parentPath, e.name));
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const files = entries
    .filter((e) => e.isFile() && /\.(fit|gpx|tcx|csv|zip|gz)$/i.test(e.name))
    .map((e) => ({ name: nameOf(e), path: join(e.parentPath, e.name) }))
    .sort((a, b) => byName(a.name, b.name));
  return { files, links: entries.filter((e) => e.isSymbolicLink()).map(nameOf).sort(byName) };
}
