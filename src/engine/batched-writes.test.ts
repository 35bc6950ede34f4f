import { describe, expect, it } from 'vitest';
import { BatchedWrites } from './batched-writes.ts';

function recorder(): { writes: number[]; bytes: number[]; write: (b: Uint8Array) => Promise<void> } {
  const writes: number[] = [];
  const bytes: number[] = [];
  return { writes, bytes, write: async (b) => { writes.push(b.byteLength); bytes.push(...b); } };
}

describe('BatchedWrites', () => {
  it('gathers small chunks into blocks and passes big ones through, keeping every byte in order', async () => {
    const out = recorder();
    const batched = new BatchedWrites(out.write, 10);
    const chunks = [[1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], Array.from({ length: 12 }, (_, i) => 20 + i), [40]];
    for (const chunk of chunks) await batched.add(new Uint8Array(chunk));
    await batched.flush();
    expect(out.writes).toEqual([7, 4, 12, 1]);
    expect(out.bytes).toEqual(chunks.flat());
  });

  it('writes nothing for an empty flush and hands the destination arrays it may keep', async () => {
    const kept: Uint8Array[] = [];
    const batched = new BatchedWrites(async (b) => { kept.push(b); }, 8);
    await batched.flush();
    await batched.add(new Uint8Array([1, 2]));
    await batched.flush();
    await batched.add(new Uint8Array([3, 4]));
    await batched.flush();
    expect(kept.map((k) => [...k])).toEqual([[1, 2], [3, 4]]);
  });
});
