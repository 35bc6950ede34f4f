// How much space the browser gives this app: for "needed vs free" before a run and when a run hits the quota.

import { formatBytes } from '../model/byte-size.ts';
import { ExportError } from '../model/errors.ts';
import { freeInWords, neededInWords } from '../model/storage-full.ts';

/** Free and used bytes from `navigator.storage.estimate()`; undefined where the API is missing. */
export interface StorageFigures {
  usageBytes: number;
  quotaBytes: number;
  freeBytes: number;
}

export async function estimateStorage(): Promise<StorageFigures | undefined> {
  if (typeof navigator.storage?.estimate !== 'function') return undefined;
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  return { usageBytes: usage, quotaBytes: quota, freeBytes: Math.max(0, quota - usage) };
}

/** Headroom over a plan's size estimate before an archive is built in app storage (estimates are off by up to 1.6x). */
export const ROOM_FACTOR = 1.5;
/** Bytes left free besides, for the database, checkpoints and other exports. */
export const ROOM_SPARE_BYTES = 50_000_000;

/**
 * Whether an archive of about `estimatedBytes` fits in app storage with room to spare: `estimatedBytes` x 1.5
 * plus 50 MB within the free quota. False when the quota is unknown.
 */
export function hasRoomFor(estimatedBytes: number, storage: StorageFigures | undefined): boolean {
  return storage !== undefined && estimatedBytes * ROOM_FACTOR + ROOM_SPARE_BYTES <= storage.freeBytes;
}

/**
 * A write the browser refused for lack of space, in words: what it was asked to write, how far the archive got,
 * and what `navigator.storage.estimate()` says is free.
 */
export function storageFullMessage(refusedBytes: number, archiveBytes: number, storage: StorageFigures | undefined): string {
  const free = storage
    ? `${freeInWords(storage.freeBytes, 'for this app')} (${formatBytes(storage.usageBytes)} used of ${formatBytes(storage.quotaBytes)})`
    : 'the browser does not say how much is free';
  return `the browser refused to write ${formatBytes(refusedBytes)} more after ${formatBytes(archiveBytes)} of the archive; ${free}`;
}

/**
 * The error a sink throws when a write falls short or is refused for lack of space. What the write returned is
 * not a count to report: Chromium's sync access handle has returned 4294967288 (the error -8, "no space",
 * as an unsigned number) for a 29,512-byte write.
 */
export async function storageFullError(refusedBytes: number, archiveBytes: number): Promise<DOMException> {
  const storage = await estimateStorage().catch(() => undefined);
  return new DOMException(storageFullMessage(refusedBytes, archiveBytes, storage), 'QuotaExceededError');
}

/** True for the browser's own "quota exceeded" (a DOMException, or an Error named so). */
export function isQuotaExceeded(error: unknown): boolean {
  return (error instanceof DOMException || error instanceof Error) && error.name === 'QuotaExceededError';
}

/**
 * A "storage full" failure with what the whole export needs (the plan's estimate) added to its words, so the
 * History row and the job card give needed against free; any other error is returned as it is.
 */
export function withNeededBytes(error: unknown, neededBytes: number | undefined): unknown {
  if (neededBytes === undefined || !(error instanceof ExportError) || error.code !== 'QUOTA_EXCEEDED') return error;
  return new ExportError('QUOTA_EXCEEDED', `${error.message}; ${neededInWords('this export', neededBytes)} in all`, { cause: error, retryable: error.retryable });
}
