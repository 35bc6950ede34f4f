// The whole-entry codec of the browser: a few codec workers, each running CompressionStream and WebCrypto on its
// own thread. In a worker those run on the calling thread, so without the pool the export worker would encode
// and deflate in turn; with it, deflate of earlier entries overlaps the encoding of the next ones.

import type { EncodedWholeEntry, WholeEntryCodec } from '../engine/entry-codec.ts';
import { webEntryCodec } from '../engine/entry-codec.ts';

/** One entry to encode; `content` is transferred. */
export interface CodecTask {
  id: number;
  content: ArrayBuffer;
  level: number;
}

export type CodecReply = { id: number; error: string } | ({ id: number; error?: undefined } & EncodedWholeEntry);

/** What the pool needs of a worker (a DOM Worker has it). */
export interface CodecWorker {
  postMessage(message: CodecTask, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<CodecReply>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  terminate(): void;
}

interface Pending {
  resolve(entry: EncodedWholeEntry): void;
  reject(error: Error): void;
}

/** Codec workers started on first use, `size` at most; each task goes to the worker with the fewest in flight. */
export function createCodecPool(size: number, spawn: () => CodecWorker): WholeEntryCodec {
  const workers: Array<{ worker: CodecWorker; pending: Map<number, Pending> }> = [];
  let nextId = 0;

  const start = (): (typeof workers)[number] => {
    const slot = { worker: spawn(), pending: new Map<number, Pending>() };
    slot.worker.addEventListener('message', ({ data }) => {
      const task = slot.pending.get(data.id);
      slot.pending.delete(data.id);
      if (data.error !== undefined) task?.reject(new Error(`compressing an entry failed: ${data.error}`));
      else task?.resolve({ bytes: data.bytes, crc32: data.crc32, sha256Hex: data.sha256Hex });
    });
    slot.worker.addEventListener('error', (event) => {
      // A dead worker fails what it held; the next tasks start a fresh one.
      workers.splice(workers.indexOf(slot), 1);
      for (const task of slot.pending.values()) task.reject(new Error(`a codec worker stopped: ${event.message}`));
      slot.worker.terminate();
    });
    workers.push(slot);
    return slot;
  };

  const leastBusy = (): (typeof workers)[number] => {
    const idle = workers.reduce<(typeof workers)[number] | undefined>((best, slot) => (!best || slot.pending.size < best.pending.size ? slot : best), undefined);
    return idle && (idle.pending.size === 0 || workers.length >= size) ? idle : start();
  };

  return {
    supportsLevel: webEntryCodec.supportsLevel,
    encode(content, level) {
      const slot = leastBusy();
      const id = nextId++;
      const own = content.byteOffset === 0 && content.byteLength === content.buffer.byteLength ? content.buffer : content.slice().buffer;
      return new Promise<EncodedWholeEntry>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        slot.worker.postMessage({ id, content: own, level }, [own]);
      });
    },
  };
}

/** The pool of the app: one codec worker per core, at most four. */
export function browserCodecPool(): WholeEntryCodec {
  const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 2;
  return createCodecPool(Math.max(1, Math.min(4, cores)), () =>
    new Worker(new URL('./codec.worker.ts', import.meta.url), { type: 'module', name: 'takeaway-codec' }) as CodecWorker);
}
