// A Node codec thread (worker_threads) for src/engine/codec-pool.ts: hashes and gzips an entry's pieces on its
// own core, without joining them first (a join of every entry cost as much CPU as a fifth of the deflate).
// Plain JavaScript so the thread starts without a TypeScript loader. The reply carries the raw deflate stream
// cut out of the gzip member, whose trailer gives the CRC-32.
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { createGzip } from 'node:zlib';

/** Node's gzip header is always 10 bytes (no name, comment or extra field); the trailer is CRC-32 and length. */
const GZIP_HEADER_BYTES = 10;
const GZIP_TRAILER_BYTES = 8;

parentPort.on('message', async ({ id, pieces, level }) => {
  try {
    const hash = createHash('sha256');
    const gzip = createGzip({ level, chunkSize: 256 * 1024 });
    const output = [];
    gzip.on('data', (chunk) => output.push(chunk));
    const ended = new Promise((resolve, reject) => { gzip.on('end', resolve); gzip.on('error', reject); });
    for (const piece of pieces) {
      hash.update(piece);
      gzip.write(piece);
    }
    gzip.end();
    await ended;
    const member = Buffer.concat(output);
    if (member[3] !== 0) throw new Error('unexpected gzip header flags');
    const crc32 = member.readUInt32LE(member.length - GZIP_TRAILER_BYTES);
    // Its own buffer: small Buffers share Node's pool, which cannot move to another thread.
    const chunks = level === 0 ? pieces : [new Uint8Array(member.subarray(GZIP_HEADER_BYTES, member.length - GZIP_TRAILER_BYTES))];
    // Deflated pieces go back to be filled again (stored ones are the chunks themselves).
    const spent = level === 0 ? [] : [...new Set(pieces.map((piece) => piece.buffer))];
    const transfer = [...new Set(chunks.map((chunk) => chunk.buffer)), ...spent];
    parentPort.postMessage({ id, chunks, crc32, sha256Hex: hash.digest('hex'), spent }, transfer);
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
