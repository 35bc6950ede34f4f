// Zip archives (Strava bulk export, a Garmin folder of FIT files, any zip of device files) read with zip.js.

import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader } from '@zip.js/zip.js';
import Papa from 'papaparse';

/** True for a local file header or an empty archive's end record (APPNOTE 4.3.7, 4.3.16). */
export function isZipHeader(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b
    && ((head[2] === 0x03 && head[3] === 0x04) || (head[2] === 0x05 && head[3] === 0x06));
}

/** One member of an archive: its bytes, or why they could not be read. */
export type ZipMember = { path: string; bytes: Uint8Array } | { path: string; error: string };

/** What a Strava bulk export's `activities.csv` says about one activity file. */
export interface StravaActivityInfo {
  activityId: string;
  name: string;
  description?: string;
}

// Nested workers are pointless inside our import worker and unavailable in Node.
const ZIP_OPTIONS = { useWebWorkers: false, checkSignature: true } as const;

/**
 * Reads every file member in archive order (folders and macOS `__MACOSX/` resource forks skipped). A member
 * that fails to inflate or fails its CRC comes back with `error`, so one bad entry does not stop the rest.
 * Throws if the archive itself (its central directory) is unreadable.
 */
export async function* readZipMembers(bytes: Uint8Array, signal?: AbortSignal): AsyncIterable<ZipMember> {
  const reader = new ZipReader(new Uint8ArrayReader(bytes), ZIP_OPTIONS);
  try {
    const entries = await reader.getEntries();
    for (const entry of entries) {
      signal?.throwIfAborted();
      if (entry.directory || entry.filename.startsWith('__MACOSX/')) continue;
      try {
        const data = await entry.getData!(new Uint8ArrayWriter(), { ...ZIP_OPTIONS, signal });
        yield { path: entry.filename, bytes: data };
      } catch (error) {
        if (error instanceof Error && error.name === 'AbortError') throw error;
        yield { path: entry.filename, error: `cannot extract: ${(error as Error).message}` };
      }
    }
  } finally {
    await reader.close();
  }
}

/** Path of a Strava export's `activities.csv` among `paths` (at the root or one folder down), if any. */
export function findStravaIndex(paths: readonly string[]): string | undefined {
  return paths.find((p) => /^([^/]+\/)?activities\.csv$/i.test(p));
}

/**
 * Parses a Strava `activities.csv` into a map from the activity file path (as listed in its `Filename`
 * column, e.g. `activities/1234.fit.gz`, relative to the csv's folder) to its id, name and description.
 */
export function parseStravaIndex(text: string): Map<string, StravaActivityInfo> {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: 'greedy' });
  const byFile = new Map<string, StravaActivityInfo>();
  for (const row of parsed.data) {
    const file = row['Filename']?.trim();
    if (!file) continue;
    const info: StravaActivityInfo = { activityId: row['Activity ID']?.trim() ?? '', name: row['Activity Name']?.trim() ?? '' };
    const description = row['Activity Description']?.trim();
    if (description) info.description = description;
    byFile.set(file, info);
  }
  return byFile;
}
