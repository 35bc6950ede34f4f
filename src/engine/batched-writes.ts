// Gathers the archive's small writes (zip.js writes each header, descriptor and piece on its own) into blocks of
// about a megabyte before they reach the destination. Each write to an OPFS sync access handle or a picked file
// has a fixed cost: in Chromium, thousands of small writes took a fifth of the export worker's time.

/** Bytes gathered before a block is written. */
export const WRITE_BLOCK_BYTES = 1 << 20;

export class BatchedWrites {
  private block = new Uint8Array(0);
  private used = 0;

  constructor(private readonly write: (bytes: Uint8Array) => Promise<void>, private readonly blockBytes = WRITE_BLOCK_BYTES) {}

  /** Adds `chunk`; writes a block once one is full. A chunk of a block or more goes through as it is. */
  async add(chunk: Uint8Array): Promise<void> {
    if (chunk.byteLength >= this.blockBytes) {
      await this.flush();
      await this.write(chunk);
      return;
    }
    if (this.used + chunk.byteLength > this.blockBytes) await this.flush();
    if (this.block.byteLength === 0) this.block = new Uint8Array(this.blockBytes);
    this.block.set(chunk, this.used);
    this.used += chunk.byteLength;
  }

  /** Writes whatever is gathered (each block is a new array: the destination may keep it). */
  async flush(): Promise<void> {
    if (this.used === 0) return;
    const bytes = this.block.subarray(0, this.used);
    this.block = new Uint8Array(0);
    this.used = 0;
    await this.write(bytes);
  }
}
