// The browser's whole-entry codec: one codec worker per core (at most four), each running CompressionStream and
// hash-wasm on its own thread (in a worker those run on the calling thread).

import { createCodecPool, type CodecWorker } from '../engine/codec-pool.ts';
import { webEntryCodec, type WholeEntryCodec } from '../engine/entry-codec.ts';

export function browserCodecPool(): WholeEntryCodec {
  const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 2;
  return createCodecPool(Math.max(1, Math.min(4, cores)), webEntryCodec.supportsLevel, () =>
    new Worker(new URL('./codec.worker.ts', import.meta.url), { type: 'module', name: 'takeaway-codec' }) as unknown as CodecWorker);
}
