// How far an import is and how long it has left, from the bytes read so far: one rule for the CLI's line and the app's.

import type { ImportProgress } from './types.ts';

/** An import's progress as shown: the share read, the rate, and the seconds left at that rate (once known). */
export interface ImportEta {
  file: string;
  bytesRead: number;
  totalBytes: number;
  /** 0..1, or undefined when the size is unknown. */
  fraction?: number;
  bytesPerS?: number;
  /** Bytes left at the mean rate so far, rounded up; only after `MIN_ELAPSED_S`, before which a rate means little. */
  etaS?: number;
}

/** Seconds of reading before a rate and an ETA are given. */
export const MIN_ELAPSED_S = 1;

export function importEta(progress: ImportProgress, elapsedS: number): ImportEta {
  const eta: ImportEta = { file: progress.file, bytesRead: progress.bytesRead, totalBytes: progress.totalBytes };
  if (progress.totalBytes > 0) eta.fraction = Math.min(1, progress.bytesRead / progress.totalBytes);
  if (elapsedS >= MIN_ELAPSED_S && progress.bytesRead > 0) {
    eta.bytesPerS = progress.bytesRead / elapsedS;
    if (progress.totalBytes > progress.bytesRead) eta.etaS = Math.ceil((progress.totalBytes - progress.bytesRead) / eta.bytesPerS);
  }
  return eta;
}
