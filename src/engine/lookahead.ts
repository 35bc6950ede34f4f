// Entries in archive order, with small standalone ones read and compressed ahead of their turn. Encoding runs on
// the export's thread and deflate elsewhere (zlib's thread pool, codec workers); one entry at a time left that
// thread waiting for deflate about 40% of the time. With a few entries ahead, it encodes the next while earlier
// ones compress, and the zip is still written strictly in order, so checkpoints and output stay as before.

import type { EncodedEntry } from '../formats/types.ts';
import type { EncodedWholeEntry, WholeEntryCodec } from './entry-codec.ts';

/** A standalone entry read to its end and encoded whole. */
export interface PreparedEntry extends EncodedWholeEntry {
  /** Content bytes. */
  size: number;
  /** Zip compression method of `bytes`: 8 deflate, 0 stored. */
  method: 0 | 8;
  level: number;
}

/** One entry in its turn: `prepared` when it was read ahead, else its content is still to be read. */
export interface EntrySlot<T extends { entry: EncodedEntry }> {
  item: T;
  prepared?: Promise<PreparedEntry>;
}

export interface LookaheadOptions<T> {
  codec: WholeEntryCodec;
  /** Entries started and not yet written, at most (1 = no lookahead). */
  window: number;
  /** Standalone entries announced bigger than this stream in their turn instead (bounds memory). */
  maxEntryBytes: number;
  /** The deflate level of an item (0 = stored). */
  levelOf(item: T): number;
  /** Stops the entries' content generators (they share it as their signal) when the reader gives up. */
  controller: AbortController;
  /** Called with each chunk's length as content is read ahead (progress). */
  onRead(bytes: number): void;
}

/**
 * Yields `items` in order. Before each yield it starts reading ahead, up to `window`, the standalone entries that
 * follow; it pulls past an entry that is not standalone only once that entry was yielded and the caller came
 * back (its format may need it read first). Giving up early stops and awaits whatever runs ahead.
 */
export async function* withLookahead<T extends { entry: EncodedEntry }>(
  items: AsyncIterable<T>,
  options: LookaheadOptions<T>,
): AsyncGenerator<EntrySlot<T>> {
  const iterator = items[Symbol.asyncIterator]();
  const pending: EntrySlot<T>[] = [];
  let isBlocked = false;
  let isDone = false;
  try {
    for (;;) {
      while (!isDone && !isBlocked && pending.length < options.window) {
        const next = await iterator.next();
        if (next.done) {
          isDone = true;
          break;
        }
        pending.push(startSlot(next.value, options));
        isBlocked = next.value.entry.standaloneSizeBytes === undefined;
      }
      const head = pending.shift();
      if (!head) return;
      yield head;
      if (pending.length === 0) isBlocked = false;
    }
  } finally {
    if (pending.length > 0) {
      options.controller.abort();
      await Promise.allSettled(pending.map((slot) => slot.prepared));
    }
    if (!isDone) await iterator.return?.();
  }
}

function startSlot<T extends { entry: EncodedEntry }>(item: T, options: LookaheadOptions<T>): EntrySlot<T> {
  const sizeBytes = item.entry.standaloneSizeBytes;
  const level = options.levelOf(item);
  if (options.window <= 1 || sizeBytes === undefined || sizeBytes > options.maxEntryBytes || !options.codec.supportsLevel(level)) {
    return { item };
  }
  const prepared = prepare(item.entry, level, options);
  prepared.catch(() => undefined); // awaited in its turn; the failure is reported there
  return { item, prepared };
}

async function prepare(entry: EncodedEntry, level: number, options: LookaheadOptions<unknown>): Promise<PreparedEntry> {
  const signal = options.controller.signal;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of entry.content) {
    signal.throwIfAborted();
    chunks.push(chunk);
    size += chunk.byteLength;
    options.onRead(chunk.byteLength);
  }
  const encoded = await options.codec.encode(chunks, level);
  return { ...encoded, size, method: level > 0 ? 8 : 0, level };
}
