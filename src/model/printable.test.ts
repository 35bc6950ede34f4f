import { describe, expect, it } from 'vitest';
import { printable } from './printable.ts';

describe('printable', () => {
  it('escapes terminal escape sequences, C0/C1 controls, DEL and bidi overrides', () => {
    expect(printable('\u001b]0;pwned\u0007run.gpx')).toBe('\\u001b]0;pwned\\u0007run.gpx');
    expect(printable('\u001b[2J\u009b31m\u007f')).toBe('\\u001b[2J\\u009b31m\\u007f');
    expect(printable('a\nOK 3 files\r\tb')).toBe('a\\nOK 3 files\\r\\tb');
    expect(printable('evil\u202egpx.exe')).toBe('evil\\u202egpx.exe');
  });

  it('leaves ordinary text, accents and other scripts alone', () => {
    for (const text of ['activities/gpx/2025-03-01_0712_morning-run.gpx', 'Zürich – 5 km', '東京マラソン', 'C:\\x.gpx']) {
      expect(printable(text)).toBe(text);
    }
  });

  it('keeps JSON valid: an escaped DEL inside a JSON string parses back to DEL', () => {
    const json = JSON.stringify({ name: 'a\u007fb\u001b' });
    expect(JSON.parse(printable(json))).toEqual({ name: 'a\u007fb\u001b' });
  });
});
