// zip.js keeps more of each finished entry than an export of thousands of files can afford: ~7.5 KB a file until
// close, which grew the 10M-sample export (3,900 files) by ~30 MB. What it keeps is internal to zip.js 2.x; the
// tests pin the shape and compare the archive's bytes with and without this.

import type { ZipWriter } from '@zip.js/zip.js';

/** Called once the add() of entry `name` has been awaited: keeps only what the central directory needs. */
export function releaseFinishedEntry(zip: ZipWriter<unknown>, name: string): void {
  releaseObservedEntries(zip);
  slimFinishedEntry(zip, name);
}

/**
 * Lets go of what zip.js 2.x holds for entries whose `add()` promise was awaited. It keeps a watcher per add()
 * until close, to report failures nobody awaited; each watcher's promise holds the added Entry, so an export
 * of thousands of files grew by ~5 KB per file (10M samples, 3,900 files: ~25 MB). An awaited add() has had its
 * outcome seen, so its watcher reports nothing at close; zip.js's own check skips observed watchers too.
 */
function releaseObservedEntries(zip: ZipWriter<unknown>): void {
  const watchers = (zip as unknown as { pendingErrors?: { observed?: boolean }[] }).pendingErrors;
  if (!Array.isArray(watchers)) return;
  let kept = 0;
  for (const watcher of watchers) if (!watcher.observed) watchers[kept++] = watcher;
  watchers.length = kept;
}

const EMPTY = new Uint8Array(0);

/** The fields of a finished zip.js entry that the central directory is written from. */
const DIRECTORY_FIELDS = [
  'version', 'versionMadeBy', 'offset', 'diskNumberStart', 'internalFileAttributes', 'externalFileAttributes',
  'uncompressedSize', 'compressedSize', 'zip64Enabled', 'zip64UncompressedSize', 'zip64CompressedSize',
  'extraFieldExtendedTimestampFlag', 'extraFieldExtendedTimestampTime',
] as const;
const DIRECTORY_BYTE_FIELDS = [
  'rawFilename', 'rawComment', 'rawExtraFieldAES', 'rawExtraFieldNTFS', 'rawCentralExtraFieldUnix', 'rawExtraField',
  'rawCentralExtraField',
] as const;

type EntryRecord = Record<string, unknown>;

/**
 * Swaps the record zip.js keeps for the finished entry `name` (~60 properties, ten typed arrays, a Date, a
 * DataView and a Promise: ~2.5 KB) for one holding only what the central directory is written from (zip.js 2.x
 * `createDirectoryRecords` and `writeDirectoryRecords`). A no-op if zip.js changed shape.
 */
function slimFinishedEntry(zip: ZipWriter<unknown>, name: string): void {
  const entries = (zip as unknown as { fileEntries?: Map<string, EntryRecord | undefined> }).fileEntries;
  const record = entries?.get(name);
  if (!entries || !record || !(record.headerArray instanceof Uint8Array)) return;
  const byteFields: [string, Uint8Array][] = [['headerArray', record.headerArray]];
  for (const field of DIRECTORY_BYTE_FIELDS) {
    const bytes = record[field];
    if (!(bytes instanceof Uint8Array)) return;
    byteFields.push([field, bytes]);
  }
  const slim: EntryRecord = {};
  for (const field of DIRECTORY_FIELDS) slim[field] = record[field];
  // One buffer for all of the entry's bytes: one allocation, not eight.
  const packed = new Uint8Array(byteFields.reduce((sum, [, bytes]) => sum + bytes.byteLength, 0));
  let offset = 0;
  for (const [field, bytes] of byteFields) {
    packed.set(bytes, offset);
    slim[field] = bytes.byteLength === 0 ? EMPTY : packed.subarray(offset, offset + bytes.byteLength);
    offset += bytes.byteLength;
  }
  const header = slim.headerArray as Uint8Array;
  slim.headerView = new DataView(header.buffer, header.byteOffset, header.byteLength);
  entries.set(name, slim);
}
