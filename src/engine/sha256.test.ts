import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { installNodeSha256 } from '../node/sha256.ts';
import { createSha256, createWasmSha256, setSha256Factory, sha256Hex } from './sha256.ts';

const bytes = new TextEncoder().encode('Takeaway ✓ '.repeat(5000));
const expected = createHash('sha256').update(bytes).digest('hex');

describe('sha256', () => {
  // Restore the default for other tests in this worker.
  afterEach(() => setSha256Factory(createWasmSha256));

  it('gives the same digest with hash-wasm, fed in pieces, as sha256 of the whole', async () => {
    const hash = await createSha256();
    for (let i = 0; i < bytes.length; i += 777) hash.update(bytes.subarray(i, i + 777));
    expect(hash.digestHex()).toBe(expected);
  });

  it('gives the same digest once node:crypto is installed', async () => {
    installNodeSha256();
    expect(await sha256Hex(bytes)).toBe(expected);
  });

  it('reuses finished hash-wasm hashers without mixing hashes that run side by side', async () => {
    const digestOf = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    const other = bytes.subarray(0, 1000);
    for (let round = 0; round < 3; round++) {
      const [a, b] = [await createWasmSha256(), await createWasmSha256()];
      a.update(bytes.subarray(0, 500));
      b.update(other);
      a.update(bytes.subarray(500));
      expect([a.digestHex(), b.digestHex()]).toEqual([expected, digestOf(other)]);
      expect(() => a.update(other)).toThrow('after its digest');
    }
  });
});
