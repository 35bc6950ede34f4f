// Folder mirror: keep a chosen folder equal to the latest export, writing only new or changed files (by manifest
// SHA-256) and removing files of records deleted since; files the mirror never wrote are left alone.

import { ZipReader, type FileEntry } from '@zip.js/zip.js';
import { CHECKSUMS_PATH, MANIFEST_PATH, type Manifest } from '../engine/manifest.ts';
import { sha256Hex } from '../engine/sha256.ts';
import type { ZipSource } from '../engine/verify.ts';

/** Where the mirror's own bookkeeping lives in the folder (which files it wrote, with their hashes). */
export const MIRROR_STATE_PATH = '.takeaway-mirror.json';

/** A folder as the mirror sees it; the File System Access adapter (UI) and the Node adapter implement it. */
export interface MirrorDirectory {
  /** Paths of all files, `/`-separated, relative to the folder. */
  list(): Promise<string[]>;
  /** SHA-256 hex of a file, undefined when it does not exist. */
  readHash(path: string): Promise<string | undefined>;
  /** Reads a small file whole (the mirror state), undefined when missing. */
  readText(path: string): Promise<string | undefined>;
  /** Creates or replaces a file (parent folders made as needed). */
  write(path: string, content: AsyncIterable<Uint8Array>): Promise<void>;
  /** Deletes a file; a missing one is not an error. */
  remove(path: string): Promise<void>;
}

/** One file of the export to mirror. */
export interface MirrorFile {
  path: string;
  sha256: string;
  content(): AsyncIterable<Uint8Array>;
}

export interface MirrorResult {
  written: string[];
  removed: string[];
  unchanged: string[];
}

interface MirrorState {
  schema: 'takeaway-mirror';
  files: Record<string, string>;
}

/**
 * Makes `dir` hold exactly `files` among the files the mirror manages. A file is written when its hash differs
 * from the last run's (or, on a first run, from what is on disk); a file from the last run that is no longer in
 * `files` is removed.
 */
export async function mirrorFiles(dir: MirrorDirectory, files: readonly MirrorFile[]): Promise<MirrorResult> {
  const previous = await readState(dir);
  const present = new Set(await dir.list());
  const result: MirrorResult = { written: [], removed: [], unchanged: [] };
  for (const file of files) {
    const known = present.has(file.path) ? (previous[file.path] ?? await dir.readHash(file.path)) : undefined;
    if (known === file.sha256) {
      result.unchanged.push(file.path);
      continue;
    }
    await dir.write(file.path, file.content());
    result.written.push(file.path);
  }
  const current = new Set(files.map((f) => f.path));
  for (const path of Object.keys(previous)) {
    if (current.has(path)) continue;
    await dir.remove(path);
    result.removed.push(path);
  }
  const state: MirrorState = { schema: 'takeaway-mirror', files: Object.fromEntries(files.map((f) => [f.path, f.sha256])) };
  await dir.write(MIRROR_STATE_PATH, once(new TextEncoder().encode(`${JSON.stringify(state, null, 2)}\n`)));
  return result;
}

/** Mirrors the files of a finished export archive (its manifest gives the hashes; README and manifest included). */
export async function mirrorExport(dir: MirrorDirectory, archive: ZipSource): Promise<MirrorResult> {
  const reader = new ZipReader(archive);
  try {
    const entries = new Map((await reader.getEntries()).filter((e): e is FileEntry => !e.directory).map((e) => [e.filename, e]));
    const manifestEntry = entries.get(MANIFEST_PATH);
    if (!manifestEntry) throw new Error('the archive has no manifest.json');
    const manifestText = await readText(manifestEntry);
    const manifest = JSON.parse(manifestText) as Manifest;
    const files: MirrorFile[] = manifest.files.map((f) => ({ path: f.path, sha256: f.sha256, content: () => entryContent(entries.get(f.path)!) }));
    // The manifest and checksums go along, so the folder can be checked with `sha256sum -c SHA256SUMS`.
    for (const path of [MANIFEST_PATH, CHECKSUMS_PATH]) {
      const entry = entries.get(path);
      if (!entry) continue;
      const bytes = new TextEncoder().encode(path === MANIFEST_PATH ? manifestText : await readText(entry));
      files.push({ path, sha256: await sha256Hex(bytes), content: () => once(bytes) });
    }
    return await mirrorFiles(dir, files);
  } finally {
    await reader.close();
  }
}

async function readState(dir: MirrorDirectory): Promise<Record<string, string>> {
  const text = await dir.readText(MIRROR_STATE_PATH);
  if (!text) return {};
  const state = JSON.parse(text) as Partial<MirrorState>;
  return state.schema === 'takeaway-mirror' && state.files ? state.files : {};
}

function entryContent(entry: FileEntry): AsyncIterable<Uint8Array> {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  void entry.getData(writable).catch((error: unknown) => readable.cancel(error));
  return readable as unknown as AsyncIterable<Uint8Array>;
}

async function readText(entry: FileEntry): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of entryContent(entry)) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
