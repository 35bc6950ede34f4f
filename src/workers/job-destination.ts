// Where a background job's archive goes, as the string stored in the job row (`JobRow.destination`):
// `opfs:exports` (one zip in the workspace), `opfs:exports?partBytes=N` (split parts), `folder:<id>` (mirror).

import { ExportError } from '../model/errors.ts';

const GB = 1_000_000_000;
/** The part sizes the wizard offers (= PART_SIZE_PRESETS_BYTES of engine/split.ts, which the page must not load). */
export const PART_SIZE_CHOICES_BYTES: readonly number[] = [1 * GB, 2 * GB, 4 * GB, 10 * GB, 50 * GB];
/** Default part size, 2 GB. */
export const DEFAULT_PART_CHOICE_BYTES = 2 * GB;
/** Smallest part size (= MIN_PART_BYTES of engine/split.ts). */
export const MIN_PART_BYTES = 64 * 1024;
/** FAT32 cannot hold a file of 4 GiB or more. */
export function isFat32SafeSize(bytes: number): boolean {
  return bytes <= 2 ** 32 - 1;
}

export type JobDestination =
  | { kind: 'workspace'; partSizeBytes?: number }
  | { kind: 'folder'; folderId: string };

/** The stored form of a destination. */
export function formatDestination(destination: JobDestination): string {
  if (destination.kind === 'folder') return `folder:${destination.folderId}`;
  return destination.partSizeBytes ? `opfs:exports?partBytes=${destination.partSizeBytes}` : 'opfs:exports';
}

/** Reads a stored destination; throws `INVALID_REQUEST` naming the text when it is none of the known forms. */
export function parseDestination(text: string): JobDestination {
  if (text.startsWith('folder:') && text.length > 'folder:'.length) return { kind: 'folder', folderId: text.slice('folder:'.length) };
  const match = /^opfs:exports(?:\?partBytes=(\d+))?$/.exec(text);
  if (!match) throw new ExportError('INVALID_REQUEST', `unknown export destination "${text}"`);
  if (match[1] === undefined) return { kind: 'workspace' };
  const partSizeBytes = Number(match[1]);
  if (!Number.isSafeInteger(partSizeBytes) || partSizeBytes < MIN_PART_BYTES) {
    throw new ExportError('INVALID_REQUEST', `part size ${match[1]} bytes is below the minimum of ${MIN_PART_BYTES}`);
  }
  return { kind: 'workspace', partSizeBytes };
}

/** OPFS path (under the workspace) of a job's whole archive, written resumably. */
export function jobArchivePath(jobId: string): string {
  return `exports/${jobId}.zip`;
}

/** OPFS path of part `partNumber` (1-based) of a job's split export. */
export function jobPartPath(jobId: string, partNumber: number): string {
  return `exports/${jobId}-part-${String(partNumber).padStart(3, '0')}.zip`;
}

/** True for rows of the jobs lifecycle; the one-shot exports of export-jobs.ts share the table but have no destination. */
export function isBackgroundJob<T extends { destination?: unknown; trigger?: unknown }>(row: T): boolean {
  return typeof row.destination === 'string' && typeof row.trigger === 'string';
}
