// A ResumableSink over an OPFS file through a FileSystemSyncAccessHandle (dedicated workers only): getSize,
// truncate, write at an offset, flush and close map one to one, so an interrupted export continues in place.

import type { ResumableSink } from '../engine/resume.ts';
import { isQuotaExceeded, storageFullError } from './storage.ts';

/** The subset of FileSystemSyncAccessHandle used here (the DOM lib types it for workers only). */
interface SyncAccessHandle {
  getSize(): number;
  write(buffer: BufferSource, options?: { at?: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}
type SyncCapableHandle = FileSystemFileHandle & { createSyncAccessHandle?: () => Promise<SyncAccessHandle> };

/** The sink plus what the job runner needs around it. */
export interface OpfsResumableSink extends ResumableSink {
  /** The file as it is now (a disk-backed File; read it after `close()` or `release()`). */
  file(): Promise<File>;
}

/**
 * Opens (creating it if needed) `name` in `dir` for resumable writing. The handle is exclusive: a second open
 * of the same file fails with `NoModificationAllowedError` while the first is not closed or released.
 */
export async function openOpfsResumableSink(dir: FileSystemDirectoryHandle, name: string): Promise<OpfsResumableSink> {
  const handle = (await dir.getFileHandle(name, { create: true })) as SyncCapableHandle;
  if (typeof handle.createSyncAccessHandle !== 'function') {
    throw new DOMException('this browser has no OPFS sync access handles in workers', 'NotSupportedError');
  }
  const access = await handle.createSyncAccessHandle();
  let positionBytes = access.getSize();
  let isOpen = true;
  const closeOnce = () => {
    if (!isOpen) return;
    isOpen = false;
    access.close();
  };
  return {
    size: async () => (isOpen ? access.getSize() : (await handle.getFile()).size),
    async truncate(offsetBytes) {
      access.truncate(offsetBytes);
      positionBytes = offsetBytes;
    },
    async write(chunk) {
      positionBytes = await writeAllAt(access, chunk, positionBytes);
    },
    async flush() {
      access.flush();
    },
    async close() {
      access.flush();
      closeOnce();
    },
    async abort() {
      closeOnce();
      await dir.removeEntry(name).catch(() => undefined);
    },
    async release() {
      if (isOpen) access.flush();
      closeOnce();
    },
    file: () => handle.getFile(),
  };
}

/** The directory holding `path` (from the OPFS root) and the file name. */
export async function opfsDirectory(path: string, create: boolean): Promise<[FileSystemDirectoryHandle, string]> {
  const parts = path.split('/');
  let dir = await navigator.storage.getDirectory();
  for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create });
  return [dir, parts[parts.length - 1]];
}

/** Deletes an OPFS file by its path from the root; a missing file is fine. */
export async function deleteOpfsPath(path: string): Promise<void> {
  try {
    const [dir, name] = await opfsDirectory(path, false);
    await dir.removeEntry(name);
  } catch (error) {
    if (!(error instanceof DOMException && error.name === 'NotFoundError')) throw error;
  }
}

/** An OPFS file by its path from the root, or undefined when gone. */
export async function readOpfsPath(path: string): Promise<File | undefined> {
  try {
    const [dir, name] = await opfsDirectory(path, false);
    return await (await dir.getFileHandle(name)).getFile();
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotFoundError') return undefined;
    throw error;
  }
}

/**
 * Writes `chunk` at `offsetBytes` and returns the offset after it; a short or refused write (a full quota)
 * throws `QuotaExceededError` with the real figures (see `storageFullError`).
 */
export async function writeAllAt(access: Pick<SyncAccessHandle, 'write'>, chunk: Uint8Array, offsetBytes: number): Promise<number> {
  let written: number;
  try {
    written = access.write(chunk as Uint8Array<ArrayBuffer>, { at: offsetBytes });
  } catch (error) {
    if (isQuotaExceeded(error)) throw await storageFullError(chunk.byteLength, offsetBytes);
    throw error;
  }
  if (written !== chunk.byteLength) throw await storageFullError(chunk.byteLength, offsetBytes);
  return offsetBytes + written;
}
