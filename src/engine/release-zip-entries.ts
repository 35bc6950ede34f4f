// zip.js keeps references to finished entries that an export of thousands of files does not need.

import type { ZipWriter } from '@zip.js/zip.js';

/**
 * Lets go of what zip.js 2.x holds for entries whose `add()` promise was awaited. It keeps a watcher per add()
 * until close, to report failures nobody awaited; each watcher's promise holds the added Entry, so an export
 * of thousands of files grew by ~5 KB per file (10M samples, 3,900 files: ~25 MB). An awaited add() has had its
 * outcome seen, so its watcher reports nothing at close; zip.js's own check skips observed watchers too.
 */
export function releaseObservedEntries(zip: ZipWriter<unknown>): void {
  const watchers = (zip as unknown as { pendingErrors?: { observed?: boolean }[] }).pendingErrors;
  if (!Array.isArray(watchers)) return;
  let kept = 0;
  for (const watcher of watchers) if (!watcher.observed) watchers[kept++] = watcher;
  watchers.length = kept;
}
