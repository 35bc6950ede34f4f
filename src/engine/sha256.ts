// Incremental SHA-256 over streamed bytes (hash-wasm: WebAssembly, runs in workers, Node and the server alike).

import { createSHA256 } from 'hash-wasm';

export interface IncrementalHash {
  update(bytes: Uint8Array): void;
  /** Lowercase hex digest; the hash cannot be updated afterwards. */
  digestHex(): string;
}

export async function createSha256(): Promise<IncrementalHash> {
  const hasher = await createSHA256();
  hasher.init();
  return {
    update: (bytes) => { hasher.update(bytes); },
    digestHex: () => hasher.digest('hex'),
  };
}

/** SHA-256 of a whole byte array, hex. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const hash = await createSha256();
  hash.update(bytes);
  return hash.digestHex();
}
