import { describe, expect, it } from 'vitest';
import { encodeTcxActivity } from '../tcx/encode.ts';
import { encodeGpxActivity } from './encode.ts';
import { type FixtureSpec, fixtureActivity, fixtureTrack } from './fixtures/activities.ts';

async function text(pieces: AsyncIterable<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let out = '';
  for await (const piece of pieces) out += decoder.decode(piece, { stream: true });
  return out + decoder.decode();
}

// Heads and tails longer than a 16K piece once went through a path that could drop a full piece.
describe('GPX and TCX with text longer than one output piece', () => {
  const name = `Tour ${'Zürich → 東京 & <back> '.repeat(1200)}`;
  const spec: FixtureSpec = { sampleCount: 300, name, notes: name, lapStarts: [0, 150] };

  it('keeps a GPX head and tail whole, whatever the chunk size', async () => {
    const whole = await text(encodeGpxActivity(fixtureActivity(spec), fixtureTrack(spec, 300)));
    expect(whole.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<gpx ')).toBe(true);
    expect(whole.split('<name>Tour Zürich → 東京 &amp; &lt;back&gt; ').length).toBe(3);
    expect(whole.match(/<trkpt /g)).toHaveLength(300);
    expect(whole.endsWith('</trkseg>\n</trk>\n</gpx>\n')).toBe(true);
    expect(await text(encodeGpxActivity(fixtureActivity(spec), fixtureTrack(spec, 7)))).toBe(whole);
  });

  it('keeps a TCX head and tail whole, whatever the chunk size', async () => {
    const whole = await text(encodeTcxActivity(fixtureActivity(spec), fixtureTrack(spec, 300)));
    expect(whole.match(/<Trackpoint>/g)).toHaveLength(300);
    expect(whole).toContain(`<Notes>Tour Zürich → 東京 &amp; &lt;back&gt; `);
    expect(whole.endsWith('</TrainingCenterDatabase>\n')).toBe(true);
    expect(await text(encodeTcxActivity(fixtureActivity(spec), fixtureTrack(spec, 7)))).toBe(whole);
  });
});
