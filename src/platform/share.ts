// The share sheet hand-off: files only (iOS fails when a title or text comes with files), and only for
// files `navigator.canShare` accepts, asked with the real File so a Share button never breaks.

/** True when the browser says it can share exactly these files. */
export function canShareFiles(files: File[]): boolean {
  if (files.length === 0 || typeof navigator.canShare !== 'function' || typeof navigator.share !== 'function') return false;
  try {
    return navigator.canShare({ files });
  } catch {
    // Some browsers throw a TypeError for unsupported data instead of answering false; both mean "no".
    return false;
  }
}

/** Outcome of a share: `cancelled` when the person closed the sheet (quiet, not an error). */
export type ShareOutcome = 'shared' | 'cancelled';

/** Opens the share sheet with the files and nothing else. */
export async function shareFiles(files: File[]): Promise<ShareOutcome> {
  try {
    await navigator.share({ files });
    return 'shared';
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return 'cancelled';
    throw error;
  }
}
