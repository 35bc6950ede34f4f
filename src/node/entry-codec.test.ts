import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createCodecPool } from '../engine/codec-pool.ts';
import { spawnCodecThread } from './entry-codec.ts';

const text = (i: number): Uint8Array => new TextEncoder().encode(`<Trackpoint n="${i}"><HeartRateBpm>${120 + i}</HeartRateBpm></Trackpoint>\n`.repeat(5_000));

describe('the codec pool over Node codec threads', () => {
  it('encodes many entries at once on two threads, each to its own content and hash', async () => {
    let spawned = 0;
    const pool = createCodecPool(2, () => true, () => { spawned++; return spawnCodecThread(); });
    const contents = Array.from({ length: 8 }, (_, i) => text(i));
    const expected = contents.map((c) => createHash('sha256').update(c).digest('hex'));
    const results = await Promise.all(contents.map((c) => pool.encode([c.slice(0, 100), c.slice(100)], 6)));
    results.forEach((result, i) => {
      expect(result.sha256Hex).toBe(expected[i]);
      expect(Buffer.compare(inflateRawSync(Buffer.concat(result.chunks)), Buffer.from(contents[i]!))).toBe(0);
    });
    expect(spawned).toBe(2);
  });

  it('fails the entries of a thread that dies with its reason, and starts a fresh thread for the next ones', async () => {
    const crashing = (): Worker => new Worker("require('node:worker_threads').parentPort.on('message', () => { throw new Error('out of memory'); });", { eval: true });
    let spawned = 0;
    const pool = createCodecPool(1, () => true, () => (spawned++ === 0 ? spawnCodecThread(crashing()) : spawnCodecThread()));
    await expect(pool.encode([text(1)], 6)).rejects.toThrow('a codec thread stopped: out of memory');
    const next = await pool.encode([text(2)], 6);
    expect(next.sha256Hex).toBe(createHash('sha256').update(text(2)).digest('hex'));
    expect(spawned).toBe(2);
  });
});
