import { describe, expect, it } from 'vitest';
import { parseJsonl, splitLines, writeJsonl } from '../model/jsonl.ts';
import { createDemoDataset, DEMO_SMALL_OPTIONS, DemoRecordSource } from './index.ts';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('demo data in the JSON-lines interchange form', () => {
  it('round-trips a whole demo dataset value for value through writeJsonl, splitLines and parseJsonl', async () => {
    const dataset = createDemoDataset({ ...DEMO_SMALL_OPTIONS, activityCount: 8, samplesPerActivity: 3_000, genericCount: 20, days: 10 });
    const source = new DemoRecordSource(dataset);
    const filter = { kinds: ['activity', 'steps', 'weight', 'sleep', 'record'] as const };
    const encoder = new TextEncoder();
    // Cut the text into odd-sized byte pieces so lines and UTF-8 sequences straddle chunk boundaries.
    async function* bytes(): AsyncGenerator<Uint8Array> {
      for await (const text of writeJsonl(source, { kinds: [...filter.kinds] })) {
        const encoded = encoder.encode(text);
        for (let i = 0; i < encoded.length; i += 4093) yield encoded.subarray(i, i + 4093);
      }
    }
    const items = await collect(parseJsonl(splitLines(bytes())));
    expect(items.filter((i) => i.type === 'error')).toEqual([]);
    const records = items.flatMap((i) => (i.type === 'record' ? [i.record] : []));
    const expected = filter.kinds.flatMap((kind) => dataset.records(kind));
    expect(records).toEqual(expected);
    const chunks = items.flatMap((i) => (i.type === 'track' ? [i.chunk] : []));
    const originals = dataset.activities().flatMap((a) => [...dataset.trackSync(a)]);
    expect(chunks).toHaveLength(originals.length);
    chunks.forEach((c, i) => expect(c).toEqual(originals[i]));
  });

});
