// verify(): re-reads an export and recomputes every file's size and SHA-256 against its manifest,
// reporting each mismatch by file. Streams each entry; never holds the archive in memory (an encrypted export's
// inner zip is decrypted into a spool first, see `VerifyOptions.spool`).

import { BlobReader, ERR_INVALID_PASSWORD, ZipReader, type Entry, type FileEntry } from '@zip.js/zip.js';
import { CHECKSUMS_PATH, formatChecksums, MANIFEST_PATH, type Manifest } from './manifest.ts';
import { ENCRYPTED_INNER_PATH } from './run.ts';
import { createSha256 } from './sha256.ts';
import type { VerifyLock } from './verify-words.ts';
import { concatBytes } from '../model/streams.ts';

export type ZipSource = ConstructorParameters<typeof ZipReader>[0];

export interface VerifyProblem {
  path: string;
  problem: 'missing' | 'size' | 'sha256' | 'unreadable' | 'unlisted' | 'checksums' | 'manifest';
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  filesChecked: number;
  problems: VerifyProblem[];
  manifest?: Manifest;
  /** The archive is a password-protected export: one AES-256 entry holding the export (see run.ts). */
  encrypted?: boolean;
  /**
   * Why an encrypted export's files were not checked: no password was given, or it is wrong. Says nothing of
   * damage; `ok` is false and `problems` empty.
   */
  locked?: VerifyLock;
}

/** Where an encrypted export's inner zip is decrypted to, so it can be read at random like any export. */
export interface VerifySpool {
  /** Takes the inner zip's bytes; closed when they are all written. */
  writable: WritableStream<Uint8Array>;
  /** The written bytes, to read (after `writable` closed). */
  reader(): Promise<ZipSource>;
  /** Deletes what was written; called once, whatever happened. */
  release(): Promise<void>;
}

export interface VerifyOptions {
  signal?: AbortSignal;
  /** The password of an encrypted export; never stored. */
  password?: string;
  /** Opens the spool for an encrypted export's inner zip. Default: a Blob (the browser keeps big ones on disk). */
  spool?: () => Promise<VerifySpool>;
}

export async function verifyExport(zipSource: ZipSource, options: VerifyOptions = {}): Promise<VerifyReport> {
  const reader = new ZipReader(zipSource, { checkSignature: true, signal: options.signal });
  const problems: VerifyProblem[] = [];
  try {
    let entries: Entry[];
    try {
      entries = await reader.getEntries();
    } catch (error) {
      return { ok: false, filesChecked: 0, problems: [{ path: '(archive)', problem: 'unreadable', detail: messageOf(error) }] };
    }
    const byPath = new Map(entries.filter((e): e is FileEntry => !e.directory).map((e) => [e.filename, e]));
    const inner = byPath.get(ENCRYPTED_INNER_PATH);
    if (byPath.size === 1 && inner?.encrypted) return await verifyEncrypted(inner, options);
    const manifestEntry = byPath.get(MANIFEST_PATH);
    if (!manifestEntry) return { ok: false, filesChecked: 0, problems: [{ path: MANIFEST_PATH, problem: 'missing', detail: 'the archive has no manifest.json' }] };
    let manifest: Manifest;
    try {
      manifest = JSON.parse(new TextDecoder().decode(await readAll(manifestEntry, MAX_MANIFEST_BYTES))) as Manifest;
    } catch (error) {
      return { ok: false, filesChecked: 0, problems: [{ path: MANIFEST_PATH, problem: 'manifest', detail: `manifest.json cannot be read: ${messageOf(error)}` }] };
    }
    const listing = manifestListing(manifest);
    if (typeof listing === 'string') return { ok: false, filesChecked: 0, problems: [{ path: MANIFEST_PATH, problem: 'manifest', detail: listing }] };
    if (listing.repeated) problems.push({ path: MANIFEST_PATH, problem: 'manifest', detail: listing.repeated });
    let filesChecked = 0;
    for (const file of listing.files) {
      options.signal?.throwIfAborted();
      const entry = byPath.get(file.path);
      if (!entry) {
        problems.push({ path: file.path, problem: 'missing', detail: 'listed in the manifest but not in the archive' });
        continue;
      }
      filesChecked += 1;
      try {
        const { size, sha256 } = await hashEntry(entry, file.size);
        if (size > file.size) problems.push({ path: file.path, problem: 'size', detail: `more than ${file.size} bytes, manifest says ${file.size}` });
        else if (size !== file.size) problems.push({ path: file.path, problem: 'size', detail: `${size} bytes, manifest says ${file.size}` });
        else if (sha256 !== file.sha256) problems.push({ path: file.path, problem: 'sha256', detail: `SHA-256 ${sha256}, manifest says ${file.sha256}` });
      } catch (error) {
        problems.push({ path: file.path, problem: 'unreadable', detail: messageOf(error) });
      }
    }
    const listed = new Set([...listing.files.map((f) => f.path), MANIFEST_PATH, CHECKSUMS_PATH]);
    for (const path of byPath.keys()) {
      if (!listed.has(path)) problems.push({ path, problem: 'unlisted', detail: 'in the archive but not in the manifest' });
    }
    const checksums = byPath.get(CHECKSUMS_PATH);
    if (checksums) {
      const text = new TextDecoder().decode(await readAll(checksums).catch(() => new Uint8Array()));
      if (text !== formatChecksums(manifest.files)) problems.push({ path: CHECKSUMS_PATH, problem: 'checksums', detail: 'SHA256SUMS does not match the manifest' });
    }
    return { ok: problems.length === 0, filesChecked, problems, manifest };
  } finally {
    await reader.close();
  }
}

/** Decrypts the one entry of an encrypted export into a spool and verifies the export inside. */
async function verifyEncrypted(entry: FileEntry, options: VerifyOptions): Promise<VerifyReport> {
  const locked = (why: VerifyLock): VerifyReport => ({ ok: false, filesChecked: 0, problems: [], encrypted: true, locked: why });
  if (!options.password) return locked('no-password');
  const spool = await (options.spool ?? blobSpool)();
  try {
    try {
      await entry.getData(spool.writable, { password: options.password, signal: options.signal });
    } catch (error) {
      if (error instanceof Error && error.message === ERR_INVALID_PASSWORD) return locked('wrong-password');
      options.signal?.throwIfAborted();
      return { ok: false, filesChecked: 0, encrypted: true, problems: [{ path: ENCRYPTED_INNER_PATH, problem: 'unreadable', detail: messageOf(error) }] };
    }
    const report = await verifyExport(await spool.reader(), { signal: options.signal });
    return { ...report, encrypted: true };
  } finally {
    await spool.release();
  }
}

/** Bytes the default spool gathers before it folds them into its Blob. */
const BLOB_SPOOL_STEP_BYTES = 8 * 1024 * 1024;

/** The default spool: the inner zip as a Blob, grown every few MB (a browser moves big Blobs out of the page's memory). */
async function blobSpool(): Promise<VerifySpool> {
  let blob = new Blob([]);
  let pending: Uint8Array<ArrayBuffer>[] = [];
  let pendingBytes = 0;
  const fold = (): void => {
    blob = new Blob([blob, ...pending]);
    pending = [];
    pendingBytes = 0;
  };
  return {
    writable: new WritableStream<Uint8Array>({
      write(chunk) {
        pending.push(new Uint8Array(chunk));
        pendingBytes += chunk.byteLength;
        if (pendingBytes >= BLOB_SPOOL_STEP_BYTES) fold();
      },
      close: fold,
    }),
    reader: async () => new BlobReader(blob),
    release: async () => { blob = new Blob([]); pending = []; },
  };
}

/** More files than any export writes (a year of data is a few thousand); a longer list is refused unread. */
export const MAX_MANIFEST_FILES = 1_000_000;
/** A manifest of `MAX_MANIFEST_FILES` files stays well below this. */
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

/**
 * The manifest's files, each path once (a crafted manifest listing the same files thousands of times must not
 * make us hash them thousands of times), with a sentence about any repeats; or why the list is unusable.
 */
function manifestListing(manifest: Manifest): { files: Manifest['files']; repeated?: string } | string {
  if (!Array.isArray(manifest?.files)) return 'manifest.json has no list of files';
  if (manifest.files.length > MAX_MANIFEST_FILES) return `manifest.json lists ${manifest.files.length} files, more than the ${MAX_MANIFEST_FILES} an export can hold`;
  const byPath = new Map<string, Manifest['files'][number]>();
  let repeats = 0;
  let firstRepeat = '';
  for (const file of manifest.files) {
    if (typeof file?.path !== 'string') return 'manifest.json lists a file without a path';
    if (!byPath.has(file.path)) byPath.set(file.path, file);
    else if (repeats++ === 0) firstRepeat = file.path;
  }
  if (repeats === 0) return { files: manifest.files };
  return { files: [...byPath.values()], repeated: `manifest.json lists files more than once (${repeats} repeats, first ${firstRepeat}); each was checked once` };
}

/** Size and SHA-256 of an entry; stops inflating once it passes `maxBytes` (the manifest's size), so a bomb costs no more. */
async function hashEntry(entry: FileEntry, maxBytes: number): Promise<{ size: number; sha256: string }> {
  if (entry.uncompressedSize > maxBytes) return { size: entry.uncompressedSize, sha256: '' };
  const hash = await createSha256();
  let size = 0;
  const passed = new Error('past the size in the manifest');
  try {
    await entry.getData(new WritableStream<Uint8Array>({
      write(chunk) {
        size += chunk.byteLength;
        if (size > maxBytes) throw passed;
        hash.update(chunk);
      },
    }));
  } catch (error) {
    if (error !== passed) throw error;
    return { size, sha256: '' };
  }
  return { size, sha256: hash.digestHex() };
}

/** A (small) entry's whole content: manifests and checksum files. Throws past `maxBytes` instead of filling memory. */
export async function readAll(entry: FileEntry, maxBytes = MAX_MANIFEST_BYTES): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  await entry.getData(new WritableStream<Uint8Array>({
    write(chunk) {
      size += chunk.byteLength;
      if (size > maxBytes) throw new Error(`${entry.filename} inflates past ${maxBytes} bytes`);
      parts.push(chunk.slice());
    },
  }));
  return concatBytes(parts);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
