// A whole-entry codec that spreads entries over a few codec threads (Web Workers in the browser, worker_threads
// in Node). Without it the thread that encodes would also deflate and hash; with it, earlier entries compress
// on the other cores while the next ones are encoded. Only the protocol and the scheduling live here.

import type { EncodedWholeEntry, WholeEntryCodec } from './entry-codec.ts';
import { returnPieceBuffers } from '../formats/piece-buffers.ts';

/** One entry to encode; the buffers of `pieces` are transferred. */
export interface CodecTask {
  id: number;
  pieces: Uint8Array[];
  level: number;
}

/** `spent`: the buffers of deflated pieces, moved back so the encoding thread fills them again (piece-buffers.ts). */
export type CodecReply = { id: number; error: string } | ({ id: number; error?: undefined; spent?: ArrayBuffer[] } & EncodedWholeEntry);

/** What the pool needs of a codec thread (a Web Worker has it; Node's is adapted in src/node/entry-codec.ts). */
export interface CodecWorker {
  postMessage(message: CodecTask, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: { data: CodecReply }) => void): void;
  addEventListener(type: 'error', listener: (event: { message: string }) => void): void;
  terminate(): void;
}

interface Pending {
  resolve(entry: EncodedWholeEntry): void;
  reject(error: Error): void;
}

interface Slot {
  worker: CodecWorker;
  pending: Map<number, Pending>;
}

/**
 * Codec threads started on first use, `size` at most; each entry goes to the thread with the fewest in flight.
 * A thread that dies fails the entries it held (the export then fails with that reason) and is replaced.
 */
export function createCodecPool(size: number, supportsLevel: (level: number) => boolean, spawn: () => CodecWorker): WholeEntryCodec {
  const slots: Slot[] = [];
  let nextId = 0;

  const start = (): Slot => {
    const slot: Slot = { worker: spawn(), pending: new Map() };
    slot.worker.addEventListener('message', ({ data }) => {
      const task = slot.pending.get(data.id);
      slot.pending.delete(data.id);
      if (data.error !== undefined) task?.reject(new Error(`compressing an entry failed: ${data.error}`));
      else {
        if (data.spent) returnPieceBuffers(data.spent);
        task?.resolve({ chunks: data.chunks, crc32: data.crc32, sha256Hex: data.sha256Hex });
      }
    });
    slot.worker.addEventListener('error', ({ message }) => {
      slots.splice(slots.indexOf(slot), 1);
      for (const task of slot.pending.values()) task.reject(new Error(`a codec thread stopped: ${message}`));
      slot.pending.clear();
      slot.worker.terminate();
    });
    slots.push(slot);
    return slot;
  };

  const leastBusy = (): Slot => {
    let best: Slot | undefined;
    for (const slot of slots) if (!best || slot.pending.size < best.pending.size) best = slot;
    return best && (best.pending.size === 0 || slots.length >= size) ? best : start();
  };

  return {
    supportsLevel,
    encode(pieces, level) {
      const slot = leastBusy();
      const id = nextId++;
      const buffers = new Set<ArrayBuffer>();
      for (const piece of pieces) if (piece.buffer instanceof ArrayBuffer) buffers.add(piece.buffer);
      return new Promise<EncodedWholeEntry>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        slot.worker.postMessage({ id, pieces: [...pieces], level }, [...buffers]);
      });
    },
  };
}
