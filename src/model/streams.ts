// Stream helpers shared by the engine and its callers. `ReadableStream.from` is not used: browser support is uneven.

/** A pull-based ReadableStream over an async iterable; cancelling the stream returns the iterator. */
export function readableFromIterable<T>(iterable: AsyncIterable<T> | Iterable<T>): ReadableStream<T> {
  const iterator = Symbol.asyncIterator in iterable
    ? (iterable as AsyncIterable<T>)[Symbol.asyncIterator]()
    : toAsyncIterator((iterable as Iterable<T>)[Symbol.iterator]());
  return new ReadableStream<T>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel(reason) {
      await iterator.return?.(reason);
    },
  }, { highWaterMark: 0 });
}

function toAsyncIterator<T>(iterator: Iterator<T>): AsyncIterator<T> {
  return {
    next: async () => iterator.next(),
    return: async (value?: unknown) => iterator.return?.(value as T) ?? { done: true, value: undefined as T },
  };
}

/** Reads a byte stream to its end, calling `onChunk` for each chunk. */
export async function forEachChunk(stream: ReadableStream<Uint8Array>, onChunk: (chunk: Uint8Array) => void): Promise<void> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      onChunk(value);
    }
  } finally {
    reader.releaseLock();
  }
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
