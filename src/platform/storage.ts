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
