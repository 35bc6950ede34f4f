// Persistent storage, asked from the page: `navigator.storage.persist()` exists only in a window, so this lives
// apart from storage.ts, which the workers import too (tsconfig.worker.json compiles them without the DOM).

/** Asks the browser to keep the app's data under storage pressure (best effort; no prompt in Chromium). */
export async function requestPersistentStorage(): Promise<boolean> {
  if (typeof navigator.storage?.persist !== 'function') return false;
  return navigator.storage.persist();
}
