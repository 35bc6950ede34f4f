// Node only: a ResumableSink over a file. Bytes go to `<path>.partial`, written at explicit positions so a resume
// can cut the file back to a checkpoint; `close` renames it to `<path>`, `abort` deletes it, `release` keeps it.

import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import type { ResumableSink } from '../engine/resume.ts';

/** The path of the file an unfinished export writes to. */
export function partialPathOf(path: string): string {
  return `${path}.partial`;
}

/**
 * Opens (or creates) `<path>.partial` for a resumable export into `path`. With `isDurable` (default true) every
 * checkpoint waits for an fdatasync, so a power cut cannot lose bytes a checkpoint counts on (measured: 28
 * checkpoints of a 1.6 MB export cost 1.5 s on a shared disk; without it 0.7 s in all).
 */
export async function openResumableFileSink(path: string, { isDurable = true }: { isDurable?: boolean } = {}): Promise<ResumableSink> {
  const partialPath = partialPathOf(path);
  const handle = await openReadWrite(partialPath);
  let positionBytes = (await handle.stat()).size;
  let isOpen = true;
  const closeHandle = async (): Promise<void> => {
    if (!isOpen) return;
    isOpen = false;
    await handle.close();
  };
  return {
    size: async () => (isOpen ? (await handle.stat()).size : (await stat(partialPath)).size),
    async truncate(offsetBytes) {
      await handle.truncate(offsetBytes);
      positionBytes = offsetBytes;
    },
    async write(chunk) {
      let done = 0;
      while (done < chunk.byteLength) {
        const { bytesWritten } = await handle.write(chunk, done, chunk.byteLength - done, positionBytes + done);
        done += bytesWritten;
      }
      positionBytes += done;
    },
    flush: isDurable ? () => handle.datasync() : undefined,
    async close() {
      await handle.datasync();
      await closeHandle();
      await rename(partialPath, path);
    },
    async abort() {
      await closeHandle();
      await rm(partialPath, { force: true });
    },
    release: closeHandle,
  };
}

async function openReadWrite(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return open(path, 'w+');
  }
}
