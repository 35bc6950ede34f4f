// verify(): re-reads an export and recomputes every file's size and SHA-256 against its manifest,
// reporting each mismatch by file. Streams each entry; never holds the archive in memory.

import { ZipReader, type Entry, type FileEntry } from '@zip.js/zip.js';
import { CHECKSUMS_PATH, formatChecksums, MANIFEST_PATH, type Manifest } from './manifest.ts';
import { createSha256 } from './sha256.ts';

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
}

export async function verifyExport(zipSource: ZipSource, options: { signal?: AbortSignal } = {}): Promise<VerifyReport> {
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
    const manifestEntry = byPath.get(MANIFEST_PATH);
    if (!manifestEntry) return { ok: false, filesChecked: 0, problems: [{ path: MANIFEST_PATH, problem: 'missing', detail: 'the archive has no manifest.json' }] };
    let manifest: Manifest;
    try {
      manifest = JSON.parse(new TextDecoder().decode(await readAll(manifestEntry))) as Manifest;
    } catch (error) {
      return { ok: false, filesChecked: 0, problems: [{ path: MANIFEST_PATH, problem: 'manifest', detail: `manifest.json cannot be read: ${messageOf(error)}` }] };
    }
    let filesChecked = 0;
    for (const file of manifest.files) {
      options.signal?.throwIfAborted();
      const entry = byPath.get(file.path);
      if (!entry) {
        problems.push({ path: file.path, problem: 'missing', detail: 'listed in the manifest but not in the archive' });
        continue;
      }
      filesChecked += 1;
      try {
        const { size, sha256 } = await hashEntry(entry);
        if (size !== file.size) problems.push({ path: file.path, problem: 'size', detail: `${size} bytes, manifest says ${file.size}` });
        else if (sha256 !== file.sha256) problems.push({ path: file.path, problem: 'sha256', detail: `SHA-256 ${sha256}, manifest says ${file.sha256}` });
      } catch (error) {
        problems.push({ path: file.path, problem: 'unreadable', detail: messageOf(error) });
      }
    }
    const listed = new Set([...manifest.files.map((f) => f.path), MANIFEST_PATH, CHECKSUMS_PATH]);
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

async function hashEntry(entry: FileEntry): Promise<{ size: number; sha256: string }> {
  const hash = await createSha256();
  let size = 0;
  await entry.getData(new WritableStream<Uint8Array>({
    write(chunk) {
      hash.update(chunk);
      size += chunk.byteLength;
    },
  }));
  return { size, sha256: hash.digestHex() };
}

/** A (small) entry's whole content: manifests and checksum files. */
export async function readAll(entry: FileEntry): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  await entry.getData(new WritableStream<Uint8Array>({ write(chunk) { parts.push(chunk.slice()); } }));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
