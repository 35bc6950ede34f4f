// "Storage full" in words: the one phrasing of what an export needs against what is free, used by the browser,
// the command line and the server alike, so every runtime says it the same way.

import { formatBytes } from './byte-size.ts';

/** "this export needs about 3.4 MB". */
export function neededInWords(what: string, neededBytes: number): string {
  return `${what} needs about ${formatBytes(Math.max(0, Math.round(neededBytes)))}`;
}

/** "20 KB is free for this app", or that the free space could not be read there. */
export function freeInWords(freeBytes: number | undefined, where: string): string {
  return freeBytes === undefined ? `the free space ${where} could not be read` : `${formatBytes(freeBytes)} is free ${where}`;
}

/** "this export needs about 3.4 MB; 20 KB is free for this app" (without a need: "… could not be saved; …"). */
export function neededAgainstFree(what: string, neededBytes: number | undefined, freeBytes: number | undefined, where: string): string {
  const need = neededBytes === undefined ? `${what} could not be saved` : neededInWords(what, neededBytes);
  return `${need}; ${freeInWords(freeBytes, where)}`;
}
