// The import status line's progress part, kept apart from the panel so it can be tested without a page.

import type { ImportEta } from '../workers/api.ts';

/** `export.zip: 40% read, about 2 min left` for the file being read, once its size is known. */
export function progressText(progress: ImportEta | undefined): string {
  if (!progress || progress.fraction === undefined) return '';
  let text = ` ${progress.file}: ${Math.floor(progress.fraction * 100)}% read`;
  if (progress.etaS !== undefined) text += `, about ${progress.etaS < 90 ? `${progress.etaS} s` : `${Math.round(progress.etaS / 60)} min`} left`;
  return text;
}
