// Errors a person can meet, in words with a way forward. The engine's codes are mapped here, nowhere else.

import { ExportError } from '../model/errors.ts';
import { asSentence } from '../model/sentence.ts';
import { neededAgainstFree } from '../model/storage-full.ts';
import type { StorageFigures } from '../platform/storage.ts';

export interface ErrorText {
  title: string;
  detail: string;
  /** What to do about it. */
  action: string;
}

/** Words for an error. `storage` and `neededBytes` make "storage full" say how much is needed vs free. */
export function describeError(error: unknown, context: { storage?: StorageFigures; neededBytes?: number } = {}): ErrorText {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  const message = error instanceof Error || error instanceof DOMException ? error.message : String(error);
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return {
      title: 'Permission to write the file was denied',
      detail: 'The browser did not let Takeaway write to the file you picked.',
      action: 'Try again and allow access, or choose "App storage, then download" as the destination.',
    };
  }
  const code = error instanceof ExportError ? error.code : name === 'QuotaExceededError' ? 'QUOTA_EXCEEDED' : undefined;
  switch (code) {
    case 'QUOTA_EXCEEDED': {
      const { storage, neededBytes } = context;
      // Without figures from this page, the worker's own words carry them (refused, written, free, needed).
      const figures = storage
        ? ` ${asSentence(neededAgainstFree('this export', neededBytes ?? 0, storage.freeBytes, 'for this app'))}`
        : message ? ` ${asSentence(message)}` : '';
      return {
        title: 'Storage is full',
        detail: `The device ran out of space while writing the zip.${figures}`,
        action: 'Free some space (delete old exports in History), export fewer formats or a shorter period, or save to a file you choose.',
      };
    }
    case 'SINK_FAILED':
    case 'SINK_CLOSED':
      return { title: 'Writing the zip failed', detail: message, action: 'Try again; if it keeps failing, choose another destination.' };
    case 'INVALID_REQUEST':
      return { title: 'This export cannot be made', detail: message, action: 'Check the formats chosen for each kind of data.' };
    case 'VERIFY_FAILED':
      return { title: 'The export did not verify', detail: message, action: 'Export again; the old zip should not be trusted.' };
    default:
      return { title: 'The export failed', detail: message, action: 'Try again. If it fails again, export fewer formats to find the one at fault.' };
  }
}
