// Installs the engine's whole-entry codec for Node processes (CLI, server workers, benchmarks): a pool of codec
// threads (codec-thread.mjs) that gzip and hash entries read ahead, at any level, on the other cores.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createCodecPool, type CodecReply, type CodecWorker } from '../engine/codec-pool.ts';
import { setWholeEntryCodec } from '../engine/entry-codec.ts';

const THREAD_URL = new URL('./codec-thread.mjs', import.meta.url);

export function installNodeEntryCodec(): void {
  const size = Math.max(1, Math.min(4, availableParallelism()));
  setWholeEntryCodec(createCodecPool(size, (level) => Number.isInteger(level) && level >= 0 && level <= 9, spawnCodecThread));
}

/** A worker thread that keeps the process alive only while it has entries in hand (a CLI must still exit). */
export function spawnCodecThread(worker = new Worker(THREAD_URL)): CodecWorker {
  let inFlight = 0;
  worker.unref();
  return {
    postMessage(message, transfer) {
      if (inFlight++ === 0) worker.ref();
      worker.postMessage(message, transfer as ArrayBuffer[]);
    },
    addEventListener(type: 'message' | 'error', listener: (event: never) => void) {
      if (type === 'message') {
        worker.on('message', (data: CodecReply) => {
          if (--inFlight === 0) worker.unref();
          (listener as (event: { data: CodecReply }) => void)({ data });
        });
      } else {
        worker.on('error', (error: Error) => (listener as (event: { message: string }) => void)({ message: error.message }));
      }
    },
    terminate: () => { void worker.terminate(); },
  };
}
