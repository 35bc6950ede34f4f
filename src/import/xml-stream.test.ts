import { describe, expect, it } from 'vitest';
import { importFiles, type ImportItem } from './index.ts';
import { streamBytes } from './bytes.ts';
import { importGpx } from './gpx.ts';
import { MAX_XML_DEPTH, parseXmlStream } from './xml-stream.ts';
import { collectItems } from '../../tests/helpers/import-items.ts';

const NOW_MS = Date.UTC(2026, 0, 1);
const encoder = new TextEncoder();
const GPX_HEAD = '<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">';
const point = (i: number) => `<trkpt lat="47.1" lon="8.1"><ele>400</ele><time>${new Date(Date.UTC(2024, 4, 1) + i * 1000).toISOString()}</time></trkpt>`;

const collect = collectItems<ImportItem>;

describe('XML nesting depth', () => {
  it('refuses a document nested past the limit after reading only its start, however deep it would go', async () => {
    let chunksPulled = 0;
    let elementsSeen = 0;
    // A million levels (6 MB) in 6 KB chunks: refusal must come within the first few chunks, so the work is bounded.
    async function* deep(): AsyncIterable<Uint8Array> {
      yield encoder.encode(GPX_HEAD + '<trk>');
      for (let i = 0; i < 1000; i++) {
        chunksPulled++;
        yield encoder.encode('<a>'.repeat(1000));
      }
    }
    const handler = { open: () => void elementsSeen++, close: () => {} };
    await expect(parseXmlStream(deep(), handler)).rejects.toThrow(`nested deeper than ${MAX_XML_DEPTH} levels`);
    expect(elementsSeen).toBe(MAX_XML_DEPTH);
    expect(chunksPulled).toBeLessThanOrEqual(2);
  });

  it('names the file and the limit when importing a deeply nested GPX, and still imports the next file', async () => {
    const deep = `${GPX_HEAD}<trk>${'<x>'.repeat(20_000)}${'</x>'.repeat(20_000)}</trk></gpx>`;
    const fine = `${GPX_HEAD}<trk><trkseg>${point(0)}${point(1)}</trkseg></trk></gpx>`;
    const items = await collect(importFiles([{ name: 'deep.gpx', bytes: encoder.encode(deep) }, { name: 'fine.gpx', bytes: encoder.encode(fine) }], { nowMs: NOW_MS }));
    expect(items.map((i) => i.type)).toEqual(['error', 'activity']);
    expect(items[0]).toMatchObject({ file: 'deep.gpx', message: expect.stringMatching(/^deep\.gpx: line 1: elements nested deeper than 100 levels/) });
  });

  it('still parses a document nested exactly to the limit, and a large flat one', async () => {
    let deepest = 0;
    const nested = `<r>${'<a>'.repeat(MAX_XML_DEPTH - 1)}${'</a>'.repeat(MAX_XML_DEPTH - 1)}</r>`;
    await parseXmlStream(streamBytes(encoder.encode(nested)), { open: (_tag, depth) => void (deepest = Math.max(deepest, depth)), close: () => {} });
    expect(deepest).toBe(MAX_XML_DEPTH - 1);
    const points = Array.from({ length: 50_000 }, (_, i) => point(i)).join('');
    const [flat] = await importGpx(streamBytes(encoder.encode(`${GPX_HEAD}<trk><trkseg>${points}</trkseg></trk></gpx>`)), { fileName: 'f.gpx', nowMs: NOW_MS });
    expect(flat.activity.sampleCount).toBe(50_000);
  });
});

describe('XML encodings', () => {
  const body = (declaration: string) => `<?xml version="1.0"${declaration}?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">`
    + `<trk><name>Zürich–Café</name><trkseg>${point(0)}${point(1)}</trkseg></trk></gpx>`;

  function utf16(text: string, littleEndian: boolean, bom: boolean): Uint8Array {
    const bytes = new Uint8Array((text.length + (bom ? 1 : 0)) * 2);
    const view = new DataView(bytes.buffer);
    let offset = 0;
    if (bom) { view.setUint16(0, 0xfeff, littleEndian); offset = 2; }
    for (let i = 0; i < text.length; i++) view.setUint16(offset + i * 2, text.charCodeAt(i), littleEndian);
    return bytes;
  }

  it('decodes UTF-16 (both byte orders, with or without a BOM) and ISO-8859-1 by the declaration', async () => {
    const latin1Text = body(' encoding="ISO-8859-1"').replace('–', '-');
    const latin1 = Uint8Array.from(latin1Text, (c) => c.charCodeAt(0));
    const files = [
      { name: 'le.gpx', bytes: utf16(body(' encoding="UTF-16"'), true, true) },
      { name: 'be.gpx', bytes: utf16(body(' encoding="UTF-16"'), false, true) },
      { name: 'le-nobom.gpx', bytes: utf16(body(''), true, false) },
      { name: 'latin1.gpx', bytes: latin1 },
    ];
    const items = await collect(importFiles(files, { nowMs: NOW_MS }));
    expect(items.map((i) => (i.type === 'activity' ? i.activity.name : i.type))).toEqual(['Zürich–Café', 'Zürich–Café', 'Zürich–Café', 'Zürich-Café']);
  });

  it('refuses an encoding it cannot decode, and bytes invalid in the declared one, in words', async () => {
    const items = await collect(importFiles([
      { name: 'klingon.gpx', bytes: encoder.encode(body(' encoding="x-klingon"')) },
      { name: 'bad-utf8.gpx', bytes: Uint8Array.from([...encoder.encode(GPX_HEAD), 0xff, 0xfe, 0x3c]) },
      { name: 'bad-utf8-line-3.gpx', bytes: Uint8Array.from([...encoder.encode(`${GPX_HEAD}\n<trk>\n<name>`), 0xc3, 0x28, ...encoder.encode('</name></trk></gpx>')]) },
    ], { nowMs: NOW_MS }));
    expect(items).toMatchObject([
      { type: 'error', message: 'klingon.gpx: line 1: XML declares an encoding this app cannot read: "x-klingon"' },
      { type: 'error', message: expect.stringMatching(/^bad-utf8\.gpx: line 1: not valid utf-8 text$/) },
      { type: 'error', message: 'bad-utf8-line-3.gpx: line 3: not valid utf-8 text' },
    ]);
  });
});
