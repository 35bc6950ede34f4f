// Worker side of the save targets: a WritableStream for each, plus how to finish or discard it.
// (1) a picked file through createWritable (the browser swaps its temp file in on close, drops it on abort; a
//     file the picker created empty is removed on abort);
// (2) the OPFS workspace through a sync access handle, written at explicit offsets, never read back whole;
// (3) memory, as a list of Blob parts — the only target that holds the zip in memory.

import { OPFS_EXPORT_DIR, type SavedZip, type WorkerSaveTarget } from './save-target.ts';
import { writeAllAt } from './opfs-resumable-sink.ts';
import { isQuotaExceeded, storageFullError } from './storage.ts';

/** A writable the engine streams into, and what to do once it has closed it or given up. */
export interface OpenedSink {
  sink: WritableStream<Uint8Array>;
  /** After the engine closed the sink: what the page gets back. */
  finish(): Promise<SavedZip>;
}

/** The subset of FileSystemSyncAccessHandle used here (the DOM lib types it for workers only). */
interface SyncAccessHandle {
  write(buffer: BufferSource, options?: { at?: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}
type SyncCapableHandle = FileSystemFileHandle & { createSyncAccessHandle?: () => Promise<SyncAccessHandle> };

/** Opens the sink for a target. `id` names the OPFS file (`exports/<id>.zip`). */
export async function openSink(target: WorkerSaveTarget, id: string, fileName: string): Promise<OpenedSink> {
  switch (target.kind) {
    case 'file-handle': return openFileHandleSink(target.handle, fileName);
    case 'opfs': return openOpfsSink(id, fileName);
    case 'memory': return openMemorySink(fileName);
  }
}

/** `FileSystemHandle.remove()` (Chromium); absent elsewhere. */
type RemovableHandle = FileSystemFileHandle & { remove?: () => Promise<void> };

async function openFileHandleSink(handle: FileSystemFileHandle, fileName: string): Promise<OpenedSink> {
  // The save picker creates the chosen file empty. When the export then fails or is cancelled, the browser drops
  // createWritable's swap file, which would leave that empty file behind: an empty one is removed, a file that
  // was there before (and is kept as it was) is not.
  const wasEmpty = await handle.getFile().then((file) => file.size === 0, () => false);
  const writable = await handle.createWritable();
  const writer = writable.getWriter();
  const sink = new WritableStream<Uint8Array>({
    write: (chunk) => writer.write(chunk as Uint8Array<ArrayBuffer>),
    close: () => writer.close(),
    async abort(reason) {
      await writer.abort(reason).catch(() => undefined);
      if (wasEmpty) await (handle as RemovableHandle).remove?.().catch(() => undefined);
    },
  });
  return { sink, finish: async () => ({ fileName: handle.name || fileName }) };
}

/** The export workspace directory in OPFS, created on first use. */
export async function exportDirectory(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(OPFS_EXPORT_DIR, { create: true });
}

/** The file name of an export in the workspace. */
export function opfsZipName(id: string): string {
  return `${id}.zip`;
}

async function openOpfsSink(id: string, fileName: string): Promise<OpenedSink> {
  const dir = await exportDirectory();
  const name = opfsZipName(id);
  const handle = (await dir.getFileHandle(name, { create: true })) as SyncCapableHandle;
  const path = `${OPFS_EXPORT_DIR}/${name}`;
  const finish = async (): Promise<SavedZip> => ({ fileName, opfsPath: path, file: await handle.getFile() });
  const remove = () => dir.removeEntry(name).catch(() => undefined);
  if (typeof handle.createSyncAccessHandle !== 'function') {
    // Browsers without sync handles in workers still stream through createWritable.
    const writable = await handle.createWritable();
    let writtenBytes = 0;
    const sink = new WritableStream<Uint8Array>({
      async write(chunk) {
        try {
          await writable.write(chunk as Uint8Array<ArrayBuffer>);
        } catch (error) {
          throw isQuotaExceeded(error) ? await storageFullError(chunk.byteLength, writtenBytes) : error;
        }
        writtenBytes += chunk.byteLength;
      },
      close: () => writable.close(),
      abort: async (reason) => { await writable.abort(reason); await remove(); },
    });
    return { sink, finish };
  }
  const access = await handle.createSyncAccessHandle();
  access.truncate(0);
  let offsetBytes = 0;
  const sink = new WritableStream<Uint8Array>({
    async write(chunk) {
      offsetBytes = await writeAllAt(access, chunk, offsetBytes);
    },
    close() {
      access.flush();
      access.close();
    },
    async abort() {
      // No half archive is left claiming to be an export: the file goes.
      access.close();
      await remove();
    },
  });
  return { sink, finish };
}

function openMemorySink(fileName: string): Promise<OpenedSink> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  const sink = new WritableStream<Uint8Array>({
    write(chunk) { parts.push(chunk.slice() as Uint8Array<ArrayBuffer>); },
    abort() { parts.length = 0; },
  });
  return Promise.resolve({
    sink,
    finish: async () => ({ fileName, file: new File(parts, fileName, { type: 'application/zip' }) }),
  });
}

/** A saved zip in the workspace, or undefined when it was deleted (or the browser evicted it). */
export async function readOpfsZip(opfsPath: string): Promise<File | undefined> {
  const name = opfsPath.slice(OPFS_EXPORT_DIR.length + 1);
  try {
    return await (await (await exportDirectory()).getFileHandle(name)).getFile();
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotFoundError') return undefined;
    throw error;
  }
}

/** Deletes a zip (and its extracted share files) from the workspace; missing files are fine. */
export async function deleteOpfsExport(opfsPath: string): Promise<void> {
  const name = opfsPath.slice(OPFS_EXPORT_DIR.length + 1);
  const dir = await exportDirectory();
  await dir.removeEntry(name).catch(() => undefined);
  await dir.removeEntry(shareDirName(name), { recursive: true }).catch(() => undefined);
}

/** Folder next to a zip in the workspace holding files extracted for the share sheet. */
export function shareDirName(zipName: string): string {
  return `${zipName.replace(/\.zip$/, '')}-share`;
}
