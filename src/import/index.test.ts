import { Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';
import { describe, expect, it } from 'vitest';
import { readCorpus } from './corpus.test-helper.ts';
import { dedupeActivities, importFiles, type ImportFile, type ImportItem } from './index.ts';
import { collectItems } from '../../tests/helpers/import-items.ts';

const NOW_MS = Date.UTC(2026, 0, 1);
const encoder = new TextEncoder();

const collect = (files: ImportFile[]): Promise<ImportItem[]> => collectItems(importFiles(files, { nowMs: NOW_MS }));

function summary(items: ImportItem[]): string[] {
  return items.map((item) => (item.type === 'error' ? `error ${item.message}` : item.type === 'activity' ? `activity ${item.file} ${item.activity.id}` : `record ${item.file} ${item.record.id}`));
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function zip(entries: [string, Uint8Array][], level = 6): Promise<Uint8Array> {
  const writer = new ZipWriter(new Uint8ArrayWriter(), { useWebWorkers: false, level });
  for (const [name, bytes] of entries) await writer.add(name, new Uint8ArrayReader(bytes));
  return writer.close();
}

/** 5 MB of deterministic pseudo-random bytes (xorshift), so a failure is reproducible. */
function garbage(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let state = 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

describe('importFiles', () => {
  it('gives a per-file error for each broken file while the good files of the batch import', async () => {
    const gpx = readCorpus('gpx', 'ecc.gpx');
    const items = await collect([
      { name: 'truncated.fit', bytes: readCorpus('fit', 'edge500-ride.fit').slice(0, 100_000) },
      { name: 'good.gpx', bytes: gpx },
      { name: 'unclosed.gpx', bytes: gpx.slice(0, gpx.length - 20) },
      { name: 'empty.tcx', bytes: new Uint8Array(0) },
      { name: 'garbage.fit', bytes: garbage(5_000_000) },
      { name: 'garbage.gpx', bytes: garbage(5_000_000) },
      { name: 'good.fit', bytes: readCorpus('fit', 'fenix5-run.fit') },
      { name: 'notes.docx', bytes: encoder.encode('hello') },
    ]);
    expect(summary(items)).toEqual([
      expect.stringMatching(/^error truncated\.fit: FIT file is truncated: the header announces 3\d+ bytes but only 100000 are present$/),
      'activity good.gpx gpx-1629967175-generic',
      expect.stringMatching(/^error unclosed\.gpx: malformed XML: .*unclosed tag/),
      'error empty.tcx: file is empty (0 bytes)',
      expect.stringMatching(/^error garbage\.fit: not a FIT file: no valid header with the "\.FIT" signature \(starts [0-9a-f ]+\)$/),
      expect.stringMatching(/^error garbage\.gpx: not an XML file/),
      'activity good.fit fit-1497191649-running',
      expect.stringMatching(/^error notes\.docx: unsupported file type/),
    ]);
  });

  it('rejects a huge garbage stream after reading only its first chunk', async () => {
    let pulled = 0;
    async function* endlessGarbage() {
      const chunk = garbage(1024 * 1024);
      for (let i = 0; i < 200; i++) {
        pulled++;
        yield chunk;
      }
    }
    const items = await collect([{ name: 'huge.tcx', bytes: endlessGarbage }]);
    expect(items).toEqual([{ type: 'error', file: 'huge.tcx', message: expect.stringContaining('not an XML file') }]);
    expect(pulled).toBe(1);
  });

  it('keeps the original bytes of device files and validates what it produced', async () => {
    const bytes = readCorpus('tcx', 'kona2013.tcx');
    const [item] = await collect([{ name: 'kona.tcx', bytes }]);
    expect(item.type).toBe('activity');
    if (item.type === 'activity') {
      expect(item.original?.name).toBe('kona.tcx');
      expect(item.original?.bytes).toEqual(bytes);
    }
  });

  it('decompresses .fit.gz files', async () => {
    const items = await collect([{ name: 'run.fit.gz', bytes: await gzip(readCorpus('fit', 'fenix5-run.fit')) }]);
    expect(summary(items)).toEqual(['activity run.fit.gz fit-1497191649-running']);
  });

  it('imports the good members of a zip and names the member that fails its CRC', async () => {
    const gpx = readCorpus('gpx', 'ecc.gpx');
    const archive = await zip([['a/ecc.gpx', gpx], ['a/broken.gpx', gpx], ['a/run.fit', readCorpus('fit', 'fenix5-run.fit')]], 0);
    // Stored (level 0), so the second copy of the GPX text sits verbatim in the archive: flip one byte of it.
    const marker = encoder.encode('<trkpt');
    const first = indexOf(archive, marker, 0);
    const second = indexOf(archive, marker, first + gpx.length);
    archive[second + 1] ^= 0x20;
    const items = await collect([{ name: 'export.zip', bytes: archive }]);
    expect(summary(items)).toEqual([
      'activity export.zip/a/ecc.gpx gpx-1629967175-generic',
      expect.stringMatching(/^error export\.zip\/a\/broken\.gpx: cannot extract: its checksum does not match \(the member is damaged\)$/),
      'activity export.zip/a/run.fit fit-1497191649-running',
    ]);
  });

  it('names activities from a Strava bulk export\'s activities.csv', async () => {
    const csv = 'Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Filename\n'
      + '111,"Jun 11, 2017",Lunch shakeout,Run,"Easy, with strides",activities/111.fit.gz\n'
      + '222,"Aug 26, 2021",Ellen Cove climb,Hike,,activities/222.gpx\n'
      + '333,"Oct 12, 2013",Kona,Ride,,activities/333.tcx\n';
    const archive = await zip([
      ['export_123/activities.csv', encoder.encode(csv)],
      ['export_123/activities/111.fit.gz', await gzip(readCorpus('fit', 'fenix5-run.fit'))],
      ['export_123/activities/222.gpx', readCorpus('gpx', 'ecc.gpx')],
      ['export_123/activities/333.tcx', readCorpus('tcx', 'kona2013.tcx')],
    ]);
    const items = await collect([{ name: 'strava.zip', bytes: archive }]);
    const activities = items.flatMap((item) => (item.type === 'activity' ? [item.activity] : []));
    expect(items.filter((item) => item.type === 'error')).toEqual([]);
    expect(activities.map((a) => [a.name, a.source])).toEqual([
      ['Lunch shakeout', 'import:strava'], ['Ellen Cove climb', 'import:strava'], ['Kona', 'import:strava'],
    ]);
    expect(activities[0].notes).toBe('Easy, with strides');
  });

  it('imports our own health CSV export as records', async () => {
    const items = await collect([
      { name: 'health/steps.csv', bytes: encoder.encode('date,step_count\r\n2025-01-03,1004\r\n2025-01-04,oops\r\n') },
    ]);
    expect(summary(items)).toEqual(['record health/steps.csv steps-2025-01-03', 'error health/steps.csv: line 3: step_count "oops" is not a number']);
  });

  it('gives the same ids on a re-import, and dedupe skips the copies with a count', async () => {
    const files = [
      { name: 'a.fit', bytes: readCorpus('fit', 'fr920xt-triathlon.fit') },
      { name: 'b.fit', bytes: readCorpus('fit', 'fr920xt-triathlon.fit') },
      { name: 'c.fit', bytes: readCorpus('fit', 'fenix5-run.fit') },
    ];
    const items = (await collect(files)).flatMap((item) => (item.type === 'activity' ? [item] : []));
    expect(items.slice(0, 5).map((i) => i.activity.id)).toEqual(items.slice(5, 10).map((i) => i.activity.id));
    const { kept, skippedCount } = dedupeActivities(items);
    expect(skippedCount).toBe(5);
    expect(kept.map((i) => i.file)).toEqual(['a.fit', 'a.fit', 'a.fit', 'a.fit', 'a.fit', 'c.fit']);
    const again = dedupeActivities(items.slice(10), kept.map((i) => i.activity));
    expect(again).toEqual({ kept: [], skippedCount: 1 });
  });

  it('keeps the same run once when it comes as FIT, TCX and GPX (the corpus has two such runs)', async () => {
    const items = (await collect([
      { name: 'r.fit', bytes: readCorpus('fit', 'run-6782987395.fit') },
      { name: 'r.tcx', bytes: readCorpus('tcx', 'run-6782987395.tcx') },
      { name: 'r.gpx', bytes: readCorpus('gpx', 'run-6782987395.gpx') },
      { name: 'v.gpx', bytes: readCorpus('gpx', 'run-2067489619.gpx') },
      { name: 'v.fit', bytes: readCorpus('fit', 'vivoactivehr-run-2067489619.fit') },
    ])).flatMap((item) => (item.type === 'activity' ? [item] : []));
    expect(items).toHaveLength(5);
    const { kept, skippedCount } = dedupeActivities(items);
    expect({ files: kept.map((i) => i.file), skippedCount }).toEqual({ files: ['r.fit', 'v.gpx'], skippedCount: 3 });
  });
});

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('marker not found');
}
