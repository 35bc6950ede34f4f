// A WritableStream onto a file that only appears under its name once complete: bytes go to `<name>.partial`,
// which is renamed on close and deleted on abort and on every failure (a full disk, a failed rename), so a failed
// or cancelled export never looks finished and leaves nothing behind. A full disk is reported with the bytes
// written before it filled and the bytes free on that filesystem.

import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { once } from 'node:events';
import { formatBytes } from '../model/byte-size.ts';
import { freeBytes, isStorageFull } from './storage-full.ts';
import { freeInWords } from '../model/storage-full.ts';

export function partialPathOf(path: string): string {
  return `${path}.partial`;
}

/** `partialPath` defaults to `<path>.partial`; writers that may race on one name (server workers) give their own. */
export function fileSink(path: string, partialPath = partialPathOf(path)): WritableStream<Uint8Array> {
  let out: WriteStream | undefined;
  let failure: Error | undefined;
  const discard = async (): Promise<void> => {
    out?.destroy();
    await rm(partialPath, { force: true });
  };
  const fail = async (error: unknown): Promise<never> => {
    const written = out?.bytesWritten ?? 0;
    await discard();
    throw await withSpaceFigures(error, path, written);
  };
  return new WritableStream<Uint8Array>({
    start() {
      // Opened now rather than on the first write, so the file exists as soon as the sink does (the CLI removes
      // it when interrupted); a failure to open surfaces on the first write, as a stream error.
      try {
        out = createWriteStream(partialPath, { fd: openSync(partialPath, 'w') });
      } catch (error) {
        return Promise.reject(error);
      }
      out.on('error', (error) => { failure = error; });
      return undefined;
    },
    async write(chunk) {
      try {
        if (failure) throw failure;
        // events.once rejects if the stream emits 'error' while we wait for 'drain'.
        if (!out!.write(chunk)) await once(out!, 'drain');
      } catch (error) {
        await fail(error);
      }
    },
    async close() {
      try {
        out!.end();
        await once(out!, 'finish');
        if (failure) throw failure;
        await rename(partialPath, path);
      } catch (error) {
        await fail(error);
      }
    },
    async abort() {
      await discard();
    },
  });
}

const FULL_WORDS: Record<string, string> = {
  ENOSPC: 'no space left on the filesystem of',
  EDQUOT: 'disk quota exceeded on',
  EFBIG: 'the file grew too large for the filesystem of',
};

/** A full disk (ENOSPC, EDQUOT, EFBIG) in words with figures; any other error unchanged. */
async function withSpaceFigures(error: unknown, path: string, writtenBytes: number): Promise<unknown> {
  if (!isStorageFull(error)) return error;
  const code = String((error as NodeJS.ErrnoException).code);
  const dir = dirname(path);
  const free = await freeBytes(dir);
  return Object.assign(new Error(`${FULL_WORDS[code] ?? 'no space left on'} ${dir} after writing ${formatBytes(writtenBytes)} (${writtenBytes} bytes) `
    + `of ${basename(path)}; the unfinished file was removed; ${freeInWords(free, 'there now')} (${code})`, { cause: error }), { code });
}
