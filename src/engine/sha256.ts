// Incremental SHA-256 over streamed bytes. Defaults to hash-wasm (WebAssembly: runs in workers, Node and the
// server alike); Node entry points install node:crypto instead, which is ~8× faster there (measured 1,476 vs
// 188 MB/s of CPU on this machine) and gives the same digests.

import { createSHA256, type IHasher } from 'hash-wasm';

export interface IncrementalHash {
  update(bytes: Uint8Array): void;
  /** Lowercase hex digest; the hash cannot be updated afterwards. */
  digestHex(): string;
}

export type Sha256Factory = () => IncrementalHash | Promise<IncrementalHash>;

/**
 * Finished hash-wasm hashers, kept to be reused. Each is a WebAssembly instance with its own memory, and V8 reserves
 * a large address range per memory for the whole process: one per file, left to the GC, ran a renderer out of them
 * ("Cannot allocate Wasm memory for new instance") in a codec worker that rarely collected garbage.
 */
const idleHashers: IHasher[] = [];

/** The default implementation, hash-wasm. */
export async function createWasmSha256(): Promise<IncrementalHash> {
  const hasher = idleHashers.pop() ?? await createSHA256();
  hasher.init();
  let isDone = false;
  return {
    update: (bytes) => {
      if (isDone) throw new Error('SHA-256 updated after its digest');
      hasher.update(bytes);
    },
    digestHex: () => {
      if (isDone) throw new Error('SHA-256 digested twice');
      isDone = true;
      const hex = hasher.digest('hex');
      idleHashers.push(hasher);
      return hex;
    },
  };
}

let factory: Sha256Factory = createWasmSha256;

/** Replaces the SHA-256 implementation for this process or worker (e.g. node:crypto in Node). */
export function setSha256Factory(next: Sha256Factory): void {
  factory = next;
}

export async function createSha256(): Promise<IncrementalHash> {
  return factory();
}

/** SHA-256 of a whole byte array, hex. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const hash = await createSha256();
  hash.update(bytes);
  return hash.digestHex();
}
