import { Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';
import { randomBytes } from 'node:crypto';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { InflateLimits } from './bytes.ts';
import { importFiles, type ImportItem, type RandomAccessSource } from './index.ts';
import { collectItems } from '../../tests/helpers/import-items.ts';

const NOW_MS = Date.UTC(2026, 0, 1);
const encoder = new TextEncoder();
const SMALL: InflateLimits = { memberBytes: 1_000_000, totalBytes: 2_500_000 };

/** A valid one-track GPX, padded with a comment to about `size` bytes. */
function gpx(second: number, size = 0): Uint8Array {
  const time = new Date(Date.UTC(2024, 4, 1, 6, 0, second)).toISOString();
  const body = `<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>`
    + `<trkpt lat="47.1" lon="8.1"><time>${time}</time></trkpt></trkseg></trk></gpx>`;
  return encoder.encode(size > body.length ? `${body}<!--${' '.repeat(size - body.length - 7)}-->` : body);
}

async function zip(members: [string, Uint8Array][]): Promise<Uint8Array> {
  const writer = new ZipWriter(new Uint8ArrayWriter());
  for (const [name, bytes] of members) await writer.add(name, new Uint8ArrayReader(bytes));
  return writer.close();
}

/**
 * A deflated zip written by hand (APPNOTE 4.3), so a member can declare a size it does not have or share another's
 * name — what zip.js's writer never produces.
 */
function handZip(members: { name: string; data: Uint8Array; declaredSize?: number }[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data, declaredSize } of members) {
    const nameBytes = Buffer.from(name, 'utf8');
    const deflated = deflateRawSync(data, { level: 9 });
    const fields = (header: Buffer, at: number) => {
      header.writeUInt16LE(20, at); header.writeUInt16LE(0x0800, at + 2); header.writeUInt16LE(8, at + 4);
      header.writeUInt32LE(0, at + 6); header.writeUInt32LE(crc32(data), at + 10);
      header.writeUInt32LE(deflated.length, at + 14); header.writeUInt32LE(declaredSize ?? data.length, at + 18);
      header.writeUInt16LE(nameBytes.length, at + 22);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    fields(local, 4);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    fields(central, 6);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, deflated);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + deflated.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8); end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directory.length, 12); end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

const importAll = (name: string, bytes: Uint8Array, inflateLimits?: InflateLimits): Promise<ImportItem[]> =>
  collectItems(importFiles([{ name, bytes }], { nowMs: NOW_MS, inflateLimits }));

const summary = (items: ImportItem[]) => items.map((i) => (i.type === 'error' ? i.message : `${i.type} ${i.file}`));

describe('zip members with unsafe names', () => {
  it('skips ../x.gpx, /abs.gpx, ..\\x.gpx and C:\\x.gpx one by one, naming each, and imports the others', async () => {
    const bytes = await zip([['ok.gpx', gpx(1)], ['../x.gpx', gpx(2)], ['/abs.gpx', gpx(3)], ['..\\x.gpx', gpx(4)], ['C:\\x.gpx', gpx(5)], ['dir/ok2.gpx', gpx(6)]]);
    expect(summary(await importAll('a.zip', bytes))).toEqual([
      'activity a.zip/ok.gpx',
      'a.zip/../x.gpx: skipped: its name climbs out of the archive with ".."',
      'a.zip//abs.gpx: skipped: its name is an absolute path',
      'a.zip/..\\x.gpx: skipped: its name climbs out of the archive with ".."',
      'a.zip/C:\\x.gpx: skipped: its name starts with a drive letter',
      'activity a.zip/dir/ok2.gpx',
    ]);
  });

  it('reads the first of two members with one name and names the second as skipped', async () => {
    const items = await importAll('d.zip', handZip([{ name: 'same.gpx', data: gpx(1) }, { name: 'same.gpx', data: gpx(2) }]));
    expect(summary(items)).toEqual(['activity d.zip/same.gpx', 'd.zip/same.gpx: skipped: another member of the archive has the same name']);
  });
});

describe('zip and gzip bombs', () => {
  it('refuses a member that inflates past the per-file limit by name, in words, and imports the others', async () => {
    const bytes = await zip([['a.gpx', gpx(1)], ['bomb.gpx', gpx(2, 3_000_000)], ['b.gpx', gpx(3)]]);
    expect(summary(await importAll('z.zip', bytes, SMALL))).toEqual([
      'activity z.zip/a.gpx',
      'z.zip/bomb.gpx: skipped: inflates past the limit of 1.0 MB per file',
      'activity z.zip/b.gpx',
    ]);
  });

  it('stops a member whose header declares a smaller size than it inflates to, saying so', async () => {
    const bytes = handZip([{ name: 'liar.gpx', data: gpx(1, 3_000_000), declaredSize: 100 }, { name: 'ok.gpx', data: gpx(2) }]);
    expect(summary(await importAll('l.zip', bytes, SMALL))).toEqual(['l.zip/liar.gpx: skipped: inflates past the 100 bytes its header declares', 'activity l.zip/ok.gpx']);
  });

  it('refuses the members past the total limit of one import, zips inside zips included', async () => {
    const inner = await zip([['c.gpx', gpx(3, 900_000)], ['d.gpx', gpx(4, 900_000)]]);
    const bytes = await zip([['a.gpx', gpx(1, 900_000)], ['inner.zip', inner], ['e.gpx', gpx(5)]]);
    expect(summary(await importAll('t.zip', bytes, SMALL))).toEqual([
      'activity t.zip/a.gpx',
      'activity t.zip/inner.zip/c.gpx',
      't.zip/inner.zip/d.gpx: skipped: inflates past the limit of 2.5 MB for all files of one import',
      'activity t.zip/e.gpx', // small enough for what is left
    ]);
  });

  it('refuses a .gpx.gz that inflates past the per-file limit, in words', async () => {
    const items = await importAll('ride.gpx.gz', new Uint8Array(gzipSync(gpx(1, 3_000_000))), SMALL);
    expect(summary(items)).toEqual(['ride.gpx.gz: inflates past the limit of 1.0 MB per file']);
  });

  it('refuses a 300 MB member of a 1 MB zip at the default limit of 250 MB, and imports the next one', async () => {
    // A stream of zeros, deflated as it goes: the test never holds the 300 MB either.
    const zeros = new Uint8Array(1 << 20);
    const writer = new ZipWriter(new Uint8ArrayWriter(), { level: 1 });
    let sent = 0;
    await writer.add('bomb.fit', new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 300) controller.enqueue(zeros);
        else controller.close();
      },
    }));
    await writer.add('after.gpx', new Uint8ArrayReader(gpx(1)));
    const bytes = await writer.close();
    expect(bytes.length).toBeLessThan(2_000_000);
    expect(summary(await importAll('bomb.zip', bytes))).toEqual(['bomb.zip/bomb.fit: skipped: inflates past the limit of 250 MB per file', 'activity bomb.zip/after.gpx']);
  }, 60_000);
});

describe('deflate ratios only bombs have', () => {
  it('refuses by name, before inflating, a member whose declared size is 1,000 times its compressed size, and imports the next', async () => {
    const spaces = encoder.encode(' '.repeat(40_000_000));
    const bytes = handZip([{ name: 'spaces.gpx', data: spaces }, { name: 'ok.gpx', data: gpx(1) }]);
    const [refused, imported] = summary(await importAll('r.zip', bytes));
    expect(refused).toMatch(/^r\.zip\/spaces\.gpx: skipped: inflates \d+ times its compressed size, past the 200 to 1 that real files stay under \(a zip bomb\)$/);
    expect(imported).toBe('activity r.zip/ok.gpx');
  });
});

describe('a zip read at offsets', () => {
  it('imports every member reading only ranges of the file, never the whole of it at once, and tells its progress up to the size', async () => {
    // Hex noise in a comment compresses only to half, so the archive is larger than one 1 MiB read.
    const noisy = (second: number) => {
      const text = new TextDecoder().decode(gpx(second));
      return encoder.encode(text.replace('</gpx>', `</gpx><!--${randomBytes(700_000).toString('hex')}-->`));
    };
    const bytes = await zip([['a.gpx', noisy(1)], ['b.gpx', noisy(2)], ['c/d.gpx', gpx(3)]]);
    let largestRead = 0;
    const progress: number[] = [];
    const source: RandomAccessSource = {
      size: bytes.length,
      async read(offset, length) {
        largestRead = Math.max(largestRead, length);
        return bytes.slice(offset, offset + length);
      },
    };
    const streamOnly = () => { throw new Error('the stream is not read when the file can be read at offsets'); };
    const items: ImportItem[] = [];
    const files = [{ name: 'big.zip', bytes: streamOnly, randomAccess: async () => source }];
    for await (const item of importFiles(files, { nowMs: NOW_MS, onProgress: (p) => progress.push(p.bytesRead / p.totalBytes) })) items.push(item);
    expect(summary(items)).toEqual(['activity big.zip/a.gpx', 'activity big.zip/b.gpx', 'activity big.zip/c/d.gpx']);
    expect(largestRead).toBeLessThan(bytes.length);
    expect(progress.at(-1)).toBeGreaterThan(0.9);
  });
});

describe('a zip stored inside a zip', () => {
  it('is read at offsets within the outer one, never held whole, so it may be larger than a file held whole may be', async () => {
    const noisy = (second: number) => encoder.encode(new TextDecoder().decode(gpx(second)).replace('</gpx>', `</gpx><!--${randomBytes(400_000).toString('hex')}-->`));
    const inner = await zip([['a.gpx', noisy(1)], ['b.gpx', noisy(2)], ['c.gpx', noisy(3)]]);
    const limits: InflateLimits = { memberBytes: 1_100_000, totalBytes: 10_000_000 };
    expect(inner.length).toBeGreaterThan(limits.memberBytes);
    const outer = async (level: number) => {
      const writer = new ZipWriter(new Uint8ArrayWriter(), { level });
      await writer.add('UploadedFiles_Part1.zip', new Uint8ArrayReader(inner));
      return writer.close();
    };
    expect(summary(await importAll('stored.zip', await outer(0), limits))).toEqual([
      'activity stored.zip/UploadedFiles_Part1.zip/a.gpx', 'activity stored.zip/UploadedFiles_Part1.zip/b.gpx', 'activity stored.zip/UploadedFiles_Part1.zip/c.gpx',
    ]);
    // Deflated, it would have to be inflated whole first, and is refused past the limit as before.
    expect(summary(await importAll('deflated.zip', await outer(6), limits))).toEqual(['deflated.zip/UploadedFiles_Part1.zip: skipped: inflates past the limit of 1.1 MB per file']);
  });
});
