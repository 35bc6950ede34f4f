// How much space the browser gives this app: for "needed vs free" before a run and when a run hits the quota.

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

/** Asks the browser to keep the app's data under storage pressure (best effort; no prompt in Chromium). */
export async function requestPersistentStorage(): Promise<boolean> {
  if (typeof navigator.storage?.persist !== 'function') return false;
  return navigator.storage.persist();
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
