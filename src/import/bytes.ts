// Byte-source helpers: peek at a file's first bytes, read it whole under a size cap, gunzip a stream.

import { formatBytes } from '../model/byte-size.ts';
import { ExportError } from '../model/errors.ts';
import { concatBytes } from '../model/streams.ts';

/** Whole bytes, or a function opening a fresh stream of chunks. */
export type ByteSource = Uint8Array | (() => AsyncIterable<Uint8Array>);

/** Largest file read whole into memory (FIT, zip, CSV): 256 MiB. */
export const MAX_WHOLE_FILE_BYTES = 256 * 1024 * 1024;

const STREAM_SLICE_BYTES = 1024 * 1024;

/** How far compressed data (zip members, .gz files) may inflate: each file, and all files of one import together. */
export interface InflateLimits {
  /** A file held whole (FIT, GPX and TCX kept as originals, CSV, a zip inside a zip). */
  memberBytes: number;
  /** All files of one import together. */
  totalBytes: number;
  /** A file parsed as it streams and never held (an Apple Health `export.xml`); default `DEFAULT_INFLATE_LIMITS`'. */
  streamedMemberBytes?: number;
}

/**
 * Larger than any device file or Strava export member, and than any Apple Health `export.xml` seen (4 GB); a zip
 * bomb stops here, or much earlier at `MAX_DEFLATE_RATIO`.
 */
export const DEFAULT_INFLATE_LIMITS: Required<InflateLimits> = { memberBytes: 250_000_000, totalBytes: 32_000_000_000, streamedMemberBytes: 16_000_000_000 };

/**
 * Inflated bytes per compressed byte past which a member is taken for a bomb: real exports compress 5–30 to 1 (Apple
 * Health XML about 15), deflate's ceiling is about 1,030 to 1, reached only by long runs of one byte.
 */
export const MAX_DEFLATE_RATIO = 200;
/** Members inflating to less than this are never refused by ratio (a small file of zeros is harmless). */
export const DEFLATE_RATIO_FLOOR_BYTES = 8 * 1024 * 1024;

/** Inflating past a limit; the message names the limit in words. */
export class InflateLimitError extends ExportError {
  constructor(limit: string) {
    super('INVALID_INPUT', `inflates past ${limit}`);
  }
}

/** The inflate allowance of one import, shared by every archive and .gz file it opens (zips inside zips included). */
export class InflateBudget {
  private inflatedBytes = 0;

  constructor(readonly limits: InflateLimits = DEFAULT_INFLATE_LIMITS) {}

  /** Why a file declaring `size` inflated bytes is refused before inflating it, or undefined. */
  refusalOf(size: number, isStreamed = false): string | undefined {
    if (size > this.memberBytes(isStreamed)) return new InflateLimitError(this.memberLimit(isStreamed)).message;
    if (size > this.limits.totalBytes - this.inflatedBytes) return new InflateLimitError(this.totalLimit()).message;
    return undefined;
  }

  /** Counts `bytes` more of a file that has inflated `sizeSoFar`; returns its new size or throws `InflateLimitError`. */
  take(sizeSoFar: number, bytes: number, isStreamed = false): number {
    const size = sizeSoFar + bytes;
    this.inflatedBytes += bytes;
    if (size > this.memberBytes(isStreamed)) throw new InflateLimitError(this.memberLimit(isStreamed));
    if (this.inflatedBytes > this.limits.totalBytes) throw new InflateLimitError(this.totalLimit());
    return size;
  }

  private memberBytes(isStreamed: boolean): number {
    return isStreamed ? this.limits.streamedMemberBytes ?? DEFAULT_INFLATE_LIMITS.streamedMemberBytes : this.limits.memberBytes;
  }

  private memberLimit(isStreamed: boolean): string {
    return `the limit of ${formatBytes(this.memberBytes(isStreamed))} per ${isStreamed ? 'streamed ' : ''}file`;
  }

  private totalLimit(): string {
    return `the limit of ${formatBytes(this.limits.totalBytes)} for all files of one import`;
  }
}

/** The source as a stream of chunks; whole arrays are sliced into 1 MiB views so parsers can yield between them. */
export async function* streamBytes(source: ByteSource): AsyncIterable<Uint8Array> {
  if (source instanceof Uint8Array) {
    for (let offset = 0; offset < source.length; offset += STREAM_SLICE_BYTES) {
      yield source.subarray(offset, offset + STREAM_SLICE_BYTES);
    }
    return;
  }
  yield* source();
}

/**
 * The first `count` bytes (fewer if the file is shorter) without reading the rest, and the whole
 * stream again from its start. Lets `importFiles` reject garbage by its magic bytes before parsing.
 */
export async function peekBytes(source: ByteSource, count: number): Promise<{ head: Uint8Array; chunks: AsyncIterable<Uint8Array> }> {
  if (source instanceof Uint8Array) return { head: source.subarray(0, count), chunks: streamBytes(source) };
  const iterator = source()[Symbol.asyncIterator]();
  const buffered: Uint8Array[] = [];
  let size = 0;
  let isDone = false;
  while (size < count) {
    const next = await iterator.next();
    if (next.done) {
      isDone = true;
      break;
    }
    buffered.push(next.value);
    size += next.value.length;
  }
  const head = concatBytes(buffered).subarray(0, count);
  async function* replay(): AsyncIterable<Uint8Array> {
    yield* buffered;
    if (isDone) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, chunks: replay() };
}


/** Reads a stream whole; throws `INVALID_INPUT` past `maxBytes` (default 256 MiB) instead of exhausting memory. */
export async function collectBytes(chunks: AsyncIterable<Uint8Array>, maxBytes = MAX_WHOLE_FILE_BYTES, signal?: AbortSignal): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    signal?.throwIfAborted();
    size += chunk.length;
    if (size > maxBytes) throw new ExportError('INVALID_INPUT', `file is larger than ${maxBytes} bytes`);
    parts.push(chunk);
  }
  return concatBytes(parts);
}

/** True when the bytes start with the gzip magic number (RFC 1952 §2.3.1). */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Decompresses a gzip stream with the platform's `DecompressionStream` (browsers, workers, Node ≥ 18), counted against
 * `budget`: past its limit it throws `InflateLimitError` and inflates no further.
 */
export async function* gunzipBytes(chunks: AsyncIterable<Uint8Array>, budget: InflateBudget): AsyncIterable<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  const input = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  const reader = input.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>).getReader();
  let size = 0;
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (error) {
        throw new ExportError('INVALID_INPUT', `gzip data is corrupt: ${(error as Error).message}`, { cause: error });
      }
      if (next.done) return;
      size = budget.take(size, next.value.byteLength);
      yield next.value;
    }
  } finally {
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
