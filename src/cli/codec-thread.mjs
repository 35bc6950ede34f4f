// A Node codec thread (worker_threads) for src/engine/codec-pool.ts: joins an entry's pieces, hashes them and
// gzips them in one synchronous pass on its own core. Plain JavaScript so the thread starts without a
// TypeScript loader; the reply carries the raw deflate stream cut out of the gzip member.
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';

/** Node's gzip header is always 10 bytes (no name, comment or extra field); the trailer is CRC-32 and length. */
const GZIP_HEADER_BYTES = 10;
const GZIP_TRAILER_BYTES = 8;

parentPort.on('message', ({ id, pieces, level }) => {
  try {
    const content = Buffer.concat(pieces.map((piece) => Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength)));
    const sha256Hex = createHash('sha256').update(content).digest('hex');
    const gzip = gzipSync(content, { level });
    if (gzip[3] !== 0) throw new Error('unexpected gzip header flags');
    const crc32 = gzip.readUInt32LE(gzip.length - GZIP_TRAILER_BYTES);
    const kept = level === 0 ? content : gzip.subarray(GZIP_HEADER_BYTES, gzip.length - GZIP_TRAILER_BYTES);
    const bytes = new Uint8Array(kept); // its own buffer: small Buffers share Node's pool, which cannot move
    parentPort.postMessage({ id, bytes, crc32, sha256Hex }, [bytes.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
