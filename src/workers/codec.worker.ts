// A codec worker: deflates and checksums whole zip entries for the export worker (see src/engine/codec-pool.ts), so
// several entries compress on other cores while the export worker goes on encoding.

import { webEntryCodec } from '../engine/entry-codec.ts';
import type { CodecReply, CodecTask } from '../engine/codec-pool.ts';

/** The dedicated worker's global scope, typed by what is used of it (the app's tsconfig has DOM types, not WebWorker). */
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<CodecTask>) => void) | null;
  postMessage(message: CodecReply, transfer?: Transferable[]): void;
};

scope.onmessage = async ({ data }: MessageEvent<CodecTask>) => {
  try {
    const encoded = await webEntryCodec.encode(data.pieces, data.level);
    // Deflated pieces go back to the export worker to be filled again (stored ones are the chunks themselves).
    const spent = data.level === 0 ? [] : [...new Set(data.pieces.map((piece) => piece.buffer as ArrayBuffer))];
    const reply: CodecReply = { id: data.id, ...encoded, spent };
    scope.postMessage(reply, [...new Set(encoded.chunks.map((chunk) => chunk.buffer as ArrayBuffer)), ...spent]);
  } catch (error) {
    const reply: CodecReply = { id: data.id, error: error instanceof Error ? error.message : String(error) };
    scope.postMessage(reply);
  }
};
