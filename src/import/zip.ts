// Zip archives (Strava bulk export, a Garmin folder of FIT files, any zip of device files) read with zip.js.

import { ERR_ENTRY_DATA_OUT_OF_BOUNDS, ERR_INVALID_COMPRESSED_DATA, ERR_INVALID_CRC32, ERR_INVALID_UNCOMPRESSED_SIZE, ERR_LOCAL_FILE_HEADER_NOT_FOUND, ERR_OVERLAPPING_ENTRY, Uint8ArrayReader, ZipReader, type FileEntry, type Reader } from '@zip.js/zip.js';
import Papa from 'papaparse';
import { ExportError, isAbortError } from '../model/errors.ts';
import { concatBytes } from '../model/streams.ts';
import { DEFLATE_RATIO_FLOOR_BYTES, InflateBudget, InflateLimitError, MAX_DEFLATE_RATIO } from './bytes.ts';
import { RandomAccessZipReader, type RandomAccessSource } from './streaming-input.ts';

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

/** Why a member's name is unsafe to take at face value (APPNOTE 4.4.17: relative, forward slashes), or undefined. */
export function unsafeMemberName(path: string): string | undefined {
  if (path.includes('\0')) return 'its name holds a NUL character';
  if (path.startsWith('/') || path.startsWith('\\')) return 'its name is an absolute path';
  if (/^[A-Za-z]:/.test(path)) return 'its name starts with a drive letter';
  if (path.split(/[/\\]/).includes('..')) return 'its name climbs out of the archive with ".."';
  return undefined;
}

// Nested workers are pointless inside our import worker and unavailable in Node. Names are checked one by one
// (`unsafeMemberName`) rather than by zip.js, which refuses the whole archive for one bad name.
const ZIP_OPTIONS = { useWebWorkers: false, checkSignature: true, filenameValidation: 'tolerant' } as const;

/** The error of a member whose name an earlier member already has. */
export const REPEATED_NAME = 'skipped: another member of the archive has the same name';

/** An archive in memory, or a file read at offsets (only the central directory and the member read are loaded). */
export type ZipSource = Uint8Array | RandomAccessSource;

/** A zip.js Reader over either kind of source. */
export function zipReaderOf(source: ZipSource): Reader<unknown> {
  return source instanceof Uint8Array ? new Uint8ArrayReader(source) : new RandomAccessZipReader(source);
}

/** A member that cannot be read: its message says why in words (`skipped: inflates past …`). */
export class ZipMemberError extends ExportError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_INPUT', message, options);
  }
}

function ratioRefusal(inflated: number, compressed: number): string {
  const ratio = Math.round(inflated / Math.max(1, compressed));
  return `skipped: inflates ${ratio} times its compressed size, past the ${MAX_DEFLATE_RATIO} to 1 that real files stay under (a zip bomb)`;
}

/**
 * An archive opened for reading one member at a time: `paths` lists its file members in archive order (folders
 * and macOS `__MACOSX/` resource forks left out); `stream` inflates one of them chunk by chunk against the budget,
 * never past it, and `read` collects one whole.
 */
export class ZipArchive {
  /** Names held by more than one member, whose later members are not read. */
  readonly repeated: string[] = [];

  private constructor(
    private readonly reader: ZipReader<unknown>, private readonly entries: Map<string, FileEntry>, private readonly budget: InflateBudget,
    private readonly source: ZipSource,
  ) {}

  /** Opens `source`; throws if the archive itself (its central directory) is unreadable. */
  static async open(source: ZipSource, budget: InflateBudget): Promise<ZipArchive> {
    const reader = new ZipReader(zipReaderOf(source), ZIP_OPTIONS);
    try {
      const entries = new Map<string, FileEntry>();
      const repeated: string[] = [];
      for (const entry of await reader.getEntries()) {
        if (entry.directory || entry.filename.startsWith('__MACOSX/')) continue;
        if (entries.has(entry.filename)) repeated.push(entry.filename);
        else entries.set(entry.filename, entry);
      }
      const archive = new ZipArchive(reader, entries, budget, source);
      archive.repeated.push(...repeated);
      return archive;
    } catch (error) {
      await reader.close();
      throw error;
    }
  }

  get paths(): string[] {
    return [...this.entries.keys()];
  }

  /** The size a member's central directory declares, inflated (0 for a path not in the archive). */
  declaredSize(path: string): number {
    return this.entries.get(path)?.uncompressedSize ?? 0;
  }

  /**
   * Why a member is refused before a byte of it is inflated, or undefined: an unsafe name, a declared size past the
   * budget, or a declared deflate ratio only a bomb has. `isStreamed` members (parsed as they stream, never held)
   * are measured against the streamed-file limit.
   */
  refusal(path: string, isStreamed = false): string | undefined {
    const entry = this.entries.get(path);
    if (!entry) return 'not in the archive';
    const unsafe = unsafeMemberName(path);
    if (unsafe) return `skipped: ${unsafe}`;
    const refusal = this.budget.refusalOf(entry.uncompressedSize, isStreamed);
    if (refusal) return `skipped: ${refusal}`;
    if (entry.uncompressedSize > DEFLATE_RATIO_FLOOR_BYTES && entry.uncompressedSize > entry.compressedSize * MAX_DEFLATE_RATIO) {
      return ratioRefusal(entry.uncompressedSize, entry.compressedSize);
    }
    return undefined;
  }

  /**
   * One member's bytes as they inflate. Throws `ZipMemberError` (the reason in words) for a refused member, a failed
   * inflate or CRC, inflating past the per-member or the import's total limit, past the size its header declares, or
   * past `MAX_DEFLATE_RATIO` times its compressed size: each is stopped as it passes, so no more is ever inflated.
   */
  async *stream(path: string, options: { signal?: AbortSignal; isStreamed?: boolean } = {}): AsyncIterable<Uint8Array> {
    const refusal = this.refusal(path, options.isStreamed);
    if (refusal) throw new ZipMemberError(refusal);
    const entry = this.entries.get(path)!;
    const budget = this.budget;
    // Bounded hand-over from zip.js's writer to this generator: zip.js waits while two chunks are unread.
    const pipe = new TransformStream<Uint8Array, Uint8Array>(undefined, { highWaterMark: 2 }, { highWaterMark: 2 });
    let failure: unknown;
    const reader = pipe.readable.getReader();
    // zip.js can fail before it ever writes or closes the pipe ("Entry data out of bounds"): cancelling the
    // reader ends the pending read, so the loop below sees the failure instead of waiting forever.
    const done = entry.getData(pipe.writable, { ...ZIP_OPTIONS, signal: options.signal }).catch((error: unknown) => {
      failure = error;
      void reader.cancel(error).catch(() => {});
    });
    let size = 0;
    try {
      for (;;) {
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch (error) {
          await done;
          throw memberError(failure ?? error, entry);
        }
        if (next.done) break;
        try {
          // The central directory's size can lie; what counts is what inflates.
          size = budget.take(size, next.value.byteLength, options.isStreamed);
        } catch (error) {
          throw memberError(error, entry);
        }
        if (size > DEFLATE_RATIO_FLOOR_BYTES && size > entry.compressedSize * MAX_DEFLATE_RATIO) throw new ZipMemberError(ratioRefusal(size, entry.compressedSize));
        yield next.value;
      }
      await done;
      if (failure !== undefined) throw memberError(failure, entry);
    } finally {
      await reader.cancel().catch(() => {});
      await done;
    }
  }

  /**
   * A member stored without compression (as zips inside an account export often are) as a random-access source over
   * this archive's own bytes, so a zip inside it is read at offsets too instead of held whole; undefined for a
   * compressed, encrypted or refused member. Its bytes are checked by the inner archive (each inner member's CRC).
   */
  async storedMember(path: string): Promise<RandomAccessSource | undefined> {
    const entry = this.entries.get(path);
    if (!entry || entry.compressionMethod !== 0 || entry.encrypted || this.refusal(path, true)) return undefined;
    const read = (offset: number, length: number) => (this.source instanceof Uint8Array ? Promise.resolve(this.source.subarray(offset, offset + length)) : this.source.read(offset, length));
    // The data starts after the local header (APPNOTE 4.3.7): 30 bytes, then the name and the extra field.
    const header = await read(entry.offset, 30);
    if (header.length < 30 || header[0] !== 0x50 || header[1] !== 0x4b || header[2] !== 0x03 || header[3] !== 0x04) return undefined;
    const start = entry.offset + 30 + (header[26] | (header[27] << 8)) + (header[28] | (header[29] << 8));
    const size = entry.compressedSize;
    const total = this.source instanceof Uint8Array ? this.source.length : this.source.size;
    if (start + size > total) return undefined;
    return {
      size,
      read: async (offset, length) => read(start + Math.max(0, offset), Math.max(0, Math.min(length, size - offset))),
    };
  }

  /** One member's bytes whole, or why not (see `stream`). */
  async read(path: string, signal?: AbortSignal): Promise<ZipMember> {
    const parts: Uint8Array[] = [];
    try {
      for await (const chunk of this.stream(path, { signal })) parts.push(chunk.slice());
      return { path, bytes: concatBytes(parts) };
    } catch (error) {
      if (isAbortError(error)) throw error;
      return { path, error: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    await this.reader.close();
  }
}

function memberError(error: unknown, entry: FileEntry): Error {
  if (isAbortError(error) || error instanceof ZipMemberError) return error as Error;
  if (error instanceof InflateLimitError) return new ZipMemberError(`skipped: ${error.message}`);
  if ((error as Error).message === ERR_INVALID_UNCOMPRESSED_SIZE) return new ZipMemberError(`skipped: inflates past the ${entry.uncompressedSize} bytes its header declares`);
  return new ZipMemberError(`cannot extract: ${damageInWords((error as Error).message)}`, { cause: error });
}

/**
 * Reads every file member in archive order, one at a time (see `ZipArchive.read`: a member that is unsafe,
 * corrupt or too large comes back with `error`, so one bad entry does not stop the rest). Throws if the archive
 * itself (its central directory) is unreadable.
 */
export async function* readZipMembers(source: ZipSource, budget: InflateBudget, signal?: AbortSignal): AsyncIterable<ZipMember> {
  const archive = await ZipArchive.open(source, budget);
  try {
    for (const path of archive.paths) {
      signal?.throwIfAborted();
      yield await archive.read(path, signal);
    }
    for (const path of archive.repeated) yield { path, error: REPEATED_NAME };
  } finally {
    await archive.close();
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

/** zip.js's reasons for a member it cannot read, in words a person with a damaged download understands. */
const DAMAGE_WORDS: Record<string, string> = {
  [ERR_ENTRY_DATA_OUT_OF_BOUNDS]: 'its data runs past the end of the archive (the zip is cut short or damaged)',
  [ERR_LOCAL_FILE_HEADER_NOT_FOUND]: 'its header is missing where the archive says it starts (the zip is damaged)',
  [ERR_OVERLAPPING_ENTRY]: 'its data overlaps another member (the zip is damaged or crafted)',
  [ERR_INVALID_CRC32]: 'its checksum does not match (the member is damaged)',
  [ERR_INVALID_COMPRESSED_DATA]: 'its compressed data is damaged',
};

function damageInWords(message: string): string {
  return DAMAGE_WORDS[message] ?? message;
}
