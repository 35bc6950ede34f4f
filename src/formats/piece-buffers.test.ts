import { describe, expect, it } from 'vitest';
import { installNodeEntryCodec } from '../node/entry-codec.ts';
import { wholeEntryCodec } from '../engine/entry-codec.ts';
import { PIECE_BUFFER_BYTES, copyToPiece, returnPieceBuffers, spareBufferCount } from './piece-buffers.ts';
import { BytePieceWriter } from './text-writer.ts';

describe('piece buffers', () => {
  it('copies a piece into a spare-sized buffer, and a piece too big for one into its own', () => {
    const small = copyToPiece(new Uint8Array([1, 2, 3]));
    expect([...small]).toEqual([1, 2, 3]);
    expect(small.buffer.byteLength).toBe(PIECE_BUFFER_BYTES);
    const big = copyToPiece(new Uint8Array(PIECE_BUFFER_BYTES + 1).fill(7));
    expect(big.buffer.byteLength).toBe(PIECE_BUFFER_BYTES + 1);
  });

  it('fills a returned buffer again, and keeps only buffers of the spare size', () => {
    const first = copyToPiece(new Uint8Array([1]));
    const before = spareBufferCount();
    returnPieceBuffers([first.buffer as ArrayBuffer, new ArrayBuffer(10)]);
    expect(spareBufferCount()).toBe(before + 1);
    const again = copyToPiece(new Uint8Array([9, 9]));
    expect(again.buffer).toBe(first.buffer);
    expect([...again]).toEqual([9, 9]);
    expect(spareBufferCount()).toBe(before);
  });

  it('a Node codec thread sends deflated pieces back (moved, not copied) and keeps stored ones as the chunks', async () => {
    installNodeEntryCodec();
    const writer = new BytePieceWriter(1024);
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < 2000; i++) {
      writer.ascii(`<trkpt lat="52.${i}" lon="13.${i}"/>\n`);
      if (writer.isFull) pieces.push(writer.take()!);
    }
    const storedPiece = copyToPiece(new Uint8Array([5, 6]));
    const before = spareBufferCount();
    const deflated = await wholeEntryCodec().encode(pieces, 6);
    expect(pieces.every((piece) => piece.byteLength === 0)).toBe(true); // detached: moved to the thread
    expect(spareBufferCount()).toBe(before + pieces.length);
    const stored = await wholeEntryCodec().encode([storedPiece], 0);
    expect([...stored.chunks[0]!]).toEqual([5, 6]);
    expect(spareBufferCount()).toBe(before + pieces.length);
    expect(deflated.chunks.length).toBeGreaterThan(0);
  });
});
