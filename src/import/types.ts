// The result shape of every importer: activities with their track chunks, table records, or a per-file error.

import type { Activity, TakeawayRecord, TrackChunk } from '../model/records.ts';
import type { InflateLimits } from './bytes.ts';
import type { RandomAccessSource } from './streaming-input.ts';

/** One imported activity, its track in stored chunks, and (for device files) the file it came from. */
export interface ImportedActivity {
  activity: Activity;
  chunks: TrackChunk[];
  /** The original device file, byte for byte, so an "original files" export can hand it back. */
  original?: { name: string; bytes: Uint8Array };
  /** What the file held but the import left out, in words naming it (`trkpt #12 dropped: lat="100" is out of range`). */
  warnings?: string[];
}

/** What `importFiles` yields: an activity, a table record (steps, weight, sleep…), or the reason a file failed. */
export type ImportItem =
  | ({ type: 'activity'; file: string } & ImportedActivity)
  | { type: 'record'; file: string; record: Exclude<TakeawayRecord, Activity> }
  | { type: 'error'; file: string; message: string };

/**
 * A file handed to the importer: whole bytes, or a function that opens a fresh byte stream. `randomAccess`, when
 * given, opens the same file for reading at any offset: a zip is then read member by member from it, never whole.
 */
export interface ImportFile {
  name: string;
  bytes: Uint8Array | (() => AsyncIterable<Uint8Array>);
  randomAccess?: () => Promise<RandomAccessSource>;
}

/** Where an import is: bytes of the input read so far out of its size, and the member or file being read. */
export interface ImportProgress {
  file: string;
  bytesRead: number;
  totalBytes: number;
}

/** Options shared by the importers. */
export interface ImportOptions {
  /** `updatedAtMs` stamped on every produced record; default `Date.now()` (tests pass a fixed clock). */
  nowMs?: number;
  /** Aborting stops the import between files and between chunks with an `AbortError`. */
  signal?: AbortSignal;
  /** How far zip members may inflate, each and all together; default `DEFAULT_INFLATE_LIMITS` (zip.ts). */
  inflateLimits?: InflateLimits;
  /** Told as the input is read (at most every few MB), for progress with an ETA. */
  onProgress?: (progress: ImportProgress) => void;
}
