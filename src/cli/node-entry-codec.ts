// Installs zlib's thread pool as the engine's whole-entry codec in Node processes (CLI, server workers,
// benchmarks): gzip computes the deflate stream and the CRC-32 in one pass off the main thread, at any level.

import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { rawDeflateOfGzip, setWholeEntryCodec, sha256HexOf } from '../engine/entry-codec.ts';

const gzipAsync = promisify(gzip);

export function installNodeEntryCodec(): void {
  setWholeEntryCodec({
    supportsLevel: (level) => Number.isInteger(level) && level >= 0 && level <= 9,
    async encode(content, level) {
      const digest = sha256HexOf(content);
      const gzipped = await gzipAsync(content, { level });
      const { bytes, crc32 } = rawDeflateOfGzip(gzipped, content.byteLength);
      return { bytes: level === 0 ? content : bytes, crc32, sha256Hex: await digest };
    },
  });
}
