// "Original files": the device files a person imported, passed through byte for byte. A regenerated file
// can never be richer than the original, so exporters for other platforms should offer it.

import type { FormatEncoder } from '../types.ts';
import { slugify } from '../paths.ts';

export const originalFormat: FormatEncoder = {
  id: 'original',
  kinds: ['activity'],
  // Device files are mostly FIT (barely compresses); GPX/TCX originals lose little by being stored.
  isCompressible: false,
  size: { bytesPerFile: 2_000, bytesPerRecord: 0, bytesPerSample: 30 },
  lostChannels: () => [],
  lostFeatures: [],
  async *entries(context) {
    const { source } = context;
    for await (const batch of source.records('activity', context.filter)) {
      for (const activity of batch) {
        context.signal?.throwIfAborted();
        const original = await source.original?.(activity);
        if (!original) continue;
        const dot = original.name.lastIndexOf('.');
        const stem = dot > 0 ? original.name.slice(0, dot) : original.name;
        const extension = dot > 0 ? original.name.slice(dot + 1).toLowerCase().replace(/[^a-z0-9.]/g, '') : 'bin';
        yield {
          path: `originals/${slugify(stem, 80)}.${extension || 'bin'}`,
          modifiedMs: activity.startTimeMs,
          recordCounts: { activity: 1 },
          content: once(original.bytes),
        };
      }
    }
  },
};

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
