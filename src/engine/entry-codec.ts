// Compresses and checksums one whole, small zip entry in a single call, so the work can run off the export's
// thread: codec threads in Node (src/node/entry-codec.ts), codec workers in the browser (codec-pool.ts).
// The CRC-32 a zip entry needs comes from the gzip trailer: the same pass computes it, for free.

import { createCRC32 } from 'hash-wasm';
import { createWasmSha256 } from './sha256.ts';

/** One entry's bytes as they go into the zip, with the checksums zip.js and the manifest need. */
export interface EncodedWholeEntry {
  /** The raw deflate stream (level > 0) or the content itself (level 0, stored), in one or more chunks. */
  chunks: Uint8Array[];
  crc32: number;
  sha256Hex: string;
}

export interface WholeEntryCodec {
  /** Whether `encode` can deflate at this level (0 = store: checksums only). */
  supportsLevel(level: number): boolean;
  /**
   * Deflates the content, given as the pieces it was read in, at `level` (raw deflate, no zlib or gzip wrapper)
   * and checksums it. The pieces are handed over: a codec may move their buffers to another thread.
   */
  encode(pieces: readonly Uint8Array[], level: number): Promise<EncodedWholeEntry>;
}

/**
 * The web-standard codec: CompressionStream (native zlib, level 6 only) fed the pieces as they are, and hash-wasm's
 * incremental SHA-256 and CRC-32. Nothing is joined: WebCrypto's one-shot digest would need one array. Where
 * WebCrypto hashes no faster than hash-wasm (~190 MB/s in one Debian Chromium) the join is pure cost; where it is
 * faster (955 against ~320 MB/s in Chromium 156 on this session's machine) the join ate the gain in A/B runs.
 * bench/browser-bench.ts measures the primitives.
 */
export const webEntryCodec: WholeEntryCodec = {
  supportsLevel: (level) => level === 0 || level === 6,
  async encode(pieces, level) {
    const sha256 = await createWasmSha256();
    for (const piece of pieces) sha256.update(piece);
    const sha256Hex = sha256.digestHex();
    const size = pieces.reduce((sum, piece) => sum + piece.byteLength, 0);
    if (level === 0) return { chunks: [...pieces], crc32: await crc32Of(pieces), sha256Hex };
    // A stream over the pieces in hand, not `new Blob(...).stream()`: in Chromium a Blob made in a worker goes
    // to the browser process and back.
    const input = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const piece of pieces) controller.enqueue(piece);
        controller.close();
      },
    });
    const gzip = new Uint8Array(await new Response(input.pipeThrough(new CompressionStream('gzip') as ReadableWritablePair<Uint8Array, Uint8Array>)).arrayBuffer());
    const { bytes, crc32 } = rawDeflateOfGzip(gzip, size);
    return { chunks: [bytes], crc32, sha256Hex };
  },
};

// One CRC-32 hasher per thread, reused like the SHA-256 ones (sha256.ts says why); nothing awaits between its
// init and digest, so entries never interleave in it.
let crc32Hasher: ReturnType<typeof createCRC32> | undefined;

let codec: WholeEntryCodec = webEntryCodec;

/** Replaces the codec for this process or worker (codec threads in Node, codec workers in the browser). */
export function setWholeEntryCodec(next: WholeEntryCodec): void {
  codec = next;
}

export function wholeEntryCodec(): WholeEntryCodec {
  return codec;
}

async function crc32Of(pieces: readonly Uint8Array[]): Promise<number> {
  const hasher = await (crc32Hasher ??= createCRC32());
  hasher.init();
  for (const piece of pieces) hasher.update(piece);
  return Number.parseInt(hasher.digest('hex'), 16);
}

const GZIP_FLAG_HCRC = 2;
const GZIP_FLAG_EXTRA = 4;
const GZIP_FLAG_NAME = 8;
const GZIP_FLAG_COMMENT = 16;

/** The raw deflate stream and CRC-32 inside a gzip member (RFC 1952), checked against the content's length. */
export function rawDeflateOfGzip(gzip: Uint8Array, contentBytes: number): { bytes: Uint8Array; crc32: number } {
  if (gzip.length < 18 || gzip[0] !== 0x1f || gzip[1] !== 0x8b || gzip[2] !== 8) throw new Error('not a gzip member');
  const flags = gzip[3]!;
  let start = 10;
  if (flags & GZIP_FLAG_EXTRA) start += 2 + (gzip[start]! | (gzip[start + 1]! << 8));
  if (flags & GZIP_FLAG_NAME) start = gzip.indexOf(0, start) + 1;
  if (flags & GZIP_FLAG_COMMENT) start = gzip.indexOf(0, start) + 1;
  if (flags & GZIP_FLAG_HCRC) start += 2;
  const trailer = new DataView(gzip.buffer, gzip.byteOffset + gzip.length - 8, 8);
  if (trailer.getUint32(4, true) !== contentBytes % 2 ** 32) throw new Error('gzip length does not match the content');
  return { bytes: gzip.subarray(start, gzip.length - 8), crc32: trailer.getUint32(0, true) };
}
