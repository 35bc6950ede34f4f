// A full data disk, in words: which errors mean "no space left", how much is free, and the one message a job
// or a request gets for it. The server catches these everywhere it writes (job rows, spool, archive).

import { statfs } from 'node:fs/promises';
import { neededAgainstFree } from '../model/storage-full.ts';

/** errno codes of a write refused for lack of space: device full, disk quota, file over the size limit. */
const STORAGE_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/** Raised before writing when the free space is already smaller than the export's estimate (errno ENOSPC). */
export class NotEnoughSpaceError extends Error {
  override readonly name = 'NotEnoughSpaceError';
  readonly code = 'ENOSPC';
}

/** True when `error`, or any error in its `cause` chain, is a write refused for lack of space. */
export function isStorageFull(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if (STORAGE_FULL_CODES.has(String((e as NodeJS.ErrnoException).code))) return true;
  }
  return false;
}

/** Bytes an unprivileged writer may still use on the file system holding `dir` (statfs), or undefined if unknown. */
export async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const figures = await statfs(dir);
    return figures.bavail * figures.bsize;
  } catch {
    return undefined;
  }
}

/** "storage full on the server: <what> needs about 3.4 MB; 20 KB is free on the server" (model's one phrasing). */
export function storageFullMessage(what: string, neededBytes: number | undefined, free: number | undefined): string {
  return `storage full on the server: ${neededAgainstFree(what, neededBytes, free, 'on the server')}`;
}
