// Spare buffers for text pieces. A million-sample export hands out ~11,000 pieces of ~64 KB; allocating each one
// fresh made V8 run a full GC every few MB of them (external memory pressure: 77 mark-compacts and ~1.2 s of the
// encoding thread's time per million samples in Node). Pieces that went to a codec thread come back from it
// once deflated (their buffers are moved, not copied) and are filled again here.

/** Capacity of a spare buffer: a full piece plus the one sample that made it full. */
export const PIECE_BUFFER_BYTES = 68 * 1024;
/** Spare buffers kept at most (~17 MB): about what four entries read ahead hold in flight. */
const MAX_SPARE = 256;

const spare: ArrayBuffer[] = [];

/**
 * A copy of `bytes` that owns its buffer: a spare one when it fits (a new spare-sized one when none is left, so it
 * can come back), else one of its own size.
 */
export function copyToPiece(bytes: Uint8Array): Uint8Array {
  const piece = bytes.byteLength <= PIECE_BUFFER_BYTES
    ? new Uint8Array(spare.pop() ?? new ArrayBuffer(PIECE_BUFFER_BYTES), 0, bytes.byteLength)
    : new Uint8Array(bytes.byteLength);
  piece.set(bytes);
  return piece;
}

/** Buffers of pieces nothing refers to any more (a codec thread sent them back): kept to be filled again. */
export function returnPieceBuffers(buffers: readonly ArrayBuffer[]): void {
  for (const buffer of buffers) {
    if (spare.length >= MAX_SPARE) return;
    if (buffer.byteLength === PIECE_BUFFER_BYTES) spare.push(buffer);
  }
}

/** How many spare buffers are kept (for tests). */
export function spareBufferCount(): number {
  return spare.length;
}
