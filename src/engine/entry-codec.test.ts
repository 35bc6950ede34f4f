import { createHash } from 'node:crypto';
import { gzipSync, inflateRawSync } from 'node:zlib';
import { createCRC32 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { installNodeEntryCodec } from '../node/entry-codec.ts';
import { rawDeflateOfGzip, webEntryCodec, wholeEntryCodec, type WholeEntryCodec } from './entry-codec.ts';

const content = new TextEncoder().encode('<trkpt lat="52.5" lon="13.4"><ele>34.2</ele></trkpt>\n'.repeat(20_000) + 'ünïcødé');

async function crc32Hex(bytes: Uint8Array): Promise<number> {
  const hasher = await createCRC32();
  hasher.init();
  hasher.update(bytes);
  return Number.parseInt(hasher.digest('hex'), 16);
}

function nodeCodec(): WholeEntryCodec {
  installNodeEntryCodec();
  return wholeEntryCodec();
}

describe('whole-entry codecs', () => {
  it.each([
    ['web (CompressionStream + hash-wasm)', 6, () => webEntryCodec],
    ['node (codec threads)', 6, nodeCodec],
    ['node (codec threads)', 9, nodeCodec],
    ['node (codec threads)', 1, nodeCodec],
  ])('%s at level %i gives a raw deflate stream of the content with its CRC-32 and SHA-256', async (_name, level, codecOf) => {
    const codec = codecOf();
    expect(codec.supportsLevel(level)).toBe(true);
    const encoded = await codec.encode([content.slice(0, 1000), content.slice(1000)], level);
    expect(Buffer.compare(inflateRawSync(Buffer.concat(encoded.chunks)), Buffer.from(content))).toBe(0);
    expect(Buffer.concat(encoded.chunks).byteLength).toBeLessThan(content.byteLength / 10);
    expect(encoded.crc32).toBe(await crc32Hex(content));
    expect(encoded.sha256Hex).toBe(createHash('sha256').update(content).digest('hex'));
  });

  it.each([['web', () => webEntryCodec], ['node', nodeCodec]])('%s stores level 0 as the content itself, with its checksums', async (_name, codecOf) => {
    const encoded = await codecOf().encode([content.slice()], 0);
    expect(Buffer.compare(Buffer.concat(encoded.chunks), Buffer.from(content))).toBe(0);
    expect(encoded.crc32).toBe(await crc32Hex(content));
  });

  it('the web codec says it deflates only at level 6 (CompressionStream has no level)', () => {
    expect(webEntryCodec.supportsLevel(6)).toBe(true);
    expect(webEntryCodec.supportsLevel(0)).toBe(true);
    expect(webEntryCodec.supportsLevel(9)).toBe(false);
  });
});

describe('rawDeflateOfGzip', () => {
  it('skips an optional file name in the header and refuses a member whose length does not match', () => {
    const plain = gzipSync(content);
    const named = Buffer.concat([plain.subarray(0, 3), Buffer.from([8]), plain.subarray(4, 10), Buffer.from('ride.gpx\0'), plain.subarray(10)]);
    const { bytes, crc32 } = rawDeflateOfGzip(named, content.byteLength);
    expect(Buffer.compare(inflateRawSync(bytes), Buffer.from(content))).toBe(0);
    expect(crc32).toBe(plain.readUInt32LE(plain.length - 8));
    expect(() => rawDeflateOfGzip(plain, content.byteLength + 1)).toThrow('length');
    expect(() => rawDeflateOfGzip(content, content.byteLength)).toThrow('gzip');
  });
});
