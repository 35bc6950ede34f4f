// Files read at any offset without loading them: a Blob in the browser worker, a file handle in Node (src/node).
// Zip archives are opened over one of these, so only the central directory and the member being read are in memory.

import { Reader } from '@zip.js/zip.js';

/** A file that can be read at any offset. `close` releases what `open` took (a Node file handle). */
export interface RandomAccessSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  close?(): Promise<void>;
}

/** A Blob (a dropped or picked File) as a random-access source; each read slices only the bytes asked for. */
export function blobRandomAccess(blob: Blob): RandomAccessSource {
  return {
    size: blob.size,
    async read(offset, length) {
      return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
    },
  };
}

/** A zip.js Reader over a random-access source. */
export class RandomAccessZipReader extends Reader<RandomAccessSource> {
  constructor(private readonly source: RandomAccessSource) {
    super(source);
    this.size = source.size;
  }

  override async readUint8Array(index: number, length: number): Promise<Uint8Array> {
    return this.source.read(index, length);
  }
}
