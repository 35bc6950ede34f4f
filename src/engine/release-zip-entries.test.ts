import { BlobReader, BlobWriter, TextReader, ZipReader, ZipWriter } from '@zip.js/zip.js';
import { describe, expect, it } from 'vitest';
import { releaseFinishedEntry } from './release-zip-entries.ts';

const recordsOf = (zip: ZipWriter<unknown>): Map<string, object> => (zip as unknown as { fileEntries: Map<string, object> }).fileEntries;
const watchersOf = (zip: ZipWriter<unknown>): unknown[] => (zip as unknown as { pendingErrors: unknown[] }).pendingErrors;

describe('releaseFinishedEntry', () => {
  it('drops what zip.js holds for awaited entries and the archive is unchanged', async () => {
    const build = async (release: boolean): Promise<Uint8Array<ArrayBuffer>> => {
      const zip = new ZipWriter(new BlobWriter(), { lastModDate: new Date(Date.UTC(2026, 0, 1)) });
      for (const name of ['a.txt', 'b/c.txt', 'd.txt']) {
        await zip.add(name, new TextReader(`${name} `.repeat(100)), { level: name === 'd.txt' ? 0 : 6 });
        if (release) releaseFinishedEntry(zip, name);
      }
      // Both fail if zip.js renames what it keeps.
      expect(watchersOf(zip)).toHaveLength(release ? 0 : 3);
      expect(Object.keys(recordsOf(zip).get('b/c.txt')!).length).toBe(release ? 22 : 58);
      return new Uint8Array(await (await zip.close()).arrayBuffer());
    };
    const released = await build(true);
    expect(released).toEqual(await build(false));
    const entries = await new ZipReader(new BlobReader(new Blob([released]))).getEntries();
    expect(entries.map((e) => e.filename)).toEqual(['a.txt', 'b/c.txt', 'd.txt']);
  });

  it('keeps the watcher of an add nobody awaited, so close still reports its failure', async () => {
    const zip = new ZipWriter(new BlobWriter());
    await zip.add('a.txt', new TextReader('a'));
    const failing = new ReadableStream({ pull(controller) { controller.error(new Error('source broke')); } });
    void zip.add('b.txt', failing); // not awaited: its outcome is unobserved
    releaseFinishedEntry(zip, 'a.txt');
    expect(watchersOf(zip)).toHaveLength(1);
    await expect(zip.close()).rejects.toThrow('source broke');
  });
});
