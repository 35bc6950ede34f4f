import { describe, expect, it } from 'vitest';
import { scanFlatXml, scanTagsContaining } from './flat-xml-scanner.ts';

/** The text cut into pieces of `size` bytes, so every tag, entity and multi-byte character can fall on a boundary. */
async function* pieces(text: string, size: number): AsyncIterable<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function events(text: string, size = 3): Promise<string[]> {
  const seen: string[] = [];
  await scanFlatXml(pieces(text, size), {
    open: (tag, depth) => seen.push(`${depth}<${tag.name} ${tag.attr('v') ?? '-'}`),
    close: (name, depth) => seen.push(`${depth}</${name}`),
  });
  return seen;
}

const DOC = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE H [\n<!ELEMENT H (R*)>\n<!ATTLIST R v CDATA #REQUIRED>\n]>\n'
  + '<H><!-- a <comment> --><R v="a &lt;b&gt; &amp; &#233;"/>\n<R dev="x > y" v=\'é 2\'><M v="in"/></R><![CDATA[<R v="no"/>]]></H>\n';

describe('scanFlatXml', () => {
  it('gives start and end tags with decoded attributes, past a DOCTYPE, comments, CDATA and ">" inside quotes, on any chunk boundary', async () => {
    const expected = ['0<H -', '1<R a <b> & é', '1</R', '1<R é 2', '2<M in', '2</M', '1</R', '0</H'];
    for (const size of [1, 2, 3, 7, 64, 4096]) expect(await events(DOC, size)).toEqual(expected);
  });

  it('matches whole attribute names only', async () => {
    expect(await events('<H><R xv="no" v="yes"/></H>')).toEqual(['0<H -', '1<R yes', '1</R', '0</H']);
  });

  it('refuses tags closed out of order and a document cut short, saying where', async () => {
    await expect(events('<H><R></H>')).rejects.toThrow(/malformed XML near character 6: <\/H> closes <R>/);
    await expect(events('<H><R v="1"/>')).rejects.toThrow(/the file ends inside <H> \(cut short\?\)/);
    await expect(events('<H><R v="1')).rejects.toThrow(/the file ends inside a tag/);
  });
});

describe('scanTagsContaining', () => {
  it('finds every tag holding the marker, whatever chunk boundary cuts the tag or the marker, and only those', async () => {
    const text = '<H>\n<R t="A" v="1"/>\n<R t="B" v="2"/>\n<R t="A" v="3"><M t="A" v="in"/></R>\n<W t="B"/></H>';
    for (const size of [1, 2, 5, 17, 4096]) {
      const seen: string[] = [];
      await scanTagsContaining(pieces(text, size), 't="A"', (tag) => seen.push(`${tag.name}${tag.attr('v')}`));
      expect(seen).toEqual(['R1', 'R3', 'Min']);
    }
  });
});
