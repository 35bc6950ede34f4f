// Byte-source helpers: peek at a file's first bytes, read it whole under a size cap, gunzip a stream.

import { ExportError } from '../model/errors.ts';

/** Whole bytes, or a function opening a fresh stream of chunks. */
export type ByteSource = Uint8Array | (() => AsyncIterable<Uint8Array>);

/** Largest file read whole into memory (FIT, zip, CSV): 256 MiB. */
export const MAX_WHOLE_FILE_BYTES = 256 * 1024 * 1024;

const STREAM_SLICE_BYTES = 1024 * 1024;

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

/** Concatenates chunks into one array (returns the only chunk as is). */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  let size = 0;
  for (const chunk of chunks) size += chunk.length;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
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

/** Decompresses a gzip stream with the platform's `DecompressionStream` (browsers, workers, Node ≥ 18). */
export async function* gunzipBytes(chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
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
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } catch (error) {
    throw new ExportError('INVALID_INPUT', `gzip data is corrupt: ${(error as Error).message}`, { cause: error });
  } finally {
    reader.releaseLock();
  }
}
